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
	lim := MachineLimits{MaxBytes: 1 << 20, GitMaxBytes: 1 << 20, Timeout: time.Minute, GoRoot: "-", PythonLib: "-", ManDir: man, GitMan: man, NpmDocs: "-", NodeDocs: "-"}
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
		GoRoot: filepath.Join(dir, "go"), PythonLib: filepath.Join(dir, "py"), ManDir: "-", GitMan: "-", NpmDocs: "-", NodeDocs: "-"}
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

// npm's documents are found beside the npm-cli.js that the npm on PATH
// links to, else under the global node_modules that `npm root -g` names
// (asked from the temporary directory); Node.js's API documents under
// the prefix of the node on PATH. Nothing on PATH finds nothing.
func TestFindNpmAndNodeDocs(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	os.MkdirAll(tmp, 0o755)
	t.Setenv("TMPDIR", tmp)
	writeFiles(t, dir, map[string]string{
		"usr/lib/node_modules/npm/bin/npm-cli.js":                          "",
		"usr/lib/node_modules/npm/docs/content/using-npm/scripts.md":       "# scripts\n",
		"usr/share/doc/nodejs/api/fs.md":                                   "# File system\n",
		"global/lib/node_modules/npm/docs/content/commands/npm-install.md": "# npm install\n",
	})
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	t.Setenv("PATH", bin)
	if npm, node := findNpmDocs(), findNodeDocs(); npm != "" || node != "" {
		t.Fatalf("nothing on PATH: npm %q, node %q", npm, node)
	}
	// A distribution's layout: /usr/bin/npm -> ../lib/node_modules/npm/bin/npm-cli.js.
	usrBin := filepath.Join(dir, "usr", "bin")
	os.MkdirAll(usrBin, 0o755)
	os.Symlink("../lib/node_modules/npm/bin/npm-cli.js", filepath.Join(usrBin, "npm"))
	os.Chmod(filepath.Join(dir, "usr/lib/node_modules/npm/bin/npm-cli.js"), 0o755)
	os.WriteFile(filepath.Join(usrBin, "node"), []byte("#!/bin/sh\n"), 0o755)
	// node on PATH through a link from another directory: its own prefix counts.
	os.Symlink(filepath.Join(usrBin, "node"), filepath.Join(bin, "node"))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+usrBin)
	if got, want := findNpmDocs(), filepath.Join(dir, "usr/lib/node_modules/npm/docs/content"); got != want {
		t.Errorf("findNpmDocs = %q, want %q", got, want)
	}
	if got, want := findNodeDocs(), filepath.Join(dir, "usr/share/doc/nodejs/api"); got != want {
		t.Errorf("findNodeDocs = %q, want %q", got, want)
	}
	// An npm that is no link to its package (a wrapper script) is asked.
	script := "#!/bin/sh\n[ \"$1 $2\" = 'root -g' ] || exit 3\n[ \"$(pwd -P)\" = \"$(cd '" + tmp + "' && pwd -P)\" ] || exit 4\necho " + filepath.Join(dir, "global/lib/node_modules") + "\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := findNpmDocs(), filepath.Join(dir, "global/lib/node_modules/npm/docs/content"); got != want {
		t.Errorf("findNpmDocs of a wrapper = %q, want %q", got, want)
	}
	// A node without documents (an official build) gives none.
	os.RemoveAll(filepath.Join(dir, "usr/share/doc"))
	if got := findNodeDocs(); got != "" {
		t.Errorf("findNodeDocs without documents = %q", got)
	}
}

// npm's documents (its guides and file formats before its commands),
// then Node.js's (those most programs use first), are read after git's
// pages on a budget of their own, as markdown: their code blocks are no
// text to learn from.
func TestNpmAndNodeDocs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"npm/commands/npm-install.md":         "# npm install\n\nInstall a package and its dependencies.\n",
		"npm/configuring-npm/package-json.md": "---\ntitle: package.json\n---\n\nSpecifics of the lockfile handling.\n",
		"npm/using-npm/scripts.md":            "# scripts\n\nHow npm handles the scripts field.\n",
		"node/addons.md":                      "# C++ addons\n\nDynamically linked shared objects.\n",
		"node/fs.md":                          "# File system\n\nThe `node:fs` module reads files.\n\n```js\nconst quuxfrobnicate = 1;\n```\n",
		"node/child_process.md":               "# Child process\n\nSpawns subprocesses.\n",
		"go/src/p/p.go":                       "// Package p is a Go package.\npackage p\n",
	})
	lim := MachineLimits{MaxBytes: 1, GitMaxBytes: 1, JSMaxBytes: 1 << 20, Timeout: time.Minute,
		GoRoot: filepath.Join(dir, "go"), PythonLib: "-", ManDir: "-", GitMan: "-",
		NpmDocs: filepath.Join(dir, "npm"), NodeDocs: filepath.Join(dir, "node")}
	docs, complete := machineDocuments(context.Background(), lim)
	var order []string
	for _, d := range docs {
		order = append(order, strings.Fields(d)[1])
	}
	want := []string{"title:", "scripts", "npm", "Child", "File", "C++", "p"}
	if !complete || !slices.Equal(order, want) {
		t.Fatalf("documents begin %q (complete %v), want %q", order, complete, want)
	}
	terms := AnalyseMachineText(docs).Terms
	for _, w := range []string{"lockfil", "subprocess", "depend"} {
		if !slices.Contains(terms, w) {
			t.Errorf("term %q not learned from the documents (%q)", w, terms)
		}
	}
	if slices.Contains(terms, "quuxfrobnic") || slices.Contains(terms, "quuxfrobnicate") {
		t.Errorf("a code block's words were learned: %q", terms)
	}
	// Their budget is their own, and "-" leaves each out.
	lim.JSMaxBytes = 1
	lim.NodeDocs = "-"
	docs, _ = machineDocuments(context.Background(), lim)
	if len(docs) != 2 || !strings.Contains(docs[0], "lockfile") || !strings.Contains(docs[1], "Go package") {
		t.Errorf("npm's budget of 1 byte, Node's left out: %q", docs)
	}
}
