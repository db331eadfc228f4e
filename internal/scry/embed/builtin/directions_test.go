package builtin

import (
	"context"
	"math"
	"testing"
)

// The model takes the history's most common directions out of every
// vector it makes: vectors stay unit length and orthogonal to them, the
// directions survive a reload, and messages look less alike than with
// them left in (what removing them is for).
func TestCommonDirectionsAreRemoved(t *testing.T) {
	ctx := context.Background()
	c := loadEvalCorpus(t)
	src := Sources{Commits: c.messages, Documents: c.docs}
	m, err := Train(ctx, src, Options{Dim: 64, Directions: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.dirs) != 2*m.dim || m.Meta().Directions != 2 {
		t.Fatalf("%d direction components, meta %d; want 2 directions of %d", len(m.dirs), m.Meta().Directions, m.dim)
	}
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			want := 0.0
			if a == b {
				want = 1
			}
			var d float64
			for j := 0; j < m.dim; j++ {
				d += float64(m.dirs[a*m.dim+j]) * float64(m.dirs[b*m.dim+j])
			}
			if math.Abs(d-want) > 1e-4 {
				t.Errorf("directions %d·%d = %g, want %g", a, b, d, want)
			}
		}
	}
	sample := c.messages[:200]
	vs, _ := m.EmbedPassages(ctx, sample)
	q, _ := m.EmbedQueries(ctx, []string{"skip hooks when rebasing"})
	for i, v := range append(vs, q[0]) {
		if n := norm(v); n != 0 && math.Abs(n-1) > 1e-5 {
			t.Fatalf("vector %d has norm %g", i, n)
		}
		for k := 0; k < 2; k++ {
			var s float64
			for j, x := range v {
				s += float64(x) * float64(m.dirs[k*m.dim+j])
			}
			if math.Abs(s) > 1e-5 {
				t.Fatalf("vector %d keeps %g of direction %d", i, s, k)
			}
		}
	}

	data, _ := m.MarshalBinary()
	again, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range sample {
		v := again.Embed(text, false)
		for j := range v {
			if v[j] != vs[i][j] {
				t.Fatalf("message %d: the reloaded model embeds it differently", i)
			}
		}
	}

	kept, err := Train(ctx, src, Options{Dim: 64, Directions: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(kept.dirs) != 0 || kept.Meta().Directions != 0 || kept.ID() == m.ID() {
		t.Fatalf("Directions -1: %d components, meta %d, id %s (with: %s)", len(kept.dirs), kept.Meta().Directions, kept.ID(), m.ID())
	}
	ks, _ := kept.EmbedPassages(ctx, sample)
	if with, without := meanCos(vs), meanCos(ks); with >= without {
		t.Fatalf("mean cosine between messages %g with the directions removed, %g without: want lower", with, without)
	}
}

func meanCos(vs [][]float32) float64 {
	var s float64
	n := 0
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			if norm(vs[i]) > 0 && norm(vs[j]) > 0 {
				s += cos(vs[i], vs[j])
				n++
			}
		}
	}
	return s / float64(n)
}
