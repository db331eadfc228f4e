package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// A full rebuild of an index that searches can read is made beside it,
// in scry-rebuild.db, by an ordinary index run (batches, resumable), and
// replaces it in one transaction when it is complete (store.Replace):
// searches answer from the old index until then, seconds to a minute at
// tens of thousands of commits, and a rebuild killed part way leaves the
// old index answering. The file's presence is the rebuild under way: the
// next run, whatever asked for it, resumes it rather than updating the
// old index, and switches.
//
// An index of another schema is rebuilt in place (store.Create): this
// version's searches cannot read it anyway, and the new one answers
// batch by batch, newest commits first. So is a change of embedder: the
// commits, and lexical search, stay as they are while the vectors are
// made again.

// rebuildsAside says whether this run rebuilds beside the index: a
// rebuild is under way, or --full was asked of an index searches read.
func rebuildsAside(ctx context.Context, r *gitrepo.Repo, full bool) bool {
	if exists(asidePath(r)) {
		return true
	}
	if !full {
		return false
	}
	st, err := store.Open(ctx, dbPath(r))
	if err != nil {
		return false
	}
	st.Close()
	return true
}

func rebuildAside(ctx context.Context, r *gitrepo.Repo, opt Options, start time.Time) (*Result, error) {
	live, err := store.Open(ctx, dbPath(r))
	var newer *store.NewerSchemaError
	if errors.As(err, &newer) && !opt.Full {
		// A newer git scry's rebuild, killed, resumed by this one: the
		// switch would replace its index with this one's, the downgrade
		// only --full makes.
		return nil, err
	}
	st, err := openAside(ctx, r, opt.Full)
	if err != nil {
		if live != nil {
			live.Close()
		}
		return nil, fmt.Errorf("opening the rebuilt commit index: %w", err)
	}
	if !opt.Full {
		opt.Log("resuming the rebuild of the index that an interrupted 'git scry index --full' began (searches read the index as it was until it is done)")
	}
	ix := &indexer{r: r, st: st, opt: opt, res: &Result{Rebuilt: true}, aside: true}
	defer func() { ix.st.Close() }()
	defer ix.stopPretraining()
	if live != nil {
		last, err := live.LastCommitID(ctx)
		var low int64
		var n int
		if err == nil {
			low, n, err = live.CommitIDRange(ctx)
		}
		live.Close()
		if err == nil && !idsFree(low, n) {
			err = st.SkipCommitIDs(ctx, last)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := ix.run(ctx); err != nil {
		return ix.res, err
	}
	if err := ix.switchIn(ctx); err != nil {
		return ix.res, err
	}
	// It was up to date only if a killed run had completed it.
	ix.res.UpToDate = false
	ix.res.Duration = time.Since(start)
	return ix.res, nil
}

// idsFree says whether a rebuild may number its commits from 1 again:
// the old index's commits, n of them from id low up, all have ids above
// what the rebuild gives unless the history more than doubled. Else its
// ids start after the old index's (SkipCommitIDs). Either way no id of
// the old index names another commit in the new one, so a search that
// read ids just before the switch finds them gone, never attributed to
// another commit; and ids do not grow with every --full (the search
// cache's per-id arrays are as long as the highest id): they go up to
// about four times the history and start again.
func idsFree(low int64, n int) bool {
	return n > 0 && low > 2*int64(n)+64
}

// openAside opens the rebuild, or starts it again when a crash of the
// machine left its file unusable. A newer git scry's rebuild is started
// again only when --full asked for this one's.
func openAside(ctx context.Context, r *gitrepo.Repo, full bool) (*store.Store, error) {
	st, _, err := store.Create(ctx, asidePath(r))
	if err == nil || ctx.Err() != nil {
		return st, err
	}
	var newer *store.NewerSchemaError
	if errors.As(err, &newer) && !full {
		return nil, err
	}
	if err := store.RemoveFiles(asidePath(r)); err != nil {
		return nil, err
	}
	st, _, err = store.Create(ctx, asidePath(r))
	return st, err
}

// switchIn makes the complete rebuild the index, then removes what the
// old index had beside it and writes the new one's search cache.
func (ix *indexer) switchIn(ctx context.Context) error {
	start := time.Now()
	var version int64
	if live, err := store.Open(ctx, dbPath(ix.r)); err == nil {
		version, err = live.CacheVersion(ctx)
		live.Close()
		if err != nil {
			return err
		}
	}
	if err := ix.st.CacheVersionAfter(ctx, version); err != nil {
		return err
	}
	if err := ix.st.Checkpoint(ctx); err != nil {
		return err
	}
	m, err := ix.st.Model(ctx)
	if err != nil {
		return err
	}
	if err := ix.st.Close(); err != nil {
		return err
	}
	if err := store.Replace(ctx, dbPath(ix.r), asidePath(ix.r)); err != nil {
		return fmt.Errorf("replacing the commit index with its rebuild: %w", err)
	}
	// The old cache reads as stale now (CacheVersionAfter); removed so
	// that it is not taken for the start of the new one's.
	if err := os.Remove(cachePath(ix.r)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := store.RemoveFiles(asidePath(ix.r)); err != nil {
		return err
	}
	keep := ""
	if m != nil {
		keep = m.File
	}
	removeModelsBut(ix.r, keep)
	st, _, err := store.Create(ctx, dbPath(ix.r))
	if err != nil {
		return err
	}
	ix.st = st
	ix.res.SwitchTime = time.Since(start)
	ix.writeCache(ctx)
	return st.Checkpoint(ctx)
}

// writeCache brings the search cache up to date with the index; a
// failure costs searches their speed only.
func (ix *indexer) writeCache(ctx context.Context) {
	if err := ix.st.WriteCache(ctx, cachePath(ix.r)); err != nil && ctx.Err() == nil {
		ix.opt.Log("could not write the search cache (searches read the index instead): %v", err)
	}
}
