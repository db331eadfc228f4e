package search

import (
	"context"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
)

// plainEmbedders embed as the built-in model does: without the closed
// forms of hyphenated words, which are lexical only.
type plainEmbedders struct{ fakeEmbedders }

func (p plainEmbedders) Select(ctx context.Context, r *gitrepo.Repo, m *index.StoredModel) (embed.Embedder, string, error) {
	e, why, err := p.fakeEmbedders.Select(ctx, r, m)
	if f, ok := e.(*fakeEmbedder); ok {
		f.plain = true
	}
	return e, why, err
}

func (p plainEmbedders) Train(ctx context.Context, r *gitrepo.Repo, msgs []string) (embed.Embedder, []byte, error) {
	e, blob, err := p.fakeEmbedders.Train(ctx, r, msgs)
	if f, ok := e.(*fakeEmbedder); ok {
		f.plain = true
	}
	return e, blob, err
}

// "when did we stop using go-git" ranked the commits saying "stop",
// "go" and "git" first and the one about go-git nowhere near: the
// semantic list knows only the name's parts, at twice the lexical list's
// weight. The commits whose message names go-git are a list of their
// own in the fusion; a word in a diff only, or in more messages than a
// name is, is not.
func TestNameInQuestion(t *testing.T) {
	f := history(t)
	f.commit("2024-04-01T10:00:00Z", "Ada Lovelace|ada@example.com", "move the reader to the go-git library", nil)
	f.commit("2024-04-02T10:00:00Z", "Ada Lovelace|ada@example.com", "git: stop the go routines when git stops", nil)
	f.commit("2024-04-03T10:00:00Z", "Ada Lovelace|ada@example.com", "stop go git watchers on exit", nil)
	f.commit("2024-04-04T10:00:00Z", "Ada Lovelace|ada@example.com", "lint: turn on the linter's fixes", map[string]string{".linter.yml": "auto-fix: true\n"})
	f.commit("2024-04-05T10:00:00Z", "Ada Lovelace|ada@example.com", "stop the fixer when files are saved", nil)
	f.commit("2023-02-01T10:00:00Z", "Ada Lovelace|ada@example.com", "readme: thanks", map[string]string{"THANKS.md": "the go-git authors\n"})
	s := f.searcher(plainEmbedders{})
	ctx := context.Background()
	first := func(tu Tuning, q string) string {
		t.Helper()
		s.Tuning = tu
		hits, err := s.Search(ctx, Query{Text: q, Mode: Hybrid, Limit: 3})
		if err != nil || len(hits) == 0 {
			t.Fatalf("%q: %v, %v", q, hits, err)
		}
		return hits[0].Subject
	}
	off := DefaultTuning
	off.NameWeight = 0
	q := "when did we stop using go-git"
	if got := first(off, q); got == "move the reader to the go-git library" {
		t.Fatalf("without the list of names, %q: first %q; the test shows nothing", q, got)
	}
	if got := first(DefaultTuning, q); got != "move the reader to the go-git library" {
		t.Errorf("%q: first %q, want the commit about go-git", q, got)
	}
	// "auto-fix" is only in a diff: no message names it.
	if names, err := s.nameHolders(ctx, "stop the auto-fix when saving", DefaultTuning, nil, nil); err != nil || len(names) != 0 {
		t.Errorf("a word only a diff holds: %v, %v; want no list", names, err)
	}
	// More messages than a name is in: no list.
	f.commit("2024-04-06T10:00:00Z", "Ada Lovelace|ada@example.com", "go-git: bump the library", nil)
	s = f.searcher(plainEmbedders{})
	few := DefaultTuning
	few.NameHolders = 1
	if names, _ := s.nameHolders(ctx, q, few, nil, nil); len(names) != 0 {
		t.Errorf("two messages name go-git, NameHolders 1: %v, want no list", names)
	}
	s.Tuning = DefaultTuning
	if names, _ := s.nameHolders(ctx, q, DefaultTuning, nil, nil); len(names) != 2 {
		t.Errorf("go-git: %v, want the two commits whose message names it (not the one whose diff does)", names)
	}
}
