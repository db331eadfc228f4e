package release

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"sort"
	"strings"
)

// updateGoConst rewrites the string of the file's one Version constant,
// found by parsing the file: a pattern also took `Version = "…"` in a var
// block or in a raw string (usage text) for it.
func updateGoConst(data []byte, to Version) ([]byte, string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", data, parser.SkipObjectResolution)
	if err != nil {
		return nil, "", fmt.Errorf("not Go source: %v", err)
	}
	var lits []*ast.BasicLit
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if n.Name != "Version" || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, `"`) {
					lits = append(lits, lit)
				}
			}
		}
	}
	switch len(lits) {
	case 0:
		return nil, "", fmt.Errorf(`no const Version = "X.Y.Z" found`)
	case 1:
	default:
		return nil, "", fmt.Errorf("%d Version constants found; keep one", len(lits))
	}
	start := fset.Position(lits[0].Pos()).Offset + 1 // inside the quotes
	end := start + len(lits[0].Value) - 2
	from := string(data[start:end])
	if _, err := ParseVersion(from); err != nil {
		return nil, "", fmt.Errorf("Version is %q, not X.Y.Z", from)
	}
	return splice(data, start, end, spelt(from, to)), from, nil
}

// spelt writes the new version as the old one was written: with its "v"
// when it had one ("v1.2.3" became "1.3.0").
func spelt(old string, to Version) string {
	if strings.HasPrefix(old, "v") {
		return "v" + to.String()
	}
	return to.String()
}

// versionFileRE is a VERSION file: the version, optionally v-prefixed,
// and nothing but white space around it.
var versionFileRE = regexp.MustCompile(`\A\s*v?(\S+?)\s*\z`)

// updatePlain rewrites a VERSION file, keeping a "v" prefix and the white
// space around the version.
func updatePlain(data []byte, to Version) ([]byte, string, error) {
	m := versionFileRE.FindSubmatchIndex(data)
	if m == nil {
		return nil, "", fmt.Errorf("expected only a version X.Y.Z in the file")
	}
	from := string(data[m[2]:m[3]])
	if _, err := ParseVersion(from); err != nil {
		return nil, "", fmt.Errorf("holds %q, not X.Y.Z", from)
	}
	return splice(data, m[2], m[3], to.String()), from, nil
}

// splice returns data with data[start:end] replaced by s.
func splice(data []byte, start, end int, s string) []byte {
	return applyEdits(data, []edit{{start, end, s}})
}

// edit replaces data[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// applyEdits returns data with the (non-overlapping) edits made; every
// byte outside them is kept.
func applyEdits(data []byte, edits []edit) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b bytes.Buffer
	b.Grow(len(data) + 16*len(edits))
	pos := 0
	for _, e := range edits {
		b.Write(data[pos:e.start])
		b.WriteString(e.text)
		pos = e.end
	}
	b.Write(data[pos:])
	return b.Bytes()
}
