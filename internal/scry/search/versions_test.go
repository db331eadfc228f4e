package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// The commits holding the version a query names come first, in fused
// order, then those fusion left out; scores still fall down the list.
func TestPinFirst(t *testing.T) {
	ranked := []scored{{1, 0.30}, {2, 0.25}, {3, 0.20}, {4, 0.10}}
	holders := []scored{{9, 12}, {3, 8}, {4, 5}}
	got := pinFirst(ranked, holders)
	var ids []int64
	for i, h := range got {
		ids = append(ids, h.id)
		if i > 0 && h.score > got[i-1].score {
			t.Errorf("score rises at %d: %v", i, got)
		}
	}
	if want := []int64{3, 4, 9, 1, 2}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
	if got[2].score <= got[3].score {
		t.Errorf("the last holder (%v) is not above the best other hit (%v)", got[2], got[3])
	}
}

// A query that is one hyphenated name, stop words aside, names a thing;
// one that also says anything else is a question.
func TestBareCompound(t *testing.T) {
	for q, want := range map[string]string{
		"go-git":                      "go-git",
		"the Go-Git":                  "go-git",
		"go-git go git":               "go-git",
		"pre-commit":                  "pre-commit",
		"go-git reader":               "",
		"kill a long-running command": "",
		"go-git pre-commit":           "",
		"gogit":                       "",
		"":                            "",
	} {
		if got := bareCompound(q); got != want {
			t.Errorf("bareCompound(%q) = %q; want %q", q, got, want)
		}
	}
}

// A pasted commit hash found nothing; one that names an indexed commit
// gets it first, in every mode (the lists' hits after it), unless a
// filter leaves it out. Fewer than 7 characters, more than 64, or
// anything but hex is searched as words.
func TestCommitHashQuery(t *testing.T) {
	s := history(t).searcher(fakeEmbedders{})
	ctx := context.Background()
	var full string
	if err := s.st.DB().QueryRow(`SELECT hash FROM commits WHERE subject = 'add the spinning parts'`).Scan(&full); err != nil {
		t.Fatal(err)
	}
	for _, m := range Modes {
		for _, q := range []string{full[:7], " " + strings.ToUpper(full[:12]) + " ", full} {
			hits, err := s.Search(ctx, Query{Text: q, Mode: m})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Hash != full {
				t.Errorf("%s, %q: %s, want %s first", m, q, subjects(hits), full)
			}
		}
	}
	until := time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)
	hits, err := s.Search(ctx, Query{Text: full[:7], Mode: Hybrid, Filter: Filter{Until: until}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Hash == full {
			t.Errorf("a commit --until leaves out: %s", subjects(hits))
		}
	}
	for _, q := range []string{full[:6], full + "0000000000000000000000000", full[:7] + " parts", "g" + full[:7]} {
		if got := hashPrefix(q); got != "" {
			t.Errorf("hashPrefix(%q) = %q, want none", q, got)
		}
	}
}
