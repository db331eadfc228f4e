package toolchain

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
)

// Finding is one place in a workflow that can install a version other
// than the pin.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Tool    string `json:"tool,omitempty"`
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
}

// String is the one-line report: "FILE:LINE: problem; fix: …".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s; fix: %s", f.File, f.Line, f.Problem, f.Fix)
}

// Pin is the version lint-ci holds workflows to, and where it is pinned.
type Pin struct {
	Version string `json:"version"`
	From    string `json:"from"` // "toolchain.toml" or the pin file
}

// LintPins decides the pins: toolchain.toml's (cfg may be nil when the
// repository has none), then, for tools it does not pin, exact versions
// in pin files (go.mod toolchain, rust-toolchain.toml, .nvmrc, …), so
// lint-ci is useful before a project adopts toolchain.toml.
func LintPins(cfg *config.File, pins []PinFile) map[string]Pin {
	out := map[string]Pin{}
	if cfg != nil {
		for _, t := range cfg.Tools {
			out[t.Name] = Pin{Version: t.Version, From: config.FileName}
		}
	}
	for _, p := range pins {
		if _, ok := out[p.Tool]; ok || p.Min || !isExact(p.Value) {
			continue
		}
		out[p.Tool] = Pin{Version: normalize(p.Value), From: p.File}
	}
	return out
}

// isExact reports whether v names one release (1.89.0, v20.20.2), not a
// channel or range (stable, lts/*, 20, 1.89).
func isExact(v string) bool {
	v = normalize(v)
	return isNumeric(v) && strings.Count(v, ".") >= 2
}

// WorkflowFiles returns the workflow files GitHub reads:
// .github/workflows/*.yml and *.yaml (not subdirectories).
func WorkflowFiles(root string) ([]string, error) {
	var out []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(root, ".github", "workflows", pat))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	return out, nil
}

// NotWorkflow says why the file at path, named to lint-ci, is neither a
// workflow (jobs:) nor an action (runs:), which lint-ci would read as
// having nothing to fix: toolchain.toml given by mistake passed without a
// word. It returns "" for a workflow or action, and for a file that cannot
// be read or is not valid YAML, which LintCI reports itself. Where a
// top-level key is a typo of jobs: or runs: (job:), hint names the key
// meant, as the finding for such a key in .github/workflows does: the
// file is a workflow but for it.
func NotWorkflow(path string) (why, hint string) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", ""
	}
	if strings.TrimSpace(string(src)) == "" {
		return "it is empty", ""
	}
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil {
		return "", ""
	}
	if len(doc.Content) > 0 {
		top := expand(doc.Content[0], map[*yaml.Node]bool{})
		if mapping(top, "jobs") != nil || mapping(top, "runs") != nil {
			return "", ""
		}
		if top.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(top.Content); i += 2 {
				k := top.Content[i].Value
				if near := cli.Nearest(k, []string{"jobs", "runs"}); near != "" {
					hint = fmt.Sprintf("did you mean %s:? rename %s: to %s:", near, k, near)
					break
				}
			}
		}
	}
	return "it has no jobs: or runs:", hint
}

// InWorkflowsDir reports whether GitHub reads path as a workflow of the
// repository at root: a .yml or .yaml file right in .github/workflows
// (links resolved, as the working directory a path was named from may
// be reached through one).
func InWorkflowsDir(root, path string) bool {
	if ext := filepath.Ext(path); ext != ".yml" && ext != ".yaml" {
		return false
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return false
	}
	want, err := filepath.EvalSymlinks(filepath.Join(root, ".github", "workflows"))
	return err == nil && dir == want
}

// jobless is the finding for a file GitHub reads as a workflow that has
// no jobs: (or nothing at all): GitHub refuses it, and lint-ci, finding
// no step in it to check, said nothing when it found the file itself,
// and refused it as no workflow when it was named.
func jobless(root, path string, f *lintFile) (Finding, bool) {
	if !InWorkflowsDir(root, path) || f.doc != nil && mapping(f.doc, "jobs") != nil {
		return Finding{}, false
	}
	what := "no jobs:"
	if f.doc == nil {
		what = "the file is empty:"
	}
	return Finding{
		File:    f.rel,
		Line:    1,
		Problem: what + " GitHub refuses a workflow without jobs (it reads every .yml and .yaml file in .github/workflows as one)",
		Fix:     "add its jobs:, or move the file out of .github/workflows",
	}, true
}

// workflowKeys are the top-level keys GitHub reads in a workflow, in
// the order its documentation gives them; it refuses any other.
var workflowKeys = []string{"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}

// unknownKeys reports each top-level key of a workflow that GitHub does
// not know, which it refuses and lint-ci passed: a typo (job: for jobs:,
// read case-sensitively, as GitHub does), or a key made up to keep YAML
// anchors under (x-defaults: &a), which no workflow has. An action
// (runs:) has keys of its own and is not read so.
func unknownKeys(root, path string, f *lintFile) []Finding {
	if f.doc == nil || f.doc.Kind != yaml.MappingNode || mapping(f.doc, "runs") != nil ||
		mapping(f.doc, "jobs") == nil && !InWorkflowsDir(root, path) {
		return nil
	}
	var out []Finding
	for i := 0; i+1 < len(f.doc.Content); i += 2 {
		k, v := f.doc.Content[i], f.doc.Content[i+1]
		if slices.Contains(workflowKeys, k.Value) {
			continue
		}
		fix := "remove it, or move it where it belongs (under env:, a job or a step)"
		switch near := cli.Nearest(k.Value, workflowKeys); {
		case v.Anchor != "":
			// x-defaults: &a is near defaults:, which it is not meant as.
			fix = fmt.Sprintf("GitHub has no key to keep anchors under: put &%s on the value where it is first used, and *%s in the others", v.Anchor, v.Anchor)
		case near != "":
			fix = fmt.Sprintf("did you mean %s:? rename %s: to %s:", near, k.Value, near)
		}
		out = append(out, Finding{File: f.rel, Line: k.Line,
			Problem: k.Value + ": is no workflow key, which GitHub refuses (a workflow's top-level keys are " + strings.Join(workflowKeys[:len(workflowKeys)-1], ", ") + " and " + workflowKeys[len(workflowKeys)-1] + ")",
			Fix:     fix})
	}
	return out
}

// shape reports what GitHub refuses in a workflow's layout, where
// lint-ci found no job or no step to check and so said nothing: jobs:
// written as a list or a string, or with no job (jobs: {}), a job
// written as a plain value or a list (build: 42), empty, with neither
// runs-on: nor uses:, with no steps: (or empty ones) and no uses:, or
// with a uses: that names nothing, and a job's steps: written as a
// table (or a string) instead of a list; in a composite action,
// runs.steps: written so, or left out or empty; a step GitHub refuses
// (stepShape), a call of a reusable workflow with a runner job's keys
// (callShape), and a container or service reading a context it does
// not have (containerContexts). Each is reported at its key's line, or
// the job's for a key left out.
func shape(f *lintFile) []Finding {
	if f.doc == nil {
		return nil
	}
	at := func(k *yaml.Node, problem, fix string) Finding {
		return Finding{File: f.rel, Line: k.Line, Problem: problem, Fix: fix}
	}
	if runsKey, runs := pair(f.doc, "runs"); runs != nil {
		// Only a composite action has steps (the runner reads using:
		// without regard to case); a JavaScript or Docker action's
		// steps: is not read.
		using, _ := scalar(mapping(runs, "using"))
		if !strings.EqualFold(using, "composite") {
			return nil
		}
		k, steps := pair(runs, "steps")
		switch {
		case k == nil:
			// The runner refuses it when the action is used ("No steps
			// provided"), so every workflow calling it fails.
			return []Finding{at(runsKey, "the composite action has no runs.steps:, which GitHub refuses (No steps provided: a composite action runs its steps)",
				"add steps: under runs:, each step a list item (- uses: … or - run: …)")}
		case steps.Kind == yaml.ScalarNode && steps.Tag == "!!null", steps.Kind == yaml.SequenceNode && len(steps.Content) == 0:
			return []Finding{at(k, "runs.steps: of the composite action is empty, which GitHub refuses (No steps provided: a composite action runs its steps)",
				"write its steps under steps:, each a list item (- uses: … or - run: …)")}
		case steps.Kind == yaml.SequenceNode:
			return stepShape(steps, "the composite action", true, at)
		}
		return []Finding{at(k, "runs.steps: of the composite action is "+kindName(steps)+", which GitHub refuses (steps: is a list, each step starting with -)",
			"write each step as a list item (- uses: … or - run: …)")}
	}
	key, jobs := pair(f.doc, "jobs")
	if key == nil {
		return nil // jobless, or no workflow
	}
	switch {
	case jobs.Kind == yaml.MappingNode && len(jobs.Content) == 0, jobs.Kind == yaml.ScalarNode && jobs.Tag == "!!null":
		return []Finding{at(key, "jobs: has no job, which GitHub refuses (a workflow runs at least one)", "add a job under jobs: (its id, then its runs-on: and steps:)")}
	case jobs.Kind != yaml.MappingNode:
		return []Finding{at(key, "jobs: is "+kindName(jobs)+", which GitHub refuses (jobs: is a table of jobs by their ids)", "write each job as its id, then its runs-on: and steps: indented under it")}
	}
	var out []Finding
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		id, job := jobs.Content[i], jobs.Content[i+1]
		if job.Kind == yaml.SequenceNode || job.Kind == yaml.ScalarNode {
			what := kindName(job)
			if job.Tag == "!!null" {
				what = "empty" // build: with nothing under it
			}
			out = append(out, at(id, fmt.Sprintf("job %s is %s, which GitHub refuses (a job is a table: its runs-on: and steps:, or uses:)", id.Value, what),
				fmt.Sprintf("write the job's runs-on: and steps: indented under %s:", id.Value)))
			continue
		}
		if job.Kind == yaml.MappingNode && len(job.Content) == 0 {
			out = append(out, at(id, fmt.Sprintf("job %s is empty, which GitHub refuses (a job is a table: its runs-on: and steps:, or uses:)", id.Value),
				fmt.Sprintf("write the job's runs-on: and steps: indented under %s:", id.Value)))
			continue
		}
		if job.Kind != yaml.MappingNode {
			continue
		}
		// A job calling a reusable workflow (uses:) runs on that
		// workflow's runners and that workflow's steps: it has no
		// runs-on: or steps: of its own. One with neither runs no
		// step: GitHub refuses it ("No steps defined in `steps` and no
		// workflow called in `uses`").
		uk, uses := pair(job, "uses")
		if uk != nil && uses.Kind == yaml.ScalarNode && (uses.Tag == "!!null" || strings.TrimSpace(uses.Value) == "") {
			out = append(out, at(uk, fmt.Sprintf("uses: of job %s is empty, which GitHub refuses (a job calls the reusable workflow its uses: names)", id.Value),
				"name the reusable workflow (uses: ./.github/workflows/build.yml, say), or write runs-on: and steps: in its place"))
		}
		if uk != nil {
			out = append(out, callShape(id, job, at)...)
			continue
		}
		out = append(out, containerContexts(id, job, at)...)
		k, runsOn := pair(job, "runs-on")
		sk, steps := pair(job, "steps")
		const noSteps = "which GitHub refuses (No steps defined in steps and no workflow called in uses: a job runs its steps, or calls a reusable workflow)"
		switch {
		case k == nil && sk == nil:
			out = append(out, at(id, fmt.Sprintf("job %s has neither runs-on: and steps: nor uses:, which GitHub refuses (a job runs its steps on a runner, or calls a reusable workflow)", id.Value),
				fmt.Sprintf("add runs-on: (ubuntu-latest, say) and steps: under %s:, or uses: naming a reusable workflow", id.Value)))
		case k == nil:
			out = append(out, at(id, fmt.Sprintf("job %s has neither runs-on: nor uses:, which GitHub refuses (a job runs on a runner, or calls a reusable workflow)", id.Value),
				fmt.Sprintf("add runs-on: (ubuntu-latest, say) under %s:", id.Value)))
		case sk == nil:
			out = append(out, at(id, fmt.Sprintf("job %s has no steps: and no uses:, %s", id.Value, noSteps),
				fmt.Sprintf("add steps: under %s:, each step a list item (- uses: … or - run: …), or uses: naming a reusable workflow", id.Value)))
		}
		if k != nil && namesNoRunner(runsOn) {
			out = append(out, at(k, fmt.Sprintf("runs-on: of job %s is empty, which GitHub refuses (a job runs on a runner named by its labels or group)", id.Value),
				"name the runner: runs-on: ubuntu-latest, say"))
		}
		switch {
		case sk == nil:
		case steps.Kind == yaml.SequenceNode && len(steps.Content) > 0:
			out = append(out, stepShape(steps, "job "+id.Value, false, at)...)
		case steps.Kind == yaml.ScalarNode && steps.Tag == "!!null", steps.Kind == yaml.SequenceNode:
			out = append(out, at(sk, fmt.Sprintf("steps: of job %s is empty, %s", id.Value, noSteps),
				"write its steps under steps:, each a list item (- uses: … or - run: …)"))
		default:
			out = append(out, at(sk, fmt.Sprintf("steps: of job %s is %s, which GitHub refuses (steps: is a list, each step starting with -)", id.Value, kindName(steps)),
				"write each step as a list item (- uses: … or - run: …)"))
		}
	}
	return out
}

// runnerJobKeys are the keys of a job that runs its own steps on a
// runner and not of one that calls a reusable workflow, and callKeys
// the reverse: GitHub reads a job as one kind or the other, chosen by
// the first of these keys it meets, and refuses the other kind's keys
// after it ("Unexpected value 'steps'"). Both kinds take name, needs,
// if, strategy, concurrency and permissions.
var (
	runnerJobKeys = []string{"runs-on", "steps", "container", "services", "env", "defaults", "environment", "outputs",
		"timeout-minutes", "cancel-timeout-minutes", "continue-on-error", "snapshot"}
	callKeys = []string{"uses", "with", "secrets"}
)

// callShape reports the keys of a job calling a reusable workflow (its
// uses:) that only a job running its own steps has: runs-on:, steps:,
// env: and the rest, at each key's line. GitHub names the second kind
// of key it meets: the key itself after uses:, uses: after the key.
func callShape(id, job *yaml.Node, at func(*yaml.Node, string, string) Finding) []Finding {
	callFirst := false
	for i := 0; i+1 < len(job.Content); i += 2 {
		if k := job.Content[i].Value; slices.Contains(callKeys, k) || slices.Contains(runnerJobKeys, k) {
			callFirst = slices.Contains(callKeys, k)
			break
		}
	}
	var out []Finding
	for i := 0; i+1 < len(job.Content); i += 2 {
		k := job.Content[i]
		if !slices.Contains(runnerJobKeys, k.Value) {
			continue
		}
		named := "uses"
		if callFirst {
			named = k.Value
		}
		fix := fmt.Sprintf("drop %s: from %s, or set it in the called workflow's jobs", k.Value, id.Value)
		switch k.Value {
		case "runs-on":
			fix = fmt.Sprintf("drop runs-on: from %s: the called workflow's jobs name their runners", id.Value)
		case "steps":
			fix = "move the steps into a job of their own (with runs-on:, without uses:), or into the called workflow"
		}
		out = append(out, at(k, fmt.Sprintf("job %s has both uses: and %s:, which GitHub refuses (Unexpected value '%s': a job calling a reusable workflow takes only name, uses, with, secrets, needs, if, strategy, concurrency and permissions)", id.Value, k.Value, named), fix))
	}
	return out
}

// containerReads are the contexts a job's container: and services: can
// read (their credentials: add env and secrets, their env: more): GitHub
// reads them before the job has an env, steps or a runner, and refuses
// any other context there ("Unrecognized named-value: 'env'").
var containerReads = []string{"github", "inputs", "vars", "needs", "strategy", "matrix"}

// jobContexts are the contexts a job's steps read that its container:
// and services: cannot: a name not in either list (a typo, a function's
// argument lint-ci does not know) is left to GitHub.
var jobContexts = []string{"env", "secrets", "steps", "job", "jobs", "runner"}

// containerContexts reports a job's container: and services: that read
// a context GitHub does not give them (${{ env.IMAGE }}, secrets, steps,
// runner), at the key's line: the container or service itself, or its
// image:, options:, ports: or volumes:. Their credentials: and env: read
// env and secrets too, and are not read here.
func containerContexts(id, job *yaml.Node, at func(*yaml.Node, string, string) Finding) []Finding {
	var out []Finding
	check := func(k, v *yaml.Node, what string, image bool) {
		if v.Kind == yaml.SequenceNode {
			for _, e := range v.Content {
				if e.Kind == yaml.ScalarNode {
					out = appendContexts(out, e, e, what, id.Value, image, at)
				}
			}
			return
		}
		if v.Kind == yaml.ScalarNode {
			out = appendContexts(out, k, v, what, id.Value, image, at)
		}
	}
	container := func(k, v *yaml.Node, what string) {
		if v.Kind != yaml.MappingNode {
			check(k, v, what, true)
			return
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			if key := v.Content[i]; key.Value != "credentials" && key.Value != "env" {
				check(key, v.Content[i+1], what+" "+key.Value, key.Value == "image")
			}
		}
	}
	if k, c := pair(job, "container"); k != nil {
		container(k, c, "container")
	}
	k, services := pair(job, "services")
	switch {
	case k == nil:
	case services.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(services.Content); i += 2 {
			container(services.Content[i], services.Content[i+1], "service "+services.Content[i].Value)
		}
	default:
		check(k, services, "services", false)
	}
	return out
}

// appendContexts adds the finding for a container's value v, at key k,
// when its expressions read a context GitHub does not give it.
func appendContexts(out []Finding, k, v *yaml.Node, what, job string, image bool, at func(*yaml.Node, string, string) Finding) []Finding {
	var refused []string
	first := ""
	for _, name := range contextsRead(v.Value) {
		if i := slices.IndexFunc(jobContexts, func(c string) bool { return strings.EqualFold(c, name) }); i >= 0 {
			if first == "" {
				first = name
			}
			if !slices.Contains(refused, jobContexts[i]) {
				refused = append(refused, jobContexts[i])
			}
		}
	}
	if len(refused) == 0 {
		return out
	}
	reads := strings.Join(refused, ", ")
	if n := len(refused); n > 1 {
		reads = strings.Join(refused[:n-1], ", ") + " and " + refused[n-1]
	}
	thing := "value"
	if image {
		thing = "image"
	}
	return append(out, at(k, fmt.Sprintf("%s %s of job %s reads %s, which GitHub refuses (Unrecognized named-value: '%s': a job's container: and services: read only %s and %s)",
		what, v.Value, job, reads, first, strings.Join(containerReads[:len(containerReads)-1], ", "), containerReads[len(containerReads)-1]),
		fmt.Sprintf("write the %s itself, or take it from the job's strategy.matrix (${{ matrix.X }}) or a variable (${{ vars.X }})", thing)))
}

// contextsRead returns the contexts (named values) the ${{ … }}
// expressions in s read, as written, in order: the name that starts a
// path (env in env.GO, env['GO']), not a property after a dot, a
// function before its parenthesis, or text in a 'string'.
func contextsRead(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			return out
		}
		s = s[i+3:]
		inStr, prev := false, byte(0)
		j := 0
		for ; j < len(s); j++ {
			c := s[j]
			switch {
			case inStr:
				if c == '\'' {
					inStr = false
				}
				prev = '\''
				continue
			case c == '\'':
				inStr = true
				continue
			case c == '}' && j+1 < len(s) && s[j+1] == '}':
			case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
				e := j
				for e < len(s) && (s[e] == '_' || s[e] == '-' || s[e] >= 'a' && s[e] <= 'z' || s[e] >= 'A' && s[e] <= 'Z' || s[e] >= '0' && s[e] <= '9') {
					e++
				}
				rest := strings.TrimLeft(s[e:], " \t\r\n")
				if prev != '.' && (c < '0' || c > '9') && !strings.HasPrefix(rest, "(") {
					out = append(out, s[j:e])
				}
				prev, j = 'a', e-1
				continue
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
				continue
			default:
				prev = c
				continue
			}
			break // the closing }}
		}
		if j >= len(s) {
			return out
		}
		s = s[j+2:]
	}
}

// stepShape reports the steps GitHub refuses in a job's steps: (or a
// composite action's runs.steps:, inAction), which lint-ci read as
// steps with nothing to check: one with neither run: nor uses: (- {},
// - name: x, - with: … missing its uses:), one written as nothing or a
// plain value (-, - go test), and one with both (a run: that lost its
// -, joining the step above). Each is reported at the step's line, or
// for both, at the second key's. A background step's wait:, wait-all:
// or cancel: (the schema's other kinds of step) is a step too.
func stepShape(steps *yaml.Node, owner string, inAction bool, at func(*yaml.Node, string, string) Finding) []Finding {
	neither := "every step must define a uses or run key"
	if inAction {
		// The runner reads an action's steps with its template
		// schema, which cannot tell which kind of step it is.
		neither = "There's not enough info to determine what you meant: a step has run: or uses:"
	}
	var out []Finding
	for i, st := range steps.Content {
		which := fmt.Sprintf("step %d of %s", i+1, owner)
		if st.Kind != yaml.MappingNode {
			what := kindName(st)
			fix := "write it as - run: … (a command) or - uses: … (an action)"
			if st.Kind == yaml.ScalarNode && st.Tag == "!!null" {
				what, fix = "empty", "write its run: (a command) or uses: (an action) after the -, or delete the -"
			}
			out = append(out, at(st, fmt.Sprintf("%s is %s, which GitHub refuses (a step is a table: its run: or uses:)", which, what), fix))
			continue
		}
		rk, _ := pair(st, "run")
		uk, _ := pair(st, "uses")
		switch {
		case rk != nil && uk != nil:
			second := rk
			if uk.Line > rk.Line || uk.Line == rk.Line && uk.Column > rk.Column {
				second = uk
			}
			why := "a step cannot have both the uses and run keys"
			if inAction {
				why = "Unexpected value '" + second.Value + "': a step runs an action or a command, not both"
			}
			out = append(out, at(second, fmt.Sprintf("%s has both uses: and run:, which GitHub refuses (%s)", which, why),
				"make them two steps, each starting with -: one with uses: (and its with:), one with run:"))
		case rk != nil || uk != nil:
		case len(st.Content) == 0:
			out = append(out, at(st, fmt.Sprintf("%s is empty, which GitHub refuses (%s)", which, neither),
				"write its run: (a command) or uses: (an action), or delete the step"))
		case !inAction && (mapping(st, "wait") != nil || mapping(st, "wait-all") != nil || mapping(st, "cancel") != nil):
		case mapping(st, "with") != nil:
			out = append(out, at(st, fmt.Sprintf("%s has with: but no uses:, which GitHub refuses (%s)", which, neither),
				"add uses: naming the action its with: is for, or delete the step"))
		default:
			out = append(out, at(st, fmt.Sprintf("%s has neither run: nor uses:, which GitHub refuses (%s)", which, neither),
				"add run: (a command) or uses: (an action) to it, or delete the step"))
		}
	}
	return out
}

// namesNoRunner reports whether a job's runs-on: value names no runner:
// nothing after the colon, "", [], {}, or a group: and labels: with
// nothing in them. An expression (${{ matrix.os }}) names one.
func namesNoRunner(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Tag == "!!null" || strings.TrimSpace(n.Value) == ""
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if !namesNoRunner(c) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
		group, labels := mapping(n, "group"), mapping(n, "labels")
		return (group == nil || namesNoRunner(group)) && (labels == nil || namesNoRunner(labels))
	}
	return false
}

// kindName names what a YAML node is, as a finding says it.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a table"
	}
	switch n.Tag {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	}
	return "a string"
}

// LintCI checks the given workflow (or action.yml) files against the pins,
// and the local actions and reusable workflows they use (`uses:
// ./.github/actions/setup`, `uses: ./.github/workflows/build.yml`), where
// projects often keep their toolchain set-up. A file that is not valid
// YAML is a finding at the line of the error. It returns the findings and
// every file it read, the given ones first.
//
// A local action or reusable workflow is read once per call, with the
// inputs that call gives it (a version in a with: feeds its setup action
// through ${{ inputs.X }}), so the drift is reported where the version is
// written; one that nothing here calls is read with its inputs' defaults.
func LintCI(root string, files []string, pins map[string]Pin) ([]Finding, []string, error) {
	set := &lintSet{root: root, pins: pins, files: map[string]*lintFile{}, linted: map[string]bool{}}
	queue := slices.Clone(files)
	seen := map[string]bool{}
	for _, f := range queue {
		seen[filepath.Clean(f)] = true
	}
	called := map[string]bool{}
	var out []Finding // YAML errors: no marker silences them
	for i := 0; i < len(queue); i++ {
		path := queue[i]
		rel := path
		if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
			rel = r
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fileError(root, path, err, true)
		}
		f := &lintFile{rel: filepath.ToSlash(rel), lines: strings.Split(string(src), "\n")}
		set.files[filepath.Clean(path)] = f
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			l := &linter{file: f.rel, lines: f.lines}
			out = append(out, l.syntaxError(err))
			continue
		}
		if len(doc.Content) > 0 {
			out = append(out, mergeKeys(f.rel, doc.Content[0])...) // GitHub refuses them whatever a marker says
			f.doc = expand(doc.Content[0], map[*yaml.Node]bool{})
		}
		if j, ok := jobless(root, path, f); ok {
			out = append(out, j) // GitHub refuses the file whatever a marker says
		}
		out = append(out, unknownKeys(root, path, f)...) // so too
		out = append(out, shape(f)...)                   // so too
		if f.doc == nil {
			continue
		}
		for _, c := range localCalls(root, f.doc) {
			if c != filepath.Clean(path) {
				called[c] = true
			}
			if !seen[c] {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	// Those called from another file are read through their calls; the
	// rest (and any only called in a loop) with their defaults.
	for _, onlyCalled := range []bool{false, true} {
		for _, path := range queue {
			path = filepath.Clean(path)
			if called[path] == onlyCalled && !set.linted[path] {
				set.lint(path, nil, nil)
			}
		}
	}
	dup := map[Finding]bool{}
	for _, f := range set.findings {
		if !dup[f] && !set.ignored(f) {
			dup[f] = true
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out, queue, nil
}

// lintSet is one lint-ci run: the files read, by clean path, and the
// findings in all of them.
type lintSet struct {
	root     string
	pins     map[string]Pin
	files    map[string]*lintFile
	linted   map[string]bool
	findings []Finding
}

type lintFile struct {
	rel   string // as reported: relative to the root, with slashes
	lines []string
	doc   *yaml.Node // nil when it is not valid YAML (or empty)
}

// lint checks one file. given holds the inputs a call gives it, by
// lower-case name (nil for a file read on its own); an input it leaves
// out takes its default. stack holds the files calling it, so that a
// loop of calls ends.
func (s *lintSet) lint(path string, given map[string][]value, stack []string) {
	f := s.files[path]
	if f == nil || f.doc == nil || slices.Contains(stack, path) {
		return
	}
	// A file read again with the same inputs finds the same: an action
	// used by every job (or nested actions used twice at each level) is
	// read once per set of inputs, not once per path to it.
	names := slices.Sorted(maps.Keys(given))
	key := fmt.Sprint(path, given == nil, names)
	for _, n := range names {
		key += fmt.Sprint(given[n])
	}
	if s.linted[key] {
		return
	}
	s.linted[path], s.linted[key] = true, true
	inputs := defaultValues(declaredInputs(f.doc), f.rel, "input ")
	for name, vs := range given {
		inputs[name] = vs // given, even as an expression not known here
	}
	// A workflow run by hand (or by gh workflow run) takes its
	// workflow_dispatch defaults whatever its calls give, so they count
	// beside them: in ${{ inputs.X }}, and alone in ${{
	// github.event.inputs.X }}, which a call does not set.
	dispatch := defaultValues(dispatchInputs(f.doc), f.rel, "workflow_dispatch input ")
	for name, vs := range dispatch {
		inputs[name] = slices.Concat(inputs[name], vs)
	}
	l := &linter{set: s, path: path, stack: append(slices.Clone(stack), path), root: s.root, pins: s.pins, file: f.rel, lines: f.lines}
	l.document(f.doc, scope{file: f.rel, inputs: inputs, event: dispatch})
	s.findings = append(s.findings, l.findings...)
}

// ignored reports whether the line of a finding, in its own file, is
// marked with IgnoreMarker.
func (s *lintSet) ignored(f Finding) bool {
	for _, lf := range s.files {
		if lf.rel == f.File {
			return (&linter{lines: lf.lines}).ignored(f.Line)
		}
	}
	return false
}

// declaredInputs are the inputs of an action (inputs:) or of a reusable
// workflow (on.workflow_call.inputs), each with its default node (nil
// when it has none).
func declaredInputs(top *yaml.Node) map[string]*yaml.Node {
	decl := mapping(top, "inputs")
	if mapping(top, "runs") == nil {
		decl = mapping(mapping(mapping(top, "on"), "workflow_call"), "inputs")
	}
	return inputDefaults(decl)
}

// dispatchInputs are the inputs of a workflow run by hand
// (on.workflow_dispatch.inputs), each with its default node (nil when it
// has none); an action has none.
func dispatchInputs(top *yaml.Node) map[string]*yaml.Node {
	if mapping(top, "runs") != nil {
		return nil
	}
	return inputDefaults(mapping(mapping(mapping(top, "on"), "workflow_dispatch"), "inputs"))
}

// defaultValues are the values of the inputs' defaults, by lower-case
// name, each reported at its default: line with the fix to set it there;
// what says which inputs they are ("input ").
func defaultValues(decl map[string]*yaml.Node, file, what string) map[string][]value {
	out := map[string][]value{}
	for name, def := range decl {
		if def == nil {
			continue
		}
		for _, v := range values(def, scope{file: file}) {
			if v.key == "" {
				v.key = "default"
			}
			v.via = "the default of " + what + name
			out[strings.ToLower(name)] = append(out[strings.ToLower(name)], v)
		}
	}
	return out
}

func inputDefaults(decl *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if decl == nil || decl.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(decl.Content); i += 2 {
		out[decl.Content[i].Value] = mapping(decl.Content[i+1], "default")
	}
	return out
}

// localCalls lists the local actions and reusable workflows a document
// uses, as files.
func localCalls(root string, top *yaml.Node) []string {
	var out []string
	steps := func(n *yaml.Node) {
		if n == nil || n.Kind != yaml.SequenceNode {
			return
		}
		for _, st := range n.Content {
			if f := localActionFile(root, usesOf(st)); f != "" {
				out = append(out, f)
			}
		}
	}
	if runs := mapping(top, "runs"); runs != nil {
		steps(mapping(runs, "steps"))
		return out
	}
	if jobs := mapping(top, "jobs"); jobs != nil && jobs.Kind == yaml.MappingNode {
		for i := 1; i < len(jobs.Content); i += 2 {
			if f := localWorkflowFile(root, usesOf(jobs.Content[i])); f != "" {
				out = append(out, f)
			}
			steps(mapping(jobs.Content[i], "steps"))
		}
	}
	return out
}

func usesOf(n *yaml.Node) string {
	u, _ := scalar(mapping(n, "uses"))
	return u
}

// inRoot is the file a `uses: ./PATH` names, or "" when it is not a
// local reference inside the repository.
func inRoot(root, uses string) string {
	if !strings.HasPrefix(uses, "./") {
		return ""
	}
	p := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(uses, "./")))
	if r, err := filepath.Rel(root, p); err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return ""
	}
	return p
}

// localActionFile is the action.yml of a `uses: ./DIR` step (paths are
// relative to the repository root, as GitHub resolves them after
// checkout), or "" when there is none inside the repository.
func localActionFile(root, uses string) string {
	dir := inRoot(root, uses)
	if dir == "" {
		return ""
	}
	for _, name := range []string{"action.yml", "action.yaml"} {
		f := filepath.Join(dir, name)
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
			return filepath.Clean(f)
		}
	}
	return ""
}

// localWorkflowFile is the reusable workflow a job's `uses:
// ./.github/workflows/build.yml` calls, or "" when there is none.
func localWorkflowFile(root, uses string) string {
	f := inRoot(root, uses)
	if f == "" {
		return ""
	}
	if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
		return filepath.Clean(f)
	}
	return ""
}

// call reads the local action or reusable workflow file with the inputs
// the call's with: gives it, each resolved here (a matrix value, an env
// value, an input of this file's own) and reported here.
func (l *linter) call(file string, with *yaml.Node, sc scope) {
	callee := l.set.files[file]
	if callee == nil {
		return
	}
	given := map[string][]value{}
	if with != nil && with.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(with.Content); i += 2 {
			key, vn := with.Content[i].Value, with.Content[i+1]
			vs := []value{}
			for _, v := range values(vn, sc) {
				if v.key == "" && v.file == l.file && v.line == vn.Line {
					v.key = key // the fix is to set it here
				}
				// A value passed on again keeps the first call (or
				// default) that brought it: that is what its line says.
				if v.via == "" {
					v.via = fmt.Sprintf("passed as input %s to %s", key, callee.rel)
				}
				vs = append(vs, v)
			}
			given[strings.ToLower(key)] = vs
		}
	}
	l.set.lint(file, given, l.stack)
}

var yamlLineRE = regexp.MustCompile(`line (\d+):\s*`)

func (l *linter) syntaxError(err error) Finding {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.Replace(msg, m[0], "", 1)
	}
	// yaml.v3 names the line where the enclosing block starts, not the
	// line that breaks it: find the shortest prefix of the file that
	// fails to parse, whose last line is the culprit.
	if bad := l.firstBadLine(); bad > 0 {
		if bad > line {
			msg += fmt.Sprintf(" (in the block that starts at line %d)", line)
		}
		line = bad
	}
	return Finding{File: l.file, Line: line, Problem: "YAML syntax error: " + msg, Fix: "correct the YAML (GitHub will not run this workflow)"}
}

// firstBadLine returns the smallest n such that the first n lines do not
// parse (0 if it cannot tell).
func (l *linter) firstBadLine() int {
	fails := func(n int) bool {
		var v yaml.Node
		return yaml.Unmarshal([]byte(strings.Join(l.lines[:n], "\n")), &v) != nil
	}
	lo, hi := 0, len(l.lines) // lines[:lo] parses, lines[:hi] does not
	if !fails(hi) {
		return 0
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// IgnoreMarker in a comment on a line, or in a comment line right above
// it, silences lint-ci there: for jobs that test other versions on
// purpose (MSRV, nightly, a version matrix).
const IgnoreMarker = "git-toolchain: ignore"

func (l *linter) ignored(line int) bool {
	marked := func(n int) (bool, bool) { // marker present, comment-only line
		if n < 0 || n >= len(l.lines) {
			return false, false
		}
		text := l.lines[n]
		i := strings.Index(text, "#")
		return i >= 0 && strings.Contains(text[i:], IgnoreMarker), strings.HasPrefix(strings.TrimSpace(text), "#")
	}
	if on, _ := marked(line - 1); on {
		return true
	}
	on, commentOnly := marked(line - 2)
	return on && commentOnly
}

type linter struct {
	set      *lintSet
	path     string   // the file, as read
	stack    []string // the files calling it, and it
	root     string
	pins     map[string]Pin
	file     string
	lines    []string
	findings []Finding
}

func (l *linter) add(line int, tool, problem, fix string) {
	l.findings = append(l.findings, Finding{File: l.file, Line: line, Tool: tool, Problem: problem, Fix: fix})
}

// addAt reports a finding at the line of a value, which may be written
// in the file that called this one (a with: of a reusable workflow).
func (l *linter) addAt(v value, tool, problem, fix string) {
	file := l.file
	if v.file != "" {
		file = v.file
	}
	l.findings = append(l.findings, Finding{File: file, Line: v.line, Tool: tool, Problem: problem, Fix: fix})
}

// pinned returns the pin of tool and a phrase naming it.
func (l *linter) pinned(tool string) (Pin, string, bool) {
	p, ok := l.pins[tool]
	if !ok {
		return p, "", false
	}
	return p, fmt.Sprintf("the %s pinned in %s", normalize(p.Version), p.From), true
}

// expand reads a workflow as GitHub does: an alias is replaced by (a copy
// of, at the alias's line) the node it names; and, as its author meant
// it, the pairs of a "<<" merge key (which GitHub refuses: mergeKeys
// reports it) are added to their mapping under its own keys. Without it an
// aliased "with:" looked empty and an aliased step was not seen at all.
// Each node is expanded once (done), so aliases of aliases cost no more
// than the nodes written.
func expand(n *yaml.Node, done map[*yaml.Node]bool) *yaml.Node {
	if n == nil || done[n] {
		return n
	}
	done[n] = true
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		c := *expand(n.Alias, done)
		c.Line, c.Column, c.Anchor = n.Line, n.Column, ""
		return &c
	}
	for i, ch := range n.Content {
		n.Content[i] = expand(ch, done)
	}
	if n.Kind != yaml.MappingNode {
		return n
	}
	var own, merged []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value != "<<" || k.Tag != "!!merge" {
			own = append(own, k, v)
			continue
		}
		sources := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			sources = v.Content
		}
		for _, s := range sources {
			if s.Kind == yaml.MappingNode {
				merged = append(merged, s.Content...)
			}
		}
	}
	if merged == nil {
		return n
	}
	has := map[string]bool{}
	for i := 0; i < len(own); i += 2 {
		has[own[i].Value] = true
	}
	for i := 0; i+1 < len(merged); i += 2 {
		if !has[merged[i].Value] {
			has[merged[i].Value] = true
			own = append(own, merged[i], merged[i+1])
		}
	}
	n.Content = own
	return n
}

// mergeKeys reports each YAML merge key (<<) in a document, where it is
// written (an alias is not followed, so one in an anchored table is
// reported once). GitHub supports anchors and aliases but not merge
// keys, and refuses the workflow; expand still merges them, so the rest
// of the file is read as its author meant it and the one fix is said
// once.
func mergeKeys(file string, n *yaml.Node) []Finding {
	var out []Finding
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || n.Kind == yaml.AliasNode {
			return
		}
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 && c.Kind == yaml.ScalarNode && c.Tag == "!!merge" {
				out = append(out, Finding{File: file, Line: c.Line,
					Problem: "YAML merge key <<: GitHub does not support it (anchors and aliases, yes; << no) and refuses the workflow",
					Fix:     "write the keys out here (an alias may stand for a whole value: with: *name)"})
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// mapping returns the value of key in a mapping node (nil if absent or
// not a mapping).
func mapping(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// nameIn returns the value of a matrix or env: name in a mapping node as
// an expression (${{ matrix.go }}) reads it: without regard to case, as
// GitHub's contexts are read, the name written as it is first.
func nameIn(n *yaml.Node, name string) *yaml.Node {
	if v := mapping(n, name); v != nil || n == nil || n.Kind != yaml.MappingNode {
		return v
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if strings.EqualFold(n.Content[i].Value, name) {
			return n.Content[i+1]
		}
	}
	return nil
}

// pair returns the key node and the value of key in a mapping node (nil,
// nil if absent): a finding about the value's kind is reported at the
// key, where a block list or table starts a line later.
func pair(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

func scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// scope is what a step's values can refer to.
type scope struct {
	file   string       // the file being read, as reported
	envs   []*yaml.Node // workflow, job, step env: mappings, outermost first
	matrix *yaml.Node   // the job's strategy.matrix, or its strategy when that is an expression
	job    bool         // in a job's own fields, where matrix is the job's
	inputs map[string][]value
	event  map[string][]value // github.event.inputs: the workflow_dispatch defaults
}

func (s scope) with(env *yaml.Node) scope {
	c := s
	c.envs = append(append([]*yaml.Node{}, s.envs...), env)
	return c
}

// base is the scope of values the job and step levels do not change.
func (s scope) base() scope { return scope{file: s.file, inputs: s.inputs, event: s.event} }

// value is one possible value of a workflow field, and its line.
type value struct {
	s       string
	written string // as written, when YAML changes it (1.20 → 1.2)
	file    string // where it is written ("" for the file being read)
	line    int
	via     string // how it reaches the field, when through an input
	key     string // the key to set at its line, when not the field's
	empty   string // how an empty value (s == "") is written: ~, '', or nothing
}

// emptyText names an empty value, which an action reads as no value at
// all ("empty (~)"), as its messages say it.
func (v value) emptyText() string {
	s := "empty"
	if v.empty != "" {
		s += " (" + v.empty + ")"
	}
	if v.via != "" {
		s += " (" + v.via + ")"
	}
	return s
}

var soleExprRE = regexp.MustCompile(`^\$\{\{\s*(env|matrix|inputs|github\.event\.inputs)\.([A-Za-z0-9_-]+)\s*\}\}$`)

// values resolves a field to its possible values: a literal, or a
// ${{ matrix.X }} / ${{ env.X }} reference to literals. Anything else
// (step outputs, inputs, functions) cannot be known here and yields
// nothing: lint-ci reports only what it can see.
// excluded reports whether the matrix's exclude entries remove every
// combination in which key has the value v: an entry naming key: v whose
// other keys each name the only value their key has.
func excluded(matrix *yaml.Node, key string, v *yaml.Node) bool {
	exc := mapping(matrix, "exclude")
	if exc == nil || exc.Kind != yaml.SequenceNode || v.Kind != yaml.ScalarNode {
		return false
	}
	for _, e := range exc.Content {
		if e.Kind != yaml.MappingNode {
			continue
		}
		if ev, ok := scalar(nameIn(e, key)); !ok || ev != v.Value {
			continue
		}
		all := true
		for i := 0; i+1 < len(e.Content) && all; i += 2 {
			k := e.Content[i].Value
			if strings.EqualFold(k, key) {
				continue
			}
			ev, ok := scalar(e.Content[i+1])
			list := nameIn(matrix, k)
			switch {
			case !ok || list == nil:
				all = false
			case list.Kind == yaml.SequenceNode:
				all = len(list.Content) == 1 && list.Content[0].Value == ev
			default:
				all = list.Value == ev
			}
		}
		if all {
			return true
		}
	}
	return false
}

func values(n *yaml.Node, sc scope) []value {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	m := soleExprRE.FindStringSubmatch(strings.TrimSpace(n.Value))
	if m == nil {
		if strings.Contains(n.Value, "${{") {
			return nil
		}
		v := value{s: n.Value, file: sc.file, line: n.Line}
		// ~, null or nothing is YAML's null, and '' the empty string:
		// both reach the action as an empty input, which it reads as
		// none, not as a version named "~".
		switch {
		case n.Tag == "!!null":
			v.s, v.empty = "", n.Value
		case n.Value == "" && n.Style == yaml.DoubleQuotedStyle:
			v.empty = `""`
		case n.Value == "" && n.Style == yaml.SingleQuotedStyle:
			v.empty = "''"
		}
		// An unquoted 1.20 is the number 1.2 to YAML, and to the action.
		if n.Style == 0 && n.Tag == "!!float" {
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
				if s := strconv.FormatFloat(f, 'f', -1, 64); s != n.Value {
					v.s, v.written = s, n.Value
				}
			}
		}
		return []value{v}
	}
	switch m[1] {
	case "env":
		for i := len(sc.envs) - 1; i >= 0; i-- {
			if v := nameIn(sc.envs[i], m[2]); v != nil {
				return values(v, sc.base())
			}
		}
	case "matrix":
		var out []value
		if list := nameIn(sc.matrix, m[2]); list != nil {
			if list.Kind == yaml.SequenceNode {
				for _, e := range list.Content {
					if !excluded(sc.matrix, m[2], e) {
						out = append(out, values(e, sc.base())...)
					}
				}
			} else {
				out = append(out, values(list, sc.base())...)
			}
		}
		if inc := mapping(sc.matrix, "include"); inc != nil && inc.Kind == yaml.SequenceNode {
			for _, e := range inc.Content {
				out = append(out, values(nameIn(e, m[2]), sc.base())...)
			}
		}
		if why := matrixLacks(sc, m[2]); why != "" {
			return []value{{file: sc.file, line: n.Line, empty: strings.TrimSpace(n.Value) + ": " + why}}
		}
		// A matrix of inputs passed on as inputs of the next call
		// would double its values at each call; one written in one
		// place, come by one way, is one value.
		seen := map[value]bool{}
		return slices.DeleteFunc(out, func(v value) bool {
			dup := seen[v]
			seen[v] = true
			return dup
		})
	case "inputs":
		// Input names are case-insensitive, as in GitHub's expressions.
		return sc.inputs[strings.ToLower(m[2])]
	case "github.event.inputs":
		return sc.event[strings.ToLower(m[2])]
	}
	return nil
}

// matrixLacks says why ${{ matrix.key }} is empty in a job's field: the
// job has no matrix, or its matrix (and every include: entry) lacks the
// key. "" when it may be set, or cannot be told: a strategy, matrix or
// include: computed by an expression, or a scope apart from the job's.
func matrixLacks(sc scope, key string) string {
	if !sc.job {
		return ""
	}
	if sc.matrix == nil {
		return "the job has no strategy.matrix"
	}
	if sc.matrix.Kind != yaml.MappingNode || nameIn(sc.matrix, key) != nil {
		return ""
	}
	if inc := mapping(sc.matrix, "include"); inc != nil {
		if inc.Kind != yaml.SequenceNode {
			return ""
		}
		for _, e := range inc.Content {
			if e.Kind != yaml.MappingNode || nameIn(e, key) != nil {
				return ""
			}
		}
	}
	return "the job's strategy.matrix has no " + key
}

func (v value) show() string {
	s := v.s
	if v.written != "" {
		s = fmt.Sprintf("%s (YAML reads the unquoted %s as the number %s)", v.s, v.written, v.s)
	}
	if v.via != "" {
		s += " (" + v.via + ")"
	}
	return s
}

// fix is the fix for a value: def, or where the value is written under
// another key (a with: of a call, an input's default), to set that key.
func (v value) fix(def, want string) string {
	if v.key == "" {
		return def
	}
	return fmt.Sprintf("set %s: '%s'", v.key, want)
}

// document lints a workflow (jobs.*.steps) or an action (runs.steps);
// sc holds its inputs.
func (l *linter) document(top *yaml.Node, sc scope) {
	if runs := mapping(top, "runs"); runs != nil {
		l.steps(mapping(runs, "steps"), sc, true)
		return
	}
	wf := sc.with(mapping(top, "env"))
	// A workflow-level GOTOOLCHAIN=local is judged per job, below.
	l.envToolchains(mapping(top, "env"), wf, true)
	jobs := mapping(top, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return
	}
	for i := 1; i < len(jobs.Content); i += 2 {
		job := jobs.Content[i]
		strategy := mapping(job, "strategy")
		sc := wf.with(mapping(job, "env"))
		sc.matrix, sc.job = mapping(strategy, "matrix"), true
		if strategy != nil && strategy.Kind == yaml.ScalarNode && strategy.Tag != "!!null" {
			// strategy: ${{ fromJSON(…) }} gives its matrix only at run
			// time: unknown, as a matrix: written so is, not absent.
			sc.matrix = strategy
		}
		// A job's container: has no env context (containerContexts
		// reports one that reads it): its ${{ env.X }} is not resolved.
		csc := sc
		csc.envs = nil
		l.container(job, csc)
		if f := localWorkflowFile(l.root, usesOf(job)); f != "" {
			l.call(f, mapping(job, "with"), sc)
		} else {
			l.missingWorkflow(mapping(job, "uses"))
		}
		l.envToolchains(mapping(job, "env"), sc, l.installsPinnedGo(mapping(job, "steps"), sc))
		l.steps(mapping(job, "steps"), sc, false)
		// Workflow-level GOTOOLCHAIN=local matters per job too.
		if l.hasLocalToolchain(mapping(top, "env")) && !l.installsPinnedGo(mapping(job, "steps"), sc) && mapping(mapping(job, "env"), "GOTOOLCHAIN") == nil {
			l.localToolchain(mapping(mapping(top, "env"), "GOTOOLCHAIN"))
		}
	}
}

// steps lints a job's steps, or a composite action's (inAction).
func (l *linter) steps(steps *yaml.Node, sc scope, inAction bool) {
	if steps == nil || steps.Kind != yaml.SequenceNode {
		return
	}
	setsGo := l.installsPinnedGo(steps, sc)
	// A local action missing here may be put there before it runs: by
	// a checkout of another repository or of submodules, a script, an
	// action, or, in a composite action, by its callers' steps (as
	// actionlint, which never reports one, fears). Only one that nothing
	// before it can have made is reported.
	mayCreate := inAction
	for _, st := range steps.Content {
		if st.Kind != yaml.MappingNode {
			continue
		}
		ssc := sc.with(mapping(st, "env"))
		l.envToolchains(mapping(st, "env"), ssc, setsGo)
		missing := false
		if uses, ok := scalar(mapping(st, "uses")); ok {
			if !mayCreate {
				missing = l.missingAction(mapping(st, "uses"), uses)
			}
			l.uses(st, mapping(st, "uses"), uses, ssc)
		}
		if run := mapping(st, "run"); run != nil && run.Kind == yaml.ScalarNode {
			l.run(run, setsGo)
		}
		// A missing action makes nothing.
		mayCreate = mayCreate || (!missing && mayCreateFiles(st))
	}
}

// setupActions install a toolchain and write nothing in the workspace.
var setupActions = map[string]bool{
	"actions/setup-go": true, "actions/setup-node": true, "actions/setup-python": true,
	"dtolnay/rust-toolchain": true, "actions-rs/toolchain": true, "golangci/golangci-lint-action": true,
}

// mayCreateFiles reports whether a step may add files to the workspace
// beside the repository's own: anything but a checkout of this
// repository alone, or a setup action.
func mayCreateFiles(st *yaml.Node) bool {
	uses, ok := scalar(mapping(st, "uses"))
	if !ok || mapping(st, "run") != nil {
		return true
	}
	name := actionName(uses)
	if name != "actions/checkout" {
		return !setupActions[name]
	}
	with := mapping(st, "with")
	sub, _ := scalar(mapping(with, "submodules"))
	return mapping(with, "repository") != nil || mapping(with, "path") != nil || (mapping(with, "submodules") != nil && sub != "false")
}

// missingAction reports a `uses: ./DIR` step whose action is not in the
// repository: GitHub fails the step, and lint-ci cannot read its pins.
// A Docker action may have a Dockerfile and no action.yml. It reports
// whether the action is missing.
func (l *linter) missingAction(usesNode *yaml.Node, uses string) bool {
	dir := inRoot(l.root, uses)
	if dir == "" || strings.Contains(uses, "${{") || localActionFile(l.root, uses) != "" {
		return false
	}
	if st, err := os.Stat(filepath.Join(dir, "Dockerfile")); err == nil && st.Mode().IsRegular() {
		return false
	}
	rel := l.relToRoot(dir)
	fix := fmt.Sprintf("create %s, or correct the path", path.Join(rel, "action.yml"))
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		l.add(usesNode.Line, "", fmt.Sprintf("uses: %s names a directory that does not exist, so the step fails (no action.yml to run)", uses), fix)
	case !st.IsDir():
		if base := path.Base(rel); base == "action.yml" || base == "action.yaml" {
			fix = fmt.Sprintf("write uses: ./%s (the action's directory)", path.Dir(rel))
		}
		l.add(usesNode.Line, "", fmt.Sprintf("uses: %s names a file, not the directory of an action, so the step fails", uses), fix)
	default:
		l.add(usesNode.Line, "", fmt.Sprintf("uses: %s has no action.yml (nor action.yaml or Dockerfile), so the step fails", uses), fix)
	}
	return true
}

// missingWorkflow reports a job's `uses: ./.github/workflows/X.yml`
// that names no file: GitHub reads a reusable workflow from the commit
// before any step runs, so nothing can create it, and refuses the whole
// workflow.
func (l *linter) missingWorkflow(usesNode *yaml.Node) {
	uses, ok := scalar(usesNode)
	f := inRoot(l.root, uses)
	if !ok || f == "" || strings.Contains(uses, "${{") {
		return
	}
	rel := l.relToRoot(f)
	what := "names a reusable workflow that does not exist"
	if _, err := os.Stat(f); err == nil {
		what = "names no reusable workflow file"
	}
	l.add(usesNode.Line, "", fmt.Sprintf("uses: %s %s, so GitHub will not run this workflow", uses, what),
		fmt.Sprintf("create %s, or correct the path", rel))
}

// relToRoot names a path under the root as findings do: relative, with
// slashes.
func (l *linter) relToRoot(p string) string {
	if r, err := filepath.Rel(l.root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(p)
}

// installsPinnedGo reports whether the steps install the pinned Go with
// actions/setup-go, which makes GOTOOLCHAIN=local harmless.
func (l *linter) installsPinnedGo(steps *yaml.Node, sc scope) bool {
	pin, _, ok := l.pinned("go")
	if !ok || steps == nil || steps.Kind != yaml.SequenceNode {
		return false
	}
	for _, st := range steps.Content {
		uses, _ := scalar(mapping(st, "uses"))
		if actionName(uses) != "actions/setup-go" {
			continue
		}
		with := mapping(st, "with")
		if gv := mapping(with, "go-version"); gv != nil {
			vs := values(gv, sc.with(mapping(st, "env")))
			if len(vs) == 0 {
				return true // an expression lint-ci cannot see: trusted, as elsewhere
			}
			all, empty := true, true
			for _, v := range vs {
				all = all && Satisfies(pin.Version, v.s)
				empty = empty && v.s == ""
			}
			if all {
				return true
			}
			if !empty {
				continue
			}
			// An empty go-version is none: setup-go reads the file.
		}
		if f, ok := scalar(mapping(with, "go-version-file")); ok {
			if v, _, err := l.fileVersion(f, "go"); err == nil && Satisfies(pin.Version, v) {
				return true
			}
		}
	}
	return false
}

func actionName(uses string) string {
	name, _, _ := strings.Cut(uses, "@")
	return strings.ToLower(name)
}

func (l *linter) uses(st, usesNode *yaml.Node, uses string, sc scope) {
	if strings.HasPrefix(uses, "./") {
		if f := localActionFile(l.root, uses); f != "" {
			l.call(f, mapping(st, "with"), sc)
		}
		return
	}
	if img, ok := strings.CutPrefix(uses, "docker://"); ok {
		l.image(value{s: img, line: usesNode.Line}, "step ", "docker://")
		return
	}
	with := mapping(st, "with")
	name, ref, _ := strings.Cut(uses, "@")
	switch strings.ToLower(name) {
	case "dtolnay/rust-toolchain":
		l.dtolnay(usesNode, ref, with, sc)
	case "actions-rs/toolchain":
		l.actionsRs(usesNode, with, sc)
	case "actions/setup-go":
		l.setupAction(usesNode, with, sc, "go", "Go", "actions/setup-go", "go-version", "go-version-file", "stable or oldstable")
	case "actions/setup-node":
		l.setupAction(usesNode, with, sc, "node", "Node.js", "actions/setup-node", "node-version", "node-version-file", "lts/*, latest, node or current")
	case "actions/setup-python":
		l.setupAction(usesNode, with, sc, "python", "Python", "actions/setup-python", "python-version", "python-version-file", "3.x")
	case "golangci/golangci-lint-action":
		l.golangciAction(usesNode, with, sc)
	}
}

// notOneString reports an input of a setup action given as a list or a
// table (go-version: ['1.26.8'], outside a matrix): GitHub refuses the
// workflow, as an input is one string, and lint-ci would read no version
// there. It is reported at the key's line, with fix; a list of versions
// is shown where it belongs.
func (l *linter) notOneString(with *yaml.Node, key, tool, action, fix string) bool {
	if with == nil || with.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(with.Content); i += 2 {
		k, vn := with.Content[i], with.Content[i+1]
		if k.Value != key || (vn.Kind != yaml.SequenceNode && vn.Kind != yaml.MappingNode) {
			continue
		}
		what := "a table"
		if vn.Kind == yaml.SequenceNode {
			what = "a list"
			if !strings.HasSuffix(key, "-file") {
				fix += fmt.Sprintf(" (a list of versions belongs in strategy.matrix, given as ${{ matrix.%s }})", key)
			}
		}
		l.add(k.Line, tool, fmt.Sprintf("%s with %s: %s is %s, which GitHub refuses (an input is one string)", action, key, flowText(vn), what), fix)
		return true
	}
	return false
}

// flowText writes a list or table as YAML's flow style on one line
// ([20, 22], {channel: 1.89.0}), as a finding quotes it.
func flowText(n *yaml.Node) string {
	var parts []string
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		for _, c := range n.Content {
			parts = append(parts, flowText(c))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, flowText(n.Content[i])+": "+flowText(n.Content[i+1]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "…"
}

var rustChannelRE = regexp.MustCompile(`^(stable|beta|nightly)(-\d{4}-\d{2}-\d{2})?$`)

func (l *linter) dtolnay(usesNode *yaml.Node, ref string, with *yaml.Node, sc scope) {
	pin, pinned, ok := l.pinned("rust")
	if !ok || l.notOneString(with, "toolchain", "rust", "dtolnay/rust-toolchain", fmt.Sprintf("set toolchain: '%s'", normalize(pin.Version))) {
		return
	}
	if tc := mapping(with, "toolchain"); tc != nil {
		for _, v := range values(tc, sc) {
			if !Satisfies(pin.Version, v.s) {
				l.addAt(v, "rust", rustInput("dtolnay/rust-toolchain", v, pinned),
					v.fix(fmt.Sprintf("set toolchain: %s", normalize(pin.Version)), normalize(pin.Version)))
			}
		}
		return
	}
	switch {
	case isNumeric(normalize(ref)):
		if !Satisfies(pin.Version, ref) {
			l.add(usesNode.Line, "rust", fmt.Sprintf("dtolnay/rust-toolchain@%s installs Rust %s, not %s", ref, ref, pinned),
				fmt.Sprintf("use dtolnay/rust-toolchain@%s", normalize(pin.Version)))
		}
	case rustChannelRE.MatchString(ref):
		l.add(usesNode.Line, "rust", fmt.Sprintf("dtolnay/rust-toolchain@%s installs the latest %s Rust, not %s", ref, strings.SplitN(ref, "-", 2)[0], pinned),
			fmt.Sprintf("use dtolnay/rust-toolchain@%s (or add with: toolchain: %s)", normalize(pin.Version), normalize(pin.Version)))
	default:
		l.add(usesNode.Line, "rust", fmt.Sprintf("dtolnay/rust-toolchain@%s has no toolchain: input, so it does not install %s", ref, pinned),
			fmt.Sprintf("add with: toolchain: %s (or use dtolnay/rust-toolchain@%s)", normalize(pin.Version), normalize(pin.Version)))
	}
}

// rustInput is the problem of a Rust action's toolchain: input other
// than the pin.
func rustInput(action string, v value, pinned string) string {
	if v.s == "" {
		return fmt.Sprintf("%s with toolchain %s does not install %s", action, v.emptyText(), pinned)
	}
	return fmt.Sprintf("%s with toolchain: %s installs Rust %s, not %s", action, v.show(), v.s, pinned)
}

func (l *linter) actionsRs(usesNode, with *yaml.Node, sc scope) {
	pin, pinned, ok := l.pinned("rust")
	if !ok {
		return
	}
	fix := fmt.Sprintf("set toolchain: %s (actions-rs/toolchain is archived; dtolnay/rust-toolchain@%s is maintained)", normalize(pin.Version), normalize(pin.Version))
	if l.notOneString(with, "toolchain", "rust", "actions-rs/toolchain", fmt.Sprintf("set toolchain: '%s'", normalize(pin.Version))) {
		return
	}
	if tc := mapping(with, "toolchain"); tc != nil {
		for _, v := range values(tc, sc) {
			if !Satisfies(pin.Version, v.s) {
				l.addAt(v, "rust", rustInput("actions-rs/toolchain", v, pinned), v.fix(fix, normalize(pin.Version)))
			}
		}
		return
	}
	// Without the input it reads the legacy rust-toolchain file only.
	v, _, err := l.fileVersion("rust-toolchain", "rust")
	switch {
	case err != nil:
		l.add(usesNode.Line, "rust", fmt.Sprintf("actions-rs/toolchain has no toolchain: input and reads only a rust-toolchain file (not rust-toolchain.toml), so it does not install %s", pinned), fix)
	case !Satisfies(pin.Version, v):
		l.add(usesNode.Line, "rust", fmt.Sprintf("actions-rs/toolchain installs Rust %s from rust-toolchain, not %s", v, pinned), fix)
	}
}

// setupAction checks actions/setup-go, setup-node and setup-python: a
// version input other than the pin, a version file that disagrees, or
// neither (the runner's preinstalled version).
func (l *linter) setupAction(usesNode, with *yaml.Node, sc scope, tool, display, action, versionKey, fileKey, moving string) {
	pin, pinned, ok := l.pinned(tool)
	if !ok {
		return
	}
	want := normalize(pin.Version)
	if l.notOneString(with, versionKey, tool, action, fmt.Sprintf("set %s: '%s'", versionKey, want)) ||
		l.notOneString(with, fileKey, tool, action, fmt.Sprintf("name one file in %s (or set %s: '%s')", fileKey, versionKey, want)) {
		return
	}
	fileNode := mapping(with, fileKey)
	if vn := mapping(with, versionKey); vn != nil {
		var empty []value
		for _, v := range values(vn, sc) {
			if Satisfies(pin.Version, v.s) {
				continue
			}
			// An empty version is none to the action: it takes the
			// version file, else the runner's, as when it is left out.
			if v.s == "" {
				empty = append(empty, v)
				continue
			}
			what := fmt.Sprintf("%s %s", display, v.s)
			if !isNumeric(normalize(v.s)) || !isExact(v.s) {
				what = fmt.Sprintf("whatever %s %s resolves to on the day", display, v.s)
			}
			l.addAt(v, tool, fmt.Sprintf("%s with %s: %s installs %s, not %s", action, versionKey, v.show(), what, pinned),
				v.fix(fmt.Sprintf("set %s: '%s' (or %s: naming a file that pins it)", versionKey, want, fileKey), want))
		}
		if len(empty) == 0 {
			return
		}
		if fileNode == nil {
			if tool == "python" && l.pythonVersionFileAgrees(pin) {
				return
			}
			for _, v := range empty {
				l.addAt(v, tool, fmt.Sprintf("%s with %s %s uses the runner's preinstalled %s, not %s", action, versionKey, v.emptyText(), display, pinned),
					v.fix(fmt.Sprintf("set %s: '%s'", versionKey, want), want))
			}
			return
		}
		if fn, ok := scalar(fileNode); !ok || strings.Contains(fn, "${{") {
			return // a file lint-ci cannot read: trusted
		}
	}
	if fn, ok := scalar(fileNode); ok && !strings.Contains(fn, "${{") {
		// No setup action reads toolchain.toml: each takes a file it
		// does not know as the version itself ("[tools]"), and fails.
		if path.Base(filepath.ToSlash(fn)) == config.FileName {
			l.add(fileNode.Line, tool, fmt.Sprintf("%s with %s: %s names a file %s cannot read (it takes the file's text as the version, and fails)", action, fileKey, fn, action),
				fmt.Sprintf("set %s: '%s' (git toolchain env --github gives it as a step output)", versionKey, want))
			return
		}
		v, line, err := l.fileVersion(fn, tool)
		// setup-go reads a go.mod's go line, not its toolchain line, when
		// GOTOOLCHAIN=local (and v5 always does), and local keeps go from
		// switching to the toolchain line's Go: the go line's Go runs.
		goLine := ""
		if b := path.Base(filepath.ToSlash(fn)); err == nil && tool == "go" && (b == "go.mod" || b == "go.work") && goToolchainLocal(sc) {
			if m, err := readGoMod(filepath.Dir(filepath.Join(l.root, filepath.FromSlash(fn))), b); err == nil && m.Toolchain != "" && m.Go != "" {
				v, line, goLine = m.Go, m.GoLine, ", its go line: with GOTOOLCHAIN=local setup-go reads it, not the toolchain line"
			}
		}
		switch {
		case goLine != "" && !Satisfies(pin.Version, v):
			l.add(fileNode.Line, tool, fmt.Sprintf("%s with %s: %s installs %s %s (%s:%d%s), not %s", action, fileKey, fn, display, v, fn, line, goLine, pinned),
				fmt.Sprintf("set %s: '%s', or drop GOTOOLCHAIN=local", versionKey, want))
		case errors.Is(err, os.ErrNotExist):
			l.add(mapping(with, fileKey).Line, tool, fmt.Sprintf("%s with %s: %s names a file that does not exist", action, fileKey, fn),
				fmt.Sprintf("create %s pinning %s, or set %s: '%s'", fn, want, versionKey, want))
		case err != nil:
			// The file is there: what is wrong is in it, not only in
			// the workflow.
			fix := fmt.Sprintf("correct %s, or set %s: '%s'", fn, versionKey, want)
			if errors.As(err, new(noPinError)) {
				fix = fmt.Sprintf("pin %s in %s, or set %s: '%s'", want, fn, versionKey, want)
			}
			l.add(mapping(with, fileKey).Line, tool, fmt.Sprintf("%s with %s: %s: %v", action, fileKey, fn, err), fix)
		case !Satisfies(pin.Version, v):
			l.add(mapping(with, fileKey).Line, tool, fmt.Sprintf("%s with %s: %s installs %s %s (%s:%d), not %s", action, fileKey, fn, display, v, fn, line, pinned),
				fmt.Sprintf("pin %s in %s, or set %s: '%s'", want, fn, versionKey, want))
		}
		return
	}
	if tool == "python" && l.pythonVersionFileAgrees(pin) {
		return
	}
	l.add(usesNode.Line, tool, fmt.Sprintf("%s without %s or %s uses the runner's preinstalled %s, not %s", action, versionKey, fileKey, display, pinned),
		fmt.Sprintf("add with: %s: '%s'", versionKey, want))
}

// pythonVersionFileAgrees reports whether .python-version, which
// setup-python reads when given no version, holds the pin.
func (l *linter) pythonVersionFileAgrees(pin Pin) bool {
	v, _, err := l.fileVersion(".python-version", "python")
	return err == nil && Satisfies(pin.Version, v)
}

func (l *linter) golangciAction(usesNode, with *yaml.Node, sc scope) {
	pin, pinned, ok := l.pinned("golangci-lint")
	if !ok {
		return
	}
	fix := fmt.Sprintf("set version: v%s", normalize(pin.Version))
	if l.notOneString(with, "version", "golangci-lint", "golangci/golangci-lint-action", fmt.Sprintf("set version: 'v%s'", normalize(pin.Version))) {
		return
	}
	vn := mapping(with, "version")
	if vn == nil {
		l.add(usesNode.Line, "golangci-lint", fmt.Sprintf("golangci/golangci-lint-action without version: installs the latest golangci-lint, not %s", pinned), fix)
		return
	}
	for _, v := range values(vn, sc) {
		if Satisfies(pin.Version, v.s) {
			continue
		}
		if v.s == "" { // none, to the action
			l.addAt(v, "golangci-lint", fmt.Sprintf("golangci/golangci-lint-action with version %s installs the latest golangci-lint, not %s", v.emptyText(), pinned), v.fix(fix, "v"+normalize(pin.Version)))
			continue
		}
		what := "golangci-lint " + normalize(v.s)
		if !isExact(v.s) {
			what = "whatever golangci-lint " + v.s + " resolves to on the day"
		}
		l.addAt(v, "golangci-lint", fmt.Sprintf("golangci/golangci-lint-action with version: %s installs %s, not %s", v.show(), what, pinned), v.fix(fix, "v"+normalize(pin.Version)))
	}
}

// containerImages maps official images to the tool they provide.
var containerImages = map[string]string{"golang": "go", "rust": "rust", "node": "node", "python": "python"}

// displayNames are how messages name the built-in tools.
var displayNames = map[string]string{"go": "Go", "rust": "Rust", "node": "Node.js", "python": "Python"}

// container checks a job's container image (golang:1.22, rust:latest),
// which may come from the matrix.
func (l *linter) container(job *yaml.Node, sc scope) {
	c := mapping(job, "container")
	if c != nil && c.Kind == yaml.MappingNode {
		c = mapping(c, "image")
	}
	for _, v := range values(c, sc) {
		l.image(v, "container ", "")
	}
}

// dockerRegistries are the names of Docker Hub, where the official
// images are, that an image reference may start with, and of the
// mirrors that serve those images under their own names (ECR Public's
// docker/library/golang, Google's mirror.gcr.io/library/golang).
var dockerRegistries = []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/", "public.ecr.aws/docker/", "mirror.gcr.io/"}

// osVariantRE matches the words of an official image's tag that name
// the system it is built on (alpine3.20, slim, bookworm,
// windowsservercore, nanoserver), which a tag of the pinned version
// keeps. Any other word before the version is a channel (lts, jod,
// current, tip, rc): it names no release, and the fix drops it.
var osVariantRE = regexp.MustCompile(`^(alpine[0-9.]*|slim|bookworm|bullseye|buster|stretch|jessie|trixie|windowsservercore|nanoserver)$`)

// image checks an official image's tag against the pin: golang:1.22,
// node:18-alpine, python:3.12-slim, rust:latest, with or without a
// digest after it (golang:1.26.8@sha256:…, as Renovate pins them). A
// digest alone names no version that can be read here: it is trusted,
// as an expression in the image (golang:${{ env.GO }}) is. A tag that
// names a line (golang:1.26, node:22) or a channel (node:lts, jod) runs
// whatever release it points to on the day. what and scheme are how the
// workflow names it ("container ", or "step " and "docker://").
func (l *linter) image(v value, what, scheme string) {
	img := strings.TrimSpace(v.s)
	if strings.Contains(img, "${{") {
		return
	}
	ref, digest, _ := strings.Cut(img, "@")
	repo, tag := ref, ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		repo, tag = ref[:i], ref[i+1:]
	}
	name := repo
	for _, r := range dockerRegistries {
		name = strings.TrimPrefix(name, r)
	}
	name = strings.TrimPrefix(name, "library/")
	tool, ok := containerImages[name]
	if !ok || (tag == "" && digest != "") {
		return
	}
	pin, pinned, ok := l.pinned(tool)
	if !ok {
		return
	}
	// The tag is VERSION[-VARIANT], CHANNEL[-VARIANT] or a VARIANT of
	// the latest (alpine, slim-bookworm); the fix keeps the variant. A
	// release (1.26.8, 1.26rc1) is fixed; a line (1.26, python's 3.14-rc
	// pre-releases) or a channel moves.
	version, variant, floats := "", "", false
	if tag != "" && tag != "latest" {
		words := strings.Split(tag, "-")
		switch {
		case words[0] != "" && words[0][0] >= '0' && words[0][0] <= '9':
			version, words = words[0], words[1:]
			floats = isNumeric(version) && !isExact(version)
			if len(words) > 0 && words[0] == "rc" {
				version, words, floats = version+"-rc", words[1:], true
			}
		case words[0] != "" && !osVariantRE.MatchString(words[0]):
			version, words, floats = words[0], words[1:], true
		}
		variant = strings.Join(words, "-")
	}
	if version != "" && Satisfies(pin.Version, version) {
		return
	}
	runs := fmt.Sprintf("the latest %s", displayNames[tool])
	switch {
	case floats:
		runs = fmt.Sprintf("whatever %s %s resolves to on the day", displayNames[tool], version)
	case version != "":
		runs = fmt.Sprintf("%s %s", displayNames[tool], version)
	}
	want := repo + ":" + normalize(pin.Version)
	if variant != "" {
		want += "-" + variant
	}
	fix := "use " + scheme + want
	if digest != "" {
		fix += " (and that tag's digest)"
	}
	if v.via != "" {
		img += " (" + v.via + ")"
	}
	l.addAt(v, tool, fmt.Sprintf("%s%s%s runs %s, not %s", what, scheme, img, runs, pinned), v.fix(fix, want))
}

// envToolchains checks GOTOOLCHAIN and RUSTUP_TOOLCHAIN in an env:
// mapping.
func (l *linter) envToolchains(env *yaml.Node, sc scope, setsGo bool) {
	if gt := mapping(env, "GOTOOLCHAIN"); gt != nil {
		for _, v := range values(gt, sc) {
			l.goToolchain(v, setsGo)
		}
	}
	if rt := mapping(env, "RUSTUP_TOOLCHAIN"); rt != nil {
		for _, v := range values(rt, sc) {
			l.rustToolchain(v, "RUSTUP_TOOLCHAIN="+v.s)
		}
	}
}

// goToolchainLocal reports whether a step runs with GOTOOLCHAIN=local,
// from its own env: or its job's or workflow's, the innermost first.
func goToolchainLocal(sc scope) bool {
	for i := len(sc.envs) - 1; i >= 0; i-- {
		if v := mapping(sc.envs[i], "GOTOOLCHAIN"); v != nil {
			s, _ := scalar(v)
			return s == "local"
		}
	}
	return false
}

func (l *linter) hasLocalToolchain(env *yaml.Node) bool {
	v, ok := scalar(mapping(env, "GOTOOLCHAIN"))
	return ok && strings.HasPrefix(v, "local")
}

// goToolchain checks one GOTOOLCHAIN value. local is flagged at job and
// step level only where the job does not install the pin with setup-go
// (workflow-level values are checked per job by document).
func (l *linter) goToolchain(val value, setsGo bool) {
	pin, pinned, ok := l.pinned("go")
	if !ok {
		return
	}
	v := val.s
	name, _, _ := strings.Cut(v, "+")
	switch {
	case name == "local":
		if !setsGo && val.line > 0 {
			l.addAt(val, "go", fmt.Sprintf("GOTOOLCHAIN=%s runs whatever Go the runner has and ignores go.mod's toolchain line, not %s", val.show(), pinned),
				fmt.Sprintf("install Go %s with actions/setup-go (go-version: '%s') in this job, or drop GOTOOLCHAIN", normalize(pin.Version), normalize(pin.Version)))
		}
	case name == "auto" || name == "path" || v == "":
	case !Satisfies(pin.Version, name):
		l.addAt(val, "go", fmt.Sprintf("GOTOOLCHAIN=%s runs Go %s, not %s", val.show(), normalize(name), pinned),
			val.fix(fmt.Sprintf("set GOTOOLCHAIN=go%s, or drop it", normalize(pin.Version)), "go"+normalize(pin.Version)))
	}
}

func (l *linter) localToolchain(n *yaml.Node) {
	if n == nil {
		return
	}
	for _, f := range l.findings {
		if f.Line == n.Line && f.Tool == "go" {
			return
		}
	}
	l.goToolchain(value{s: n.Value, line: n.Line}, false)
}

func (l *linter) rustToolchain(val value, what string) {
	pin, pinned, ok := l.pinned("rust")
	// An empty RUSTUP_TOOLCHAIN selects nothing, as an empty GOTOOLCHAIN.
	if !ok || val.s == "" || Satisfies(pin.Version, val.s) {
		return
	}
	if val.via != "" {
		what += " (" + val.via + ")"
	}
	l.addAt(val, "rust", fmt.Sprintf("%s selects Rust %s, not %s", what, val.s, pinned),
		val.fix(fmt.Sprintf("use %s instead of %s", normalize(pin.Version), val.s), normalize(pin.Version)))
}

// Commands in run: scripts that install or select a toolchain.
var (
	goToolchainRunRE   = regexp.MustCompile(`\bGOTOOLCHAIN=["']?([A-Za-z0-9.+_-]+)`)
	rustupDefaultRE    = regexp.MustCompile(`\brustup\s+(default|override\s+set)\s+([A-Za-z0-9._-]+)`)
	rustupInstallRE    = regexp.MustCompile(`\brustup\s+(?:toolchain\s+install|install|update)((?:\s+[^\s;&|#]+)*)`)
	rustupFileRE       = regexp.MustCompile(`\brustup\s+(show|toolchain\s+install|install)\s*(?:$|[;&|#])`)
	rustPlusRE         = regexp.MustCompile(`\b(cargo|rustc|rustdoc|rustup\s+run)\s+\+?([A-Za-z0-9._-]+)`)
	rustupToolchainRE  = regexp.MustCompile(`\bRUSTUP_TOOLCHAIN=["']?([A-Za-z0-9._-]+)`)
	nvmRE              = regexp.MustCompile(`\bnvm\s+(install|use)((?:\s+[^\s;&|#]+)*)`)
	rustupOptionValues = map[string]bool{"--profile": true, "--component": true, "-c": true, "--target": true, "-t": true}
)

// run checks the commands of a run: script, line by line. A line ending
// in a backslash goes on on the next one, as the shell reads it: the
// version of 'rustup toolchain install \' is on a later line, and the
// backslash is no toolchain. A command is reported at its first line.
func (l *linter) run(run *yaml.Node, setsGo bool) {
	cur := &lineCursor{lines: l.lines, line: run.Line - 1}
	var pending string // a command continued so far
	pendingLine := 0
	for _, text := range strings.Split(run.Value, "\n") {
		code := text
		if i := strings.Index(code, "#"); i >= 0 && (i == 0 || code[i-1] == ' ' || code[i-1] == '\t') {
			code = code[:i]
		}
		if strings.TrimSpace(code) == "" {
			if pending != "" {
				l.command(pending, pendingLine, setsGo)
				pending = ""
			}
			continue
		}
		line := cur.find(strings.TrimSpace(code), run.Line)
		if pending == "" {
			pendingLine = line
		}
		if head, ok := strings.CutSuffix(code, `\`); ok {
			pending += head + " "
			continue
		}
		l.command(pending+code, pendingLine, setsGo)
		pending = ""
	}
	if pending != "" {
		l.command(pending, pendingLine, setsGo)
	}
}

// command checks one command of a run: script, reported at line.
func (l *linter) command(code string, line int, setsGo bool) {
	for _, m := range goToolchainRunRE.FindAllStringSubmatch(code, -1) {
		l.goToolchain(value{s: m[1], line: line}, setsGo)
	}
	for _, m := range rustupToolchainRE.FindAllStringSubmatch(code, -1) {
		l.rustToolchain(value{s: m[1], line: line}, "RUSTUP_TOOLCHAIN="+m[1])
	}
	l.rustupCommands(code, line)
	l.nvmCommands(code, line)
}

func (l *linter) rustupCommands(code string, line int) {
	pin, pinned, ok := l.pinned("rust")
	if !ok {
		return
	}
	want := normalize(pin.Version)
	for _, m := range rustupDefaultRE.FindAllStringSubmatch(code, -1) {
		if !Satisfies(pin.Version, m[2]) {
			l.add(line, "rust", fmt.Sprintf("rustup %s %s selects Rust %s, not %s", m[1], m[2], m[2], pinned),
				fmt.Sprintf("use rustup %s %s, or let rust-toolchain.toml select it", m[1], want))
		}
	}
	for _, m := range rustupInstallRE.FindAllStringSubmatch(code, -1) {
		args := m[1]
		cmd := strings.TrimSpace(strings.TrimSuffix(m[0], args))
		var names []string
		fields := strings.Fields(args)
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if rustupOptionValues[f] {
				i++
				continue
			}
			if !strings.HasPrefix(f, "-") {
				names = append(names, f)
			}
		}
		for _, n := range names {
			if !Satisfies(pin.Version, n) {
				l.add(line, "rust", fmt.Sprintf("%s %s installs Rust %s, not %s", cmd, n, n, pinned),
					fmt.Sprintf("use %s %s", cmd, want))
			}
		}
		if len(names) == 0 && !strings.HasSuffix(cmd, "update") {
			l.rustupFromFile(cmd, line)
		}
	}
	if m := rustupFileRE.FindStringSubmatch(code); m != nil && m[1] == "show" {
		l.rustupFromFile("rustup show", line)
	}
	for _, m := range rustPlusRE.FindAllStringSubmatch(code, -1) {
		plus := strings.HasPrefix(strings.TrimPrefix(m[0], m[1]), " +")
		if strings.HasPrefix(m[1], "rustup") || plus {
			if !Satisfies(pin.Version, m[2]) {
				l.add(line, "rust", fmt.Sprintf("%s %s runs Rust %s, not %s", m[1], plusName(m[1], m[2]), m[2], pinned),
					fmt.Sprintf("use %s %s, or drop the override", m[1], plusName(m[1], want)))
			}
		}
	}
}

func plusName(cmd, name string) string {
	if strings.HasPrefix(cmd, "rustup") {
		return name
	}
	return "+" + name
}

// rustupFromFile checks a rustup command that installs the toolchain the
// rust-toolchain.toml names: clean when the file agrees with the pin.
func (l *linter) rustupFromFile(cmd string, line int) {
	pin, pinned, _ := l.pinned("rust")
	f, err := findRustToolchainFile(l.root)
	switch {
	case err != nil || f == nil || f.Channel == "":
		l.add(line, "rust", fmt.Sprintf("%s reads rust-toolchain.toml, and there is none, so it does not install %s", cmd, pinned),
			fmt.Sprintf("add rust-toolchain.toml with channel = %q", normalize(pin.Version)))
	case !Satisfies(pin.Version, f.Channel):
		l.add(line, "rust", fmt.Sprintf("%s installs Rust %s from %s:%d, not %s", cmd, f.Channel, f.Path, f.Line, pinned),
			fmt.Sprintf("set channel = %q in %s", normalize(pin.Version), f.Path))
	}
}

func (l *linter) nvmCommands(code string, line int) {
	pin, pinned, ok := l.pinned("node")
	if !ok {
		return
	}
	for _, m := range nvmRE.FindAllStringSubmatch(code, -1) {
		var names []string
		for _, f := range strings.Fields(m[2]) {
			switch {
			case f == "--lts" || strings.HasPrefix(f, "--lts="):
				names = append(names, f)
			case !strings.HasPrefix(f, "-"):
				names = append(names, f)
			}
		}
		if len(names) == 0 {
			// Without a version nvm reads .nvmrc.
			v, fline, err := l.fileVersion(".nvmrc", "node")
			switch {
			case err != nil:
				l.add(line, "node", fmt.Sprintf("nvm %s reads .nvmrc, and there is none, so it does not select %s", m[1], pinned),
					fmt.Sprintf("add .nvmrc with %s", normalize(pin.Version)))
			case !Satisfies(pin.Version, v):
				l.add(line, "node", fmt.Sprintf("nvm %s selects Node.js %s from .nvmrc:%d, not %s", m[1], v, fline, pinned),
					fmt.Sprintf("pin %s in .nvmrc", normalize(pin.Version)))
			}
			continue
		}
		for _, n := range names {
			if !Satisfies(pin.Version, n) {
				l.add(line, "node", fmt.Sprintf("nvm %s %s does not select %s", m[1], n, pinned),
					fmt.Sprintf("use nvm %s %s", m[1], normalize(pin.Version)))
			}
		}
	}
}

// fileVersion reads the version a setup action would take from a version
// file: go.mod (toolchain line, else go line), .tool-versions,
// package.json (volta, then engines), or a one-value file (.nvmrc,
// .go-version, .python-version, rust-toolchain).
func (l *linter) fileVersion(name, tool string) (string, int, error) {
	path := filepath.Join(l.root, filepath.FromSlash(name))
	base := filepath.Base(name)
	switch {
	case base == "go.mod" || base == "go.work":
		m, err := readGoMod(filepath.Dir(path), base)
		if err != nil {
			return "", 0, err
		}
		if m.Toolchain != "" {
			return m.Toolchain, m.ToolchainLine, nil
		}
		return m.Go, m.GoLine, nil
	case base == ".tool-versions":
		pins, err := readToolVersions(path)
		if err != nil {
			return "", 0, err
		}
		for _, p := range pins {
			if p.Tool == tool {
				return p.Value, p.Line, nil
			}
		}
		return "", 0, noPinError(fmt.Sprintf("no %s entry", tool))
	case base == "package.json":
		return packageJSONNode(path)
	case base == "rust-toolchain" || base == "rust-toolchain.toml":
		data, err := os.ReadFile(path)
		if err != nil {
			return "", 0, err
		}
		f, err := parseRustToolchain(name, data)
		if err != nil {
			return "", 0, err
		}
		return f.Channel, f.Line, nil
	}
	line, v, err := firstValueLine(path)
	if err == nil && v == "" {
		err = noPinError("the file is empty")
	}
	return v, line, err
}

// noPinError is a version file that reads well and pins nothing for the
// tool: the fix is to pin it there, not to correct the file.
type noPinError string

func (e noPinError) Error() string { return string(e) }

// lineCursor maps the lines of a block scalar to file lines: it finds
// each successive line's text at or after the previous match.
type lineCursor struct {
	lines []string
	line  int // 0-based index to search from
}

func (c *lineCursor) find(text string, def int) int {
	for i := c.line; i < len(c.lines); i++ {
		if strings.Contains(c.lines[i], text) {
			c.line = i
			return i + 1
		}
	}
	return def
}
