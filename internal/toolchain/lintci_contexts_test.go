package toolchain

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// contextsRead finds the context each path of an expression starts
// with, and nothing in a string, after a dot or before a parenthesis.
func TestContextsRead(t *testing.T) {
	for s, want := range map[string][]string{
		"golang:1.26.8":                               nil,
		"${{ env.IMAGE }}":                            {"env"},
		"postgres:${{ Env.PG }}-${{ matrix.v }}":      {"Env", "matrix"},
		"${{ env['GO'] }}":                            {"env"},
		"${{ 'env.X' }} ${{ 'it''s env' }}":           nil,
		"${{ format('{0}', secrets.X) }}":             {"secrets"},
		"${{ github.event.inputs.env }}":              {"github"},
		"${{ !steps.a.outputs.b && 1.5 < runner.x}}":  {"steps", "runner"},
		"${{ fromJSON(needs.a-b.outputs.c) }}":        {"needs"},
		"${{ env.X":                                   {"env"},
		"${{ format('}}{0}', env.X) }} ${{ vars.Y }}": {"env", "vars"},
	} {
		if got := contextsRead(s); !slices.Equal(got, want) {
			t.Errorf("contextsRead(%q) = %q, want %q", s, got, want)
		}
	}
}

// Each key lint-ci checks refuses exactly the contexts GitHub's context
// availability table does not list for it
// (docs.github.com/en/actions/reference/workflows-and-actions/contexts),
// whatever the case the context is written in.
func TestJobContextsFollowGitHub(t *testing.T) {
	gives := map[string][]string{
		"runs-on: ${{ %s.x }}":                         {"github", "needs", "strategy", "matrix", "vars", "inputs"},
		"environment: ${{ %s.x }}":                     {"github", "needs", "strategy", "matrix", "vars", "inputs"},
		"environment: {name: a, url: '${{ %s.x }}'}":   {"github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"},
		"if: '%s.x'":                                   {"github", "needs", "vars", "inputs"},
		"if: ${{ %s.x }}":                              {"github", "needs", "vars", "inputs"},
		"concurrency: {group: '${{ %s.x }}'}":          {"github", "needs", "strategy", "matrix", "inputs", "vars"},
		"timeout-minutes: ${{ %s.x }}":                 {"github", "needs", "strategy", "matrix", "vars", "inputs"},
		"continue-on-error: ${{ %s.x }}":               {"github", "needs", "strategy", "vars", "matrix", "inputs"},
		"strategy: {matrix: {os: ['${{ %s.x }}']}}":    {"github", "needs", "vars", "inputs"},
		"container: {image: '${{ %s.x }}'}":            {"github", "needs", "strategy", "matrix", "vars", "inputs"},
		"container: {credentials: {a: '${{ %s.x }}'}}": namedValues, // not read here
		"name: ${{ %s.x }}":                            {"github", "needs", "strategy", "matrix", "vars", "inputs"},
		"env: {A: '${{ %s.x }}'}":                      {"github", "needs", "strategy", "matrix", "vars", "secrets", "inputs"},
		"defaults: {run: {shell: '${{ %s.x }}'}}":      {"github", "needs", "strategy", "matrix", "env", "vars", "inputs"},
		"steps: [{run: a}, {if: '%s.x', run: b}]":      {"github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"},
		"steps: [{if: '${{ %s.x }}', run: b}]":         {"github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"},
		// A step's other keys, and a job's outputs:, read all but jobs.
		"steps: [{name: '${{ %s.x }}', run: b}]":              allButJobs,
		"steps: [{uses: a/b@v1, with: {a: '${{ %s.x }}'}}]":   allButJobs,
		"steps: [{run: 'echo ${{ %s.x }}', env: {A: b}}]":     allButJobs,
		"steps: [{run: b, env: {A: '${{ %s.x }}'}}]":          allButJobs,
		"steps: [{run: b, timeout-minutes: '${{ %s.x }}'}]":   allButJobs,
		"steps: [{run: b, working-directory: '${{ %s.x }}'}]": allButJobs,
		"steps: [{run: b, continue-on-error: '${{ %s.x }}'}]": allButJobs,
		"steps: [{id: '${{ %s.x }}', run: b}]":                namedValues, // not in GitHub's table
		"outputs: {a: '${{ %s.x }}'}":                         allButJobs,
		"{uses: ./a.yml, with: {a: '${{ %s.x }}'}}":           {"github", "needs", "strategy", "matrix", "inputs", "vars"},
		"{uses: ./a.yml, secrets: {a: '${{ %s.x }}'}}":        {"github", "needs", "strategy", "matrix", "secrets", "inputs", "vars"},
		"{uses: ./a.yml, name: '${{ %s.x }}'}":                {"github", "needs", "strategy", "matrix", "vars", "inputs"},
		"{uses: ./a.yml, if: '%s.x'}":                         {"github", "needs", "vars", "inputs"},
	}
	at := func(k *yaml.Node, problem, fix string) Finding {
		return Finding{Line: k.Line, Problem: problem, Fix: fix}
	}
	id := &yaml.Node{Kind: yaml.ScalarNode, Value: "build"}
	for key, allowed := range gives {
		for _, c := range namedValues {
			var job yaml.Node
			if err := yaml.Unmarshal([]byte(fmt.Sprintf(key, strings.ToUpper(c[:1])+c[1:])), &job); err != nil {
				t.Fatal(err)
			}
			calls := mapping(job.Content[0], "uses") != nil
			got := jobContexts(id, job.Content[0], calls, at)
			if refused := !slices.Contains(allowed, c); refused != (len(got) == 1) {
				t.Errorf("%s with %s: got %v, want refused %v", key, c, got, refused)
			}
		}
	}
	for key, allowed := range map[string][]string{
		"run-name: ${{ %s.x }}":            {"github", "inputs", "vars"},
		"concurrency: ${{ %s.x }}":         {"github", "inputs", "vars"},
		"env: {A: 'a-${{ %s.x }}'}":        {"github", "secrets", "inputs", "vars"},
		"concurrency: {group: '%s.x'}":     namedValues, // no expression
		"on: {push: {branches: ['%s.x']}}": namedValues, // not read here
		"on: {workflow_call: {inputs: {a: {type: string, default: '${{ %s.x }}'}}}}":  {"github", "inputs", "vars"},
		"on: {workflow_call: {outputs: {a: {value: '${{ %s.x }}'}}}}":                 {"github", "inputs", "vars", "jobs"},
		"on: {workflow_call: {outputs: {a: {description: '${{ %s.x }}', value: a}}}}": namedValues, // not read here
		"on: {workflow_dispatch: {inputs: {a: {default: '${{ %s.x }}'}}}}":            namedValues, // not in GitHub's table
	} {
		for _, c := range namedValues {
			var top yaml.Node
			if err := yaml.Unmarshal([]byte(fmt.Sprintf(key, c)+"\njobs: {}"), &top); err != nil {
				t.Fatal(err)
			}
			got := workflowContexts(top.Content[0], at)
			if refused := !slices.Contains(allowed, c); refused != (len(got) == 1) {
				t.Errorf("workflow %s with %s: got %v, want refused %v", key, c, got, refused)
			}
		}
	}
}
