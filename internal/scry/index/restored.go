package index

import (
	"context"
	"errors"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// restored finds the commits indexed without their diff or files whose
// objects are all here now (a partial clone fetched their blobs, a
// damaged repository got its objects back): reread takes them out of the
// index for this run to read them again whole.
//
// Looking costs a tree diff of every degraded commit, which in a large
// partial clone is nearly every commit. So it looks only when the set of
// packs changed since it last looked, or when there are few degraded
// commits. That is enough: what a partial clone fetches (a lazy fetch,
// git fetch, git backfill) always arrives in a promisor pack, never as
// loose objects, while a commit's own objects are loose, so the
// post-commit hook's runs do not look. Objects given back to a damaged
// repository loose (git hash-object -w, git unpack-objects) are noticed
// through the other rule: damage leaves few degraded commits, and a few
// cost a tree diff of milliseconds; past fewCommits, a repack (git gc)
// or --full reads them again.
func (ix *indexer) restored(ctx context.Context) ([]string, error) {
	// Read first: a pack that comes while this run reads is looked at
	// by the next one.
	ix.packs = ix.r.PackSignature()
	seen, err := ix.st.Meta(ctx, "pack_signature")
	if err != nil {
		return nil, err
	}
	if ix.packs == seen {
		// Counted, not listed: a large partial clone's post-commit run
		// would read every commit's hash.
		n, err := ix.st.CountDegraded(ctx, fewCommits+1)
		if err != nil || n == 0 || n > fewCommits {
			return nil, err
		}
	}
	degraded, err := ix.st.DegradedCommits(ctx)
	if err != nil {
		return nil, err
	}
	hashes := make([]string, 0, len(degraded))
	for h := range degraded {
		hashes = append(hashes, h)
	}
	back, err := ix.whole(ctx, hashes)
	if err != nil || len(back) > 0 {
		// Recorded by reread, once they are out of the index.
		return back, err
	}
	return nil, ix.st.SetMeta(ctx, "pack_signature", ix.packs)
}

// reread removes from the index the restored commits it still holds
// (after pruning: one that no ref reaches any more is not read again)
// and returns them, for this run to index.
func (ix *indexer) reread(ctx context.Context, back []string) ([]string, error) {
	if len(back) == 0 {
		return nil, nil
	}
	known, err := ix.st.Known(ctx, back)
	if err != nil {
		return nil, err
	}
	var again []string
	if len(known) > 0 {
		// Removed before they are read again: a run killed in between
		// leaves them out of the index, and this mark makes the next run
		// walk the whole history, which finds them missing.
		if err := ix.st.SetMeta(ctx, "prune_pending", "1"); err != nil {
			return nil, err
		}
		ids := make([]int64, 0, len(known))
		for h, id := range known {
			ids = append(ids, id)
			again = append(again, h)
		}
		if err := ix.deleteCommits(ctx, ids); err != nil {
			return nil, err
		}
	}
	ix.res.Restored = len(again)
	return again, ix.st.SetMeta(ctx, "pack_signature", ix.packs)
}

// whole returns, of hashes, the commits whose trees and changed blobs are
// all present, so that reading them again gets their whole diff. Nothing
// is fetched, and no blob is read.
func (ix *indexer) whole(ctx context.Context, hashes []string) ([]string, error) {
	rd := &reader{ix: ix}
	local, err := rd.localObjects(ctx, hashes)
	if err != nil {
		return nil, err
	}
	roots, err := ix.r.RootTrees(ctx, hashes)
	if err != nil {
		// A commit git cannot read: its own run will say so.
		return nil, ctx.Err()
	}
	var candidates []string
	for _, h := range hashes {
		t, ok := roots[h]
		if !ok {
			continue
		}
		if _, here := local[t]; here || emptyTrees[t] {
			candidates = append(candidates, h)
		}
	}
	var out []string
	opt := gitrepo.DiffOptions{BigFile: bigFileForGitDiff, Env: gitrepo.NoLazyFetch}
	for len(candidates) > 0 {
		done := 0
		err := ix.r.DiffCommits(ctx, candidates, opt, func(c *gitrepo.CommitDiff) error {
			done++
			if allLocal(c.Files, local) {
				out = append(out, c.Hash)
			}
			return nil
		})
		var se *gitrepo.DiffStreamError
		if err == nil || !errors.As(err, &se) {
			return out, err
		}
		// The commit git stopped on is still missing something (or is
		// looked at again by the next run that looks).
		candidates = candidates[min(done+1, len(candidates)):]
	}
	return out, nil
}
