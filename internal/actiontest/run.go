package actiontest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Options configure one run of an action.
type Options struct {
	// Inputs are the with: values of the step that uses the action.
	Inputs map[string]string
	// Env is the env: of the workflow, the job and the calling step: every
	// step sees it, and so does ${{ env.X }}.
	Env map[string]string
	// ProcessEnv is the runner process's own environment that steps
	// inherit (PATH, HOME, …) but ${{ env }} does not show. Nil means the
	// test process's environment without its CI variables (HostEnv).
	ProcessEnv map[string]string
	// Workspace is GITHUB_WORKSPACE, the default working directory and
	// the base of local uses: ./path references. Empty: the current
	// directory.
	Workspace string
	// Temp is RUNNER_TEMP, where scripts and file-command files go. Empty:
	// a new directory, removed after the run.
	Temp string
	// OS and Arch are runner.os and runner.arch; "Linux" and "X64" by
	// default.
	OS, Arch string
	// Github adds to the github context (event_name, ref, sha, repository,
	// event, …); string values are also exported as GITHUB_<NAME>.
	Github map[string]any
	// Uses runs the uses: steps of remote actions, keyed by
	// "owner/repo@ref" or "owner/repo" (for any ref). A uses: step with no
	// entry fails the run: the emulator does not download actions.
	Uses map[string]UsesFunc
	// Log, when set, receives the log as it is produced.
	Log io.Writer
}

// UsesFunc stands in for a remote action in a test.
type UsesFunc func(ctx context.Context, c *Call) error

// Call is what a UsesFunc gets: the step's evaluated with: and env:, and
// ways to do what an action does.
type Call struct {
	Uses string
	With map[string]string
	Env  map[string]string // the environment the action's process would get
	Dir  string            // the step's working directory

	outputs map[string]string
	r       *run
}

// SetOutput sets one of the step's outputs.
func (c *Call) SetOutput(name, value string) { c.outputs[name] = value }

// ExportEnv sets an environment variable for later steps, as a line in
// GITHUB_ENV would.
func (c *Call) ExportEnv(name, value string) { c.r.env[name] = value }

// AddPath prepends dir to PATH for later steps, as GITHUB_PATH would.
func (c *Call) AddPath(dir string) { c.r.path = append(c.r.path, dir) }

// Println writes a line to the log; workflow commands in it are executed.
func (c *Call) Println(line string) { c.r.log.write(line) }

// Result is what a run produced.
type Result struct {
	Outputs     map[string]string // the action's outputs
	Steps       []*StepResult     // the top-level action's steps, in order
	Env         map[string]string // variables exported through GITHUB_ENV
	Path        []string          // directories added through GITHUB_PATH, in order
	Summary     string            // the step summary markdown
	Log         string            // the log as the runner shows it: masked, commands executed
	Raw         string            // everything the steps printed, unmasked
	Masks       []string          // values registered with ::add-mask::
	Annotations []Annotation
	Failed      bool // some step failed (without continue-on-error)
}

// StepResult is one step's outcome.
type StepResult struct {
	ID         string
	Name       string
	Outcome    string // "success", "failure" or "skipped"
	Conclusion string // the outcome after continue-on-error
	Outputs    map[string]string
	ExitCode   int
	Log        string // this step's lines as the log shows them
}

// Step returns the result of the step with the given id (nil if none).
func (r *Result) Step(id string) *StepResult {
	for _, s := range r.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Leaks returns the masked values that are nonetheless visible in the log
// or in an annotation: values printed before they were masked.
func (r *Result) Leaks() []string {
	var out []string
	for _, m := range r.Masks {
		leaked := strings.Contains(r.Log, m)
		for _, a := range r.Annotations {
			leaked = leaked || strings.Contains(a.Message, m)
		}
		if leaked {
			out = append(out, m)
		}
	}
	return out
}

// HostEnv is the test process's environment without the variables of a
// CI runner it may itself run on (GITHUB_*, RUNNER_*, INPUT_*, ACTIONS_*,
// CI), so a run sees only what the emulator sets.
func HostEnv() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "CI",
			strings.HasPrefix(k, "GITHUB_"),
			strings.HasPrefix(k, "RUNNER_"),
			strings.HasPrefix(k, "INPUT_"),
			strings.HasPrefix(k, "ACTIONS_"):
			continue
		}
		env[k] = v
	}
	return env
}

// Run runs the composite action a as the runner would. The error reports
// a problem of the action or the emulator (an undeclared shell, an
// unknown remote action, a bad expression); a failing step is a result
// (Result.Failed), not an error.
func Run(ctx context.Context, a *Action, opts Options) (*Result, error) {
	r := &run{opts: opts, env: map[string]string{}, log: &logger{mirror: opts.Log}}
	if r.opts.Workspace == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		r.opts.Workspace = wd
	}
	if r.opts.ProcessEnv == nil {
		r.opts.ProcessEnv = HostEnv()
	}
	if r.opts.OS == "" {
		r.opts.OS = "Linux"
	}
	if r.opts.Arch == "" {
		r.opts.Arch = "X64"
	}
	if r.opts.Temp == "" {
		dir, err := os.MkdirTemp("", "actiontest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		r.opts.Temp = dir
	}
	res := &Result{}
	outputs, steps, failed, err := r.action(ctx, a, r.opts.Inputs, r.opts.Env)
	res.Outputs, res.Steps, res.Failed = outputs, steps, failed
	res.Env, res.Path = r.env, r.path
	res.Summary = r.summary.String()
	res.Log, res.Raw = r.log.log.String(), r.log.raw.String()
	res.Masks, res.Annotations = r.log.masks, r.log.annotations
	return res, err
}

type run struct {
	opts    Options
	env     map[string]string // exported through GITHUB_ENV
	path    []string
	summary strings.Builder
	log     *logger
}

func (r *run) action(ctx context.Context, a *Action, given map[string]string, callerEnv map[string]string) (map[string]string, []*StepResult, bool, error) {
	if a.Using != "composite" {
		return nil, nil, false, fmt.Errorf("%s: runs.using is %q; the emulator runs composite actions only", a.Path, a.Using)
	}
	steps := map[string]any{}
	ev := &evaluator{}
	ev.ctx = r.contexts(a, nil, steps, callerEnv)
	inputs := map[string]any{}
	for _, in := range a.Inputs {
		if v, ok := lookup(given, in.Name); ok {
			inputs[in.Name] = v
			continue
		}
		if in.Required && !in.HasDefault {
			r.log.write(fmt.Sprintf("::warning::Input required and not supplied: %s", in.Name))
		}
		v, err := ev.interpolate(in.Default)
		if err != nil {
			return nil, nil, false, fmt.Errorf("%s:%d: default of input %s: %v", a.Path, in.Line, in.Name, err)
		}
		inputs[in.Name] = v
	}
	var unexpected []string
	for k := range given {
		if _, ok := a.Input(k); !ok {
			unexpected = append(unexpected, k)
		}
	}
	if len(unexpected) > 0 {
		sort.Strings(unexpected)
		r.log.write("::warning::Unexpected input(s) '" + strings.Join(unexpected, "', '") + "'")
	}

	var results []*StepResult
	failed := false
	for i, s := range a.Steps {
		ev := &evaluator{ctx: r.contexts(a, inputs, steps, callerEnv), status: exprStatus{failed: failed}}
		sr := &StepResult{ID: s.ID, Name: s.Name, Outputs: map[string]string{}}
		results = append(results, sr)
		ok, err := ev.condition(s.If)
		if err != nil {
			return nil, results, true, fmt.Errorf("%s:%d: if: %v", a.Path, s.Line, err)
		}
		if !ok {
			sr.Outcome, sr.Conclusion = "skipped", "skipped"
		} else {
			if err := r.step(ctx, a, i, s, ev, callerEnv, sr); err != nil {
				return nil, results, true, err
			}
			sr.Conclusion = sr.Outcome
			if sr.Outcome == "failure" && s.ContinueOnError != "" {
				v, err := ev.interpolate(s.ContinueOnError)
				if err != nil {
					return nil, results, true, fmt.Errorf("%s:%d: continue-on-error: %v", a.Path, s.Line, err)
				}
				if v == "true" {
					sr.Conclusion = "success"
				}
			}
			if sr.Conclusion == "failure" {
				failed = true
			}
		}
		if s.ID != "" {
			outs := map[string]any{}
			for k, v := range sr.Outputs {
				outs[k] = v
			}
			steps[s.ID] = map[string]any{"outputs": outs, "outcome": sr.Outcome, "conclusion": sr.Conclusion}
		}
	}
	ev = &evaluator{ctx: r.contexts(a, inputs, steps, callerEnv), status: exprStatus{failed: failed}}
	outputs := map[string]string{}
	for _, o := range a.Outputs {
		v, err := ev.interpolate(o.Value)
		if err != nil {
			return nil, results, failed, fmt.Errorf("%s:%d: output %s: %v", a.Path, o.Line, o.Name, err)
		}
		outputs[o.Name] = v
	}
	return outputs, results, failed, nil
}

// contexts builds what expressions can see in a step of a.
func (r *run) contexts(a *Action, inputs map[string]any, steps map[string]any, callerEnv map[string]string) map[string]any {
	github := map[string]any{}
	for k, v := range r.opts.Github {
		github[k] = v
	}
	github["action_path"] = a.Dir
	github["workspace"] = r.opts.Workspace
	env := map[string]any{}
	for k, v := range callerEnv {
		env[k] = v
	}
	for k, v := range r.env {
		env[k] = v
	}
	if inputs == nil {
		inputs = map[string]any{}
	}
	return map[string]any{
		"inputs": inputs,
		"github": github,
		"env":    env,
		"steps":  steps,
		"runner": map[string]any{
			"os":         r.opts.OS,
			"arch":       r.opts.Arch,
			"temp":       r.opts.Temp,
			"tool_cache": filepath.Join(r.opts.Temp, "_tool"),
			"name":       "actiontest",
		},
		"job":      map[string]any{"status": "success"},
		"strategy": map[string]any{},
		"matrix":   map[string]any{},
	}
}

func (r *run) step(ctx context.Context, a *Action, i int, s Step, ev *evaluator, callerEnv map[string]string, sr *StepResult) error {
	where := fmt.Sprintf("%s:%d", a.Path, s.Line)
	stepEnv := map[string]string{}
	for _, kv := range s.Env {
		v, err := ev.interpolate(kv.Value)
		if err != nil {
			return fmt.Errorf("%s:%d: env %s: %v", a.Path, kv.Line, kv.Key, err)
		}
		stepEnv[kv.Key] = v
	}
	dir := r.opts.Workspace
	if s.WorkingDirectory != "" {
		wd, err := ev.interpolate(s.WorkingDirectory)
		if err != nil {
			return fmt.Errorf("%s: working-directory: %v", where, err)
		}
		if !filepath.IsAbs(wd) {
			wd = filepath.Join(r.opts.Workspace, wd)
		}
		dir = wd
	}
	mark := r.log.log.Len()
	defer func() { sr.Log = r.log.log.String()[mark:] }()

	if s.Uses != "" {
		return r.uses(ctx, a, s, ev, callerEnv, stepEnv, dir, sr)
	}
	script, err := ev.interpolate(s.Run)
	if err != nil {
		return fmt.Errorf("%s: run: %v", where, err)
	}
	argv, ext, err := shellCommand(s.Shell)
	if err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	files, err := r.stepFiles()
	if err != nil {
		return err
	}
	scriptPath := filepath.Join(r.opts.Temp, randomName()+ext)
	if err := os.WriteFile(scriptPath, []byte(script), 0o644); err != nil {
		return err
	}
	defer os.Remove(scriptPath)
	for j, arg := range argv {
		argv[j] = strings.ReplaceAll(arg, "{0}", scriptPath)
	}
	env := r.processEnv(a, callerEnv, files, stepEnv)
	code, err := r.exec(ctx, argv, dir, env)
	if err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	sr.ExitCode = code
	sr.Outcome = "success"
	if code != 0 {
		r.log.write(fmt.Sprintf("::error::Process completed with exit code %d.", code))
		sr.Outcome = "failure"
	}
	if err := r.collect(files, sr); err != nil {
		r.log.write("::error::" + err.Error())
		sr.Outcome = "failure"
	}
	return nil
}

func (r *run) uses(ctx context.Context, a *Action, s Step, ev *evaluator, callerEnv, stepEnv map[string]string, dir string, sr *StepResult) error {
	where := fmt.Sprintf("%s:%d", a.Path, s.Line)
	with := map[string]string{}
	for _, kv := range s.With {
		v, err := ev.interpolate(kv.Value)
		if err != nil {
			return fmt.Errorf("%s:%d: with %s: %v", a.Path, kv.Line, kv.Key, err)
		}
		with[kv.Key] = v
	}
	if strings.HasPrefix(s.Uses, "./") || s.Uses == "." {
		// Local actions are relative to the workspace, not to the action
		// that uses them.
		base := filepath.Join(r.opts.Workspace, s.Uses)
		path := filepath.Join(base, "action.yml")
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(base, "action.yaml")
		}
		sub, err := Load(path)
		if err != nil {
			return fmt.Errorf("%s: uses %s: %v", where, s.Uses, err)
		}
		env := map[string]string{}
		for k, v := range callerEnv {
			env[k] = v
		}
		for k, v := range stepEnv {
			env[k] = v
		}
		outs, _, failed, err := r.action(ctx, sub, with, env)
		if err != nil {
			return err
		}
		sr.Outputs = outs
		sr.Outcome = "success"
		if failed {
			sr.Outcome = "failure"
		}
		return nil
	}
	name, _, _ := strings.Cut(s.Uses, "@")
	fn := r.opts.Uses[s.Uses]
	if fn == nil {
		fn = r.opts.Uses[name]
	}
	if fn == nil {
		return fmt.Errorf("%s: uses %s: no stand-in given (Options.Uses)", where, s.Uses)
	}
	files, err := r.stepFiles()
	if err != nil {
		return err
	}
	c := &Call{Uses: s.Uses, With: with, Env: r.processEnv(a, callerEnv, files, stepEnv), Dir: dir, outputs: sr.Outputs, r: r}
	sr.Outcome = "success"
	if err := fn(ctx, c); err != nil {
		r.log.write("::error::" + err.Error())
		sr.Outcome = "failure"
	}
	// A stand-in may also write the file commands itself.
	if err := r.collect(files, sr); err != nil {
		r.log.write("::error::" + err.Error())
		sr.Outcome = "failure"
	}
	return nil
}

func shellCommand(shell string) ([]string, string, error) {
	switch shell {
	case "bash":
		return []string{"bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"}, ".sh", nil
	case "sh":
		return []string{"sh", "-e", "{0}"}, ".sh", nil
	case "python":
		return []string{"python", "{0}"}, ".py", nil
	case "":
		return nil, "", errors.New("a composite run step needs a shell:")
	case "pwsh", "powershell", "cmd":
		return nil, "", fmt.Errorf("shell %s is not supported by the emulator", shell)
	}
	if !strings.Contains(shell, "{0}") {
		return nil, "", fmt.Errorf("custom shell %q must contain {0}", shell)
	}
	return strings.Fields(shell), "", nil
}

type stepFiles struct{ env, output, path, summary, state string }

func (r *run) stepFiles() (stepFiles, error) {
	dir := filepath.Join(r.opts.Temp, "_runner_file_commands")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return stepFiles{}, err
	}
	id := randomName()
	f := stepFiles{
		env:     filepath.Join(dir, "set_env_"+id),
		output:  filepath.Join(dir, "set_output_"+id),
		path:    filepath.Join(dir, "add_path_"+id),
		summary: filepath.Join(dir, "step_summary_"+id),
		state:   filepath.Join(dir, "save_state_"+id),
	}
	for _, p := range []string{f.env, f.output, f.path, f.summary, f.state} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			return f, err
		}
	}
	return f, nil
}

// processEnv is a step's environment: the process's, the caller's env:,
// GITHUB_ENV exports, the runner's variables, then the step's own env:.
func (r *run) processEnv(a *Action, callerEnv map[string]string, f stepFiles, stepEnv map[string]string) map[string]string {
	env := map[string]string{}
	for k, v := range r.opts.ProcessEnv {
		env[k] = v
	}
	for k, v := range callerEnv {
		env[k] = v
	}
	for k, v := range r.env {
		env[k] = v
	}
	for k, v := range r.opts.Github {
		if s, ok := v.(string); ok && k != "token" {
			env["GITHUB_"+strings.ToUpper(k)] = s
		}
	}
	for k, v := range map[string]string{
		"CI":                  "true",
		"GITHUB_ACTIONS":      "true",
		"GITHUB_WORKSPACE":    r.opts.Workspace,
		"GITHUB_ACTION_PATH":  a.Dir,
		"GITHUB_ENV":          f.env,
		"GITHUB_OUTPUT":       f.output,
		"GITHUB_PATH":         f.path,
		"GITHUB_STEP_SUMMARY": f.summary,
		"GITHUB_STATE":        f.state,
		"RUNNER_OS":           r.opts.OS,
		"RUNNER_ARCH":         r.opts.Arch,
		"RUNNER_TEMP":         r.opts.Temp,
		"RUNNER_TOOL_CACHE":   filepath.Join(r.opts.Temp, "_tool"),
	} {
		env[k] = v
	}
	if len(r.path) > 0 {
		dirs := make([]string, 0, len(r.path)+1)
		for i := len(r.path) - 1; i >= 0; i-- {
			dirs = append(dirs, r.path[i])
		}
		if p := env["PATH"]; p != "" {
			dirs = append(dirs, p)
		}
		env["PATH"] = strings.Join(dirs, string(os.PathListSeparator))
	}
	for k, v := range stepEnv {
		env[k] = v
	}
	return env
}

// collect applies the file commands a step wrote.
func (r *run) collect(f stepFiles, sr *StepResult) error {
	outs, err := readEnvFile(f.output, r.opts.OS)
	if err != nil {
		return fmt.Errorf("unable to process file command 'output' successfully: %v", err)
	}
	for _, kv := range outs {
		sr.Outputs[kv.Key] = kv.Value
	}
	envs, err := readEnvFile(f.env, r.opts.OS)
	if err != nil {
		return fmt.Errorf("unable to process file command 'env' successfully: %v", err)
	}
	for _, kv := range envs {
		if strings.EqualFold(kv.Key, "NODE_OPTIONS") {
			return fmt.Errorf("can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command")
		}
		r.env[kv.Key] = kv.Value
	}
	dirs, err := readPathFile(f.path)
	if err != nil {
		return err
	}
	r.path = append(r.path, dirs...)
	sum, err := os.ReadFile(f.summary)
	if err != nil {
		return err
	}
	r.summary.Write(sum)
	return nil
}

// exec runs argv with stdout and stderr merged into the log, line by line,
// as the runner reads them. Cancelling ctx kills the whole process group.
func (r *run) exec(ctx context.Context, argv []string, dir string, env map[string]string) (int, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	sort.Strings(cmd.Env)
	if p := env["PATH"]; p != "" {
		// exec.Command looked argv[0] up in the test's PATH; steps see theirs.
		if lp, err := lookPath(argv[0], p); err == nil {
			cmd.Path = lp
			cmd.Err = nil
		}
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.Stdin = nil
	setProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return 0, err
	}
	pw.Close()
	br := bufio.NewReader(pr)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			r.log.write(strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"))
		}
		if err != nil {
			break
		}
	}
	pr.Close()
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return ee.ExitCode(), nil
	}
	return 0, err
}

func lookPath(name, pathList string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, d := range filepath.SplitList(pathList) {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

func randomName() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
