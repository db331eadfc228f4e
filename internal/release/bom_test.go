package release

import (
	"errors"
	"strings"
	"testing"
)

const bom = "\uFEFF"

// A byte order mark (Windows editors save UTF-8 with one) is read past in
// every kind of version file and kept in the rewritten bytes, which differ
// from the old ones only in the versions.
func TestVersionFilesKeepBOM(t *testing.T) {
	files := map[string]string{
		"VERSION":             "1.0.0\r\n",
		"v.go":                "package v\n\nconst Version = \"1.0.0\"\n",
		"package.json":        packageJSON,
		"package-lock.json":   packageLockV3,
		"Cargo.toml":          "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nversion = \"1.0.0\"\n",
		"crates/a/Cargo.toml": "[package]\nname = \"a\"\nversion.workspace = true\n",
		"Cargo.lock":          "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
	}
	withBOM := map[string]string{}
	var paths []string
	for p, c := range files {
		withBOM[p] = bom + c
		if !strings.HasPrefix(p, "crates/") {
			paths = append(paths, p)
		}
	}
	root := writeTree(t, withBOM)
	got := changesByPath(t, root, paths, Version{1, 1, 0})
	plain := changesByPath(t, writeTree(t, files), paths, Version{1, 1, 0})
	for _, p := range paths {
		if got[p].From != "1.0.0" {
			t.Errorf("%s: from %q", p, got[p].From)
		}
		if want := bom + string(plain[p].New); string(got[p].New) != want {
			t.Errorf("%s:\n%q\nwant\n%q", p, got[p].New, want)
		}
		if string(got[p].Old) != withBOM[p] {
			t.Errorf("%s: Old is not the file's bytes", p)
		}
	}
	if read, err := ReadVersions(root, paths); err != nil || len(read) != len(paths) {
		t.Errorf("ReadVersions = %v, %v", read, err)
	}

	// Only one mark, at the very start: anything else is still refused.
	for _, c := range []string{bom + bom + "1.0.0\n", "1.0.0" + bom + "\n"} {
		root := writeTree(t, map[string]string{"VERSION": c})
		_, err := VersionFiles(root, []string{"VERSION"}, Version{1, 1, 0})
		var re *Error
		if !errors.As(err, &re) {
			t.Errorf("VERSION %q accepted", c)
		}
	}
}

// A changelog with a byte order mark keeps it, and its first line is a
// heading like any other: an Unreleased heading there is found (its notes
// moved), and an existing section for the version there is seen.
func TestChangelogWithBOM(t *testing.T) {
	v := Version{1, 1, 0}
	sec := "## [1.1.0] - 2026-03-04\n\n### Added\n\n- x (abc)\n"
	old := bom + "## [Unreleased]\n\n- hand note\n\n## [1.0.0] - 2025-01-01\n- old\n"
	if got := UnreleasedNotes([]byte(old)); got != "- hand note" {
		t.Errorf("notes %q", got)
	}
	got, err := InsertSection([]byte(old), v, sec)
	want := bom + "## [Unreleased]\n\n" + sec + "\n## [1.0.0] - 2025-01-01\n- old\n"
	if err != nil || string(got) != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
	got, err = InsertSection([]byte(bom+"## [1.0.0] - 2025-01-01\n- old\n"), v, sec)
	want = bom + sec + "\n## [1.0.0] - 2025-01-01\n- old\n"
	if err != nil || string(got) != want {
		t.Errorf("above the first line: got %q, %v\nwant %q", got, err, want)
	}
	// Empty but for the mark, it gets the header an empty file gets.
	if got, err := InsertSection([]byte(bom), v, sec); err != nil || string(got) != bom+changelogHeader+"\n"+sec {
		t.Errorf("a file holding only the mark: got %q, %v", got, err)
	}
	var exists *ErrSectionExists
	if _, err := InsertSection([]byte(bom+"## [1.1.0] - 2026-01-01\n"), v, sec); !errors.As(err, &exists) {
		t.Errorf("existing section on the first line: %v", err)
	}
	if s := SectionOf([]byte(bom+"## [1.1.0] - 2026-01-01\n\n- x\n\n## [1.0.0]\n"), v); s != "## [1.1.0] - 2026-01-01\n\n- x\n" {
		t.Errorf("SectionOf = %q", s)
	}
}

// A file in another encoding than UTF-8 (UTF-16 or UTF-32, by its byte
// order mark, or NUL bytes without one) is refused by name: its formats
// were read as stray characters ("invalid character 'ÿ'"), and a changelog
// got its new section as UTF-8 inside UTF-16 text.
func TestNotUTF8Refused(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"utf-16le", "\xff\xfe1\x00.\x000\x00.\x000\x00", "version file VERSION is UTF-16 (little-endian, by its byte order mark): git release reads and writes UTF-8"},
		{"utf-16be", "\xfe\xff\x001\x00.\x000\x00.\x000", "version file VERSION is UTF-16 (big-endian, by its byte order mark): git release reads and writes UTF-8"},
		{"utf-32le", "\xff\xfe\x00\x001\x00\x00\x00", "version file VERSION is UTF-32 (little-endian, by its byte order mark): git release reads and writes UTF-8"},
		{"utf-32be", "\x00\x00\xfe\xff\x00\x00\x001", "version file VERSION is UTF-32 (big-endian, by its byte order mark): git release reads and writes UTF-8"},
		{"nul", "1\x00.\x000\x00.\x000\x00", "version file VERSION holds NUL bytes (UTF-16 without a byte order mark, or not text): git release reads and writes UTF-8"},
	} {
		root := writeTree(t, map[string]string{"VERSION": c.data})
		_, err := VersionFiles(root, []string{"VERSION"}, Version{1, 1, 0})
		var re *Error
		if !errors.As(err, &re) || re.Msg != c.want || re.Hint != "save it as UTF-8 (with or without a byte order mark), commit it, then release" {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
		if err := checkText("changelog CHANGELOG.md", []byte(c.data)); err == nil || !strings.HasPrefix(err.Error(), "changelog CHANGELOG.md ") {
			t.Errorf("%s: checkText = %v", c.name, err)
		}
	}
	for _, ok := range []string{"", bom, bom + "1.0.0\r\n", "1.0.0\n"} {
		if err := checkText("x", []byte(ok)); err != nil {
			t.Errorf("checkText(%q) = %v", ok, err)
		}
	}
}

func TestBOMInside(t *testing.T) {
	for in, want := range map[string]string{
		bom + "# C\n\n## [1.0.0]\n":          "",
		"# C\n\n" + bom + "## [1.0.0]\n":     "c has a byte order mark at the start of line 3, which hides the text after it",
		bom + "# C\r\n" + bom + "## [1.0.0]": "c has a byte order mark at the start of line 2, which hides the text after it",
		"# C " + bom + "inside a line\n":     "",
	} {
		err := bomInside("c", []byte(in))
		if (err == nil) != (want == "") || (err != nil && err.Error() != want) {
			t.Errorf("bomInside(%q) = %v; want %q", in, err, want)
		}
	}
}
