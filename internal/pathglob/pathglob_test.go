package pathglob

import "testing"

func TestRegexp(t *testing.T) {
	for _, c := range []struct {
		glob, path string
		want       bool
	}{
		{"*.go", "main.go", true},
		{"*.go", "cmd/main.go", false},
		{"cmd/*.go", "cmd/main.go", true},
		{"cmd/*.go", "cmd/x/main.go", false},
		{"cmd/**", "cmd/x/main.go", true},
		{"**/main.go", "main.go", true},
		{"**/main.go", "a/b/main.go", true},
		{"docs/**/*.md", "docs/a.md", true},
		{"docs/**/*.md", "docs/x/y/a.md", true},
		{"f?.txt", "f1.txt", true},
		{"f?.txt", "f/.txt", false},
		{"f[12].txt", "f2.txt", true},
		{"f[12].txt", "f3.txt", false},
		{"f[!12].txt", "f3.txt", true},
		{"f[!12].txt", "f1.txt", false},
		{"a[b", "a[b", true},
		{"a.b", "axb", false},
		{"a+(b)", "a+(b)", true},
		// Characters outside ASCII are characters, not bytes; a byte
		// that is not UTF-8 matches such a byte of a name.
		{"café*", "café.txt", true},
		{"café*", "cafe.txt", false},
		{"caf?.txt", "café.txt", true},
		{"docs/日本語/*.md", "docs/日本語/a.md", true},
		{"bad\xff*", "bad\xffname", true},
		// As in git, a pattern also names the path spelt as it is.
		{"app/[id]/page.tsx", "app/[id]/page.tsx", true},
		{"app/[id]/page.tsx", "app/i/page.tsx", true},
		{"app/[id]/page.tsx", "app/x/page.tsx", false},
		{"a*b.txt", "a*b.txt", true},
	} {
		re, err := Regexp(c.glob)
		if err != nil {
			t.Fatalf("%q: %v", c.glob, err)
		}
		if got := re.MatchString(c.path); got != c.want {
			t.Errorf("%q ~ %q = %v, want %v", c.glob, c.path, got, c.want)
		}
	}
	if _, err := Regexp("[z-a]"); err == nil {
		t.Error("a malformed class compiled")
	}
}

func TestHasMeta(t *testing.T) {
	for p, want := range map[string]bool{"internal/scry": false, "*.go": true, "f?": true, "f[12]": true} {
		if HasMeta(p) != want {
			t.Errorf("HasMeta(%q) = %v", p, !want)
		}
	}
}
