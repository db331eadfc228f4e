package actiontest

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Ref is one use of an input in an expression.
type Ref struct {
	Input string // the input's name as written
	Line  int
	Key   string // where: "runs.steps[2].env.TOKEN", "runs.steps[0].run", …
	Expr  string // the whole expression it appears in
}

// InRun reports whether the reference is pasted into a step's script text,
// where the value becomes shell code (script injection); inputs belong in
// the step's env: instead.
func (r Ref) InRun() bool { return strings.HasSuffix(r.Key, ".run") }

// InputRefs returns every reference to inputs.X in the action's
// expressions: ${{ … }} anywhere, and the bare expressions of if: keys.
func (a *Action) InputRefs() []Ref {
	var refs []Ref
	cur := cursor{lines: strings.Split(string(a.src), "\n")}
	var walk func(n *yaml.Node, key string, isIf bool)
	walk = func(n *yaml.Node, key string, isIf bool) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, key, false)
			}
		case yaml.MappingNode:
			for _, kv := range pairs(n) {
				walk(kv[1], joinKey(key, kv[0].Value), kv[0].Value == "if")
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", key, i), false)
			}
		case yaml.ScalarNode:
			exprs := expressions(n.Value)
			if isIf && !strings.Contains(n.Value, "${{") {
				exprs = []string{n.Value}
			}
			cur.reset(n.Line)
			for _, e := range exprs {
				for _, name := range inputNames(e) {
					refs = append(refs, Ref{Input: name, Line: cur.find(n.Line, "inputs", name), Key: key, Expr: strings.TrimSpace(e)})
				}
			}
		}
	}
	walk(a.root, "", false)
	return refs
}

func joinKey(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// CheckInputs returns one error for each reference to an input the action
// does not declare ("path:line: …").
func (a *Action) CheckInputs() []error {
	var errs []error
	for _, r := range a.InputRefs() {
		if _, ok := a.Input(r.Input); !ok {
			errs = append(errs, fmt.Errorf("%s:%d: ${{ %s }} uses inputs.%s, which is not a declared input", a.Path, r.Line, r.Expr, r.Input))
		}
	}
	return errs
}

// CheckRunInterpolation returns one error for each input pasted into a
// run: script rather than passed through env:.
func (a *Action) CheckRunInterpolation() []error {
	var errs []error
	for _, r := range a.InputRefs() {
		if r.InRun() {
			errs = append(errs, fmt.Errorf("%s:%d: inputs.%s is pasted into the script text of %s; pass it through env: and use the variable", a.Path, r.Line, r.Input, strings.TrimSuffix(r.Key, ".run")))
		}
	}
	return errs
}

// expressions returns the sources of the ${{ … }} expressions in s.
func expressions(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			return out
		}
		end := exprEnd(s[i+3:])
		if end < 0 {
			return append(out, s[i+3:])
		}
		out = append(out, s[i+3:i+3+end])
		s = s[i+3+end+2:]
	}
}

// inputNames finds inputs.NAME and inputs['NAME'] in an expression.
func inputNames(expr string) []string {
	toks, err := lex(expr)
	if err != nil {
		return nil
	}
	var names []string
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if t.kind != tokIdent || !strings.EqualFold(t.text, "inputs") {
			continue
		}
		if i > 0 && toks[i-1].kind == tokPunct && toks[i-1].text == "." {
			continue // github.event.inputs.x is another context
		}
		next := toks[i+1]
		switch {
		case next.kind == tokPunct && next.text == "." && toks[i+2].kind == tokIdent:
			names = append(names, toks[i+2].text)
		case next.kind == tokPunct && next.text == "[" && toks[i+2].kind == tokString:
			names = append(names, toks[i+2].text)
		}
	}
	return names
}

// cursor finds the source line of successive matches inside one scalar,
// which may span lines (block scalars) while yaml.v3 reports only the line
// the scalar starts on.
type cursor struct {
	lines     []string
	line, col int
}

func (c *cursor) reset(line int) { c.line, c.col = line-1, 0 }

// find returns the 1-based line of the next occurrence of prefix followed
// (after punctuation) by name, at or after the cursor; def when not found.
func (c *cursor) find(def int, prefix, name string) int {
	for l := c.line; l >= 0 && l < len(c.lines); l++ {
		from := 0
		if l == c.line {
			from = c.col
		}
		text := c.lines[l]
		if from > len(text) {
			continue
		}
		for off := from; ; {
			i := strings.Index(text[off:], prefix)
			if i < 0 {
				break
			}
			at := off + i
			rest := strings.TrimLeft(text[at+len(prefix):], ".['\" ")
			if strings.HasPrefix(rest, name) {
				c.line, c.col = l, at+len(prefix)
				return l + 1
			}
			off = at + len(prefix)
		}
	}
	return def
}

// Find returns every action.yml and action.yaml under root, skipping .git,
// node_modules and testdata directories (test fixtures may be broken on
// purpose).
func Find(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() == "action.yml" || d.Name() == "action.yaml" {
			out = append(out, path)
		}
		return nil
	})
	return out, err
}
