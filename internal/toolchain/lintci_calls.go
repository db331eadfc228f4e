package toolchain

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

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
