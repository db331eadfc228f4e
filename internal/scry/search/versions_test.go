package search

import (
	"slices"
	"testing"
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
