package search

import (
	"context"
	"path"
	"strings"
	"testing"
)

// Magic is read as git reads it; what git scry does not read is an
// error, not a literal path.
func TestParseMagic(t *testing.T) {
	for _, c := range []struct {
		arg, pattern, err string
		m                 Magic
	}{
		{arg: "internal", pattern: "internal"},
		{arg: "a:b", pattern: "a:b"},
		{arg: ":!vendor", pattern: "vendor", m: Magic{Exclude: true}},
		{arg: ":^vendor", pattern: "vendor", m: Magic{Exclude: true}},
		{arg: ":(exclude)vendor", pattern: "vendor", m: Magic{Exclude: true}},
		{arg: ":(exclude,glob)**/x", pattern: "**/x", m: Magic{Exclude: true, Glob: true}},
		{arg: ":/cmd", pattern: "cmd", m: Magic{Top: true}},
		{arg: ":(top)cmd", pattern: "cmd", m: Magic{Top: true}},
		{arg: ":!/cmd", pattern: "cmd", m: Magic{Exclude: true, Top: true}},
		{arg: ":/!cmd", pattern: "cmd", m: Magic{Exclude: true, Top: true}},
		{arg: ":/", pattern: "", m: Magic{Top: true}},
		{arg: ":!", pattern: "", m: Magic{Exclude: true}},
		{arg: ":!:x", pattern: "x", m: Magic{Exclude: true}},
		{arg: "::x", pattern: "x"},
		{arg: ":x", pattern: "x"},
		{arg: ":(literal)a/*.go", pattern: "a/*.go", m: Magic{Literal: true}},
		{arg: ":(exclude,)x", pattern: "x", m: Magic{Exclude: true}},
		{arg: ":(icase)x", err: "does not read the pathspec magic icase"},
		{arg: ":(attr:binary)x", err: "does not read the pathspec magic attr"},
		{arg: ":(exclude,frob)x", err: "unknown pathspec magic 'frob'"},
		{arg: ":(exclude x", err: "missing ')'"},
		{arg: ":(literal,glob)x", err: "literal and glob do not go together"},
	} {
		m, pattern, err := ParseMagic(c.arg)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.arg, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.arg, err)
		case m != c.m || pattern != c.pattern:
			t.Errorf("%q: %+v %q, want %+v %q", c.arg, m, pattern, c.m, c.pattern)
		}
	}
}

// A Pathspec matches as git log's pathspecs do: a positive pattern and no
// exclusion, any path when there are only exclusions; each pattern read
// from the current directory (internal/, here) as the positive ones
// always were.
func TestCompilePathspec(t *testing.T) {
	inInternal := func(p string) (string, bool) {
		rel := path.Join("internal", p)
		return rel, rel != ".." && !strings.HasPrefix(rel, "../")
	}
	for _, c := range []struct {
		args      []string
		yes, no   []string
		fromRoot  func(string) (string, bool)
		wantEmpty bool
	}{
		{args: []string{":!internal"}, yes: []string{"cmd/main.go", "README.md"}, no: []string{"internal/a.go", "internal/x/b.go"}},
		{args: []string{":!*.md"}, yes: []string{"cmd/main.go"}, no: []string{"README.md", "docs/a.md"}},
		{args: []string{":!internal/*"}, yes: []string{"internal/x/b.go"}, no: []string{"internal/a.go"}},
		{args: []string{"internal", ":!internal/x"}, yes: []string{"internal/a.go"}, no: []string{"internal/x/b.go", "cmd/main.go"}},
		{args: []string{".", ":!docs"}, yes: []string{"cmd/main.go"}, no: []string{"docs/a.md"}},
		{args: []string{":!."}, no: []string{"cmd/main.go", "README.md"}},
		{args: []string{":(literal)app/[id]"}, yes: []string{"app/[id]/page.tsx"}, no: []string{"app/i/page.tsx"}},
		{args: []string{":(glob)*.go"}, yes: []string{"main.go"}, no: []string{"cmd/main.go"}},
		{args: []string{"*.go"}, yes: []string{"main.go", "cmd/main.go"}},
		{args: []string{"."}, wantEmpty: true},
		{args: []string{":/"}, wantEmpty: true},
		// From internal/: relative to it, ':/' from the root; exclusions
		// alone still let the whole tree through.
		{args: []string{"x"}, fromRoot: inInternal, yes: []string{"internal/x/b.go"}, no: []string{"x/b.go"}},
		{args: []string{":!x"}, fromRoot: inInternal, yes: []string{"x/b.go", "cmd/main.go"}, no: []string{"internal/x/b.go"}},
		{args: []string{":/x"}, fromRoot: inInternal, yes: []string{"x/b.go"}, no: []string{"internal/x/b.go"}},
		{args: []string{":!"}, fromRoot: inInternal, yes: []string{"cmd/main.go"}, no: []string{"internal/a.go"}},
		{args: []string{":!*.go"}, fromRoot: inInternal, yes: []string{"README.md"}, no: []string{"cmd/main.go"}},
	} {
		ps, given, err := CompilePathspec(c.args, c.fromRoot)
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if len(given) != len(ps) {
			t.Errorf("%q: %d patterns, %d given", c.args, len(ps), len(given))
		}
		if c.wantEmpty != (len(ps) == 0) {
			t.Errorf("%q: %d patterns", c.args, len(ps))
		}
		for _, p := range c.yes {
			if !ps.Match(p) {
				t.Errorf("%q does not match %s", c.args, p)
			}
		}
		for _, p := range c.no {
			if ps.Match(p) {
				t.Errorf("%q matches %s", c.args, p)
			}
		}
	}
	for _, args := range [][]string{{":!../x"}, {":/../x"}, {"../x"}, {""}, {":(icase)x"}, {":![z-a]"}} {
		if _, _, err := CompilePathspec(args, nil); err == nil {
			t.Errorf("%q compiled", args)
		}
	}
}

// Exclusions filter as the positive patterns do, with the search cache
// and without it; a hit's matched files leave out what they exclude.
func TestExcludedPaths(t *testing.T) {
	f := history(t)
	f.commit("2024-04-10T10:00:00Z", "Grace Hopper|grace@example.com", "turbine docs beside the engine", map[string]string{"engine/turbine.go": "package engine // v2\n", "docs/turbine.md": "x\n"})
	s := f.searcher(nil)
	ctx := context.Background()
	for _, cached := range []bool{true, false} {
		if !cached {
			s.cache = nil
		}
		for _, c := range []struct {
			args    []string
			want    string
			matched string // of "turbine docs beside the engine"
		}{
			{[]string{":!engine"}, "turbine: first draft | turbine docs beside the engine", "docs/turbine.md"},
			{[]string{":!docs"}, "turbine: first draft | turbine docs beside the engine | add the spinning parts | refactor the engine", "engine/turbine.go"},
			{[]string{"docs", ":!engine"}, "turbine docs beside the engine", "docs/turbine.md"},
			{[]string{"engine", ":!engine/turbine.go"}, "refactor the engine", ""},
			{[]string{":!*.go", ":!*.md"}, "", ""},
			// Excluding nothing: every path (an empty NOT IN list).
			{[]string{":!vendor"}, "turbine: first draft | turbine docs beside the engine | add the spinning parts | refactor the engine", "docs/turbine.md,engine/turbine.go"},
		} {
			ps, _, err := CompilePathspec(c.args, nil)
			if err != nil {
				t.Fatal(err)
			}
			hits, err := s.Search(ctx, Query{Text: "turbine", Mode: Lexical, Filter: Filter{Paths: ps}})
			if err != nil {
				t.Fatal(err)
			}
			if got := subjects(hits); got != c.want {
				t.Errorf("cached %v, %q: %q, want %q", cached, c.args, got, c.want)
			}
			for _, h := range hits {
				if got := strings.Join(h.Matched, ","); h.Subject == "turbine docs beside the engine" && got != c.matched {
					t.Errorf("cached %v, %q: matched %q, want %q", cached, c.args, got, c.matched)
				}
			}
		}
	}
}

// The warnings of a search that found nothing name the --path patterns
// that can be why, and only those.
func TestPathWarnings(t *testing.T) {
	s := history(t).searcher(nil)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"engin"}, "--path engin matches no file that an indexed commit changed"},
		{[]string{"engine", ":!engine"}, "--path engine matches only files that --path :!engine excludes"},
		{[]string{"engine", ":!*.go", ":!engine/core.go", ":!docs"}, "--path engine matches only files that --path :!*.go and --path :!engine/core.go exclude"},
		{[]string{":!*"}, "--path :!* excludes every file that an indexed commit changed"},
		{[]string{":!*.go", ":!README.md", ":!vendor"}, "--path :!*.go and --path :!README.md exclude every file that an indexed commit changed"},
		{[]string{":!vendor"}, ""},
		{[]string{":!engine"}, ""},
		{[]string{"engine", ":!engine/core.go"}, ""},
	} {
		ps, given, err := CompilePathspec(c.args, nil)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.PathWarnings(context.Background(), ps, given)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(w, "; "); got != c.want {
			t.Errorf("%q: %q, want %q", c.args, got, c.want)
		}
	}
}
