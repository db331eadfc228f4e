package actiontest

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeAction(t *testing.T, dir, yml string) *Action {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "action.yml")
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func runAction(t *testing.T, a *Action, opts Options) *Result {
	t.Helper()
	if opts.Workspace == "" {
		opts.Workspace = t.TempDir()
	}
	res, err := Run(context.Background(), a, opts)
	if err != nil {
		t.Fatalf("run: %v\nlog:\n%s", err, res.Log)
	}
	return res
}

const flowAction = `name: flow
inputs:
  greeting:
    description: what to say
    default: hello
  name:
    description: who to greet
    required: true
  flag:
    description: run the optional step
    default: 'false'
outputs:
  message:
    description: the message
    value: ${{ steps.first.outputs.message }}
  multi:
    value: ${{ steps.first.outputs.multi }}
runs:
  using: composite
  steps:
    - id: first
      shell: bash
      env:
        GREETING: ${{ inputs.greeting }}
        WHO: ${{ inputs.name }}
      run: |
        echo "message=$GREETING, $WHO" >> "$GITHUB_OUTPUT"
        {
          echo 'multi<<EOF'
          echo 'line one'
          echo 'line two'
          echo 'EOF'
        } >> "$GITHUB_OUTPUT"
        echo "EXPORTED=from first" >> "$GITHUB_ENV"
        mkdir -p "$RUNNER_TEMP/tools"
        printf '#!/bin/sh\necho tool ran\n' > "$RUNNER_TEMP/tools/mytool"
        chmod +x "$RUNNER_TEMP/tools/mytool"
        echo "$RUNNER_TEMP/tools" >> "$GITHUB_PATH"
        echo '### Summary from first' >> "$GITHUB_STEP_SUMMARY"
    - id: second
      shell: bash
      env:
        FROM_OUTPUT: ${{ steps.first.outputs.message }}
        FROM_ENV_CONTEXT: ${{ env.EXPORTED }}
        ACTION_PATH: ${{ github.action_path }}
        OS: ${{ runner.os }}
      run: |
        echo "output: $FROM_OUTPUT"
        echo "env context: $FROM_ENV_CONTEXT"
        echo "exported: $EXPORTED"
        echo "actions: $GITHUB_ACTIONS ci: $CI os: $OS"
        echo "action path ok: $([ "$ACTION_PATH" = "$GITHUB_ACTION_PATH" ] && echo yes)"
        echo "inputs in env: $(env | grep -c '^INPUT_' || true)"
        mytool
        echo "pwd: $(pwd)"
    - id: optional
      if: inputs.flag == 'true'
      shell: bash
      run: echo optional ran
`

func TestRunPassesOutputsEnvPathAndSummaryBetweenSteps(t *testing.T) {
	a := writeAction(t, filepath.Join(t.TempDir(), "act"), flowAction)
	ws := t.TempDir()
	res := runAction(t, a, Options{Inputs: map[string]string{"name": "world"}, Workspace: ws})
	if res.Failed {
		t.Fatalf("failed:\n%s", res.Log)
	}
	want := map[string]string{"message": "hello, world", "multi": "line one\nline two"}
	if !reflect.DeepEqual(res.Outputs, want) {
		t.Errorf("outputs = %q; want %q", res.Outputs, want)
	}
	for _, line := range []string{
		"output: hello, world",
		"env context: from first",
		"exported: from first",
		"actions: true ci: true os: Linux",
		"action path ok: yes",
		"inputs in env: 0",
		"tool ran",
		"pwd: " + ws,
	} {
		if !strings.Contains(res.Step("second").Log, line+"\n") {
			t.Errorf("second step log lacks %q:\n%s", line, res.Step("second").Log)
		}
	}
	if got := res.Step("optional").Outcome; got != "skipped" {
		t.Errorf("optional step: %s; want skipped", got)
	}
	if res.Env["EXPORTED"] != "from first" {
		t.Errorf("env = %q", res.Env)
	}
	if res.Summary != "### Summary from first\n" {
		t.Errorf("summary = %q", res.Summary)
	}

	res = runAction(t, a, Options{Inputs: map[string]string{"name": "x", "flag": "true"}})
	if res.Step("optional").Outcome != "success" || !strings.Contains(res.Log, "optional ran") {
		t.Errorf("optional step did not run with flag=true:\n%s", res.Log)
	}
}

func TestRequiredInputMissingWarnsAndUnexpectedInputWarns(t *testing.T) {
	a := writeAction(t, filepath.Join(t.TempDir(), "act"), flowAction)
	res := runAction(t, a, Options{Inputs: map[string]string{"nmae": "typo"}})
	var msgs []string
	for _, an := range res.Annotations {
		msgs = append(msgs, an.Level+": "+an.Message)
	}
	want := []string{"warning: Input required and not supplied: name", "warning: Unexpected input(s) 'nmae'"}
	if !reflect.DeepEqual(msgs, want) {
		t.Errorf("annotations = %q; want %q", msgs, want)
	}
}

func TestBashRunsWithErrexitAndPipefail(t *testing.T) {
	a := writeAction(t, filepath.Join(t.TempDir(), "act"), `name: pipefail
runs:
  using: composite
  steps:
    - id: pipe
      shell: bash
      run: |
        false | true
        echo not reached
    - id: after
      shell: bash
      run: echo skipped after failure
    - id: cleanup
      if: failure()
      shell: bash
      run: echo cleanup ran
    - id: always
      if: always()
      shell: bash
      run: echo always ran
    - id: tolerated
      if: always()
      continue-on-error: true
      shell: bash
      run: exit 3
`)
	res := runAction(t, a, Options{})
	if !res.Failed {
		t.Fatal("a failing pipeline did not fail the action")
	}
	if strings.Contains(res.Log, "not reached") {
		t.Error("bash kept going after a failed pipeline: not -eo pipefail")
	}
	got := map[string]string{}
	for _, s := range res.Steps {
		got[s.ID] = s.Outcome + "/" + s.Conclusion
	}
	want := map[string]string{"pipe": "failure/failure", "after": "skipped/skipped", "cleanup": "success/success", "always": "success/success", "tolerated": "failure/success"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps = %v; want %v", got, want)
	}
	if res.Step("tolerated").ExitCode != 3 {
		t.Errorf("exit code = %d", res.Step("tolerated").ExitCode)
	}
}

func TestMaskHidesLaterLinesAndLeaksFindsEarlierOnes(t *testing.T) {
	a := writeAction(t, filepath.Join(t.TempDir(), "act"), `name: masks
inputs:
  secret:
    description: a secret
runs:
  using: composite
  steps:
    - shell: bash
      env:
        SECRET: ${{ inputs.secret }}
      run: |
        echo "::add-mask::$SECRET"
        echo "the secret is $SECRET"
        echo "::error title=oops::failed with $SECRET"
`)
	res := runAction(t, a, Options{Inputs: map[string]string{"secret": "hunter2"}})
	if strings.Contains(res.Log, "hunter2") || len(res.Leaks()) != 0 {
		t.Fatalf("masked secret visible:\n%s", res.Log)
	}
	if !strings.Contains(res.Log, "the secret is ***") {
		t.Errorf("log = %q", res.Log)
	}
	if len(res.Annotations) != 1 || res.Annotations[0].Message != "failed with ***" || res.Annotations[0].Props["title"] != "oops" {
		t.Errorf("annotations = %+v", res.Annotations)
	}
	if !strings.Contains(res.Raw, "the secret is hunter2") {
		t.Error("Raw should keep the unmasked output")
	}

	late := writeAction(t, filepath.Join(t.TempDir(), "late"), `name: late
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        echo "token abc123xyz"
        echo "::add-mask::abc123xyz"
`)
	res = runAction(t, late, Options{})
	if got := res.Leaks(); !reflect.DeepEqual(got, []string{"abc123xyz"}) {
		t.Errorf("Leaks() = %q; want the value printed before its mask", got)
	}
}

func TestMalformedFileCommandFailsTheStep(t *testing.T) {
	a := writeAction(t, filepath.Join(t.TempDir(), "act"), `name: bad
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        echo 'V<<END' >> "$GITHUB_ENV"
        echo 'never closed' >> "$GITHUB_ENV"
`)
	res := runAction(t, a, Options{})
	if !res.Failed || !strings.Contains(res.Log, "matching delimiter not found") {
		t.Fatalf("unclosed heredoc accepted:\n%s", res.Log)
	}
}

func TestUsesStandInAndLocalAction(t *testing.T) {
	ws := t.TempDir()
	writeAction(t, filepath.Join(ws, "inner"), `name: inner
inputs:
  word:
    description: a word
outputs:
  upper:
    value: ${{ steps.up.outputs.upper }}
runs:
  using: composite
  steps:
    - id: up
      shell: bash
      env:
        WORD: ${{ inputs.word }}
      run: echo "upper=${WORD^^}" >> "$GITHUB_OUTPUT"
`)
	outer := writeAction(t, filepath.Join(ws, "outer"), `name: outer
outputs:
  result:
    value: ${{ steps.inner.outputs.upper }}-${{ steps.setup.outputs.version }}
runs:
  using: composite
  steps:
    - id: setup
      uses: actions/setup-thing@v9
      with:
        version: '1.2.3'
    - id: inner
      uses: ./inner
      with:
        word: ${{ steps.setup.outputs.version }}x
    - shell: bash
      run: echo "THING=$THING"
`)
	var gotWith map[string]string
	stub := func(ctx context.Context, c *Call) error {
		gotWith = c.With
		c.SetOutput("version", c.With["version"])
		c.ExportEnv("THING", "set by stub")
		return nil
	}
	res := runAction(t, outer, Options{Workspace: ws, Uses: map[string]UsesFunc{"actions/setup-thing": stub}})
	if res.Failed {
		t.Fatalf("failed:\n%s", res.Log)
	}
	if gotWith["version"] != "1.2.3" {
		t.Errorf("stub got with = %q", gotWith)
	}
	if res.Outputs["result"] != "1.2.3X-1.2.3" {
		t.Errorf("result = %q", res.Outputs["result"])
	}
	if !strings.Contains(res.Log, "THING=set by stub") {
		t.Errorf("log = %s", res.Log)
	}

	_, err := Run(context.Background(), outer, Options{Workspace: ws})
	if err == nil || !strings.Contains(err.Error(), "actions/setup-thing@v9") {
		t.Errorf("unknown remote action: err = %v", err)
	}
}

func TestCheckInputsReportsUndeclaredWithLines(t *testing.T) {
	a := writeAction(t, filepath.Join(t.TempDir(), "act"), `name: refs
inputs:
  known:
    description: declared
runs:
  using: composite
  steps:
    - if: inputs.missing-one == 'x'
      shell: bash
      env:
        A: ${{ inputs.known }}
        B: ${{ inputs['missing-two'] }}
        C: ${{ github.event.inputs.not-ours }}
      run: |
        echo one
        echo "${{ inputs.known }}"
`)
	var got []string
	for _, err := range a.CheckInputs() {
		got = append(got, strings.TrimPrefix(err.Error(), a.Path))
	}
	want := []string{
		":8: ${{ inputs.missing-one == 'x' }} uses inputs.missing-one, which is not a declared input",
		":12: ${{ inputs['missing-two'] }} uses inputs.missing-two, which is not a declared input",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CheckInputs:\n%q\nwant\n%q", got, want)
	}
	errs := a.CheckRunInterpolation()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), ":16: inputs.known is pasted into the script text") {
		t.Errorf("CheckRunInterpolation = %v", errs)
	}
}

func TestParseEnvFile(t *testing.T) {
	got, err := ParseEnvFile("A=1\n\nB=x=y\nC<<EOF\nline1\n\nline3\nEOF\nD<<=\nv\n=\nE=\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []KeyValue{{"A", "1"}, {"B", "x=y"}, {"C", "line1\n\nline3"}, {"D", "v"}, {"E", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
	for _, bad := range []string{"=v\n", "NOEQUALS\n", "X<<\n", "X<<EOF\nno end\n", "<<EOF\nEOF\n"} {
		if _, err := ParseEnvFile(bad); err == nil {
			t.Errorf("ParseEnvFile(%q) accepted", bad)
		}
	}
}

// The runner cuts a heredoc's value out of the file's text: its Linux and
// macOS build keeps every CR; its Windows build also ends lines at CRLF,
// which drops a CR that ends the value. The emulator read every CRLF as
// LF, on any OS, and so changed values the runner keeps.
func TestParseEnvFileCarriageReturns(t *testing.T) {
	data := "A<<D\na\r\nb\r\nD\nB<<D\nends-in-cr\r\nD\nC=x\r\n"
	for _, tc := range []struct {
		os   string
		want []KeyValue
	}{
		{"Linux", []KeyValue{{"A", "a\r\nb\r"}, {"B", "ends-in-cr\r"}, {"C", "x\r"}}},
		{"macOS", []KeyValue{{"A", "a\r\nb\r"}, {"B", "ends-in-cr\r"}, {"C", "x\r"}}},
		{"Windows", []KeyValue{{"A", "a\r\nb"}, {"B", "ends-in-cr"}, {"C", "x"}}},
	} {
		got, err := ParseEnvFileOn(data, tc.os)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q; want %q", tc.os, got, tc.want)
		}
	}
}

func TestExpressions(t *testing.T) {
	ev := &evaluator{ctx: map[string]any{
		"inputs": map[string]any{"flag": "true", "empty": "", "n": "3", "list": "a,b"},
		"steps":  map[string]any{"s": map[string]any{"outputs": map[string]any{"go-version": "1.26.8"}, "outcome": "success"}},
		"github": map[string]any{"event_name": "push"},
	}}
	cases := map[string]string{
		"inputs.flag == 'true'":                    "true",
		"inputs.FLAG == 'TRUE'":                    "true",
		"inputs.empty != ''":                       "false",
		"!inputs.empty":                            "true",
		"inputs.n > 2 && inputs.n <= 3":            "true",
		"inputs.missing || 'default'":              "default",
		"inputs.flag && 'yes' || 'no'":             "yes",
		"steps.s.outputs.go-version":               "1.26.8",
		"steps['s'].outcome == 'success'":          "true",
		"contains(inputs.list, 'B')":               "true",
		"contains(fromJSON('[\"x\",\"y\"]'), 'y')": "true",
		"startsWith(github.event_name, 'pu')":      "true",
		"format('{0}-{1}{{}}', 'a', 1)":            "a-1{}",
		"join(fromJSON('[1,2]'), '+')":             "1+2",
		"'it''s'":                                  "it's",
		"(1 == 1) && !(2 < 1)":                     "true",
		"0x10 == 16":                               "true",
		"'1' == 1":                                 "true",
	}
	for src, want := range cases {
		v, err := ev.eval(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := toString(v); got != want {
			t.Errorf("%s = %q; want %q", src, got, want)
		}
	}
	for _, bad := range []string{"inputs.", "nosuch.x", "hashFiles('x')", "'open", "a ==", "(1"} {
		if _, err := ev.eval(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	s, err := ev.interpolate("go ${{ steps.s.outputs.go-version }} on ${{ github.event_name }} ${{ '}}' }}")
	if err != nil || s != "go 1.26.8 on push }}" {
		t.Errorf("interpolate = %q, %v", s, err)
	}
}

func TestConditionImpliesSuccess(t *testing.T) {
	ev := &evaluator{ctx: map[string]any{"inputs": map[string]any{"x": "1"}}, status: exprStatus{failed: true}}
	for src, want := range map[string]bool{
		"":                      false,
		"inputs.x == '1'":       false,
		"always() && inputs.x":  true,
		"${{ failure() }}":      true,
		"success() || inputs.x": true,
		"${{ !cancelled() }}":   true,
		"cancelled()":           false,
	} {
		got, err := ev.condition(src)
		if err != nil || got != want {
			t.Errorf("condition(%q) = %v, %v; want %v", src, got, err, want)
		}
	}
}

func TestMissingShellIsAnError(t *testing.T) {
	a := writeAction(t, filepath.Join(t.TempDir(), "act"), `name: noshell
runs:
  using: composite
  steps:
    - run: echo hi
`)
	_, err := Run(context.Background(), a, Options{Workspace: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "needs a shell") {
		t.Errorf("err = %v", err)
	}
}
