package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/toolchain"
)

var lintCICmd = &cli.Command{
	Name: "lint-ci",
	Usage: `Usage: git toolchain lint-ci [FILE...] [--json] [--github]

Read the CI workflows (.github/workflows/*.yml and *.yaml, or the FILEs
given, which may also be action.yml files) and report, as
FILE:LINE: problem; fix: …, every step that can install a version other
than the pin:

  dtolnay/rust-toolchain@stable/@beta/@nightly/@master without a matching
  toolchain: input, or @VERSION other than the pin; actions-rs/toolchain
  with another toolchain (or reading only a legacy rust-toolchain file);
  actions/setup-go, setup-node and setup-python with a version other than
  the pin (stable, oldstable, lts/*, latest, 3.x, 1.26, an unquoted 1.20
  that YAML reads as 1.2, …), a version file that disagrees, or no version
  at all (an empty one, go-version: ~ or '', is none); a list or table
  given to one of their version inputs (go-version: ['1.26.8']), which
  GitHub refuses;
  golangci/golangci-lint-action without the pinned version; a
  golang:, rust:, node: or python: container image (or docker:// step)
  of another version, a line or channel (golang:1.26, node:lts) or none;
  rustup default/update/install/override set/run, cargo +TOOLCHAIN and
  nvm install/use with another version; rustup show or rustup toolchain
  install when the toolchain file disagrees; RUSTUP_TOOLCHAIN and
  GOTOOLCHAIN values that select another version (in env: at workflow, job
  or step level, or in a script), and GOTOOLCHAIN=local in a job that does
  not install the pinned Go. A reusable workflow or local action that
  uses: names and that is not in the repository (and that no earlier step
  can have put there) is reported too.

Values from ${{ matrix.X }} and ${{ env.X }} are resolved, and so is
${{ inputs.X }}: what a call of a local action or reusable workflow
gives in with:, an input's default where a call leaves it out, and a
workflow_dispatch input's default (what a run by hand takes; also as
${{ github.event.inputs.X }}). ${{ matrix.X }} in a job whose matrix
has no X (or that has none) is empty. Other expressions (step outputs)
are trusted. Pins come from
toolchain.toml, and for tools it does not pin, from exact versions in
go.mod (toolchain), rust-toolchain.toml, .nvmrc, .node-version,
.python-version, .go-version and .tool-versions, so lint-ci works in a
repository without toolchain.toml. A file that is not valid YAML is
reported at the line of the error, and a file in .github/workflows with
no jobs: (or empty), which GitHub refuses, at its first line; so are, at
their lines, a top-level key a workflow does not have (job: for jobs:,
with the key meant; x-defaults: &a, a key to keep anchors under),
jobs: written as a list or with no job (jobs: {}), a job
written as a plain value or a list (build: 42), empty, with neither
runs-on: nor uses:, with no steps (none, steps: ~ or []) and no uses:,
or with an empty uses:, a job's steps: (or a composite action's
runs.steps:) written as a table, a composite action without
runs.steps:, a step with an empty uses:, a composite action's run: step
without shell:, and a job's or step's key or the workflow's run-name:,
env: or concurrency: reading a context GitHub does not give it there
(runs-on: ${{ env.X }}, a job's or step's if: secrets.X != '', a call's
with: reading secrets), which GitHub refuses too; and a step with an
empty run:, which runs nothing. Any other
FILE with no jobs: or runs: is refused as no workflow (a top-level key
near either, job: for jobs:, named in the hint).

Exits 1 when anything is found.

Flags:
      --json     print the pins and findings as JSON
      --github   also write error annotations on the workflow lines and a
                 step-summary list (inside GitHub Actions)
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.Bool("json", false, "")
		fs.Bool("github", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		asJSON, _ := fs.GetBool("json")
		github, _ := fs.GetBool("github")
		if err := exclusive(asJSON, github); err != nil {
			return err
		}
		r, err := cli.OpenWorktree(ctx, env)
		if err != nil {
			return err
		}
		cfg, err := config.Load(r.Root)
		if err != nil && !errors.Is(err, config.ErrNotFound) {
			return configError(err)
		}
		pinFiles, err := toolchain.ReadPinFiles(r.Root)
		if err != nil {
			if fe := fileFailure(err); fe != err {
				return fe
			}
			return cli.Failf("%v", err).WithHint("fix the pin file named above")
		}
		pins := toolchain.LintPins(cfg, pinFiles)
		files, err := workflowArgs(env, r.Root, args)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			fmt.Fprintln(env.Stderr, "git-toolchain: no workflows in .github/workflows; nothing to lint")
		} else if len(pins) == 0 {
			fmt.Fprintf(env.Stderr, "git-toolchain: no pinned versions (no %s [tools], no pin files); checking only the YAML syntax and that local actions and workflows exist\n", config.FileName)
		}
		findings, files, err := toolchain.LintCI(r.Root, files, pins)
		if err != nil {
			return fileFailure(err)
		}
		if asJSON {
			rel := make([]string, len(files))
			for i, f := range files {
				rel[i] = relPath(r.Root, f)
			}
			if err := cli.WriteJSON(env.Stdout, map[string]any{"ok": len(findings) == 0, "pins": pins, "files": rel, "findings": findings}); err != nil {
				return err
			}
		} else {
			// A finding quotes the workflow (a version, a ref, a file
			// name), which a pull request from a fork writes: its
			// escape sequences are shown, not obeyed.
			for _, f := range findings {
				fmt.Fprintln(env.Stdout, cli.Printable(f.String()))
			}
		}
		if github {
			gh := ghaction.New(env.Stdout, env.Env)
			md := "### git toolchain lint-ci\n\n"
			if len(findings) == 0 {
				verb := "agree"
				if len(files) == 1 {
					verb = "agrees"
				}
				md += fmt.Sprintf("%s %s with the pins.\n", cli.Count(len(files), "workflow file"), verb)
			}
			// The summary, rendered as HTML, obeys markup (the
			// annotations show control characters escaped themselves).
			for _, f := range findings {
				gh.ErrorAt(workspacePath(env, r.Root, f.File), f.Line, "%s; fix: %s", f.Problem, f.Fix)
				md += "- " + ghaction.MarkdownCode(fmt.Sprintf("%s:%d", f.File, f.Line)) + " " + ghaction.MarkdownText(f.Problem+"; fix: "+f.Fix) + "\n"
			}
			if err := gh.Summary(md + "\n"); err != nil {
				return githubWriteError(err)
			}
		}
		if n := len(findings); n > 0 {
			what := "problem"
			if n > 1 {
				what = "problems"
			}
			return cli.Failf("%d %s in CI workflows: %s", n, what, summarizeFiles(findings)).
				WithHint("apply each fix shown above so CI installs the pinned versions")
		}
		return nil
	},
}

// workflowArgs resolves FILE arguments (relative to the working
// directory), or finds the repository's workflows.
func workflowArgs(env *cli.Env, root string, args []string) ([]string, error) {
	if len(args) == 0 {
		return toolchain.WorkflowFiles(root)
	}
	wd := env.Dir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	var files []string
	for _, a := range args {
		p := a
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		st, err := os.Stat(p)
		if err == nil && st.IsDir() {
			return nil, dirArgError(a, p)
		}
		if err != nil {
			hint := "name .yml files, or run without arguments to lint .github/workflows"
			// A link to a missing file is there, as pin files say.
			if target, lerr := os.Readlink(p); lerr == nil && errors.Is(err, os.ErrNotExist) {
				return nil, cli.Usagef("%s is a symbolic link to %s, which does not exist", a, target).WithHint("%s", hint)
			}
			return nil, cli.Usagef("no such workflow file: %s", a).WithHint("%s", hint)
		}
		// A file GitHub reads as a workflow is one, whatever it holds:
		// without jobs: it is a finding, as when lint-ci finds it itself.
		if why, hint := toolchain.NotWorkflow(p); why != "" && !toolchain.InWorkflowsDir(root, p) {
			if hint == "" {
				hint = "name workflow files (.github/workflows/*.yml) or action.yml files, or run without arguments to lint .github/workflows"
			}
			return nil, cli.Usagef("%s is not a workflow or action file: %s", a, why).WithHint("%s", hint)
		}
		files = append(files, p)
	}
	return files, nil
}

func relPath(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}

func summarizeFiles(fs []toolchain.Finding) string {
	seen := map[string]bool{}
	var files []string
	for _, f := range fs {
		if !seen[f.File] {
			seen[f.File] = true
			files = append(files, f.File)
		}
	}
	sort.Strings(files)
	return strings.Join(files, ", ")
}

// dirArgError refuses a directory given as a file (an action's folder
// rather than its action.yml), naming the YAML files in it: it was told
// there was no such file, though there was.
func dirArgError(arg, path string) error {
	var in []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, _ := filepath.Glob(filepath.Join(path, pat))
		for _, f := range m {
			in = append(in, filepath.Join(arg, filepath.Base(f)))
		}
	}
	e := cli.Usagef("%s is a directory, not a workflow file", arg)
	if len(in) == 0 {
		return e.WithHint("name .yml files, or run without arguments to lint .github/workflows")
	}
	return e.WithHint("name the .yml files in it (%s), or run without arguments to lint .github/workflows", strings.Join(in, ", "))
}
