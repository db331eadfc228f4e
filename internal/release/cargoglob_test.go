package release

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The glob crate's Pattern, as its documentation and tests give it.
// Several of these are not what Go's filepath.Match makes of the same
// pattern: "[!…]" (to Go, "!" is a character of the set), "[^…]" (to
// Go, the negation), a backslash (to Go, an escape).
func TestCompileGlobMatch(t *testing.T) {
	for _, c := range []struct {
		pattern string
		match   []string
		miss    []string
	}{
		{"c?t", []string{"cat", "cot"}, []string{"ct", "coat"}},
		{"d*g", []string{"doog", "dg"}, []string{"dog2"}},
		{"a*b*c", []string{"abc", "a_b_c", "a___b___c"}, []string{"abcd"}},
		{"k[!e]tteh", []string{"kitteh"}, []string{"ketteh"}},
		{"a[0-9]b", []string{"a0b", "a9b"}, []string{"a_b"}},
		{"a[!0-9]b", []string{"a_b"}, []string{"a5b"}},
		{"[abc-]", []string{"a", "c", "-"}, []string{"d"}},
		{"[-abc]", []string{"a", "-"}, []string{"d"}},
		{"[a-c-]", []string{"b", "-"}, []string{"d"}},
		{"[2-1]", nil, []string{"1", "2"}},
		{"[]]", []string{"]"}, []string{"a"}},
		{"[!]]", []string{"a", "!"}, []string{"]"}},
		{"[!!]", []string{"a", "]"}, []string{"!"}},
		{"[?]", []string{"?"}, []string{"a"}},
		{"[*]", []string{"*"}, []string{"a"}},
		{"[^a]", []string{"^", "a"}, []string{"b"}},   // no negation: Go's [^a] matches b
		{`a\b`, []string{`a\b`}, []string{"ab", "a"}}, // a backslash is a character
		{`a\*`, []string{`a\`, `a\xyz`}, []string{"a*", "a"}},
		{"*", []string{"x", ".hidden", ""}, nil}, // a leading dot is matched
		{"?x", []string{".x"}, []string{"x"}},
		{"é?", []string{"éé", "éa"}, []string{"é", "e"}}, // characters, not bytes
		{"plain", []string{"plain"}, []string{"plai", "plainx"}},
	} {
		p, err := compileGlob(c.pattern)
		if err != nil {
			t.Errorf("compileGlob(%q): %v", c.pattern, err)
			continue
		}
		for _, s := range c.match {
			if !p.match(s) {
				t.Errorf("%q does not match %q", c.pattern, s)
			}
		}
		for _, s := range c.miss {
			if p.match(s) {
				t.Errorf("%q matches %q", c.pattern, s)
			}
		}
	}
	for _, bad := range []string{"a**", "**a", "***", "*?**", "abc[def", "abc[!def", "abc[", "abc[!", "abc[d", "abc[]", "abc[!]"} {
		if _, err := compileGlob(bad); err == nil {
			t.Errorf("compileGlob(%q): no error", bad)
		}
	}
}

// The walk, on the tree of the glob crate's own tests (tests/glob-std.rs)
// and what Cargo makes of the paths it yields: directories only, and an
// entry that matches nothing kept as a path.
func TestCargoMemberDirs(t *testing.T) {
	base := t.TempDir()
	for _, d := range []string{"r/another", "r/one/another/deep", "r/two", "r/three", "r/.hidden",
		"x/[ab]", `y/a\b`, "dirsym"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"r/current_dir.md", "r/one/a.md", "r/one/another/a.md", "r/one/another/deep/spelunking.md", "r/two/b.md", "y/ab"} {
		if err := os.WriteFile(filepath.Join(base, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(base, "r"), filepath.Join(base, "dirsym", "link")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		entry string
		want  []string
	}{
		{"r/**", []string{"r/.hidden", "r/another", "r/one", "r/one/another", "r/one/another/deep", "r/three", "r/two"}},
		{"r/**/**", []string{"r/.hidden", "r/another", "r/one", "r/one/another", "r/one/another/deep", "r/three", "r/two"}},
		{"r/**/another", []string{"r/another", "r/one/another"}},
		{"r/one/**/deep", []string{"r/one/another/deep"}},
		{"**/deep", []string{"r/one/another/deep", "dirsym/link/one/another/deep"}},
		{"r/**/*.md", nil}, // files only: no member, and not kept as a path
		{"r/*", []string{"r/.hidden", "r/another", "r/one", "r/three", "r/two"}},
		{"r/[!ao]*", []string{"r/.hidden", "r/three", "r/two"}},
		{"r/t[!h]o", []string{"r/two"}},
		{"r/?ne", []string{"r/one"}},
		{"r//one/", []string{"r/one"}},
		{"./r/one", []string{"r/one"}},
		{"r/*/..", []string{"r"}},
		{"dirsym/**", []string{"dirsym/link", "dirsym/link/.hidden", "dirsym/link/another", "dirsym/link/one", "dirsym/link/one/another", "dirsym/link/one/another/deep", "dirsym/link/three", "dirsym/link/two"}},
		{"x/[ab]", []string{"x/[ab]"}}, // matches nothing: Cargo keeps it as a path
		{`y/a\b`, []string{`y/a\b`}},   // to Go, y/ab (a file, so no member)
		{"nothing/*", []string{"nothing/*"}},
		{"", []string{"."}},
	} {
		got, err := cargoMemberDirs(base, c.entry)
		if err != nil {
			t.Errorf("cargoMemberDirs(%q): %v", c.entry, err)
			continue
		}
		var rel []string
		for _, g := range got {
			r, err := filepath.Rel(base, g)
			if err != nil {
				t.Fatal(err)
			}
			rel = append(rel, filepath.ToSlash(r))
		}
		sort.Strings(c.want)
		if !reflect.DeepEqual(rel, c.want) {
			t.Errorf("cargoMemberDirs(%q) = %q, want %q", c.entry, rel, c.want)
		}
	}
	abs := filepath.ToSlash(filepath.Join(base, "r", "t*"))
	if got, err := cargoMemberDirs(filepath.Join(base, "elsewhere"), abs); err != nil || len(got) != 2 || !strings.HasSuffix(got[0], "three") {
		t.Errorf("cargoMemberDirs(%q) = %q, %v; want r/three and r/two", abs, got, err)
	}
	if _, err := cargoMemberDirs(base, "r/a**"); err == nil {
		t.Error(`cargoMemberDirs("r/a**"): no error`)
	}
}

// A link back to a directory "**" is walking ends there: glob() would go
// round until the path held too many links.
func TestCargoMemberDirsLinkLoop(t *testing.T) {
	base := t.TempDir()
	if err := os.MkdirAll(filepath.Join(base, "r", "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(base, "r", "a", "up")); err != nil {
		t.Fatal(err)
	}
	got, err := cargoMemberDirs(base, "r/**")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 { // r/a and r/a/up, not r/a/up/a/up/…
		t.Errorf("cargoMemberDirs(r/**) = %q", got)
	}
}
