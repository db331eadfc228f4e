package search

import (
	"context"
	"slices"
	"sort"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// A piece of work is often several commits a few days apart: the change,
// its follow-up fix, the release that ships it. A question about it is
// answered by all of them, but its words match one best. So, after
// fusion, a hit is lifted toward a better-ranked hit from within
// NeighbourDays of it whose message is near it in meaning: by
// NeighbourWeight × that hit's score × their cosine above NeighbourSim,
// never past the hit it borrows from (the first place stays where
// fusion put it). Only the NeighbourTop best hits lend, and only the
// fused list's first neighbourDepth hits take part: no commit is added,
// the list is reordered.
const neighbourDepth = 100

// liftNeighbours reorders a fused list; near maps a lifted hit to the hit
// it was lifted toward.
func (s *Searcher) liftNeighbours(ctx context.Context, t Tuning, ranked []scored) (out []scored, near map[int64]int64, err error) {
	if t.NeighbourWeight <= 0 || t.NeighbourTop <= 0 || len(ranked) < 2 {
		return ranked, nil, nil
	}
	m := min(len(ranked), neighbourDepth)
	ids := make([]int64, m)
	for i, r := range ranked[:m] {
		ids[i] = r.id
	}
	when, err := s.authorTimes(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	vecs, err := s.vectorsOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	window := int64(t.NeighbourDays * 86400)
	lenders := min(m, t.NeighbourTop)
	out = append([]scored(nil), ranked...)
	for i := range m {
		vi, ok := vecs[ranked[i].id]
		if !ok {
			continue
		}
		best, from := ranked[i].score, int64(0)
		for j := range lenders {
			if j >= i {
				break // only better-ranked hits lend
			}
			if dt := when[ranked[i].id] - when[ranked[j].id]; dt < -window || dt > window {
				continue
			}
			vj, ok := vecs[ranked[j].id]
			if !ok {
				continue
			}
			sim := vi.cosine(vj)
			if sim <= t.NeighbourSim {
				continue
			}
			lift := ranked[i].score + t.NeighbourWeight*ranked[j].score*(sim-t.NeighbourSim)/(1-t.NeighbourSim)
			// Just below the lender's score: a tie would be broken by id.
			lift = min(lift, ranked[j].score*(1-1e-9))
			if lift > best {
				best, from = lift, ranked[j].id
			}
		}
		if from != 0 {
			out[i].score = best
			if near == nil {
				near = map[int64]int64{}
			}
			near[ranked[i].id] = from
		}
	}
	// Lifts toward one lender stop at the same score: ties.
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	if err := s.settle(ctx, out); err != nil {
		return nil, nil, err
	}
	return out, near, nil
}

// authorTimes finds the author times of a few commits: in the mapped
// cache when there is a current one, else in the database.
func (s *Searcher) authorTimes(ctx context.Context, ids []int64) (map[int64]int64, error) {
	when := make(map[int64]int64, len(ids))
	if s.cache != nil && s.cache.Times != nil {
		for _, id := range ids {
			if id >= 0 && id < int64(len(s.cache.Times)) && s.cache.Times[id] != store.NoTime {
				when[id] = s.cache.Times[id]
			}
		}
		return when, nil
	}
	rows, err := s.st.DB().QueryContext(ctx, `SELECT id, author_time FROM commits WHERE id IN (`+idList(ids)+`)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		when[id] = at
	}
	return when, rows.Err()
}

// storedVector is a commit's int8 vector and its scale.
type storedVector struct {
	v     []int8
	scale float32
}

func (a storedVector) cosine(b storedVector) float64 {
	var d int32
	for k, x := range a.v {
		d += int32(x) * int32(b.v[k])
	}
	return float64(d) * float64(a.scale) * float64(b.scale)
}

// vectorsOf finds the vectors of a few commits: in the mapped cache (by
// binary search when its ids ascend, as they do unless commits were
// embedded out of order), else by a scan of the database's chunks, as
// semantic search without a cache does.
func (s *Searcher) vectorsOf(ctx context.Context, ids []int64) (map[int64]storedVector, error) {
	out := make(map[int64]storedVector, len(ids))
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	take := func(c *store.Chunk, i int, keep bool) {
		v := c.Vecs[i*c.Dim : (i+1)*c.Dim]
		if !keep {
			v = append([]int8(nil), v...) // the chunk's bytes are reused
		}
		out[c.IDs[i]] = storedVector{v, c.Scales[i]}
	}
	if c := s.cache; c != nil && c.Vectors != nil {
		if !slices.IsSorted(c.Vectors.IDs) {
			for i, id := range c.Vectors.IDs {
				if want[id] {
					take(c.Vectors, i, true)
				}
			}
			return out, nil
		}
		for _, id := range ids {
			if i, ok := slices.BinarySearch(c.Vectors.IDs, id); ok {
				take(c.Vectors, i, true)
			}
		}
		return out, nil
	}
	if s.vs.Gen == 0 {
		return out, nil
	}
	err := s.st.ScanVectors(ctx, s.vs, func(c *store.Chunk) error {
		for i, id := range c.IDs {
			if want[id] {
				take(c, i, false)
			}
		}
		return nil
	})
	return out, err
}
