package toolchain

import (
	"fmt"
	"maps"
	"os"
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
