package toolchain

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/config"
)

// IsBuiltin reports whether name has a built-in probe.
func IsBuiltin(name string) bool {
	_, ok := config.BuiltinTools[name]
	return ok
}

// Probe finds the version of a pinned tool that would run in e.Root. A
// probe command in toolchain.toml replaces the built-in one.
func Probe(ctx context.Context, e *Env, t config.Tool) Found {
	if t.Probe != "" {
		return customProbe(ctx, e, t.Probe)
	}
	switch t.Name {
	case "go":
		return probeGo(ctx, e)
	case "rust":
		return probeRust(ctx, e)
	case "node":
		return simpleProbe(ctx, e, []string{"node"}, "--version")
	case "npm":
		return simpleProbe(ctx, e, []string{"npm"}, "--version")
	case "python":
		return probePython(ctx, e)
	case "golangci-lint":
		return simpleProbe(ctx, e, []string{"golangci-lint"}, "--version")
	}
	if near := config.NearBuiltin(t.Name); near != "" {
		return Found{Missing: true, Detail: "no built-in probe for " + t.Name + ": did you mean " + near + "? (or add probe = \"" + t.Name + " --version\" to [tools." + t.Name + "])"}
	}
	return Found{Missing: true, Detail: "no built-in probe; add probe = \"" + t.Name + " --version\" to [tools." + t.Name + "]"}
}

// Unprobed says what to do about a tool pinned without a probe under a
// name that has no built-in one, for a hint: rename it to the built-in
// tool it is a near miss of, or give it a probe. Installing it, the hint
// for a missing tool, fixes nothing: nothing asks its version. "" for
// any other tool.
func Unprobed(t config.Tool) string {
	if t.Probe != "" || IsBuiltin(t.Name) {
		return ""
	}
	if near := config.NearBuiltin(t.Name); near != "" {
		return "rename " + t.Name + " to " + near + " in " + config.FileName + " (or, for a tool of its own, add probe = \"" + t.Name + " --version\" to [tools." + t.Name + "])"
	}
	return "add a probe to [tools." + t.Name + "] in " + config.FileName + " (probe = \"" + t.Name + " --version\")"
}

func probePython(ctx context.Context, e *Env) Found {
	f := simpleProbe(ctx, e, []string{"python3", "python"}, "--version")
	if strings.Contains(f.Path, "/.pyenv/shims/") {
		// pyenv picks the version: PYENV_VERSION, then .python-version
		// up from the directory, then its global version file.
		switch {
		case e.getenv("PYENV_VERSION") != "":
			f.Source = "PYENV_VERSION"
		case findUp(e.Root, ".python-version") != "":
			f.Source = relTo(e.Root, findUp(e.Root, ".python-version"))
		default:
			f.Source = "pyenv global"
		}
	}
	return f
}

// findUp returns the path of name in dir or the nearest directory above.
func findUp(dir, name string) string {
	for {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func relTo(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}
