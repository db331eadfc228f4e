package search

import (
	"context"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
)

// synonymEmbedders is fakeEmbedders whose model also knows neighbours,
// as the built-in one does: "hue" is near "color", which the history
// has; "blades" is in the history and near "turbine".
type synonymEmbedders struct{ fakeEmbedders }

type synonymEmbedder struct{ fakeEmbedder }

func (synonymEmbedder) Neighbours(t string, k int, minSim float32) []builtin.Neighbour {
	near := map[string][]builtin.Neighbour{
		"hue":   {{Term: "color", Sim: 0.8}, {Term: "palett", Sim: 0.2}},
		"blade": {{Term: "turbin", Sim: 0.9}},
	}[t]
	var out []builtin.Neighbour
	for _, n := range near {
		if n.Sim >= minSim && len(out) < k {
			out = append(out, n)
		}
	}
	return out
}

func (synonymEmbedder) InHistory(t string) bool { return t != "hue" }

func (e synonymEmbedders) Select(ctx context.Context, r *gitrepo.Repo, m *index.StoredModel) (embed.Embedder, string, error) {
	emb, why, err := e.fakeEmbedders.Select(ctx, r, m)
	if f, ok := emb.(*fakeEmbedder); ok {
		return &synonymEmbedder{*f}, why, err
	}
	return emb, why, err
}

// A query word the history lacks is searched as its nearest history terms
// (a third list in hybrid mode); words the history has are not expanded.
func TestExpansionOfWordsTheHistoryLacks(t *testing.T) {
	f := history(t)
	f.commit("2024-04-10T10:00:00Z", "Ken Thompson|ken@example.com", "respect NO_COLOR in the color output", map[string]string{"log/log.go": "package log\n"})
	s := f.searcher(synonymEmbedders{})
	// The fake model's semantic list is noise: leave it out of the fusion.
	s.Tuning.SemanticWeight = 0
	ctx := context.Background()
	hits, err := s.Search(ctx, Query{Text: "hue", Mode: Hybrid})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Subject != "respect NO_COLOR in the color output" {
		t.Fatalf("hybrid 'hue' = %s; want the color commit first", subjects(hits))
	}
	if hits[0].LexicalRank != 0 {
		t.Fatalf("the color commit came from the lexical list (rank %d), not the expansion", hits[0].LexicalRank)
	}
	// Lexical mode stays literal.
	if hits, _ := s.Search(ctx, Query{Text: "hue", Mode: Lexical}); len(hits) != 0 {
		t.Fatalf("lexical 'hue' = %s; want nothing", subjects(hits))
	}
	// "blade" is in the history ("spinTurbineBlades"): not expanded to
	// "turbine", so "turbine: first draft" gains nothing.
	hits, err = s.Search(ctx, Query{Text: "blades", Mode: Hybrid})
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(hits); got != "refactor the engine" {
		t.Fatalf("hybrid 'blades' = %s; want only the commit whose diff has it", got)
	}
	// Without the expansion, 'hue' finds nothing lexically.
	s.Tuning.ExpandK = 0
	if hits, _ := s.Search(ctx, Query{Text: "hue", Mode: Hybrid}); len(hits) != 0 {
		t.Fatalf("hybrid 'hue' without expansion or semantic list = %s", subjects(hits))
	}
}
