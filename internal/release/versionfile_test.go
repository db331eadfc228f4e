package release

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files (path → content) under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func changesByPath(t *testing.T, root string, paths []string, to Version) map[string]*FileChange {
	t.Helper()
	fcs, err := VersionFiles(root, paths, to)
	if err != nil {
		t.Fatalf("VersionFiles: %v", err)
	}
	out := map[string]*FileChange{}
	for _, fc := range fcs {
		out[fc.Path] = fc
	}
	return out
}

func TestGoConstAndVersionFile(t *testing.T) {
	goSrc := "package version\n\n// Version is bumped by git release.\nconst Version = \"0.4.1\" // keep\n\nvar other = \"0.4.1\"\n"
	block := "package v\n\nconst (\n\tName    = \"x\"\n\tVersion = \"1.0.0\"\n)\n"
	// A "v" is kept as written (it was dropped from Go and package.json).
	vGo, vJSON := "package v\n\nconst Version = \"v0.4.1\"\n", `{"name": "x", "version": "v0.4.1"}`
	root := writeTree(t, map[string]string{"v.go": goSrc, "b/v.go": block, "VERSION": "v0.4.1\n", "sub/VERSION": "  0.4.1", "vv/v.go": vGo, "vv/package.json": vJSON})
	got := changesByPath(t, root, []string{"v.go", "b/v.go", "VERSION", "sub/VERSION", "vv/v.go", "vv/package.json"}, Version{1, 2, 0})
	want := map[string]string{
		"vv/v.go":         strings.Replace(vGo, "v0.4.1", "v1.2.0", 1),
		"vv/package.json": strings.Replace(vJSON, "v0.4.1", "v1.2.0", 1),
		"v.go":            strings.Replace(goSrc, `const Version = "0.4.1"`, `const Version = "1.2.0"`, 1),
		"b/v.go":          strings.Replace(block, `"1.0.0"`, `"1.2.0"`, 1),
		"VERSION":         "v1.2.0\n",
		"sub/VERSION":     "  1.2.0",
	}
	for p, w := range want {
		if string(got[p].New) != w {
			t.Errorf("%s:\n%q\nwant\n%q", p, got[p].New, w)
		}
	}
	// Only a constant counts: a var block's Version and usage text in a
	// raw string were taken for it (a valid file was refused as holding two).
	usage := "package main\n\nconst usage = `\nVersion = \"dev\"\n`\n\nvar (\n\tVersion = \"0.0.0\"\n)\n\nconst Version = \"2.0.0\"\n"
	uroot := writeTree(t, map[string]string{"main.go": usage})
	ug := changesByPath(t, uroot, []string{"main.go"}, Version{2, 1, 0})
	if want := strings.Replace(usage, `const Version = "2.0.0"`, `const Version = "2.1.0"`, 1); string(ug["main.go"].New) != want {
		t.Errorf("main.go:\n%q\nwant\n%q", ug["main.go"].New, want)
	}
	if got["v.go"].From != "0.4.1" || got["b/v.go"].From != "1.0.0" {
		t.Errorf("from = %q, %q", got["v.go"].From, got["b/v.go"].From)
	}

	for name, src := range map[string]string{
		"none.go":  "package x\nvar Version = 3\n",
		"two.go":   "package x\nconst Version = \"1.0.0\"\nconst (\n\tVersion = \"1.0.0\"\n)\n",
		"notsv.go": "package x\nconst Version = \"dev\"\n",
	} {
		root := writeTree(t, map[string]string{name: src})
		if _, err := VersionFiles(root, []string{name}, Version{1, 0, 1}); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestVersionFilesRefusals(t *testing.T) {
	root := writeTree(t, map[string]string{
		"VERSION": "2.0.0\n", "setup.py": "", "Cargo.toml": "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
		"Cargo.lock": "version = 4\n", "package.json": `{"version": "0.1.0"}`, "package-lock.json": `{"version": "0.1.0"}`,
		"old/package.json": `{"name": "x", "version": "1.0.0"}`, "old/package-lock.json": `{"name": "x", "version": "0.9.0", "lockfileVersion": 3, "packages": {"": {"name": "x", "version": "0.9.0"}}}`,
	})
	cases := []struct {
		paths []string
		want  string
	}{
		{[]string{"VERSION"}, "holds 2.0.0, newer than the release 1.0.0"},
		{[]string{"setup.py"}, "unknown format"},
		{[]string{"../x/VERSION"}, "outside the repository"},
		{[]string{"missing/VERSION"}, "does not exist"},
		{[]string{"VERSION", "./VERSION"}, "listed twice"},
		{[]string{"Cargo.toml"}, "its lockfile Cargo.lock is not"},
		{[]string{"Cargo.lock"}, "no Cargo.toml of its workspace is"},
		{[]string{"package.json"}, "its lockfile package-lock.json is not"},
		{[]string{"package-lock.json"}, "its package.json is not"},
		// An npm lockfile out of date with its manifest (only Cargo.lock's
		// was refused).
		{[]string{"old/package.json", "old/package-lock.json"}, "old/package-lock.json is at 0.9.0 but old/package.json at 1.0.0"},
	}
	// A link was replaced by a file, and the file it names left as it was.
	if err := os.MkdirAll(filepath.Join(root, "linked"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../VERSION", filepath.Join(root, "linked", "VERSION")); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		paths []string
		want  string
	}{[]string{"linked/VERSION"}, "linked/VERSION is a symbolic link"})
	for _, c := range cases {
		_, err := VersionFiles(root, c.paths, Version{1, 0, 0})
		var re *Error
		if !errors.As(err, &re) || !strings.Contains(re.Msg, c.want) || re.Hint == "" {
			t.Errorf("VersionFiles(%v) = %v, want a refusal with a hint containing %q", c.paths, err, c.want)
		}
	}
}

// A version file the release commit could not hold is refused before
// anything is read or written: inside .git, below a symbolic link, inside
// a nested repository, or a directory.
func TestVersionFileOutsideWorkTree(t *testing.T) {
	root := writeTree(t, map[string]string{
		".git/VERSION":        "1.0.0\n",
		"real/VERSION":        "1.0.0\n",
		"nested/.git/HEAD":    "ref: refs/heads/main\n",
		"nested/VERSION":      "1.0.0\n",
		"VERSION/placeholder": "",
		"ok/version/VERSION":  "1.0.0\n",
		"missing-dir/.keep":   "",
	})
	if err := os.Symlink("real", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		".git/VERSION":   "version file .git/VERSION is inside .git: the release commit could not include it",
		"link/VERSION":   "version file link/VERSION is below link, a symbolic link: the release commit could not include it",
		"nested/VERSION": "version file nested/VERSION is inside nested, another git repository: the release commit could not include it",
		"VERSION":        "version file VERSION is a directory",
		"none/VERSION":   "version file none/VERSION does not exist",
	} {
		_, err := VersionFiles(root, []string{p}, Version{1, 1, 0})
		var re *Error
		if !errors.As(err, &re) || re.Msg != want || re.Hint == "" {
			t.Errorf("%s: %v; want %q", p, err, want)
		}
	}
	if _, err := VersionFiles(root, []string{"ok/version/VERSION"}, Version{1, 1, 0}); err != nil {
		t.Errorf("ok/version/VERSION: %v", err)
	}
}
