package search

import (
	"context"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// docEmbedders is fakeEmbedders whose repository has documents.
type docEmbedders struct {
	fakeEmbedders
	docs []string
}

func (d docEmbedders) Documents(context.Context, *gitrepo.Repo) ([]string, error) {
	return d.docs, nil
}

// A question in the users' words finds, through the documents that use
// the same words, the commit that holds the code's words for it and none
// of the question's.
func TestDocumentFeedbackFindsTheCodesWords(t *testing.T) {
	f := history(t)
	f.commit("2024-04-10T10:00:00Z", "Ken Thompson|ken@example.com", "postbox: retry what the courier refuses", map[string]string{"postbox/relay.go": "package postbox\n"})
	f.commit("2024-05-10T10:00:00Z", "Ken Thompson|ken@example.com", "bump the version for the release", map[string]string{"VERSION": "1.2.0\n"})
	e := docEmbedders{docs: []string{
		"Reminders: the courier hands each reminder to the postbox relay, which batches them and retries the ones a mailer refuses.",
		"A reminder the postbox relay holds stays on disk until the courier confirms it was sent.",
		"Releases: a tag names the version, and the changelog lists what changed since the last release tag.",
		"Configuration is read from the config file; an empty config file is refused with a message.",
	}}
	s := f.searcher(e)
	ctx := context.Background()
	q := Query{Text: "why were reminders delivered twice", Mode: Hybrid}
	hits, err := s.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Subject != "postbox: retry what the courier refuses" {
		t.Fatalf("hybrid: %s", subjects(hits))
	}
	// Neither list finds it without the documents.
	s.Tuning.DocWeight = 0
	if hits, _ := s.Search(ctx, q); len(hits) > 0 && hits[0].Subject == "postbox: retry what the courier refuses" {
		t.Fatalf("found without document feedback: %s", subjects(hits))
	}
	s.Tuning = DefaultTuning
	q.Mode = Lexical
	if hits, _ := s.Search(ctx, q); len(hits) > 0 {
		t.Fatalf("lexical search fed back: %s", subjects(hits))
	}
}

// An index whose paragraphs' table is gone (a damaged page, the file of
// a build that lost it) while the rows that say they were read remain:
// hybrid search answers without document feedback, where it failed.
func TestDocumentFeedbackTableLost(t *testing.T) {
	f := history(t)
	f.commit("2024-04-10T10:00:00Z", "Ken Thompson|ken@example.com", "postbox: retry what the courier refuses", map[string]string{"postbox/relay.go": "package postbox\n"})
	e := docEmbedders{docs: []string{
		"Reminders: the courier hands each reminder to the postbox relay, which batches them and retries the ones a mailer refuses.",
		"A reminder the postbox relay holds stays on disk until the courier confirms it was sent.",
	}}
	f.searcher(e).Close()
	ctx := context.Background()
	r, err := gitrepo.Open(ctx, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	w, _, err := store.Create(ctx, index.DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.DB().Exec(`DROP TABLE docs`)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, index.DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := Open(ctx, r, st, e)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hits, err := s.Search(ctx, Query{Text: "postbox reminders", Mode: Hybrid})
	if err != nil {
		t.Fatalf("hybrid search on an index without its paragraphs' table: %v", err)
	}
	if len(hits) == 0 || hits[0].Subject != "postbox: retry what the courier refuses" {
		t.Fatalf("hybrid: %s", subjects(hits))
	}
	for _, h := range hits {
		if h.DocumentsRank != 0 {
			t.Fatalf("%q ranked by document feedback", h.Subject)
		}
	}
}
