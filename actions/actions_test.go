// Tests of the repository's GitHub Actions (action.yml at the root and
// actions/*/action.yml), run with the runner emulator against real
// binaries and real temporary repositories.
package actions_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/config"
)

// Every action.yml in the repository references only inputs it declares,
// and never pastes an input into script text (where a value becomes shell
// code): inputs reach scripts through env:.
func TestEveryActionUsesOnlyDeclaredInputsThroughEnv(t *testing.T) {
	root := clitest.ModuleRoot()
	paths, err := actiontest.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, p := range paths {
		rel, _ := filepath.Rel(root, p)
		found[filepath.ToSlash(rel)] = true
		a, err := actiontest.Load(p)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		for _, err := range a.CheckInputs() {
			t.Error(err)
		}
		for _, err := range a.CheckRunInterpolation() {
			t.Error(err)
		}
		if a.Using != "composite" {
			t.Errorf("%s: runs.using is %q; verdigris's actions are composite", rel, a.Using)
		}
		for _, in := range a.Inputs {
			if strings.TrimSpace(in.Description) == "" {
				t.Errorf("%s:%d: input %s has no description", rel, in.Line, in.Name)
			}
		}
	}
	for _, want := range []string{"action.yml", "actions/toolchain/action.yml", "actions/vault/action.yml", "actions/session/action.yml", "actions/scry/action.yml"} {
		if !found[want] {
			t.Errorf("%s not found by the walk (found %v)", want, paths)
		}
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// tempRepo makes a git repository with the given files.
func tempRepo(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const pinnedToml = `[tools.go]
version = "1.26.8"
probe = "echo go1.26.8"

[tools.mytool]
version = "0.4.1"
probe = "echo mytool 0.4.1"

[checks.lint]
run = "echo linted"

[checks.unit]
run = 'echo "unit ran with skip=[$VERDIGRIS_SKIP]"; test ! -e fail-unit'

[checks.slow]
run = "touch slow-ran"

[sets]
ci = ["lint", "unit", "slow"]
`

const cleanWorkflow = `name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
`

const driftWorkflow = `name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: stable
`

func toolchainAction(t *testing.T) *actiontest.Action {
	a, err := actiontest.Load(filepath.Join(clitest.ModuleRoot(), "actions", "toolchain", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// withBinaries is the runner's environment with the verdigris binaries
// on PATH, as the root action leaves it.
func withBinaries(t *testing.T) map[string]string {
	env := actiontest.HostEnv()
	env["PATH"] = clitest.Binaries(t) + string(os.PathListSeparator) + env["PATH"]
	env["NO_COLOR"] = "1"
	return env
}

func TestToolchainActionChecksLintsRunsAndSummarizes(t *testing.T) {
	repo := tempRepo(t, map[string]string{
		"toolchain.toml":             pinnedToml,
		".github/workflows/ci.yml":   cleanWorkflow,
		".github/workflows/docs.yml": "name: docs\non: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo docs\n",
	})
	res, err := actiontest.Run(context.Background(), toolchainAction(t), actiontest.Options{
		Workspace:  repo,
		ProcessEnv: withBinaries(t),
		Inputs:     map[string]string{"skip": "slow"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed {
		t.Fatalf("action failed:\n%s", res.Log)
	}
	if res.Outputs["go-version"] != "1.26.8" || res.Outputs["rust-version"] != "" {
		t.Errorf("outputs = %q", res.Outputs)
	}
	if got := res.Step("pins").Outputs["mytool-version"]; got != "0.4.1" {
		t.Errorf("pins step outputs = %q", res.Step("pins").Outputs)
	}
	for _, want := range []string{
		"### git toolchain check\n",
		"| go | 1.26.8 | 1.26.8 | probe | ok |\n",
		"| mytool | 0.4.1 | 0.4.1 | probe | ok |\n",
		"### git toolchain lint-ci\n\n2 workflow files agree with the pins.\n",
		"### git toolchain run ci\n",
		"| lint | pass |",
		"| unit | pass |",
		"| slow | skipped (VERDIGRIS_SKIP) | - |\n",
	} {
		if !strings.Contains(res.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, res.Summary)
		}
	}
	if _, err := os.Stat(filepath.Join(repo, "slow-ran")); err == nil {
		t.Error("the skip input did not reach VERDIGRIS_SKIP")
	}
	if len(res.Annotations) != 0 {
		t.Errorf("annotations on a clean run: %+v", res.Annotations)
	}
}

// A YAML block list (skip: |, one check a line), as the vault action's
// secrets input takes, skips each check it names: it was one name
// "slow\nlint\n", warned about as no check, and every check ran.
func TestToolchainActionSkipsANewlineSeparatedList(t *testing.T) {
	repo := tempRepo(t, map[string]string{"toolchain.toml": pinnedToml})
	res, err := actiontest.Run(context.Background(), toolchainAction(t), actiontest.Options{
		Workspace:  repo,
		ProcessEnv: withBinaries(t),
		Inputs:     map[string]string{"skip": "slow\r\nlint\n", "check": "false", "lint-ci": "false"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed {
		t.Fatalf("action failed:\n%s", res.Log)
	}
	for _, want := range []string{"| lint | skipped (VERDIGRIS_SKIP) | - |\n", "| slow | skipped (VERDIGRIS_SKIP) | - |\n", "| unit | pass |"} {
		if !strings.Contains(res.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, res.Summary)
		}
	}
	if _, err := os.Stat(filepath.Join(repo, "slow-ran")); err == nil {
		t.Error("slow ran")
	}
	if strings.Contains(res.Log, "which is not a check") {
		t.Errorf("warned about the list:\n%s", res.Log)
	}
}

func TestToolchainActionReportsEveryFailure(t *testing.T) {
	// The repository is checked out in a subdirectory of the workspace.
	ws := tempRepo(t, map[string]string{
		"sub/toolchain.toml":           strings.Replace(pinnedToml, `probe = "echo mytool 0.4.1"`, `probe = "echo mytool 0.3.9"`, 1),
		"sub/.github/workflows/ci.yml": driftWorkflow,
		"sub/fail-unit":                "",
	})
	git(t, filepath.Join(ws, "sub"), "init", "-q")
	res, err := actiontest.Run(context.Background(), toolchainAction(t), actiontest.Options{
		Workspace:  ws,
		ProcessEnv: withBinaries(t),
		Inputs:     map[string]string{"working-directory": "sub"},
		Env:        map[string]string{"VERDIGRIS_SKIP": "slow"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed {
		t.Fatalf("action passed:\n%s", res.Log)
	}
	// A failed check does not hide the other reports.
	for id, want := range map[string]string{"pins": "success", "check": "failure", "lint-ci": "failure", "run": "failure"} {
		if got := res.Step(id).Outcome; got != want {
			t.Errorf("step %s: %s; want %s", id, got, want)
		}
	}
	var notes []string
	for _, a := range res.Annotations {
		notes = append(notes, fmt.Sprintf("%s %s:%s %s", a.Level, a.Props["file"], a.Props["line"], a.Message))
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{
		"error sub/toolchain.toml:5 mytool is pinned to 0.4.1 but 0.3.9 would run (probe)",
		"error sub/.github/workflows/ci.yml:9 actions/setup-go with go-version: stable installs",
		"error sub/toolchain.toml:12 check unit failed (exit 1)",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("annotations lack %q:\n%s", want, joined)
		}
	}
	if !strings.Contains(res.Summary, "| unit | fail |") || !strings.Contains(res.Summary, "| mytool | 0.4.1 | 0.3.9 | probe | mismatch |") {
		t.Errorf("summary:\n%s", res.Summary)
	}
	// The failed check's output is in the log, in a group; VERDIGRIS_SKIP
	// from the job's env reaches the checks when the input is empty.
	if !strings.Contains(res.Log, "##[group]FAIL unit") || !strings.Contains(res.Log, "unit ran with skip=[slow]") {
		t.Errorf("log:\n%s", res.Log)
	}
}

func TestToolchainActionNeedsTheBinaries(t *testing.T) {
	repo := tempRepo(t, map[string]string{"toolchain.toml": pinnedToml})
	env := actiontest.HostEnv()
	env["PATH"] = "/usr/bin:/bin"
	res, err := actiontest.Run(context.Background(), toolchainAction(t), actiontest.Options{Workspace: repo, ProcessEnv: env})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || res.Step("run").Outcome != "skipped" {
		t.Fatalf("ran without binaries:\n%s", res.Log)
	}
	if len(res.Annotations) == 0 || res.Annotations[0].Props["title"] != "git-toolchain is not on PATH" {
		t.Errorf("annotations = %+v", res.Annotations)
	}
}

// A check or lint-ci input other than "true" or "false" ("yes", a
// typo) skipped that step without a word, where actions/scry and
// actions/session refuse such a value: it fails the action, before any
// check runs, with the value quoted in an error annotation.
func TestToolchainActionRefusesABadTrueFalseInput(t *testing.T) {
	repo := tempRepo(t, map[string]string{"toolchain.toml": pinnedToml, ".github/workflows/ci.yml": cleanWorkflow})
	for _, name := range []string{"check", "lint-ci"} {
		// A line break in the value starts no workflow command of its own.
		for _, value := range []string{"yes\n::warning::injected"} {
			res, err := actiontest.Run(context.Background(), toolchainAction(t), actiontest.Options{
				Workspace:  repo,
				ProcessEnv: withBinaries(t),
				Inputs:     map[string]string{name: value},
			})
			if err != nil {
				t.Fatal(err)
			}
			injectedInput(t, res, name)
			for _, id := range []string{"check", "lint-ci", "run"} {
				if got := res.Step(id).Outcome; got != "skipped" {
					t.Errorf("%s: %q: step %s %s; want skipped", name, value, id, got)
				}
			}
			if _, err := os.Stat(filepath.Join(repo, "slow-ran")); err == nil {
				t.Fatalf("%s: %q: the checks ran", name, value)
			}
		}
	}
}

// The root action builds this ref's binaries with the Go version pinned
// in the repository's own toolchain.toml and puts them on PATH.
func TestRootActionBuildsThisRefsBinariesWithThePinnedGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every binary")
	}
	root := clitest.ModuleRoot()
	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	pin, ok := cfg.Tool("go")
	if !ok {
		t.Fatal("toolchain.toml pins no go")
	}
	if v := strings.TrimPrefix(runtime.Version(), "go"); v != pin.Version {
		t.Skipf("the test's Go is %s, the pin %s: setup-go cannot be stood in for", v, pin.Version)
	}
	a, err := actiontest.Load(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var setupWith map[string]string
	temp := t.TempDir()
	res, err := actiontest.Run(context.Background(), a, actiontest.Options{
		Workspace: t.TempDir(),
		Temp:      temp,
		// A local action (no vX.Y.Z ref, no version input) builds from source.
		Uses: map[string]actiontest.UsesFunc{
			// The Go on this machine is the pinned one: stand-in for setup-go.
			"actions/setup-go": func(ctx context.Context, c *actiontest.Call) error {
				setupWith = c.With
				return nil
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed {
		t.Fatalf("action failed:\n%s", res.Log)
	}
	if setupWith["go-version"] != pin.Version || setupWith["cache-dependency-path"] != filepath.Join(root, "go.sum") {
		t.Errorf("setup-go with = %q; want go-version %s and the action's go.sum", setupWith, pin.Version)
	}
	bin := res.Outputs["bin-dir"]
	if bin != filepath.Join(temp, "verdigris", "bin") || len(res.Path) != 1 || res.Path[0] != bin {
		t.Fatalf("bin-dir %q, path %q", bin, res.Path)
	}
	if res.Outputs["go-version"] != pin.Version {
		t.Errorf("go-version output %q", res.Outputs["go-version"])
	}
	if res.Outputs["source"] != "build" || res.Outputs["version"] != "" {
		t.Errorf("outputs %v; want a source build", res.Outputs)
	}
	mains, _ := filepath.Glob(filepath.Join(root, "cmd", "*", "main.go"))
	for _, m := range mains {
		name := filepath.Base(filepath.Dir(m))
		out, err := exec.Command(filepath.Join(bin, name), "--version").Output()
		if err != nil || !strings.HasPrefix(string(out), name+" ") || strings.Contains(string(out), "commit unknown") {
			t.Errorf("%s --version: %q, %v", name, out, err)
		}
	}
}

// injectedInput checks a run given the bad true/false input NAME =
// "yes\n::warning::injected": it fails with the value quoted in one
// error annotation, and the line break starts no workflow command.
func injectedInput(t *testing.T, res *actiontest.Result, name string) {
	t.Helper()
	for _, an := range res.Annotations {
		if an.Level == "warning" && an.Message == "injected" {
			t.Fatalf("an input's line break started a workflow command: %+v\n%s", res.Annotations, res.Log)
		}
	}
	want := "input " + name + ` must be true or false, not "yes` + "\n" + `::warning::injected" (use true or false, in any case)`
	if !res.Failed || !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool { return an.Level == "error" && an.Message == want }) {
		t.Fatalf("bad input with a line break: %v\n%s", res.Failed, res.Log)
	}
}
