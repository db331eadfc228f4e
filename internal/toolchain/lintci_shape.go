package toolchain

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

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
			Problem: k.Value + ": is no workflow key, which GitHub refuses (a workflow's top-level keys are " + cli.AndList(workflowKeys) + ")",
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
// (callShape), and a job's or step's key (its container:, runs-on:,
// if: …), the workflow's run-name:, env: or concurrency: or a reusable
// workflow's input default: or output value: reading a context GitHub
// does not give it (jobContexts, workflowContexts). Each is reported at
// its key's line, or the job's for a key left out.
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
	out := workflowContexts(f.doc, at)
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
		out = append(out, jobContexts(id, job, uk != nil, at)...)
		if uk != nil {
			out = append(out, callShape(id, job, at)...)
			continue
		}
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

// stepShape reports the steps GitHub refuses in a job's steps: (or a
// composite action's runs.steps:, inAction), which lint-ci read as
// steps with nothing to check: one with neither run: nor uses: (- {},
// - name: x, - with: … missing its uses:), one written as nothing or a
// plain value (-, - go test), one with both (a run: that lost its -,
// joining the step above), one whose uses: is empty, and in a composite
// action a run: step without its shell:, which only a job's steps may
// leave out. Each is reported at the step's line, or for both, at the
// second key's. An empty run:, a step that runs nothing, is reported
// at its line too. A background step's wait:, wait-all:
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
		case uk != nil:
			if blank(mapping(st, "uses")) {
				out = append(out, at(uk, fmt.Sprintf("uses: of %s is empty, which GitHub refuses (a step's uses: names the action it runs)", which),
					"name the action (uses: actions/checkout@v4, say), or write run: and a command in its place, or delete the step"))
			}
		case rk != nil:
			if blank(mapping(st, "run")) {
				out = append(out, at(rk, fmt.Sprintf("run: of %s is empty: the step runs no command", which),
					"write its command after run: (a script of several lines as run: | with the lines indented under it), or delete the step"))
			}
			if !inAction {
				break
			}
			// A job's run: steps default to bash (or the job's
			// defaults.run.shell); an action's have no default, and
			// its callers' defaults do not reach them.
			const fix = "give the step shell: bash (pwsh for PowerShell, sh where there is no bash); a workflow's defaults.run.shell does not reach an action's steps"
			switch sk, shell := pair(st, "shell"); {
			case sk == nil:
				out = append(out, at(st, which+" has run: but no shell:, which GitHub refuses (Required property is missing: shell: a composite action's run: steps name their shell)", fix))
			case blank(shell):
				out = append(out, at(sk, "shell: of "+which+" is empty, which GitHub refuses (a composite action's run: steps name their shell)", fix))
			}
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

// blank reports whether a step's value is empty: nothing after the
// colon, ~, "" or only spaces.
func blank(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || strings.TrimSpace(n.Value) == "")
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
