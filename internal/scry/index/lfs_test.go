package index

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// lfsPointer is the Git LFS pointer git-lfs commits in place of content
// (docs/spec.md of git-lfs), with its extension lines (ext-0-name …).
func lfsPointer(content string, ext ...string) string {
	var b strings.Builder
	b.WriteString("version https://git-lfs.github.com/spec/v1\n")
	for i, name := range ext {
		fmt.Fprintf(&b, "ext-%d-%s sha256:%x\n", i, name, sha256.Sum256([]byte(name+content)))
	}
	fmt.Fprintf(&b, "oid sha256:%x\nsize %d\n", sha256.Sum256([]byte(content)), 1000+len(content)*7+int(content[len(content)-1]))
	return b.String()
}

// Every commit that added or updated a file Git LFS tracks gave its
// pointer's words (version, https, git, lfs, github, spec, oid, sha256,
// size) as diff terms, and was found by any question about a version or
// a size. A pointer's lines now give none, with or without a
// .gitattributes saying filter=lfs; the file is still listed, with its
// line counts and its path's terms. A pointer replaced by content, or
// content by a pointer, gives the content's words, and a real file's
// lines that merely look like a pointer's ("size 4096") give theirs.
func TestLFSPointerLinesGiveNoDiffTerms(t *testing.T) {
	tr := newTestRepo(t)
	commit := func(msg string, files map[string]string) {
		t.Helper()
		writeFiles(t, tr.dir, files)
		tr.git("add", "-A")
		tr.git("commit", "-q", "-m", msg)
	}
	commit("start the game", map[string]string{
		".gitattributes": "*.png filter=lfs diff=lfs merge=lfs -text\n",
		"docs/intro.txt": "The marmoset chapter.\n",
	})
	// ml/ is not in the attributes: a mirror's pointers.
	commit("add the art", map[string]string{
		"assets/hero.png": lfsPointer("hero 1"),
		"ml/brain.bin":    lfsPointer("net 1", "crypt"),
		"docs/manual.txt": lfsPointer("manual"),
		"src/loader.go":   "func loadCapybaraSprites() {}\n",
	})
	commit("retouch the art", map[string]string{
		"assets/hero.png": lfsPointer("hero 2"),
		"ml/brain.bin":    lfsPointer("net 2", "crypt"),
	})
	commit("unpack the manual", map[string]string{
		"docs/manual.txt": "The tamarin chapter.\n",
		"docs/intro.txt":  lfsPointer("guide"),
	})
	commit("tune the texture budget", map[string]string{
		"config/texture.conf": "size 4096\nversion 2\n",
	})
	commit("double the texture budget", map[string]string{
		"config/texture.conf": "size 8192\nversion 2\n",
	})
	tr.index(&fakeEmbedders{})

	count := func(query string, args ...any) int {
		t.Helper()
		return sqlInt(t, tr, query, args...)
	}
	for word, want := range map[string]int{
		// The pointers' words: only the real file's lines give them.
		"version": 1, "size": 2, "oid": 0, "sha256": 0, "spec": 0, "github": 0, "https": 0, "crypt": 0,
		// The content beside, in place of and replaced by pointers.
		"capybara": 1, "tamarin": 1, "marmoset": 2,
	} {
		if n := count(`SELECT count(*) FROM fts WHERE fts MATCH ?`, "diff: "+word); n != want {
			t.Errorf("%d commits' diff terms hold %q; want %d", n, word, want)
		}
	}
	for word, want := range map[string]int{"hero": 2, "brain": 2, "manual": 2, "intro": 2} {
		if n := count(`SELECT count(*) FROM fts WHERE fts MATCH ?`, "paths: "+word); n != want {
			t.Errorf("%d commits' path terms hold %q; want %d", n, word, want)
		}
	}
	var added, deleted int
	st, err := store.Open(t.Context(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for path, lines := range map[string]string{"assets/hero.png": "2/2", "ml/brain.bin": "3/3"} {
		err = st.DB().QueryRow(`SELECT f.added, f.deleted FROM files f JOIN paths p ON p.id = f.path_id
			JOIN commits c ON c.id = f.commit_id WHERE p.path = ? AND c.subject = 'retouch the art'`, path).Scan(&added, &deleted)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := fmt.Sprintf("%d/%d", added, deleted); got != lines {
			t.Errorf("%s: %s lines added/deleted; want %s", path, got, lines)
		}
	}
}

// The lines of a pointer reach the diff terms as git's -U0 patch gives
// them: a new or deleted pointer whole; an updated one as its changed
// oid and size lines (and ext lines) after the hunk header's section,
// its version line; one replaced by content, or replacing it, as a run
// beside the content's lines. Lines that look like a pointer's without
// being one (no oid, or not the whole of a pointer beside other lines,
// or more than a pointer holds) give their terms, in their order.
func TestLFSPointerDiffTerms(t *testing.T) {
	const (
		version = "version https://git-lfs.github.com/spec/v1"
		oid     = "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
		oid2    = "oid sha256:aaaa214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
		ext     = "ext-0-crypt sha256:bbbb214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
	)
	for _, tc := range []struct {
		name  string
		files [][]string
		want  string
	}{
		{"added", [][]string{{version, oid, "size 12345"}}, ""},
		{"legacy version", [][]string{{"version https://hawser.github.com/spec/v1", oid, "size 1"}}, ""},
		{"updated", [][]string{{version, oid, "size 12345", oid2, "size 12"}}, ""},
		{"updated, same size", [][]string{{version, oid, oid2}}, ""},
		{"extension", [][]string{{version, ext, oid, "size 1"}}, ""},
		{"pointer then content", [][]string{{version, oid, "size 1", "func loadCapybara() {}"}}, "func loadCapybara"},
		{"content then pointer", [][]string{{"tamarin chapter", version, oid, "size 1"}}, "tamarin chapter"},
		{"beside a file", [][]string{{"func first() {}"}, {version, oid, "size 1"}, {"func last() {}"}}, "func first last"},
		{"no oid", [][]string{{"size 4096", "size 8192"}}, "size"},
		{"version alone", [][]string{{version}}, "version https git lfs github com spec"},
		{"other version", [][]string{{"version https://example.com/spec/v1", oid, "size 1"}}, "version https example com spec oid sha256 size"},
		{"short oid", [][]string{{version, "oid sha256:4d7a", "size 1"}}, "version https git lfs github com spec oid sha256 d7a size"},
		{"not a whole pointer", [][]string{{"func f() {}", version, "size 1"}}, "func version https git lfs github com spec size"},
		{"size before content", [][]string{{"size 3", "width 4"}}, "size width"},
		{"too long", [][]string{slices.Repeat([]string{oid}, 40)}, "oid sha256"},
	} {
		d := newDiffTerms(nil)
		for i, lines := range tc.files {
			d.startFile("x.bin", true)
			for _, l := range lines {
				d.line(i, []byte(l))
			}
		}
		d.flushPointer()
		if got := strings.Join(d.order, " "); got != tc.want {
			t.Errorf("%s: tokens %q; want %q", tc.name, got, tc.want)
		}
	}
}
