package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

var listCmd = &cli.Command{
	Name: "list",
	Usage: `Usage: git session list [--json]

List every record in the sessions directory, oldest first, in any format
sessions were written in (front matter with agent: or llm:, "# Session:"
headers with **ID**: lines, -init notes), plus this worktree's active
session and the sessions a commit's closing marker ended that await their
record (status awaiting-record: 'git session end' writes it). A record
that cannot be read is reported by path on stderr and skipped.

Flags:
      --json   print {"sessions": [...], "unreadable": [{"path", "error"}]}
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session list", args, 0, 0); err != nil {
			return err
		}
		m, err := manager(ctx, env)
		if err != nil {
			return err
		}
		recs, bad, err := session.ReadDir(m.Repo.Root, m.Dir)
		if err != nil {
			return explain(err)
		}
		for _, b := range bad {
			warnf(env, "%s: %s; skipped", b.Path, b.Error)
		}
		sums := make([]session.Summary, 0, len(recs)+1)
		seen := map[string]bool{}
		for _, r := range recs {
			sums = append(sums, r.Summary())
			seen[r.ID] = true
		}
		// Sessions a closing marker ended, kept until 'git session end'
		// writes their records, which status shows too.
		ended, err := m.Store.Ended()
		if err != nil {
			warnf(env, "%v", err)
		}
		for _, st := range ended {
			if !seen[st.ID] {
				sums = append(sums, st.Summary())
				seen[st.ID] = true
			}
		}
		if st, err := m.Store.Load(); err != nil {
			warnf(env, "%v", err)
		} else if st != nil && !seen[st.ID] {
			sums = append(sums, st.Summary())
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			return cli.WriteJSON(env.Stdout, map[string]any{"sessions": sums, "unreadable": bad})
		}
		if len(sums) == 0 {
			fmt.Fprintf(env.Stderr, "git-session: no session records in %s\n", cli.Printable(m.Dir))
			return nil
		}
		t := &cli.Table{}
		t.Row("ID", "STATUS", "AGENT", "WORK", "TITLE")
		for _, s := range sums {
			work := "-"
			if s.Classification != nil && s.Classification.WorkType != "" {
				work = s.Classification.WorkType
			}
			agent := s.Agent
			if agent == "" {
				agent = "-"
			}
			// Every field comes from a record file in the repository.
			t.Row(cli.Printable(s.ID), cli.Printable(s.Status), cli.Printable(agent), cli.Printable(work), cli.Printable(s.Title))
		}
		if err := t.Write(env.Stdout); err != nil {
			return err
		}
		for _, s := range sums {
			if s.Status == session.StatusAwaitingRecord {
				fmt.Fprintf(env.Stdout, "session %s, ended by %s, awaits its record: 'git session end' writes it\n", s.ID, gitrepo.Short(s.EndedBy))
			}
		}
		return nil
	},
}
