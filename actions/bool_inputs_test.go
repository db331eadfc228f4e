// Tests of the one rule for the actions' true/false inputs: true or
// false in any case, blanks and line breaks around it ignored; anything
// else fails the action in an error annotation, before any step the value
// decides on runs.

package actions_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/clitest"
)

// The rule's one place: each action's first step runs it over every
// true/false input and writes the normalised values to its outputs.
const boolScript = "scripts/action-bool.sh"

// refusedBool checks a run given the true/false input name = value, not
// a boolean: it fails with the value quoted in one error annotation that
// says what to use, and none of the action's steps after the inputs step
// ran.
func refusedBool(t *testing.T, res *actiontest.Result, name, value string) {
	t.Helper()
	want := "input " + name + ` must be true or false, not "` + value + `" (use true or false, in any case)`
	if !res.Failed || !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool { return an.Level == "error" && an.Message == want }) {
		t.Fatalf("%s: %q: failed %v, no annotation %q: %+v\n%s", name, value, res.Failed, want, res.Annotations, res.Log)
	}
	first := slices.IndexFunc(res.Steps, func(s *actiontest.StepResult) bool { return s.ID == "inputs" })
	for _, s := range res.Steps[first+1:] {
		if s.Outcome != "skipped" {
			t.Errorf("%s: %q: step %s ran (%s)", name, value, s.ID, s.Outcome)
		}
	}
}

// inputsStep is the index of the step that runs the rule: the first, but
// for the runner check before it (which decides on no input).
func inputsStep(a *actiontest.Action) int {
	if len(a.Steps) > 0 && a.Steps[0].ID == "runner" {
		return 1
	}
	return 0
}

// Each action's true/false inputs are read through the rule alone: they
// reach only the env: of the first step, which runs it; every later
// step's if: and env: read its normalised outputs. An if: comparing the
// input itself ('TRUE ' == 'true' is false) would take another path than
// the rule's check accepted.
func TestEveryTrueFalseInputGoesThroughTheOneRule(t *testing.T) {
	root := clitest.ModuleRoot()
	paths, err := actiontest.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, p := range paths {
		rel, _ := filepath.Rel(root, p)
		a, err := actiontest.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		bools := map[string]bool{}
		for _, in := range a.Inputs {
			if in.Default == "true" || in.Default == "false" {
				bools[in.Name] = true
			}
		}
		if len(bools) == 0 {
			continue
		}
		seen += len(bools)
		i := inputsStep(a)
		if len(a.Steps) <= i || a.Steps[i].ID != "inputs" || !strings.Contains(a.Steps[i].Run, boolScript) {
			t.Errorf("%s: the first step (after the runner check) is not id: inputs running %s", rel, boolScript)
			continue
		}
		for _, r := range a.InputRefs() {
			if bools[r.Input] && !strings.HasPrefix(r.Key, fmt.Sprintf("runs.steps[%d].env.", i)) {
				t.Errorf("%s:%d: %s reads inputs.%s, not steps.inputs.outputs.%s", rel, r.Line, r.Key, r.Input, r.Input)
			}
		}
		for name := range bools {
			if !slices.ContainsFunc(a.Steps[i].Env, func(kv actiontest.KV) bool { return strings.Contains(kv.Value, "inputs."+name) }) {
				t.Errorf("%s: input %s is not checked by the first step", rel, name)
			}
		}
	}
	if seen < 6 {
		t.Errorf("found %d true/false inputs; want at least full, cache, check, lint-ci, push, export-env", seen)
	}
}

func TestToolchainActionTakesTrueFalseInAnyCase(t *testing.T) {
	repo := tempRepo(t, map[string]string{"toolchain.toml": pinnedToml, ".github/workflows/ci.yml": cleanWorkflow})
	run := func(inputs map[string]string) *actiontest.Result {
		t.Helper()
		inputs["set"] = ""
		res, err := actiontest.Run(t.Context(), toolchainAction(t), actiontest.Options{Workspace: repo, ProcessEnv: withBinaries(t), Inputs: inputs})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, name := range []string{"check", "lint-ci"} {
		other := map[string]string{"check": "lint-ci", "lint-ci": "check"}[name]
		for _, c := range []struct{ value, outcome string }{{"TRUE", "success"}, {" false ", "skipped"}, {"\tTrue\n", "success"}, {"FALSE", "skipped"}} {
			res := run(map[string]string{name: c.value, other: "false"})
			if res.Failed || res.Step(name).Outcome != c.outcome || res.Step(other).Outcome != "skipped" {
				t.Errorf("%s: %q: failed %v, step %s %s, step %s %s; want %s\n%s", name, c.value, res.Failed,
					name, res.Step(name).Outcome, other, res.Step(other).Outcome, c.outcome, res.Log)
			}
			if s := res.Step("inputs"); s == nil || s.Outputs[name] != strings.ToLower(strings.TrimSpace(c.value)) {
				t.Errorf("%s: %q: no step inputs with the normalised value: %+v", name, c.value, s)
			}
		}
		refusedBool(t, run(map[string]string{name: "yes"}), name, "yes")
	}
}

func TestScryActionTakesTrueFalseInAnyCase(t *testing.T) {
	a := newActionEnv(t)
	a.env["VERDIGRIS_SCRY_MACHINE_TEXT"] = "0"
	head := a.pushEmptyCommits("change 0", "change 1", "change 2")
	a.checkout(head)
	cache := &dirCache{}
	for _, c := range []struct {
		full, cache string
		added       string // the index is kept in the checkout between runs
		restore     string // the cache steps' outcome
		entries     int    // cache entries saved so far
	}{
		{full: " false ", cache: " false ", added: "3", restore: "skipped", entries: 0},
		{full: "FALSE", cache: " TRUE\n", added: "0", restore: "success", entries: 1},
		{full: "TRUE", cache: "\tFalse\n", added: "3", restore: "skipped", entries: 1},
	} {
		res := a.runScry(map[string]string{"full": c.full, "cache": c.cache}, head, cache)
		if res.Failed || res.Outputs["added"] != c.added || res.Step("restore").Outcome != c.restore || len(cache.entries) != c.entries {
			t.Fatalf("full %q, cache %q: failed %v, added %q (want %s), restore %s (want %s), %d cache entries (want %d)\n%s",
				c.full, c.cache, res.Failed, res.Outputs["added"], c.added, res.Step("restore").Outcome, c.restore, len(cache.entries), c.entries, res.Log)
		}
	}
	for _, name := range []string{"full", "cache"} {
		refusedBool(t, a.runScry(map[string]string{name: "yes"}, head, cache), name, "yes")
	}
}

func TestSessionActionTakesTrueFalseInAnyCase(t *testing.T) {
	a := newActionEnv(t)
	a.env["GIT_COMMITTER_DATE"] = "2026-05-01T10:00:00Z"
	head := a.pushEmptyCommits("session: start First")
	delete(a.env, "GIT_COMMITTER_DATE")
	event := map[string]any{"before": strings.Repeat("0", 40), "after": head}

	a.checkout(head)
	res := a.run(map[string]string{"push": " false "}, event)
	if res.Failed || res.Outputs["created"] != "session-20260501-100000-dev-start" || a.remoteTags() != "" {
		t.Fatalf("push ' false ': failed %v, outputs %v, remote tags %q\n%s", res.Failed, res.Outputs, a.remoteTags(), res.Log)
	}
	a.checkout(head)
	res = a.run(map[string]string{"push": "TRUE"}, event)
	if res.Failed || !strings.Contains(a.remoteTags(), "session-20260501-100000-dev-start") {
		t.Fatalf("push TRUE: failed %v, remote tags %q\n%s", res.Failed, a.remoteTags(), res.Log)
	}
	a.checkout(head)
	res = a.run(map[string]string{"push": "yes"}, event)
	refusedBool(t, res, "push", "yes")
	if res.Outputs["created"] != "" {
		t.Errorf("a refused push input made tags: %q", res.Outputs["created"])
	}
}

func TestVaultActionTakesTrueFalseInAnyCase(t *testing.T) {
	repo, key := vaultRepo(t)
	run := func(value string) *actiontest.Result {
		t.Helper()
		res, err := actiontest.Run(t.Context(), vaultAction(t), actiontest.Options{
			Workspace: repo, ProcessEnv: withBinaries(t), Inputs: map[string]string{"identity": key, "secrets": "db-password", "export-env": value},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, c := range []struct {
		value  string
		export bool
	}{{"TRUE", true}, {" false ", false}, {"True\n", true}, {"\tFALSE", false}} {
		res := run(c.value)
		if res.Failed || res.Outputs["names"] != "db-password" || (res.Env["DB_PASSWORD"] == vaultValues["db-password"]) != c.export {
			t.Errorf("export-env %q: failed %v, names %q, exported %v; want exported %v\n%s", c.value, res.Failed, res.Outputs["names"], len(res.Env), c.export, res.Log)
		}
	}
	res := run("yes")
	refusedBool(t, res, "export-env", "yes")
	if len(res.Env) != 0 || len(res.Masks) != 0 {
		t.Errorf("a refused export-env input exported %d values, masked %d", len(res.Env), len(res.Masks))
	}
}

// The rule's script alone: every bad input is named, not only the first,
// and its value's line breaks and percent signs are workflow-command
// encoded, so no value starts a command of its own.
func TestBoolScriptNamesEveryBadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "output")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res := runScript(t, filepath.Join(clitest.ModuleRoot(), boolScript), out, "a= TRUE", "b=100%\n::warning::x", "c=", "d=\r\nfalse\r\n")
	want := "::error::input b must be true or false, not \"100%25%0A::warning::x\" (use true or false, in any case)\n" +
		"::error::input c must be true or false, not \"\" (use true or false, in any case)\n"
	if res.err == nil || res.log != want {
		t.Errorf("exit %v, log:\n%s\nwant:\n%s", res.err, res.log, want)
	}
	data, _ := os.ReadFile(out)
	if string(data) != "a=true\nd=false\n" {
		t.Errorf("outputs %q", data)
	}
}

type scriptResult struct {
	log string
	err error
}

// runScript runs a step's script with bash, as the runner does, with
// GITHUB_OUTPUT set to output.
func runScript(t *testing.T, script, output string, args ...string) scriptResult {
	t.Helper()
	cmd := exec.Command("bash", append([]string{"--noprofile", "--norc", "-eo", "pipefail", script}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "GITHUB_OUTPUT=" + output}
	out, err := cmd.CombinedOutput()
	return scriptResult{log: string(out), err: err}
}
