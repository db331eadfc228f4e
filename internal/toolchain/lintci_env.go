package toolchain

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// installsPinnedGo reports whether the steps install the pinned Go with
// actions/setup-go, which makes GOTOOLCHAIN=local harmless.
func (l *linter) installsPinnedGo(steps *yaml.Node, sc scope) bool {
	pin, _, ok := l.pinned("go")
	if !ok || steps == nil || steps.Kind != yaml.SequenceNode {
		return false
	}
	for _, st := range steps.Content {
		uses, _ := scalar(mapping(st, "uses"))
		if actionName(uses) != "actions/setup-go" {
			continue
		}
		with := mapping(st, "with")
		if gv := mapping(with, "go-version"); gv != nil {
			vs := values(gv, sc.with(mapping(st, "env")))
			if len(vs) == 0 {
				return true // an expression lint-ci cannot see: trusted, as elsewhere
			}
			all, empty := true, true
			for _, v := range vs {
				all = all && Satisfies(pin.Version, v.s)
				empty = empty && v.s == ""
			}
			if all {
				return true
			}
			if !empty {
				continue
			}
			// An empty go-version is none: setup-go reads the file.
		}
		if f, ok := scalar(mapping(with, "go-version-file")); ok {
			if v, _, err := l.fileVersion(f, "go"); err == nil && Satisfies(pin.Version, v) {
				return true
			}
		}
	}
	return false
}

// envToolchains checks GOTOOLCHAIN and RUSTUP_TOOLCHAIN in an env:
// mapping.
func (l *linter) envToolchains(env *yaml.Node, sc scope, setsGo bool) {
	if gt := mapping(env, "GOTOOLCHAIN"); gt != nil {
		for _, v := range values(gt, sc) {
			l.goToolchain(v, setsGo)
		}
	}
	if rt := mapping(env, "RUSTUP_TOOLCHAIN"); rt != nil {
		for _, v := range values(rt, sc) {
			l.rustToolchain(v, "RUSTUP_TOOLCHAIN="+v.s)
		}
	}
}

// goToolchainLocal reports whether a step runs with GOTOOLCHAIN=local,
// from its own env: or its job's or workflow's, the innermost first.
func goToolchainLocal(sc scope) bool {
	for i := len(sc.envs) - 1; i >= 0; i-- {
		if v := mapping(sc.envs[i], "GOTOOLCHAIN"); v != nil {
			s, _ := scalar(v)
			return s == "local"
		}
	}
	return false
}

func (l *linter) hasLocalToolchain(env *yaml.Node) bool {
	v, ok := scalar(mapping(env, "GOTOOLCHAIN"))
	return ok && strings.HasPrefix(v, "local")
}

// goToolchain checks one GOTOOLCHAIN value. local is flagged at job and
// step level only where the job does not install the pin with setup-go
// (workflow-level values are checked per job by document).
func (l *linter) goToolchain(val value, setsGo bool) {
	pin, pinned, ok := l.pinned("go")
	if !ok {
		return
	}
	v := val.s
	name, _, _ := strings.Cut(v, "+")
	switch {
	case name == "local":
		if !setsGo && val.line > 0 {
			l.addAt(val, "go", fmt.Sprintf("GOTOOLCHAIN=%s runs whatever Go the runner has and ignores go.mod's toolchain line, not %s", val.show(), pinned),
				fmt.Sprintf("install Go %s with actions/setup-go (go-version: '%s') in this job, or drop GOTOOLCHAIN", normalize(pin.Version), normalize(pin.Version)))
		}
	case name == "auto" || name == "path" || v == "":
	case !Satisfies(pin.Version, name):
		l.addAt(val, "go", fmt.Sprintf("GOTOOLCHAIN=%s runs Go %s, not %s", val.show(), normalize(name), pinned),
			val.fix(fmt.Sprintf("set GOTOOLCHAIN=go%s, or drop it", normalize(pin.Version)), "go"+normalize(pin.Version)))
	}
}

func (l *linter) localToolchain(n *yaml.Node) {
	if n == nil {
		return
	}
	for _, f := range l.findings {
		if f.Line == n.Line && f.Tool == "go" {
			return
		}
	}
	l.goToolchain(value{s: n.Value, line: n.Line}, false)
}

func (l *linter) rustToolchain(val value, what string) {
	pin, pinned, ok := l.pinned("rust")
	// An empty RUSTUP_TOOLCHAIN selects nothing, as an empty GOTOOLCHAIN.
	if !ok || val.s == "" || Satisfies(pin.Version, val.s) {
		return
	}
	if val.via != "" {
		what += " (" + val.via + ")"
	}
	l.addAt(val, "rust", fmt.Sprintf("%s selects Rust %s, not %s", what, val.s, pinned),
		val.fix(fmt.Sprintf("use %s instead of %s", normalize(pin.Version), val.s), normalize(pin.Version)))
}
