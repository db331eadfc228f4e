package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

var statusCmd = &cli.Command{
	Name: "status",
	Usage: `Usage: git session status [--json]

Show this worktree's active session: id, title, agent, start tag, time
elapsed, commits since the start and uncommitted files. With no active
session it says so and exits 0. A session that was active in a linked
worktree removed since ('git worktree remove'), or that awaited its
record there, is kept in the common git dir: status warns of it in every
worktree, with how to carry it on here.

Flags:
      --json   print the status as JSON ({"active": false} when none;
               "orphaned" lists the sessions of removed worktrees)
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session status", args, 0, 0); err != nil {
			return err
		}
		m, err := manager(ctx, env)
		if err != nil {
			return err
		}
		s, err := m.Status(ctx)
		if err != nil {
			return explain(err)
		}
		// Sessions a closing marker ended before their record was
		// written: 'end' archives them.
		ended, err := m.Store.Ended()
		if err != nil {
			return explain(err)
		}
		// Sessions whose linked worktree was removed while they were
		// active: said in every worktree until moved here or dropped.
		orphans, err := session.Orphans(m.Repo)
		if err != nil {
			return explain(err)
		}
		for _, o := range orphans {
			warnf(env, "%s", o.Message())
			cli.HintLinef(env.Stderr, "git-session", "%s", o.Hint(m.Store, s != nil))
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			out := map[string]any{"active": false}
			if s != nil {
				out = map[string]any{
					"active": true, "session": s.State, "elapsed_seconds": int64(s.Elapsed.Seconds()),
					"commits": s.Commits, "uncommitted_files": s.Dirty,
				}
			}
			if len(ended) > 0 {
				ids := []string{}
				for _, e := range ended {
					ids = append(ids, e.ID)
				}
				out["awaiting_record"] = ids
			}
			if len(orphans) > 0 {
				out["orphaned"] = orphans
			}
			return cli.WriteJSON(env.Stdout, out)
		}
		awaiting := func() {
			for _, e := range ended {
				fmt.Fprintf(env.Stdout, "session %s, ended by %s, awaits its record: 'git session end' writes it\n", e.ID, gitrepo.Short(e.EndedBy))
			}
		}
		if s == nil {
			fmt.Fprintln(env.Stdout, "no active session in this worktree")
			awaiting()
			return nil
		}
		defer awaiting()
		st := s.State
		branch := st.Branch
		if branch == "" {
			branch = "(detached HEAD)"
		}
		t := &cli.Table{}
		t.Row("session", st.ID)
		t.Row("title", cli.Printable(st.Title))
		t.Row("agent", st.Agent)
		t.Row("started", fmt.Sprintf("%s (%s ago)", st.Created.UTC().Format("2006-01-02 15:04:05 UTC"), session.FormatDuration(s.Elapsed)))
		t.Row("branch", branch)
		t.Row("start tag", cli.Printable(st.StartTag))
		t.Row("commits", fmt.Sprint(s.Commits))
		t.Row("uncommitted", cli.Count(s.Dirty, "tracked file"))
		t.Row("log", cli.Count(len(st.Log), "entry"))
		return t.Write(env.Stdout)
	},
}
