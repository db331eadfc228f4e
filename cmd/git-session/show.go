package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

var showCmd = &cli.Command{
	Name: "show",
	Usage: `Usage: git session show [ID] [--json]

Show a session (the active one when ID is left out): its record, the
commits between its start and end tags (HEAD for an active session), the
files they changed with lines added and deleted, and the classification
computed from those commits. A session opened by a commit marker and never
recorded is shown from its tags. ID is a session's id, the name of one of
its tags (session-<id>-<agent>-start or -end), or the start of one id
(20260304 when no other session's id starts so).

Flags:
      --json   print the session as JSON
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session show", args, 0, 1); err != nil {
			return err
		}
		m, err := manager(ctx, env)
		if err != nil {
			return err
		}
		id := ""
		if len(args) == 1 {
			id = args[0]
		}
		s, err := m.Show(ctx, id)
		if err != nil {
			return explain(err)
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			return cli.WriteJSON(env.Stdout, s)
		}
		w := env.Stdout
		fmt.Fprintf(w, "session %s: %s\n", cli.Printable(s.ID), cli.Printable(s.Title))
		t := &cli.Table{}
		t.Row("status", cli.Printable(s.Status))
		if s.Agent != "" {
			t.Row("agent", cli.Printable(s.Agent))
		}
		if s.Created != "" {
			t.Row("created", cli.Printable(s.Created))
		}
		if s.Ended != "" {
			t.Row("ended", cli.Printable(s.Ended))
		}
		if s.Record != nil {
			t.Row("record", cli.Printable(s.Record.Path+" ("+s.Record.Format+")"))
		}
		if s.StartTag != "" {
			t.Row("tags", cli.Printable(s.StartTag+".."+s.EndTag))
		}
		if s.Range != "" {
			t.Row("range", s.Range)
		}
		if err := t.Write(w); err != nil {
			return err
		}
		for _, n := range s.Notes {
			fmt.Fprintf(w, "note: %s\n", cli.Printable(n))
		}
		if s.Range != "" {
			fmt.Fprintf(w, "\ncommits (%d):\n", len(s.Commits))
			for _, c := range s.Commits {
				fmt.Fprintf(w, "  %s  %s  %s\n", gitrepo.Short(c.Hash), c.Date.UTC().Format("2006-01-02"), cli.Printable(c.Subject))
			}
			fmt.Fprintf(w, "\nfiles changed (%d):\n", len(s.Files))
			ft := &cli.Table{}
			for _, f := range s.Files {
				if f.Added < 0 {
					ft.Row("  binary", "", cli.Printable(f.Path))
					continue
				}
				name := cli.Printable(f.Path)
				if f.From != "" {
					name = cli.Printable(f.From) + " → " + name
				}
				ft.Row(fmt.Sprintf("  +%d", f.Added), fmt.Sprintf("-%d", f.Deleted), name)
			}
			if err := ft.Write(w); err != nil {
				return err
			}
		}
		if c := s.Classification; c != nil {
			fmt.Fprintf(w, "\nclassification: %s: %s, %s, +%d -%d; types: %s\n", c.WorkType, cli.Count(c.Commits, "commit"), cli.Count(c.Files, "file"), c.Added, c.Deleted, c.TypesString())
			if c.TagRange != "" {
				fmt.Fprintf(w, "tag range: %s\n", c.TagRange)
			}
		}
		return nil
	},
}
