package index

import (
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
	"github.com/verdigris-dev/verdigris/internal/sourcetree"
)

// bunLock is a bun.lock of n packages at version v, each with its
// integrity hash: what a dependency bump rewrites.
func bunLock(n, v int) string {
	var b strings.Builder
	b.WriteString("{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n")
	for i := range n {
		sum := sha512.Sum512(fmt.Appendf(nil, "%d@%d", i, v))
		name := fmt.Sprintf("@scope%d/pkg-%d", i%50, i)
		fmt.Fprintf(&b, "    %q: [\"%s@1.%d.0\", \"\", {}, \"sha512-%s\"],\n", name, name, v, base64.StdEncoding.EncodeToString(sum[:]))
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// A dependency bump's lockfile comes before the code in git's path order
// (bun.lock before packages/), and its thousands of changed lines of
// package names and integrity hashes used up the commit's budget of diff
// terms: the identifier the commit's code changed was never indexed, and
// a search for it did not find the commit. Lockfiles' lines now give no
// terms; the file is still listed, with its line counts and its path's
// terms. A file the work tree's .gitattributes marks -diff is binary to
// git's diff: listed, no line counts, no terms.
func TestLockfileLinesGiveNoDiffTerms(t *testing.T) {
	tr := newTestRepo(t)
	src := filepath.Join(tr.dir, "packages", "app", "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(tr.dir, "bun.lock"), []byte(bunLock(3000, 1)), 0o644)
	os.WriteFile(filepath.Join(src, "session.ts"), []byte("export function openSession() {}\n"), 0o644)
	tr.git("add", "-A")
	tr.git("commit", "-q", "-m", "start the app")

	os.WriteFile(filepath.Join(tr.dir, ".gitattributes"), []byte("fixtures.txt -diff\n"), 0o644)
	os.WriteFile(filepath.Join(tr.dir, "fixtures.txt"), []byte("const marmosetSnapshot = 1\n"), 0o644)
	os.WriteFile(filepath.Join(tr.dir, "bun.lock"), []byte(bunLock(3000, 2)), 0o644)
	os.WriteFile(filepath.Join(src, "session.ts"), []byte("export function openSession() {}\nexport function rotateQuokkaHandshake() {}\n"), 0o644)
	tr.git("add", "-A")
	tr.git("commit", "-q", "-m", "bump the dependencies")
	tr.index(&fakeEmbedders{})

	count := func(query string, args ...any) int {
		t.Helper()
		return sqlInt(t, tr, query, args...)
	}
	if n := count(`SELECT count(*) FROM fts WHERE fts MATCH 'diff: quokka'`); n != 1 {
		t.Errorf("%d commits' diff terms hold quokka (session.ts, after bun.lock); want 1", n)
	}
	for _, word := range []string{"pkg", "marmoset"} {
		if n := count(`SELECT count(*) FROM fts WHERE fts MATCH ?`, "diff: "+word); n != 0 {
			t.Errorf("%d commits' diff terms hold %q (bun.lock, fixtures.txt); want 0", n, word)
		}
	}
	if n := count(`SELECT count(*) FROM fts WHERE fts MATCH 'paths: bun'`); n != 2 {
		t.Errorf("%d commits' path terms hold bun; want 2", n)
	}
	if n := count(`SELECT count(*) FROM commits WHERE flags & ? != 0`, store.FlagPatchCapped); n != 0 {
		t.Errorf("%d commits capped; want none", n)
	}
	want := map[string]string{"bun.lock": "3000/3000", "fixtures.txt": "-1/-1", "packages/app/src/session.ts": "1/0"}
	for path, lines := range want {
		var added, deleted int
		st, err := store.Open(t.Context(), DBPath(tr.repo()))
		if err != nil {
			t.Fatal(err)
		}
		err = st.DB().QueryRow(`SELECT f.added, f.deleted FROM files f JOIN paths p ON p.id = f.path_id
			JOIN commits c ON c.id = f.commit_id WHERE p.path = ? AND c.subject = 'bump the dependencies'`, path).Scan(&added, &deleted)
		st.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := fmt.Sprintf("%d/%d", added, deleted); got != lines {
			t.Errorf("%s: %s lines added/deleted; want %s", path, got, lines)
		}
	}
}

// The README lists the files whose lines give no diff terms: a name
// added to lockfiles, minifiedSuffixes or generatedSuffixes and not to
// the README (or the reverse) would tell users the wrong rule.
func TestReadmeNamesEveryLockfile(t *testing.T) {
	root, err := sourcetree.Root()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The README wraps the list across lines: compare it as one line.
	readme := strings.Join(strings.Fields(string(data)), " ")
	for name := range lockfiles {
		if !strings.Contains(readme, "`"+name+"`") {
			t.Errorf("README.md does not name the lockfile `%s`", name)
		}
	}
	for _, s := range slices.Concat(minifiedSuffixes, generatedSuffixes) {
		if !strings.Contains(readme, "`*"+s+"`") {
			t.Errorf("README.md does not name `*%s`", s)
		}
	}
}
