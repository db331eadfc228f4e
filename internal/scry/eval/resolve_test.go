package eval

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Resolve against an index holding two commits whose hashes share a
// prefix: the shared prefix (in any case) is ambiguous, counted once and
// credited to neither; a longer prefix names its commit; a hash in
// neither the index nor the repository is missing. (A real repository
// whose commits share a prefix: cmd/git-scry/testdata/eval_ambiguous.txtar.)
func TestResolveAmbiguousPrefix(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Skipf("git init: %v %s", err, out)
	}
	r, err := gitrepo.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := store.Create(ctx, filepath.Join(dir, "scry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	first, twin, other := "abcd1"+strings.Repeat("1", 35), "abcd2"+strings.Repeat("2", 35), "ef01"+strings.Repeat("3", 36)
	b, err := st.Begin(ctx, map[string]int64{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{first, twin, other} {
		if _, err := b.Add(&store.Commit{Hash: h, Subject: "s " + h[:5], SubjectTerms: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(dir, "q.json")
	os.WriteFile(path, []byte(`{"name": "twins", "queries": [
		{"id": "short", "query": "q", "relevant_commits": ["abcd"]},
		{"id": "upper", "query": "q", "relevant_commits": ["ABCD"]},
		{"id": "longer", "query": "q", "relevant_commits": ["ABCD2"]},
		{"id": "other", "query": "q", "relevant_commits": ["ef01", "0123456789"]}]}`), 0o644)
	qs, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Resolve(ctx, r, st, qs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, Resolution{Ambiguous: 1, Missing: 1}) {
		t.Errorf("resolution %+v, want one ambiguous and one missing", res)
	}
	for prefix, want := range map[string]string{"abcd": ambiguous + "abcd", "abcd2": twin, "ef01": other, "0123456789": "0123456789"} {
		if got := qs.resolved[prefix]; got != want {
			t.Errorf("%s resolved to %q, want %q", prefix, got, want)
		}
	}
	// Both twins ranked first and second: the ambiguous prefix finds
	// neither, the longer one its own at 2.
	rep, err := Run(ctx, fixedSearcher{"lexical:q": hits(first, twin, other)}, qs, []search.Mode{search.Lexical}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Ranks["lexical"]; len(got) != 4 || got[0] != 0 || got[1] != 0 || got[2] != 2 || got[3] != 3 {
		t.Errorf("first ranks %v, want [0 0 2 3]", got)
	}
	// One character more than this index's hashes: no commit's, and said
	// so, not counted as another repository's.
	os.WriteFile(path, []byte(`{"name": "long", "queries": [{"id": "a", "query": "q", "relevant_docs": ["x"]}, {"id": "b", "query": "q", "relevant_commits": ["`+first+`0"]}]}`), 0o644)
	if qs, err = Load(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(ctx, r, st, qs)
	if want := path + `: query 2 ("b"): "` + first + `0" is not a commit hash: 41 hex characters, where this repository's hashes have 40`; !errors.Is(err, ErrNotHash) || err.Error() != want {
		t.Errorf("Resolve: %v, want %s", err, want)
	}
}
