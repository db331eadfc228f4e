package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"gopkg.in/yaml.v3"

	"github.com/verdigris-dev/verdigris/internal/clitest"
)

// This file emulates the GitHub Actions runner for the composite action
// actions/session, as a testscript command, until the project's shared
// runner emulator is available to this package. It does what the runner
// does for this action's steps: inputs reach a step only through its env:
// (a composite action gets no INPUT_* variables), each step gets fresh
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files and GITHUB_ACTIONS=true, its
// run: script is executed by "bash --noprofile --norc -eo pipefail", and
// the action's outputs are mapped from the steps' outputs.

type compositeAction struct {
	Inputs  map[string]struct{ Default string } `yaml:"inputs"`
	Outputs map[string]struct{ Value string }   `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID    string            `yaml:"id"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
			Run   string            `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

var exprRE = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

func init() {
	// run-session-action [NAME=VALUE...]: run actions/session with the
	// given inputs (the others take their defaults, with the github
	// context from GITHUB_EVENT_BEFORE, GITHUB_EVENT_AFTER and GITHUB_SHA)
	// in the current directory; the action's outputs are written to
	// $WORK/gh/outputs (NAME=VALUE lines, sorted) and its step summary to
	// $WORK/gh/summary. The step's output is the command's.
	commands["run-session-action"] = runSessionAction
}

func runSessionAction(ts *testscript.TestScript, neg bool, args []string) {
	path := filepath.Join(clitest.ModuleRoot(), "actions", "session", "action.yml")
	src, err := os.ReadFile(path)
	ts.Check(err)
	var a compositeAction
	ts.Check(yaml.Unmarshal(src, &a))
	if a.Runs.Using != "composite" {
		ts.Fatalf("runs.using is %q", a.Runs.Using)
	}
	given := map[string]string{}
	for _, kv := range args {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			ts.Fatalf("usage: run-session-action [NAME=VALUE...]")
		}
		if _, declared := a.Inputs[k]; !declared {
			ts.Fatalf("input %q is not declared by the action", k)
		}
		given[k] = v
	}
	ghDir := ts.MkAbs(filepath.Join(ts.Getenv("WORK"), "gh"))
	ts.Check(os.MkdirAll(ghDir, 0o755))
	contexts := map[string]string{
		"github.event.before": ts.Getenv("GITHUB_EVENT_BEFORE"),
		"github.event.after":  ts.Getenv("GITHUB_EVENT_AFTER"),
		"github.sha":          ts.Getenv("GITHUB_SHA"),
	}
	eval := func(expr string) string {
		// The expressions this action uses: a name, or "a || b".
		for _, alt := range strings.Split(expr, "||") {
			alt = strings.TrimSpace(alt)
			v, ok := contexts[alt]
			if name, isInput := strings.CutPrefix(alt, "inputs."); isInput {
				if _, declared := a.Inputs[name]; !declared {
					ts.Fatalf("%s refers to undeclared input %q", path, name)
				}
				v, ok = given[name]
				if !ok {
					v = a.Inputs[name].Default
				}
			} else if !ok && !strings.HasPrefix(alt, "steps.") {
				ts.Fatalf("the emulator does not know %q", alt)
			}
			if v != "" {
				return v
			}
		}
		return ""
	}
	interpolate := func(s string) string {
		return exprRE.ReplaceAllStringFunc(s, func(m string) string { return eval(exprRE.FindStringSubmatch(m)[1]) })
	}
	// Input defaults are expressions too.
	for name, in := range a.Inputs {
		if _, ok := given[name]; !ok {
			given[name] = interpolate(in.Default)
		}
	}
	outputs := map[string]map[string]string{}
	var summary strings.Builder
	failed := false
	for i, st := range a.Runs.Steps {
		if exprRE.MatchString(st.Run) {
			ts.Fatalf("step %d pastes an expression into run: (inputs must go through env:)", i+1)
		}
		if st.Shell != "bash" {
			ts.Fatalf("step %d: shell %q", i+1, st.Shell)
		}
		out, sum := filepath.Join(ghDir, "output"), filepath.Join(ghDir, "step-summary")
		script := filepath.Join(ghDir, fmt.Sprintf("step%d.sh", i+1))
		ts.Check(os.WriteFile(out, nil, 0o644))
		ts.Check(os.WriteFile(sum, nil, 0o644))
		ts.Check(os.WriteFile(script, []byte(st.Run), 0o644))
		restore := map[string]string{}
		set := func(k, v string) {
			if _, saved := restore[k]; !saved {
				restore[k] = ts.Getenv(k)
			}
			ts.Setenv(k, v)
		}
		set("GITHUB_ACTIONS", "true")
		set("CI", "true")
		set("GITHUB_OUTPUT", out)
		set("GITHUB_STEP_SUMMARY", sum)
		for k, v := range st.Env {
			set(k, interpolate(v))
		}
		err := ts.Exec("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		for k, v := range restore {
			ts.Setenv(k, v)
		}
		data, rerr := os.ReadFile(out)
		ts.Check(rerr)
		outputs[st.ID] = parseOutputFile(ts, string(data))
		s, _ := os.ReadFile(sum)
		summary.Write(s)
		if err != nil {
			failed = true
			break
		}
	}
	contexts = map[string]string{}
	for id, outs := range outputs {
		for k, v := range outs {
			contexts["steps."+id+".outputs."+k] = v
		}
	}
	var lines []string
	for name, o := range a.Outputs {
		lines = append(lines, name+"="+exprRE.ReplaceAllStringFunc(o.Value, func(m string) string {
			return contexts[exprRE.FindStringSubmatch(m)[1]]
		}))
	}
	sort.Strings(lines)
	ts.Check(os.WriteFile(filepath.Join(ghDir, "outputs"), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	ts.Check(os.WriteFile(filepath.Join(ghDir, "summary"), []byte(summary.String()), 0o644))
	if failed != neg {
		ts.Fatalf("the action failed: %v (expected failure: %v)", failed, neg)
	}
}

// parseOutputFile reads a GITHUB_OUTPUT file: NAME=value lines and
// NAME<<DELIMITER heredocs, as the runner does.
func parseOutputFile(ts *testscript.TestScript, data string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(data, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if k, delim, ok := strings.Cut(l, "<<"); ok && !strings.Contains(k, "=") {
			var v []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				v = append(v, lines[i])
			}
			if i == len(lines) {
				ts.Fatalf("GITHUB_OUTPUT: %s has no closing %s", k, delim)
			}
			out[k] = strings.Join(v, "\n")
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			ts.Fatalf("GITHUB_OUTPUT: malformed line %q", l)
		}
		out[k] = v
	}
	return out
}
