package index

import (
	"context"
	"errors"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Behind counts the commits reachable from HEAD that the index has not
// seen: of those after the tips its last complete run ended at, the ones
// it does not hold.
func Behind(ctx context.Context, r *gitrepo.Repo, st *store.Store) (int, error) {
	head, err := r.Git(ctx, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil || head == "" {
		return 0, nil // no commits yet
	}
	kept, err := recordedTips(ctx, r, st)
	if err != nil {
		return 0, err
	}
	// A deepened shallow clone has new commits behind the old tips; they
	// are counted against the index itself (doctor said "up to date").
	was, err := st.Meta(ctx, "shallow_signature")
	if err != nil {
		return 0, err
	}
	if r.ShallowSignature() != was {
		kept = nil
	}
	// So does a graft file written since (info/grafts).
	grafts, err := st.Meta(ctx, "grafts")
	if err != nil {
		return 0, err
	}
	if r.Grafts() != grafts {
		kept = nil
	}
	list, err := r.NonMergeCommits(ctx, []string{head}, kept)
	var de *gitrepo.HistoryDamagedError
	if errors.As(err, &de) {
		err = nil // a damaged history: the commits that can be read
	}
	if err != nil {
		return 0, err
	}
	// What lies past the recorded tips may be indexed all the same: a
	// run writes its commits batch by batch and records the tips last,
	// so a run killed (or still going) in between holds them.
	known, err := st.Known(ctx, list)
	return len(list) - len(known), err
}

// Unreachable counts the indexed commits that no ref reaches any more
// and that the last complete run's tips did: what a reset or a deleted
// branch dropped since, which no hook sees and searches still find until
// the next run prunes them. Tips gone from the object store are not
// followed (the run itself checks the whole index then).
func Unreachable(ctx context.Context, r *gitrepo.Repo, st *store.Store) (int, error) {
	kept, err := recordedTips(ctx, r, st)
	if err != nil || len(kept) == 0 {
		return 0, err
	}
	tips, err := r.HistoryTips(ctx)
	if err != nil {
		return 0, err
	}
	current := map[string]bool{}
	for _, h := range tips {
		current[h] = true
	}
	var moved []string
	for _, h := range kept {
		if !current[h] {
			moved = append(moved, h)
		}
	}
	if len(moved) == 0 {
		return 0, nil
	}
	gone, err := r.NonMergeCommits(ctx, moved, tipValues(tips))
	var de *gitrepo.HistoryDamagedError
	if errors.As(err, &de) {
		return 0, nil // a damaged history: the run says what it cannot prune
	}
	if err != nil {
		return 0, err
	}
	known, err := st.Known(ctx, gone)
	return len(known), err
}

// recordedTips are the tips the last complete run ended at that are
// still in the object store.
func recordedTips(ctx context.Context, r *gitrepo.Repo, st *store.Store) ([]string, error) {
	old, err := st.Tips(ctx)
	if err != nil {
		return nil, err
	}
	ix := &indexer{r: r, st: st}
	kept, _, err := ix.existing(ctx, old)
	return kept, err
}

// UnseenHead returns the commit HEAD names when the index has not seen
// it: it neither holds it nor recorded it as a tip (a merge, which the
// index leaves out, is seen through the tips). "" when it has, or when
// HEAD cannot be read from the files alone (an unborn branch, a reftable
// repository). A search's check, run on every one: HEAD from its files, one
// lookup; no git process, which would cost more than the search. Behind
// counts what lies between, with git.
func UnseenHead(ctx context.Context, r *gitrepo.Repo, st *store.Store) (string, error) {
	head, ok := r.HeadFromFiles()
	if !ok {
		return "", nil
	}
	known, err := st.Known(ctx, []string{head})
	if err != nil || len(known) > 0 {
		return "", err
	}
	tips, err := st.Tips(ctx)
	if err != nil {
		return "", err
	}
	for _, h := range tips {
		if h == head {
			return "", nil
		}
	}
	return head, nil
}
