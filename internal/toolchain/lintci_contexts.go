package toolchain

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// namedValues are the contexts GitHub's expressions read, in the order
// its workflow schema lists them. Where a key is read before the job
// has a runner, steps or an env (its runs-on:, its if:), GitHub gives it
// only some of them and refuses the others ("Unrecognized named-value:
// 'env'"). A name not in this list (a typo, a function's argument
// lint-ci does not know) is left to GitHub.
var namedValues = []string{"github", "inputs", "vars", "needs", "strategy", "matrix", "secrets", "steps", "job", "jobs", "runner", "env"}

// place is a key lint-ci checks the contexts of: what GitHub calls it,
// the contexts GitHub gives it (its documentation's context
// availability table, which actionlint follows too), and how to write
// a value it refuses.
type place struct {
	name  string // "a job's runs-on: reads"
	reads []string
	fix   func(refused []string) string
}

func fixed(s string) func([]string) string { return func([]string) string { return s } }

// matrixOrVars is the fix where the job's matrix is read: the key is
// decided before the job runs, from its matrix, a variable or an
// earlier job's output.
const matrixOrVars = "write the value itself, or take it from the job's strategy.matrix (${{ matrix.X }}), a variable (${{ vars.X }}) or an earlier job's output (${{ needs.X.outputs.Y }})"

var (
	// A job's container: and services: (their credentials: add env and
	// secrets, their env: more, and are not read here); its fix names
	// an image or a value, and containerContexts sets it.
	containerPlace = place{"a job's container: and services: read", []string{"github", "inputs", "vars", "needs", "strategy", "matrix"}, nil}
	runsOnPlace    = place{"a job's runs-on: reads", containerPlace.reads, fixed(matrixOrVars)}
	envNamePlace   = place{"a job's environment: reads", containerPlace.reads, fixed(matrixOrVars)}
	// environment.url is read after the steps, but a URL is shown to
	// everyone: no secrets.
	envURLPlace = place{"a job's environment url: reads", []string{"github", "inputs", "vars", "needs", "strategy", "matrix", "steps", "job", "runner", "env"},
		fixed("build the URL from a step's output (${{ steps.X.outputs.url }}), env or a variable (${{ vars.X }}), without a secret")}
	jobConcurrencyPlace = place{"a job's concurrency: reads", containerPlace.reads, fixed(matrixOrVars)}
	timeoutPlace        = place{"a job's timeout-minutes: reads", containerPlace.reads, fixed(matrixOrVars)}
	continuePlace       = place{"a job's continue-on-error: reads", containerPlace.reads, fixed(matrixOrVars)}
	// A job's if: is decided before its matrix is expanded, so it has
	// neither matrix nor strategy.
	jobIfPlace = place{"a job's if: reads", []string{"github", "inputs", "vars", "needs"}, func(refused []string) string {
		if slices.Contains(refused, "secrets") {
			return "test the secret in a step's if: through the job's env: (HAS_X: ${{ secrets.X != '' }}, then if: env.HAS_X == 'true'), or read a variable (${{ vars.X }}) or an earlier job's output (${{ needs.X.outputs.Y }})"
		}
		return "test it in the steps' if: (which read env, matrix and steps), or read a variable (${{ vars.X }}) or an earlier job's output (${{ needs.X.outputs.Y }})"
	}}
	// strategy: makes the matrix, so it cannot read it.
	strategyPlace = place{"a job's strategy: reads", []string{"github", "inputs", "vars", "needs"},
		fixed("write the values themselves, or compute them in an earlier job and read its output (${{ fromJSON(needs.X.outputs.Y) }}) or a variable (${{ vars.X }})")}
	workflowConcurrencyPlace = place{"a workflow's concurrency: reads", []string{"github", "inputs", "vars"},
		fixed("build the group from github (${{ github.workflow }}-${{ github.ref }}), inputs or a variable (${{ vars.X }}), or move concurrency: into the jobs")}
	// run-name: is shown before any job runs.
	runNamePlace = place{"a workflow's run-name: reads", workflowConcurrencyPlace.reads,
		fixed("build the name from github (${{ github.ref_name }}), inputs or a variable (${{ vars.X }})")}
	// The workflow's env: is the first env, read before any job: it
	// cannot read env itself.
	workflowEnvPlace = place{"a workflow's env: reads", []string{"github", "inputs", "vars", "secrets"},
		fixed("write the value itself, or take it from github, inputs, a variable (${{ vars.X }}) or a secret; a value built from another env value or the runner belongs in a step's env:")}
	jobNamePlace = place{"a job's name: reads", containerPlace.reads, fixed(matrixOrVars)}
	// A job's env: is read before its runner is chosen and makes the
	// env its steps read: no env, runner, job or steps.
	jobEnvPlace = place{"a job's env: reads", []string{"github", "inputs", "vars", "needs", "strategy", "matrix", "secrets"},
		fixed("move the value into the env: of the steps that need it (a step's env: reads env, runner, job and steps too), or write the value itself")}
	defaultsRunPlace = place{"a job's defaults.run reads", []string{"github", "inputs", "vars", "needs", "strategy", "matrix", "env"},
		fixed("write the value itself, or take it from env (${{ env.X }}), the job's strategy.matrix (${{ matrix.X }}) or a variable (${{ vars.X }}), or set working-directory: on each step, which reads runner and steps too")}
	// A call's with: reaches the called workflow's inputs, which are
	// not secret: a secret goes under secrets:.
	callWithPlace = place{"a call's with: reads", containerPlace.reads, func(refused []string) string {
		if slices.Contains(refused, "secrets") {
			return "pass the secret under the call's secrets: (X: ${{ secrets.X }}), which the called workflow reads as ${{ secrets.X }}, or pass them all with secrets: inherit"
		}
		return matrixOrVars
	}}
	callSecretsPlace = place{"a call's secrets: reads", []string{"github", "inputs", "vars", "needs", "strategy", "matrix", "secrets"},
		fixed("pass a secret (X: ${{ secrets.X }}), or all of them with secrets: inherit")}
	// A reusable workflow's input default is read when it is called,
	// before any job has an env or a secret: the caller passes a
	// secret under secrets:, which the workflow declares apart.
	inputDefaultPlace = place{"a reusable workflow's input default: reads", workflowConcurrencyPlace.reads,
		fixed("write the default itself, or build it from github (${{ github.repository }}), another input or a variable (${{ vars.X }}); a secret is declared under on.workflow_call.secrets and read as ${{ secrets.X }} in the jobs")}
	// Its output value is read once its jobs are done, from their
	// outputs: a step's output or env reaches it through the job's
	// outputs:.
	outputValuePlace = place{"a reusable workflow's output value: reads", []string{"github", "inputs", "vars", "jobs"},
		fixed("set it as an output of the job (outputs: Y: ${{ steps.X.outputs.Y }}) and read that: value: ${{ jobs.JOB.outputs.Y }}")}
	// A step's if: reads everything a step does but secrets, which
	// GitHub keeps out of conditions.
	stepIfPlace = place{"a step's if: reads", []string{"github", "inputs", "vars", "needs", "strategy", "matrix", "steps", "job", "runner", "env"}, func(refused []string) string {
		if slices.Contains(refused, "secrets") {
			return "map the secret into the job's env: (X: ${{ secrets.X }}; a step's own env: is set after its if: is read) and test that: if: env.X != ''"
		}
		return jobsOnlyInCalls
	}}
	// A step's other keys and a job's outputs: read every context but
	// jobs, the one GitHub gives only a reusable workflow's outputs.
	stepKeysPlace = place{"a step's keys read", allButJobs, fixed(jobsOnlyInCalls)}
	outputsPlace  = place{"a job's outputs: read", allButJobs,
		fixed("set the output from a step of the job (${{ steps.X.outputs.Y }}) or an earlier job's through needs (${{ needs.X.outputs.Y }}): jobs is only a reusable workflow's on.workflow_call outputs")}
	allButJobs = slices.DeleteFunc(slices.Clone(namedValues), func(c string) bool { return c == "jobs" })
)

const jobsOnlyInCalls = "read an earlier job's outputs through needs (${{ needs.X.outputs.Y }}): jobs is only a reusable workflow's on.workflow_call outputs"

// stepKeys are the keys of a step GitHub's table lists besides if: (an
// id: or uses: is no expression).
var stepKeys = []string{"name", "with", "env", "run", "working-directory", "continue-on-error", "timeout-minutes"}

// jobContexts reports the keys of a job that read a context GitHub
// does not give them, each at its key's line (a list's or table's
// values at their own): its if:, name:, strategy: and concurrency:; for
// a call its with: and secrets:; and for a job running its own steps
// (not calls, whose other keys callShape refuses) its env:,
// defaults.run, steps' if: and other keys, container: and services:,
// runs-on:, environment:, timeout-minutes:, continue-on-error: and
// outputs:.
func jobContexts(id, job *yaml.Node, calls bool, at func(*yaml.Node, string, string) Finding) []Finding {
	var out []Finding
	owner := "job " + id.Value
	check := func(key string, p place) {
		if k, v := pair(job, key); k != nil {
			out = contextsIn(out, k, v, key, owner, p, at)
		}
	}
	out = ifContexts(out, job, owner, jobIfPlace, at)
	check("name", jobNamePlace)
	check("strategy", strategyPlace)
	check("concurrency", jobConcurrencyPlace)
	if calls {
		check("with", callWithPlace)
		check("secrets", callSecretsPlace)
		return out
	}
	check("env", jobEnvPlace)
	if k, v := pair(mapping(job, "defaults"), "run"); k != nil {
		out = contextsIn(out, k, v, "defaults run", owner, defaultsRunPlace, at)
	}
	if steps := mapping(job, "steps"); steps != nil && steps.Kind == yaml.SequenceNode {
		for i, st := range steps.Content {
			step := fmt.Sprintf("step %d of %s", i+1, owner)
			out = ifContexts(out, st, step, stepIfPlace, at)
			for _, key := range stepKeys {
				if k, v := pair(st, key); k != nil {
					out = contextsIn(out, k, v, key, step, stepKeysPlace, at)
				}
			}
		}
	}
	check("outputs", outputsPlace)
	out = append(out, containerContexts(id, job, at)...)
	check("runs-on", runsOnPlace)
	if k, v := pair(job, "environment"); k != nil {
		if v.Kind != yaml.MappingNode {
			check("environment", envNamePlace)
		}
		for i := 0; v.Kind == yaml.MappingNode && i+1 < len(v.Content); i += 2 {
			p := envNamePlace
			if v.Content[i].Value == "url" {
				p = envURLPlace
			}
			out = contextsIn(out, v.Content[i], v.Content[i+1], "environment "+v.Content[i].Value, owner, p, at)
		}
	}
	check("timeout-minutes", timeoutPlace)
	check("continue-on-error", continuePlace)
	return out
}

// ifContexts adds the finding for the if: of a job or step (in) that
// reads a context GitHub does not give p.
func ifContexts(out []Finding, in *yaml.Node, owner string, p place, at func(*yaml.Node, string, string) Finding) []Finding {
	k, v := pair(in, "if")
	if k == nil || v.Kind != yaml.ScalarNode {
		return out
	}
	// An if: without ${{ }} is an expression all the same.
	expr := v.Value
	if !strings.Contains(expr, "${{") {
		expr = "${{ " + expr + " }}"
	}
	return appendContexts(out, k, v.Value, expr, "if", owner, p, at)
}

// workflowContexts reports a workflow's run-name:, env: and
// concurrency: reading a context GitHub does not give them (they are
// read before any job), and a reusable workflow's inputs' default: and
// outputs' value: (on.workflow_call, which only on: written as a table
// has) reading one.
func workflowContexts(top *yaml.Node, at func(*yaml.Node, string, string) Finding) []Finding {
	var out []Finding
	for _, c := range []struct {
		key string
		p   place
	}{{"run-name", runNamePlace}, {"env", workflowEnvPlace}, {"concurrency", workflowConcurrencyPlace}} {
		if k, v := pair(top, c.key); k != nil {
			out = contextsIn(out, k, v, c.key, "the workflow", c.p, at)
		}
	}
	call := mapping(mapping(top, "on"), "workflow_call")
	for _, c := range []struct {
		table, key, what string
		p                place
	}{{"inputs", "default", "input", inputDefaultPlace}, {"outputs", "value", "output", outputValuePlace}} {
		decl := mapping(call, c.table)
		for i := 0; decl != nil && decl.Kind == yaml.MappingNode && i+1 < len(decl.Content); i += 2 {
			if k, v := pair(decl.Content[i+1], c.key); k != nil {
				out = contextsIn(out, k, v, "on.workflow_call "+c.what+" "+decl.Content[i].Value+" "+c.key, "the workflow", c.p, at)
			}
		}
	}
	return out
}

// contextsIn adds the findings for the values under key k (what names
// it): a value at k's line, a list's items and a table's values at
// their own, named by the keys above them (strategy matrix os).
func contextsIn(out []Finding, k, v *yaml.Node, what, owner string, p place, at func(*yaml.Node, string, string) Finding) []Finding {
	switch v.Kind {
	case yaml.ScalarNode:
		out = appendContexts(out, k, v.Value, v.Value, what, owner, p, at)
	case yaml.SequenceNode:
		for _, e := range v.Content {
			out = contextsIn(out, e, e, what, owner, p, at)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			out = contextsIn(out, v.Content[i], v.Content[i+1], what+" "+v.Content[i].Value, owner, p, at)
		}
	}
	return out
}

// containerContexts reports a job's container: and services: that read
// a context GitHub does not give them (${{ env.IMAGE }}, secrets, steps,
// runner), at the key's line: the container or service itself, or its
// image:, options:, ports: or volumes:. Their credentials: and env: read
// env and secrets too, and are not read here.
func containerContexts(id, job *yaml.Node, at func(*yaml.Node, string, string) Finding) []Finding {
	var out []Finding
	check := func(k, v *yaml.Node, what string, image bool) {
		p := containerPlace
		thing := "value"
		if image {
			thing = "image"
		}
		p.fix = fixed(fmt.Sprintf("write the %s itself, or take it from the job's strategy.matrix (${{ matrix.X }}) or a variable (${{ vars.X }})", thing))
		if v.Kind == yaml.SequenceNode {
			for _, e := range v.Content {
				if e.Kind == yaml.ScalarNode {
					out = appendContexts(out, e, e.Value, e.Value, what, "job "+id.Value, p, at)
				}
			}
			return
		}
		if v.Kind == yaml.ScalarNode {
			out = appendContexts(out, k, v.Value, v.Value, what, "job "+id.Value, p, at)
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

// appendContexts adds the finding for a value of owner (job build, the
// workflow), written as shown, at key k, when the expressions in expr
// read a context GitHub does not give place p.
func appendContexts(out []Finding, k *yaml.Node, shown, expr, what, owner string, p place, at func(*yaml.Node, string, string) Finding) []Finding {
	var refused []string
	first := ""
	for _, name := range contextsRead(expr) {
		i := slices.IndexFunc(namedValues, func(c string) bool { return strings.EqualFold(c, name) })
		if i < 0 || slices.Contains(p.reads, namedValues[i]) {
			continue
		}
		if first == "" {
			first = name
		}
		if !slices.Contains(refused, namedValues[i]) {
			refused = append(refused, namedValues[i])
		}
	}
	if len(refused) == 0 {
		return out
	}
	// A folded or multi-line if: is shown on the finding's one line; of
	// a script (a step's run: of many lines), the expressions refused.
	if strings.Contains(shown, "\n") && strings.Contains(shown, "${{") {
		var exprs []string
		for _, e := range expressions(shown) {
			if slices.ContainsFunc(contextsRead(e), func(c string) bool {
				return slices.ContainsFunc(refused, func(r string) bool { return strings.EqualFold(r, c) })
			}) {
				exprs = append(exprs, e)
			}
		}
		shown = strings.Join(exprs, " … ")
	}
	shown = strings.Join(strings.Fields(shown), " ")
	return append(out, at(k, fmt.Sprintf("%s %s of %s reads %s, which GitHub refuses (Unrecognized named-value: '%s': %s only %s)",
		what, shown, owner, cli.AndList(refused), first, p.name, cli.AndList(p.reads)), p.fix(refused)))
}

// expressions returns the ${{ … }} of s, each whole: to the }} that
// closes it outside a 'string', or to the end of s.
func expressions(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			return out
		}
		s = s[i:]
		inStr, end := false, len(s)
		for j := 3; j < len(s); j++ {
			if s[j] == '\'' {
				inStr = !inStr // '' inside a string toggles twice
			} else if !inStr && s[j] == '}' && j+1 < len(s) && s[j+1] == '}' {
				end = j + 2
				break
			}
		}
		out = append(out, s[:end])
		s = s[end:]
	}
}

// contextsRead returns the contexts (named values) the ${{ … }}
// expressions in s read, as written, in order: the name that starts a
// path (env in env.GO, env['GO']), not a property after a dot, a
// function before its parenthesis, or text in a 'string'.
func contextsRead(s string) []string {
	var out []string
	for _, e := range expressions(s) {
		e = strings.TrimSuffix(e[3:], "}}")
		inStr, prev := false, byte(0)
		for j := 0; j < len(e); j++ {
			c := e[j]
			switch {
			case inStr:
				if c == '\'' {
					inStr = false
				}
				prev = '\''
			case c == '\'':
				inStr = true
			case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
				k := j
				for k < len(e) && (e[k] == '_' || e[k] == '-' || e[k] >= 'a' && e[k] <= 'z' || e[k] >= 'A' && e[k] <= 'Z' || e[k] >= '0' && e[k] <= '9') {
					k++
				}
				rest := strings.TrimLeft(e[k:], " \t\r\n")
				if prev != '.' && (c < '0' || c > '9') && !strings.HasPrefix(rest, "(") {
					out = append(out, e[j:k])
				}
				prev, j = 'a', k-1
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			default:
				prev = c
			}
		}
	}
	return out
}
