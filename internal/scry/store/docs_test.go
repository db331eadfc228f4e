package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The feedback terms stand for the paragraphs the question finds: words
// of more than one paragraph, the question's own left out, the rarer
// among the paragraphs first; a word of one paragraph alone is left out.
func TestFeedbackTerms(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	paras := [][]string{
		strings.Fields("remind sent postbox relay courier batch uniqueword"),
		strings.Fields("remind postbox relay courier disk confirm"),
		strings.Fields("courier common common release build tag"),
		strings.Fields("common build tag release version bump"),
		strings.Fields("common build tag test lint format"),
	}
	b, err := s.Begin(ctx, map[string]int64{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetDocuments(paras, 42); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	n, _ := s.DocumentParagraphs(ctx)
	read, _ := s.DocumentsRead(ctx)
	if n != 5 || read != 42 {
		t.Fatalf("paragraphs %d read at %d, want 5 and 42", n, read)
	}
	got, err := s.FeedbackTerms(ctx, []string{"remind", "twice"}, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	// postbox and relay are in two paragraphs, courier in three;
	// uniqueword, sent and batch in one.
	if want := []string{"postbox", "relay", "courier"}; !slices.Equal(got, want) {
		t.Fatalf("FeedbackTerms = %q, want %q", got, want)
	}
	if got, _ := s.FeedbackTerms(ctx, []string{"absent"}, 2, 3); len(got) != 0 {
		t.Fatalf("a question no paragraph holds fed back %q", got)
	}
	// "bump" finds the one paragraph that holds it: of its words in more
	// than one paragraph (not version), the rarer first (release, in
	// two), then the first in alphabetical order of those in three.
	if got, _ := s.FeedbackTerms(ctx, []string{"bump"}, 1, 2); !slices.Equal(got, []string{"release", "build"}) {
		t.Fatalf("FeedbackTerms(bump) = %q", got)
	}
}

// An index made before the document paragraphs gains their tables, and
// reads as having none, without a rebuild.
func TestDocumentsAddedToAnOlderIndex(t *testing.T) {
	ctx := context.Background()
	s := olderIndex(t, `DROP TABLE docs`)
	if n, err := s.DocumentParagraphs(ctx); n != 0 || err != nil {
		t.Fatalf("DocumentParagraphs = %d, %v", n, err)
	}
	b, _ := s.Begin(ctx, map[string]int64{})
	if err := b.SetDocuments([][]string{strings.Fields("a b c d e f"), strings.Fields("a b c g h i")}, 1); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	if got, err := s.FeedbackTerms(ctx, []string{"a"}, 2, 5); err != nil || !slices.Equal(got, []string{"b", "c"}) {
		t.Fatalf("FeedbackTerms = %q, %v", got, err)
	}
	if c, _ := s.CountCommits(ctx); c != 1 {
		t.Fatalf("%d commits after the addition, want 1", c)
	}
}

// A word of more than a tenth of the paragraphs is no feedback word,
// however often the paragraphs found hold it; below 50 paragraphs none
// is common.
func TestFeedbackLeavesCommonWordsOut(t *testing.T) {
	ctx := context.Background()
	var paras [][]string
	for i := range 60 {
		switch {
		case i < 2:
			paras = append(paras, strings.Fields("remind hook hook hook postbox"))
		case i < 10:
			paras = append(paras, strings.Fields("hook run install config"))
		default:
			paras = append(paras, strings.Fields(fmt.Sprintf("other%d text%d", i, i)))
		}
	}
	for _, c := range []struct {
		n    int
		want []string
	}{{60, []string{"postbox"}}, {10, []string{"postbox", "hook"}}} {
		s := newStore(t)
		b, _ := s.Begin(ctx, map[string]int64{})
		if err := b.SetDocuments(paras[:c.n], 1); err != nil {
			t.Fatal(err)
		}
		b.Commit()
		if got, err := s.FeedbackTerms(ctx, []string{"remind"}, 2, 5); err != nil || !slices.Equal(got, c.want) {
			t.Fatalf("%d paragraphs: FeedbackTerms = %q, %v; want %q", c.n, got, err, c.want)
		}
	}
}

// An index whose paragraphs' table is gone while the rows that say they
// were read remain reads as holding none, said lost (a search read the
// paragraphs' count and failed on the table); the next writer makes the
// table again and forgets the reading, which the index run then makes
// anew.
func TestDocumentsTableLost(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, _, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Begin(ctx, map[string]int64{})
	if err := b.SetDocuments([][]string{strings.Fields("a b c d e f"), strings.Fields("a b c g h i")}, 7); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	if _, err := s.db.Exec(`DROP TABLE docs`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	r, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r.DocumentParagraphs(ctx); n != 0 || err != nil {
		t.Errorf("DocumentParagraphs = %d, %v; want 0 with the table gone", n, err)
	}
	if lost, err := r.DocumentsLost(ctx); !lost || err != nil {
		t.Errorf("DocumentsLost = %v, %v", lost, err)
	}
	st, err := r.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Paragraphs != 0 || st.ParagraphsOn != 0 || !st.ParagraphsLost {
		t.Errorf("Stats: %d paragraphs read at %d, lost %v; want 0, 0, true", st.Paragraphs, st.ParagraphsOn, st.ParagraphsLost)
	}
	r.Close()

	w, _, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if read, err := w.DocumentsRead(ctx); read != 0 || err != nil {
		t.Errorf("DocumentsRead after the table came back = %d, %v; want 0 (never read)", read, err)
	}
	if lost, _ := w.DocumentsLost(ctx); lost {
		t.Error("still lost after the table came back")
	}
	if got, err := w.FeedbackTerms(ctx, []string{"a"}, 2, 5); err != nil || len(got) != 0 {
		t.Errorf("FeedbackTerms = %q, %v", got, err)
	}
}

// An index made before the paragraphs (no table, no rows) is not one
// that lost them.
func TestDocumentsNeverReadAreNotLost(t *testing.T) {
	s := olderIndex(t, `DROP TABLE docs`)
	ctx := context.Background()
	if _, err := s.db.Exec(`DROP TABLE docs`); err != nil {
		t.Fatal(err)
	}
	if lost, err := s.DocumentsLost(ctx); lost || err != nil {
		t.Fatalf("DocumentsLost = %v, %v", lost, err)
	}
}
