package index

import (
	"context"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Behind counts the commits reachable from HEAD that the index has not
// seen: those after the tips its last complete run ended at.
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
	list, err := r.NonMergeCommits(ctx, []string{head}, kept)
	return len(list), err
}
