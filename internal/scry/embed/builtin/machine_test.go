package builtin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The newest python3.N directory that holds a standard library wins.
func TestNewestPythonLib(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"python3.9", "python3.11", "python3.12", "python2.7"} {
		os.MkdirAll(filepath.Join(dir, v), 0o755)
		if v != "python3.12" { // a directory without its library
			os.WriteFile(filepath.Join(dir, v, "os.py"), nil, 0o644)
		}
	}
	if got := newestPythonLib([]string{filepath.Join(dir, "python3.*")}); got != filepath.Join(dir, "python3.11") {
		t.Fatalf("newestPythonLib = %q", got)
	}
	if got := newestPythonLib([]string{filepath.Join(dir, "none3.*")}); got != "" {
		t.Fatalf("newestPythonLib without a match = %q", got)
	}
}

// A python3 outside the distribution's directories (pyenv, Homebrew) is
// asked where its library is: isolated (-I) and from the temporary
// directory, never from the repository being indexed, and only an
// answer that is a standard library counts.
func TestAskPythonLib(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib", "python3.12")
	os.MkdirAll(lib, 0o755)
	os.WriteFile(filepath.Join(lib, "os.py"), nil, 0o644)
	tmp := filepath.Join(dir, "tmp")
	os.MkdirAll(tmp, 0o755)
	t.Setenv("TMPDIR", tmp)
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	fake := func(answer string) {
		script := "#!/bin/sh\n[ \"$1\" = -I ] || exit 3\n[ \"$(pwd -P)\" = \"$(cd '" + tmp + "' && pwd -P)\" ] || exit 4\necho '" + answer + "'\n"
		if err := os.WriteFile(filepath.Join(bin, "python3"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)

	fake(lib)
	if got := askPythonLib(); got != lib {
		t.Fatalf("askPythonLib = %q, want %q", got, lib)
	}
	fake(filepath.Join(dir, "lib")) // no os.py there
	if got := askPythonLib(); got != "" {
		t.Fatalf("askPythonLib of a directory without a library = %q", got)
	}
	fake("lib/python3.12") // relative: not an answer
	if got := askPythonLib(); got != "" {
		t.Fatalf("askPythonLib of a relative path = %q", got)
	}
	os.Remove(filepath.Join(bin, "python3"))
	if got := askPythonLib(); got != "" {
		t.Fatalf("askPythonLib without python3 = %q", got)
	}
}

// The go command is asked where its distribution is from the temporary
// directory with GOTOOLCHAIN=local: a repository's go.mod asking for a
// newer Go must not make indexing fetch a toolchain.
func TestAskGoRoot(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	os.MkdirAll(tmp, 0o755)
	t.Setenv("TMPDIR", tmp)
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	script := "#!/bin/sh\n[ \"$GOTOOLCHAIN\" = local ] || exit 3\n[ \"$(pwd -P)\" = \"$(cd '" + tmp + "' && pwd -P)\" ] || exit 4\necho /opt/go\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv("GOTOOLCHAIN", "auto")
	if got := askGoRoot(); got != "/opt/go" {
		t.Fatalf("askGoRoot = %q", got)
	}
	os.Remove(filepath.Join(bin, "go"))
	if got := askGoRoot(); got != "" {
		t.Fatalf("askGoRoot without go = %q", got)
	}
}

// git's guides and file formats are read first, whatever the budget left
// to the others, and once: the other manual pages skip them. Its command
// pages are manual pages like the rest.
func TestGitPagesFirstAndOnce(t *testing.T) {
	man := t.TempDir()
	writeFiles(t, man, map[string]string{
		"man7/gitglossary.7": "A commit is a single point in the git history.\n",
		"man5/githooks.5":    ".SH NAME\ngithooks \\- Hooks used by Git\n",
		"man1/git-am.1":      ".SH NAME\ngit-am \\- Apply a series of patches from a mailbox\n",
		"man1/ls.1":          ".SH NAME\nls \\- list directory contents\n",
	})
	count := func(docs []string, sub string) int {
		n := 0
		for _, d := range docs {
			n += strings.Count(d, sub)
		}
		return n
	}
	lim := MachineLimits{MaxBytes: 1 << 20, GitMaxBytes: 1 << 20, Timeout: time.Minute, GoRoot: "-", PythonLib: "-", ManDir: man, GitMan: man}
	docs, complete := machineDocuments(context.Background(), lim)
	if !complete || len(docs) != 4 {
		t.Fatalf("docs %q (complete %v), want the four pages", docs, complete)
	}
	if !strings.Contains(docs[0], "single point") || !strings.Contains(docs[1], "Hooks used by Git") {
		t.Errorf("git's guides and file formats are not first: %q", docs)
	}
	for _, sub := range []string{"single point", "Hooks used by Git", "mailbox", "list directory"} {
		if n := count(docs, sub); n != 1 {
			t.Errorf("%q read %d times, want once", sub, n)
		}
	}
	// Their budget is their own: a full Go and Python share leaves them in.
	lim.MaxBytes = 1
	docs, _ = machineDocuments(context.Background(), lim)
	if count(docs, "single point") != 1 || count(docs, "Hooks used by Git") != 1 {
		t.Errorf("with no budget left for the others, git's pages are gone: %q", docs)
	}
	// Left out ("-"), they are only manual pages like the rest, in
	// section order.
	lim.MaxBytes, lim.GitMan = 1<<20, "-"
	docs, _ = machineDocuments(context.Background(), lim)
	if len(docs) != 4 || count(docs, "single point") != 1 || !strings.Contains(docs[2], "single point") {
		t.Errorf("GitMan \"-\": docs %q, want the four pages in section order", docs)
	}
}

// git is asked where its manual pages are; a git without its guides gives
// none.
func TestFindGitMan(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	man := filepath.Join(dir, "man")
	os.MkdirAll(bin, 0o755)
	os.MkdirAll(filepath.Join(man, "man7"), 0o755)
	script := "#!/bin/sh\n[ \"$1\" = --man-path ] || exit 3\necho " + man + "\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	if got := findGitMan(); got != "" {
		t.Errorf("findGitMan with no git pages = %q, want none", got)
	}
	os.WriteFile(filepath.Join(man, "man7", "gitglossary.7.gz"), nil, 0o644)
	if got := findGitMan(); got != man {
		t.Errorf("findGitMan = %q, want %q", got, man)
	}
}

// The documents are loaded several at a time, ahead of the budget's
// decision: what is kept is still what reading them one after another
// keeps, in that order, each source cut after the document that fills its
// share and the rest left to the next source, an unreadable file passed
// over.
func TestMachineDocumentsReadAheadKeepTheOrder(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	var goDocs, pyDocs []string
	for i := range 60 {
		words := strings.Repeat(fmt.Sprintf("word%d ", i), 1+i%7)
		p := fmt.Sprintf("go/src/pkg%02d/f.go", i)
		files[p] = "// " + words + "\npackage p\n"
		goDocs = append(goDocs, Extract(p, []byte(files[p])))
		q := fmt.Sprintf("py/mod%02d.py", i)
		files[q] = "# " + words + "\n"
		pyDocs = append(pyDocs, Extract(q, []byte(files[q])))
	}
	writeFiles(t, dir, files)
	// A file that cannot be read (a directory of that name) is passed
	// over without counting.
	if err := os.MkdirAll(filepath.Join(dir, "go/src/pkg05/g.go"), 0o755); err != nil {
		t.Fatal(err)
	}
	lim := MachineLimits{MaxBytes: 1500, GitMaxBytes: 1, Timeout: time.Minute,
		GoRoot: filepath.Join(dir, "go"), PythonLib: filepath.Join(dir, "py"), ManDir: "-", GitMan: "-"}
	// Reading one after another: Go up to half the budget, Python up to
	// what is left.
	var want []string
	var used int64
	for _, d := range goDocs {
		want = append(want, d)
		if used += int64(len(d)); used >= lim.MaxBytes/2 {
			break
		}
	}
	goUsed := used
	used = 0
	for _, d := range pyDocs {
		want = append(want, d)
		if used += int64(len(d)); used >= lim.MaxBytes-goUsed {
			break
		}
	}
	if len(want) >= 120 || len(want) < 10 {
		t.Fatalf("the test's budget keeps %d documents of 120: it should cut both sources", len(want))
	}
	for range 5 {
		docs, complete := machineDocuments(context.Background(), lim)
		if !complete || !slices.Equal(docs, want) {
			t.Fatalf("documents (complete %v):\n%q\nwant\n%q", complete, docs, want)
		}
	}
}
