package search

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Hits of equal score came out in id order, the higher id first: after a
// first index run (newest commits first, so the lowest ids) that listed
// the oldest of a repeated message first, and of more repeats than a
// list's depth it kept only old ones. They come newest first, as git log
// lists them, in every mode, from the search cache or without it (in
// hybrid mode fusion gives them the order of the lists it fuses).
func TestEqualScoresNewestFirst(t *testing.T) {
	f := newFixture(t)
	day := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)
	commit := func(i int, msg string) {
		f.commit(day.AddDate(0, 0, 5*i).Format(time.RFC3339), "Ada Lovelace|ada@example.com", msg, nil)
	}
	commit(0, "parser reads nested tables")
	// More repeats than a list holds (depth), half of them indexed by a
	// second run, whose ids ascend with the dates where the first run's
	// descend.
	const repeats = depth + 20
	for i := 1; i <= repeats/2; i++ {
		commit(i, "update the changelog")
	}
	f.searcher(fakeEmbedders{})
	for i := repeats/2 + 1; i <= repeats; i++ {
		commit(i, "update the changelog")
	}
	commit(repeats+1, "parser reads inline tables")
	want := make([]string, 5)
	for i := range want {
		want[i] = day.AddDate(0, 0, 5*(repeats-i)).Format(time.DateOnly)
	}
	s := f.searcher(fakeEmbedders{})
	check := func(how string, s *Searcher) {
		t.Helper()
		for _, m := range Modes {
			for run := range 2 {
				hits, err := s.Search(context.Background(), Query{Text: "update changelog", Mode: m, Limit: len(want)})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, h := range hits {
					got = append(got, h.Date.Format(time.DateOnly))
					// Fusion ranks them apart: the order of the lists it fuses.
					if m != Hybrid && h.Score != hits[0].Score {
						t.Fatalf("%s, %s: scores %v and %v differ", how, m, hits[0].Score, h.Score)
					}
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s, %s, run %d: equal scores dated %v, want %v (newest first)", how, m, run+1, got, want)
				}
			}
		}
	}
	if s.cache == nil {
		t.Fatal("no search cache after indexing")
	}
	check("with the search cache", s)
	if err := os.Remove(filepath.Join(f.dir, ".git", "verdigris", store.CacheName)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, _ := gitrepo.Open(ctx, f.dir)
	st, err := store.Open(ctx, index.DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s2, err := Open(ctx, r, st, fakeEmbedders{})
	if err != nil || s2.cache != nil {
		t.Fatalf("cache %v, %v", s2.cache, err)
	}
	check("from the database", s2)
}
