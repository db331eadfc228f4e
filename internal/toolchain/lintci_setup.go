package toolchain

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/verdigris-dev/verdigris/internal/config"
)

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
