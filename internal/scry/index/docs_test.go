package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
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

// modelOf is the built-in model's row: what it learned from.
func modelOf(t *testing.T, r *gitrepo.Repo) *store.Model {
	t.Helper()
	st, err := store.Open(context.Background(), DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := st.Model(context.Background())
	if err != nil || m == nil {
		t.Fatalf("no model: %v", err)
	}
	return m
}

// growReadings commits one at a time up to n commits, indexing each, and
// fails on a run that reads the documents without training the built-in
// model or trains it without reading them: the training reads the
// documents too, and the post-commit hook's run between two trainings
// pays for neither.
func growReadings(t *testing.T, tr *testRepo, e *docSource, from, n int) {
	t.Helper()
	for i := from; i < n; i++ {
		tr.commit(fmt.Sprintf("commit %d", i))
		reads := e.reads
		res := tr.index(e)
		if read := e.reads > reads; read != res.Trained {
			t.Fatalf("run at %d commits: documents read %v, model trained %v", i+1, read, res.Trained)
		}
	}
	if _, at := documentsOf(t, tr.repo()); at != modelOf(t, tr.repo()).Commits {
		t.Fatalf("paragraphs read at %d commits, the model learned from %d", at, modelOf(t, tr.repo()).Commits)
	}
}

// An index made before the paragraphs, with a built-in model: the first
// run reads them (with or without training), and records them as read
// when the model learned, so that they are read again with its next
// training, not on a run of their own. Read at the run's count, they
// fell a few commits after each training, every reading of the
// documents made twice.
func TestDocumentsOfAnOlderIndexFollowTheModel(t *testing.T) {
	tr := docRepo(t, 8)
	fe := &fakeEmbedders{}
	tr.index(fe) // no documents read: an older git scry's index
	if fe.trains != 1 {
		t.Fatalf("%d trainings", fe.trains)
	}
	e := &docSource{fakeEmbedders: fe, docs: []string{
		"The courier hands each reminder to the postbox relay, which batches them.\n\n" +
			"A reminder the postbox relay holds stays on disk until the courier confirms it.",
	}}
	tr.commit("the first commit after the upgrade")
	res := tr.index(e)
	if p, at := documentsOf(t, tr.repo()); e.reads != 1 || res.Trained || p != 2 || at != 8 {
		t.Fatalf("first run: %d reads, trained %v, %d paragraphs read at %d commits; want 1, false, 2, 8 (the model's)", e.reads, res.Trained, p, at)
	}
	growReadings(t, tr, e, 9, 30)
	if fe.trains < 4 {
		t.Fatalf("%d trainings in all: the history did not grow enough", fe.trains)
	}
}

// failingTrainer is docSource whose built-in training fails while fail
// is set (too little text to learn from yet).
type failingTrainer struct {
	*docSource
	fail bool
}

func (f *failingTrainer) Train(ctx context.Context, r *gitrepo.Repo, messages []string) (embed.Embedder, []byte, error) {
	if f.fail {
		return nil, nil, errors.New("too little text in this repository to learn from yet")
	}
	return f.docSource.Train(ctx, r, messages)
}

// A model first trained after the run that read the paragraphs (the
// first trainings failed) reads them again with it: their readings then
// fall with its trainings, not a few commits after each.
func TestDocumentsReadWithAModelTrainedLater(t *testing.T) {
	tr := docRepo(t, 8)
	e := &failingTrainer{docSource: &docSource{fakeEmbedders: &fakeEmbedders{}, docs: []string{
		"The courier hands each reminder to the postbox relay, which batches them.\n\n" +
			"A reminder the postbox relay holds stays on disk until the courier confirms it.",
	}}, fail: true}
	tr.index(e)
	if p, at := documentsOf(t, tr.repo()); e.reads != 1 || p != 2 || at != 8 {
		t.Fatalf("first run: %d reads, %d paragraphs read at %d; want 1, 2, 8", e.reads, p, at)
	}
	e.fail = false
	tr.commit("a model at last")
	if res := tr.index(e); !res.Trained || e.reads != 2 {
		t.Fatalf("the run that trained: trained %v, %d reads; want true, 2", res.Trained, e.reads)
	}
	growReadings(t, tr, e.docSource, 9, 30)
}
