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
	old, err := st.Tips(ctx)
	if err != nil {
		return 0, err
	}
	ix := &indexer{r: r, st: st}
	kept, _, err := ix.existing(ctx, old)
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
