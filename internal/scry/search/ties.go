package search

import (
	"context"
	"sort"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Hits of equal score (a message repeated word for word, "update the
// changelog", or the same text matched alike) are ranked the newer
// commit first, by author date, as git log lists them, then the higher
// id, so that every run gives the same order. Ids alone do not say which
// is newer: a first index run indexes the newest commits first, later
// runs add newer commits after the older ones. The lists keep their n
// best in this order too: of more repeats than a list's depth, the
// newest are kept.

// tieOrder is the commits' author times by id (store.NoTime where no
// commit has the id), as the search cache holds them.
type tieOrder []int64

func (o tieOrder) at(id int64) int64 {
	if id >= 0 && id < int64(len(o)) {
		return o[id]
	}
	return store.NoTime
}

// ahead reports whether a ranks above b.
func (o tieOrder) ahead(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if ta, tb := o.at(a.id), o.at(b.id); ta != tb {
		return ta > tb
	}
	return a.id > b.id
}

// ties is the order of equal scores: the search cache's author times, or
// without a current cache the database's, read once (only a search that
// meets a tie or scans the vectors without the cache needs them).
func (s *Searcher) ties(ctx context.Context) (tieOrder, error) {
	if s.cache != nil && s.cache.Times != nil {
		return s.cache.Times, nil
	}
	s.timesMu.Lock()
	defer s.timesMu.Unlock()
	if s.times == nil {
		t, err := s.st.AuthorTimes(ctx)
		if err != nil {
			return nil, err
		}
		s.times = t
	}
	return s.times, nil
}

// settle orders the runs of equal score of a list sorted by score; a
// list without any costs one pass.
func (s *Searcher) settle(ctx context.Context, l []scored) error {
	var o tieOrder
	for i := 0; i < len(l); {
		j := i + 1
		for j < len(l) && l[j].score == l[i].score {
			j++
		}
		if j-i > 1 {
			if o == nil {
				var err error
				if o, err = s.ties(ctx); err != nil {
					return err
				}
			}
			run := l[i:j]
			sort.Slice(run, func(a, b int) bool { return o.ahead(run[a], run[b]) })
		}
		i = j
	}
	return nil
}
