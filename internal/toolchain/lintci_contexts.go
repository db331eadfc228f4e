package toolchain

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

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
