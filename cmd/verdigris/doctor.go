package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/doctor"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

var doctorCmd = &cli.Command{
	Name: "doctor",
	Usage: `Usage: verdigris doctor [--json]

Check that verdigris works in this repository: binaries and their versions,
hooks installed and current, and the state of each feature in use (toolchain
drift, sessions, commit index, vault identity, ONNX Runtime). Each problem
comes with a hint. Exits 1 when a check fails; warnings do not fail.

Flags:
      --json   print the findings as JSON
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("verdigris doctor", args, 0, 0); err != nil {
			return err
		}
		asJSON, _ := fs.GetBool("json")
		dc := &doctor.Context{Getenv: env.Env, LookEnv: os.LookupEnv}
		r, err := gitrepo.Open(ctx, env.Dir)
		var missing *gitrepo.MissingGitDirError
		var ce *cli.Error
		switch {
		case err == nil:
			dc.Repo = r
			// Inside .git (its hooks/, say) git finds no working tree,
			// though the repository has one: its toolchain.toml, vault
			// and version files were skipped, and a failing check with
			// them.
			if wt := r.WorktreeOf(ctx); r.InGitDir && wt != "" {
				if top, err := gitrepo.Open(ctx, wt); err == nil {
					dc.Repo = top
				}
			}
		case errors.Is(err, gitrepo.ErrNotRepo) && !errors.As(err, &missing):
			// Outside any repository: its checks are skipped.
		case errors.As(cli.RepoError(err), &ce):
			// A repository all the same (git refuses it, its git
			// directory is gone): said as the other commands say it.
			dc.Unopened = &doctor.Unopened{Detail: ce.Msg, Hint: ce.Hint}
		}
		findings := doctor.Run(ctx, dc)
		if ctx.Err() != nil {
			// What Ctrl-C cut short reads as failed ("context canceled",
			// a probe's "signal: interrupt"): no finding is printed.
			return cli.Interruptedf("interrupted; the checks were not all run").WithHint("run 'verdigris doctor' again")
		}
		if asJSON {
			if err := cli.WriteJSON(env.Stdout, map[string]any{"ok": !doctor.Failed(findings), "findings": findings}); err != nil {
				return err
			}
		} else {
			color := env.Color(env.Stdout)
			// The names' column fits the longest (post-applypatch, a
			// pinned tool's name), so that every detail starts alike.
			width := 14
			for _, f := range findings {
				width = max(width, cli.Width(f.Name))
			}
			for _, f := range findings {
				mark := map[doctor.Status]string{
					doctor.OK:   cli.Paint(color, "green", "ok  "),
					doctor.Warn: cli.Paint(color, "yellow", "warn"),
					doctor.Fail: cli.Paint(color, "red", "FAIL"),
					doctor.Skip: cli.Paint(color, "dim", "skip"),
				}[f.Status]
				// Details and hints quote names from the repository and
				// its configuration: their control characters are shown
				// as escapes, as in every diagnostic.
				fmt.Fprintf(env.Stdout, "%s  %-9s %-*s %s\n", mark, f.Area, width, f.Name, cli.Printable(f.Detail))
				if f.Hint != "" && f.Status != doctor.OK {
					fmt.Fprintf(env.Stdout, "      %-9s %-*s hint: %s\n", "", width, "", cli.Printable(f.Hint))
				}
			}
		}
		if doctor.Failed(findings) {
			return cli.Exit(cli.ExitFailed)
		}
		return nil
	},
}
