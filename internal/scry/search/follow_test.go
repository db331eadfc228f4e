package search

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// indexed indexes the fixture's history and opens the index.
func (f *fixture) indexed() (*gitrepo.Repo, *store.Store) {
	f.t.Helper()
	ctx := context.Background()
	r, err := gitrepo.Open(ctx, f.dir)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := index.Run(ctx, r, index.Options{Embedders: fakeEmbedders{}}); err != nil {
		f.t.Fatal(err)
	}
	st, err := store.Open(ctx, index.DBPath(r))
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close() })
	return r, st
}

const ada = "Ada Lovelace|ada@example.com"

// long is a file's content that stays similar when a line is added.
var long = strings.Repeat("a line of the file\n", 30)

func counts(rel []Related) string {
	var out []string
	for _, x := range rel {
		out = append(out, fmt.Sprintf("%s %d %.2f", x.Path, x.Count, x.Share))
	}
	return strings.Join(out, ", ")
}

// A file renamed twice keeps the commits of both earlier names, each
// only up to the rename away from it: a later file that takes the first
// name again is another file. A file that changed with it under every
// name is counted once a commit, and one renamed since is listed under
// its name now.
func TestRelatedFollowChain(t *testing.T) {
	f := newFixture(t)
	f.commit("2024-01-01T10:00:00Z", ada, "add a", map[string]string{"a.go": long, "n1": "1"})
	f.git(nil, "mv", "a.go", "b.go")
	f.commit("2024-02-01T10:00:00Z", ada, "a to b", map[string]string{"n1": "2", "p.txt": "p"})
	f.commit("2024-03-01T10:00:00Z", ada, "change b", map[string]string{"b.go": long + "more\n", "n2": "1", "p.txt": "pp"})
	f.git(nil, "mv", "b.go", "c.go")
	f.commit("2024-04-01T10:00:00Z", ada, "b to c", map[string]string{"n1": "3"})
	f.commit("2024-05-01T10:00:00Z", ada, "another a", map[string]string{"a.go": "unrelated\n", "n2": "2", "z": "z"})
	f.git(nil, "mv", "p.txt", "q.txt")
	f.commit("2024-06-01T10:00:00Z", ada, "p to q", nil)
	r, st := f.indexed()
	ctx := context.Background()

	rel, ch, err := RelatedFollow(ctx, st, r, "c.go", 20)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ch.Earlier, []string{"b.go", "a.go"}) || ch.Counted != 4 || ch.Large != 0 {
		t.Errorf("c.go: earlier %q, %d commits (%d large), want [b.go a.go], 4 (0)", ch.Earlier, ch.Counted, ch.Large)
	}
	if got, want := counts(rel), "n1 3 0.75, q.txt 2 0.50, n2 1 0.25"; got != want {
		t.Errorf("c.go: related %s, want %s", got, want)
	}

	// By path: c.go's one commit.
	rel, ch, err = RelatedFiles(ctx, st, r, "c.go", 20)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts(rel), "n1 1 1.00"; got != want || ch.Counted != 1 || ch.Earlier != nil {
		t.Errorf("c.go by path: related %s (%d commits, earlier %q), want %s (1)", got, ch.Counted, ch.Earlier, want)
	}

	// n1 changed with each of c.go's names: c.go once a commit.
	rel, ch, err = RelatedFollow(ctx, st, r, "n1", 20)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts(rel), "c.go 3 1.00, q.txt 1 0.33"; got != want || len(ch.Earlier) != 0 {
		t.Errorf("n1: related %s (earlier %q), want %s", got, ch.Earlier, want)
	}

	// The a.go of now has no rename to follow: all of its commits, by
	// path, as git log --follow a.go lists them, and not the b.go it
	// became in the commit that renamed it.
	rel, ch, err = RelatedFollow(ctx, st, r, "a.go", 20)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(counts(rel), ".go") || len(ch.Earlier) != 0 || ch.Counted != 3 {
		t.Errorf("a.go: related %s (%d commits, earlier %q), want no .go file, 3 commits", counts(rel), ch.Counted, ch.Earlier)
	}
}

// A rename in a commit of more than store.CoChangeMaxFiles files (a
// directory moved) is followed; the commit itself does not count.
func TestRelatedFollowThroughLargeCommit(t *testing.T) {
	f := newFixture(t)
	files := map[string]string{"old/main.go": long, "notes": "1"}
	for i := range store.CoChangeMaxFiles {
		files[fmt.Sprintf("old/f%d.go", i)] = fmt.Sprintf("file %d\n%s", i, long)
	}
	f.commit("2024-01-01T10:00:00Z", ada, "add", files)
	f.commit("2024-02-01T10:00:00Z", ada, "change", map[string]string{"old/main.go": long + "x\n", "notes": "2"})
	f.git(nil, "mv", "old", "new")
	f.commit("2024-03-01T10:00:00Z", ada, "move", nil)
	f.commit("2024-04-01T10:00:00Z", ada, "change again", map[string]string{"new/main.go": long + "y\n", "notes": "3"})
	r, st := f.indexed()
	rel, ch, err := RelatedFollow(context.Background(), st, r, "new/main.go", 20)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ch.Earlier, []string{"old/main.go"}) || ch.Counted != 2 || ch.Large != 2 {
		t.Errorf("earlier %q, %d commits (%d large), want [old/main.go], 2 (2)", ch.Earlier, ch.Counted, ch.Large)
	}
	if got, want := counts(rel), "notes 2 1.00"; got != want {
		t.Errorf("related %s, want %s", got, want)
	}
}

// A directory is counted by path: its files' earlier names are not
// followed, and it has none of its own.
func TestRelatedFollowDirectoryByPath(t *testing.T) {
	f := newFixture(t)
	f.commit("2024-01-01T10:00:00Z", ada, "add", map[string]string{"a/x.go": long, "notes": "1"})
	f.git(nil, "mv", "a", "b")
	f.commit("2024-02-01T10:00:00Z", ada, "move", map[string]string{"notes": "2"})
	f.commit("2024-03-01T10:00:00Z", ada, "change", map[string]string{"b/x.go": long + "x\n", "notes": "3"})
	r, st := f.indexed()
	ctx := context.Background()
	for _, dir := range []string{"b", "b/"} {
		rel, ch, err := RelatedFollow(ctx, st, r, dir, 20)
		if err != nil {
			t.Fatal(err)
		}
		want, wch, err := RelatedFiles(ctx, st, r, dir, 20)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rel, want) || !reflect.DeepEqual(ch, wch) || !ch.Dir {
			t.Errorf("%s: %s %+v, want %s %+v", dir, counts(rel), ch, counts(want), wch)
		}
	}
}

// Without git to ask (r nil), a file is counted by path.
func TestRelatedFollowWithoutRepository(t *testing.T) {
	f := newFixture(t)
	f.commit("2024-01-01T10:00:00Z", ada, "add", map[string]string{"a.go": long, "notes": "1"})
	f.git(nil, "mv", "a.go", "b.go")
	f.commit("2024-02-01T10:00:00Z", ada, "move", map[string]string{"notes": "2"})
	_, st := f.indexed()
	_, ch, err := RelatedFollow(context.Background(), st, nil, "b.go", 20)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Counted != 1 || len(ch.Earlier) != 0 {
		t.Errorf("%d commits, earlier %q; want 1, none", ch.Counted, ch.Earlier)
	}
}

// nameMap follows a path forward from a commit: through the renames of
// its deletions from then on, stopping at a deletion that was none.
func TestNameMap(t *testing.T) {
	at := func(id, ct int64) point { return point{id: id, ct: ct, at: ct} }
	m := nameMap{
		"p": {{point: at(2, 20), renamed: "q"}, {point: at(6, 60)}},
		"q": {{point: at(4, 40), renamed: "r"}},
	}
	for _, c := range []struct {
		path string
		at   point
		want string
	}{
		{"p", at(1, 10), "r"},                   // renamed twice since
		{"p", at(2, 20), "r"},                   // the commit that renamed it
		{"p", at(5, 50), "p"},                   // a later p, deleted with no rename
		{"p", at(7, 70), "p"},                   // no deletion since
		{"q", at(3, 30), "r"},                   // q's own rename
		{"x", at(1, 10), "x"},                   // never deleted
		{"q", at(4, 40), "r"},                   // deleted here, as r
		{"r", at(1, 10), "r"},                   // r never deleted
		{"p", at(2, 10), "r"},                   // same commit, whatever its date says
		{"p", point{id: 9, ct: 20, at: 5}, "r"}, // a tie on the date, an earlier author date: before
	} {
		if got := m.name(c.path, c.at); got != c.want {
			t.Errorf("name(%s, %+v) = %s, want %s", c.path, c.at, got, c.want)
		}
	}
}

// A segment holds the commits from the rename that gave the name
// (included) up to the one that took it away (excluded).
func TestSegmentHolds(t *testing.T) {
	from, to := point{id: 2, ct: 20}, point{id: 5, ct: 50}
	s := segment{from: &from, to: &to}
	for _, c := range []struct {
		p    point
		want bool
	}{
		{point{id: 1, ct: 10}, false},
		{point{id: 2, ct: 20}, true},
		{point{id: 3, ct: 30}, true},
		{point{id: 5, ct: 50}, false},
		{point{id: 6, ct: 50}, true}, // tied with the rename away: kept
		{point{id: 7, ct: 60}, false},
	} {
		if got := s.holds(c.p); got != c.want {
			t.Errorf("holds(%+v) = %v, want %v", c.p, got, c.want)
		}
	}
}
