package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/toolchain"
)

var checkCmd = &cli.Command{
	Name: "check",
	Usage: `Usage: git toolchain check [--json] [--github]

Compare each tool pinned in toolchain.toml with the version that would run
in this repository, and say where that version comes from: GOTOOLCHAIN,
go.mod's toolchain or go line, RUSTUP_TOOLCHAIN, a rustup override,
rust-toolchain.toml, PYENV_VERSION, .python-version, a probe command, or
PATH. Nothing is downloaded to find out (go and rustup are asked in ways
that cannot switch or install toolchains).

Pin files that disagree with toolchain.toml are drift: go.mod's toolchain
line (and a go line newer than the pin allows), go.work, rust-toolchain.toml,
rust-toolchain, .nvmrc, .node-version, .python-version, .go-version,
.tool-versions, and mise.toml's (or .mise.toml's) [tools].

Exits 1 when a tool is missing or another version would run, or a pin
file drifts. A toolchain.toml that pins no tools has nothing to check
(a note on stderr, exit 0).

Flags:
      --json     print the tools and drift as JSON
      --github   also write error annotations and a step-summary table
                 (inside GitHub Actions)
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.Bool("json", false, "")
		fs.Bool("github", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git toolchain check", args, 0, 0); err != nil {
			return err
		}
		asJSON, _ := fs.GetBool("json")
		github, _ := fs.GetBool("github")
		if err := exclusive(asJSON, github); err != nil {
			return err
		}
		r, cfg, err := loadConfig(ctx, env)
		if err != nil {
			return err
		}
		if len(cfg.Tools) == 0 {
			// Pin files are compared with the pinned tools only, so
			// there is nothing at all to compare.
			noTools(env, "nothing to check")
		}
		rep, err := toolchain.Check(ctx, cfg, probeEnv(env, r.Root))
		if err != nil {
			return fileFailure(err)
		}
		if asJSON {
			if err := cli.WriteJSON(env.Stdout, map[string]any{"ok": rep.OK(), "tools": rep.Tools, "drift": rep.Drift}); err != nil {
				return err
			}
		} else {
			color := env.Color(env.Stdout)
			t := toolTable(rep, cli.Printable, func(status string) string { return paintStatus(color, status) })
			if t.Len() > 1 {
				if err := t.Write(env.Stdout); err != nil {
					return err
				}
			}
			for _, d := range rep.Drift {
				fmt.Fprintln(env.Stdout, cli.Printable(d.String()))
			}
		}
		if github {
			if err := githubCheck(env, r.Root, cfg, rep); err != nil {
				return err
			}
		}
		if rep.OK() {
			return nil
		}
		return checkFailure(cfg, rep)
	},
}

func toolTable(rep *toolchain.Report, text, status func(string) string) *cli.Table {
	notes := false
	for _, tr := range rep.Tools {
		notes = notes || tr.Detail != ""
	}
	t := &cli.Table{}
	header := []string{"TOOL", "PINNED", "FOUND", "SOURCE", "STATUS"}
	if notes {
		header = append(header, "NOTE")
	}
	t.Row(header...)
	for _, tr := range rep.Tools {
		found := tr.Found
		if found == "" {
			found = "-"
		}
		// A probe's words (the note of a failed one, above all) are a
		// tool's output: its colour codes, or its markup in the step
		// summary, are shown, not obeyed.
		row := []string{text(tr.Tool), text(tr.Pinned), text(found), text(tr.Source), status(tr.Status)}
		if tr.Detail != "" {
			row = append(row, text(tr.Detail))
		}
		t.Row(row...)
	}
	return t
}

func paintStatus(color bool, status string) string { return paint(color, status, status) }

// paint colours text by the status it shows: green for good, yellow for
// not run, red for the rest.
func paint(color bool, status, text string) string {
	switch status {
	case toolchain.StatusOK, toolchain.Pass:
		return cli.Paint(color, "green", text)
	case toolchain.Skipped, toolchain.Cancelled:
		return cli.Paint(color, "yellow", text)
	}
	return cli.Paint(color, "red", text)
}

// problem describes one tool that is not as pinned, naming both versions.
func problem(tr toolchain.ToolResult) string {
	switch tr.Status {
	case toolchain.StatusMismatch:
		return fmt.Sprintf("%s is pinned to %s but %s would run (%s)", tr.Tool, tr.Pinned, tr.Found, tr.Source)
	case toolchain.StatusMissing:
		if tr.Detail != "" {
			return fmt.Sprintf("%s is pinned to %s but missing: %s", tr.Tool, tr.Pinned, tr.Detail)
		}
		return fmt.Sprintf("%s is pinned to %s but is not installed", tr.Tool, tr.Pinned)
	}
	return fmt.Sprintf("%s (pinned %s): %s", tr.Tool, tr.Pinned, tr.Detail)
}

func checkFailure(cfg *config.File, rep *toolchain.Report) error {
	var msgs, todo, probes, builtins, unprobed []string
	install := false
	for i, tr := range rep.Tools {
		if tr.Status != toolchain.StatusOK {
			msgs = append(msgs, problem(tr))
		}
		switch {
		case tr.Status == toolchain.StatusMissing && toolchain.Unprobed(cfg.Tools[i]) != "":
			// Nothing asks its version: no install makes it found.
			unprobed = append(unprobed, toolchain.Unprobed(cfg.Tools[i]))
		case tr.Status == toolchain.StatusError && tr.Source == "probe":
			probes = append(probes, tr.Tool)
		case tr.Status == toolchain.StatusError:
			builtins = append(builtins, tr.Tool)
		case tr.Status != toolchain.StatusOK:
			install = true
		}
	}
	// The hint says what to do about what failed: installing fixes no
	// pin file, a tool not as pinned has no pin file to fix, and a probe
	// that could not tell the version (it printed none, or timed out) is
	// fixed by neither.
	if install {
		todo = append(todo, fmt.Sprintf("install the pinned versions (or change the pins in %s)", config.FileName))
	}
	todo = append(todo, unprobed...)
	switch len(probes) {
	case 0:
	case 1:
		todo = append(todo, fmt.Sprintf("fix the probe of %s in %s so that it prints the version within %s (run it by hand to see what it prints)", probes[0], config.FileName, toolchain.DefaultProbeTimeout))
	default:
		todo = append(todo, fmt.Sprintf("fix the probes of %s in %s so that they print the version within %s (run them by hand to see what they print)", strings.Join(probes, ", "), config.FileName, toolchain.DefaultProbeTimeout))
	}
	switch len(builtins) {
	case 0:
	case 1:
		todo = append(todo, fmt.Sprintf("fix what stops %s telling its version, as the error says", builtins[0]))
	default:
		todo = append(todo, fmt.Sprintf("fix what stops %s telling their versions, as the error says", strings.Join(builtins, ", ")))
	}
	if len(rep.Drift) > 0 {
		todo = append(todo, "fix each pin file as shown")
	}
	// A file can drift on more than one line (go.mod's go and toolchain
	// lines); the summary counts the files a user has to edit.
	files := map[string]bool{}
	for _, d := range rep.Drift {
		files[d.File] = true
	}
	switch n := len(files); n {
	case 0:
	case 1:
		msgs = append(msgs, "1 pin file disagrees with "+config.FileName)
	default:
		msgs = append(msgs, fmt.Sprintf("%d pin files disagree with %s", n, config.FileName))
	}
	return cli.Failf("%s", strings.Join(msgs, "; ")).WithHint("%s", strings.Join(todo, ", and "))
}

func githubCheck(env *cli.Env, root string, cfg *config.File, rep *toolchain.Report) error {
	gh := ghaction.New(env.Stdout, env.Env)
	for _, tr := range rep.Tools {
		if tr.Status != toolchain.StatusOK {
			gh.ErrorAt(workspacePath(env, root, cfg.Path), tr.Line, "%s", problem(tr))
		}
	}
	for _, d := range rep.Drift {
		gh.ErrorAt(workspacePath(env, root, d.File), d.Line, "%s; fix: %s", d.Problem, d.Fix)
	}
	md := "### git toolchain check\n\n"
	if len(rep.Tools) > 0 {
		md += toolTable(rep, ghaction.MarkdownText, ghaction.MarkdownText).Markdown()
	} else {
		md += "No tools pinned.\n"
	}
	if len(rep.Drift) > 0 {
		md += "\n**Drift**\n\n"
		for _, d := range rep.Drift {
			md += "- " + ghaction.MarkdownCode(d.File+":"+fmt.Sprint(d.Line)) + " " + ghaction.MarkdownText(d.Problem+"; fix: "+d.Fix) + "\n"
		}
	}
	if err := gh.Summary(md + "\n"); err != nil {
		return githubWriteError(err)
	}
	return nil
}
