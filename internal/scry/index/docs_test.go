package index

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// docSource is fakeEmbedders that reads documents, counting the reads.
type docSource struct {
	*fakeEmbedders
	docs  []string
	reads int
	err   error // the reading fails so
}

func (d *docSource) Documents(context.Context, *gitrepo.Repo) ([]string, error) {
	d.reads++
	return d.docs, d.err
}

func documentsOf(t *testing.T, r *gitrepo.Repo) (paragraphs, readAt int64) {
	t.Helper()
	st, err := store.Open(context.Background(), DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	paragraphs, _ = st.DocumentParagraphs(context.Background())
	readAt, _ = st.DocumentsRead(context.Background())
	return paragraphs, readAt
}

// docRepo is a repository of n commits.
func docRepo(t *testing.T, n int) *testRepo {
	tr := newTestRepo(t)
	for i := range n {
		tr.commit("commit " + string(rune('a'+i)))
	}
	return tr
}

// The document paragraphs are read on the first run, not on the runs of
// a commit or two after it (the post-commit hook's), and again once the
// history has grown as much as retrains the built-in model.
func TestDocumentParagraphsReadWhenHistoryGrows(t *testing.T) {
	tr := docRepo(t, 8)
	e := &docSource{fakeEmbedders: &fakeEmbedders{}, docs: []string{
		"The postbox relay batches reminders and retries the ones the courier refuses.\n\nShort heading\n\n" +
			"The courier confirms each reminder it delivers to the postbox relay.",
		"Another document about releases, version tags and the changelog they write.",
	}}
	tr.index(e)
	if p, at := documentsOf(t, tr.repo()); e.reads != 1 || p != 3 || at != 8 {
		t.Fatalf("first run: %d reads, %d paragraphs read at %d commits; want 1, 3 (the heading left out), 8", e.reads, p, at)
	}
	tr.commit("one more")
	tr.index(e)
	if e.reads != 1 {
		t.Fatalf("a run of one new commit read the documents again")
	}
	tr.commit("and another")
	e.docs = e.docs[:1]
	tr.index(e)
	if p, at := documentsOf(t, tr.repo()); e.reads != 2 || p != 2 || at != 10 {
		t.Fatalf("after growing by a quarter: %d reads, %d paragraphs read at %d commits; want 2, 2, 10", e.reads, p, at)
	}
}

// Embedders that do not read documents leave the index without
// paragraphs.
func TestNoDocumentSourceNoParagraphs(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("first")
	tr.index(&fakeEmbedders{})
	if p, at := documentsOf(t, tr.repo()); p != 0 || at != 0 {
		t.Fatalf("%d paragraphs read at %d", p, at)
	}
}

// A paragraph is cut at store.MaxParagraphTerms terms.
func TestParagraphsCutLongOnes(t *testing.T) {
	long := strings.Repeat("turbine blade ", store.MaxParagraphTerms)
	got := paragraphs([]string{long + "\n\nfive words are too few"})
	if len(got) != 1 || len(got[0]) != store.MaxParagraphTerms {
		t.Fatalf("paragraphs = %d, first of %d terms", len(got), len(got[0]))
	}
}

// Paragraphs end at a blank line whatever its line end: a document with
// Windows line ends, or a blank line of spaces, has as many paragraphs
// as one with "\n\n" between them.
func TestParagraphsSplitAtBlankLinesOfAnyEnding(t *testing.T) {
	first := "The courier hands each reminder to the postbox relay, which batches them."
	second := "A reminder the postbox relay holds stays on disk until the courier confirms it."
	for _, sep := range []string{"\n\n", "\r\n\r\n", "\n \n", "\n\t\r\n", "\r\n\r\n\r\n"} {
		got := paragraphs([]string{first + sep + second + sep})
		if len(got) != 2 || got[0][0] != "courier" || got[1][0] != "remind" {
			t.Errorf("split at %q: %q", sep, got)
		}
	}
}

// A reading of the documents that fails keeps the paragraphs read before,
// and is not tried again on the next run.
func TestDocumentsThatCannotBeReadKeepTheParagraphs(t *testing.T) {
	tr := docRepo(t, 4)
	e := &docSource{fakeEmbedders: &fakeEmbedders{}, docs: []string{
		"The courier hands each reminder to the postbox relay, which batches them.\n\n" +
			"A reminder the postbox relay holds stays on disk until the courier confirms it.",
	}}
	tr.index(e)
	tr.commit("e")
	e.docs, e.err = nil, errors.New("reading the tree: object not found")
	tr.index(e)
	if p, at := documentsOf(t, tr.repo()); e.reads != 2 || p != 2 || at != 5 {
		t.Fatalf("after a failed reading: %d reads, %d paragraphs read at %d commits; want 2, 2, 5", e.reads, p, at)
	}
	tr.commit("f")
	tr.index(e)
	if e.reads != 2 {
		t.Fatal("a failed reading was tried again on the next run")
	}
}

// dropDocuments damages the index as a lost page does: the paragraphs'
// table gone, the rows that say they were read left.
func dropDocuments(t *testing.T, r *gitrepo.Repo) {
	t.Helper()
	st, _, err := store.Create(context.Background(), DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB().Exec(`DROP TABLE docs`); err != nil {
		t.Fatal(err)
	}
}

// An index whose paragraphs' table is gone gets them back from the next
// run, with no new commit: it waited for the history to grow by a
// quarter, an empty table recorded as read meanwhile.
func TestDocumentsTableLostReadAgain(t *testing.T) {
	tr := docRepo(t, 8)
	e := &docSource{fakeEmbedders: &fakeEmbedders{}, docs: []string{
		"The courier hands each reminder to the postbox relay, which batches them.\n\n" +
			"A reminder the postbox relay holds stays on disk until the courier confirms it.",
	}}
	tr.index(e)
	dropDocuments(t, tr.repo())
	tr.index(e)
	if p, at := documentsOf(t, tr.repo()); e.reads != 2 || p != 2 || at != 8 {
		t.Fatalf("after the table was lost: %d reads, %d paragraphs read at %d commits; want 2, 2, 8", e.reads, p, at)
	}
	tr.commit("one more")
	tr.index(e)
	if e.reads != 2 {
		t.Fatal("the run after read them again")
	}
}
