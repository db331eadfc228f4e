// Package index keeps a repository's commit index current: it reads every
// reachable non-merge commit once (message, files with line counts, the
// identifiers its diff touched), writes them to the store in batches,
// prunes commits that rewritten history left unreachable, maps commits to
// working sessions, and embeds commit messages for semantic search with
// the active embedder, training the built-in one from the repository's
// own text when it needs to.
//
// Runs are incremental and crash-safe: the ref tips a run started from are
// recorded only when it completes, and commits already in the store are
// skipped, so a run killed at any moment is resumed by the next. A full
// rebuild is made beside the index and replaces it in one transaction.
package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Options shape an index run.
type Options struct {
	// Full rebuilds the index from scratch: beside it when searches can
	// read it, which they do until the rebuild replaces it (rebuild.go).
	Full bool
	// Coalesce is for the post-commit hook: when another run holds the
	// writer lock, ask it to run once more (it will see the new commit)
	// and return at once instead of waiting.
	Coalesce bool
	// Progress receives a progress bar; nil for none.
	Progress io.Writer
	// Log receives one-line notes (waiting for the lock, shallow clone...).
	Log func(format string, args ...any)
	// Embedders supplies the embedder; nil indexes for lexical search only.
	Embedders Embedders
	// BatchSize is how many commits one transaction writes (default 500).
	BatchSize int
	// Running is the running mark (Running), already held: handed over
	// by the process that started this one ('git scry index
	// --background', HandOver), so that a search made before this run
	// took its locks finds it under way all the same. Nil: taken here.
	Running *filelock.Lock
}

// Result says what a run did.
type Result struct {
	Added      int   // commits new to the index (not those read again)
	Pruned     int   // commits removed: no longer reachable
	Total      int64 // commits in the index
	UpToDate   bool  // nothing had changed
	Deferred   bool  // another run was busy and will pick the new commits up
	Shallow    bool  // a shallow clone: only the commits that exist were indexed
	Partial    bool  // a partial clone: objects missing on purpose
	NoPatch    int   // commits of this run indexed without their diff (objects missing)
	NoFiles    int   // ... without even their file list
	Unreadable int   // commits that could not be read at all (skipped)
	Capped     int   // commits whose diff was larger than the indexing cap
	// Rebuilt: the run rebuilt the index from nothing (--full, or an
	// index another version of git scry built), so Added counts commits
	// indexed again, not new ones.
	Rebuilt bool
	// LongMessages: commits whose message was longer than the indexing
	// cap (maxMessageBytes), indexed from its beginning.
	LongMessages int
	// AttrWarning: git failed to say which files its linguist-generated
	// attribute marks (git check-attr's error), and the rest of the run
	// told generated files by their names and headers alone; "" when it
	// answered, or had no work tree to read attributes from (a non-bare
	// repository's .git), which is no failure.
	AttrWarning string
	// Unpruned: the history could not be walked whole (commits are
	// missing from a damaged repository), so nothing was pruned.
	Unpruned bool
	// Restored: commits indexed without their diff or files before, read
	// again whole now that their objects are here (not counted in Added).
	Restored int
	// Merged: commits read again to be given the message of the merge
	// that brought them in (it arrived after them), or to lose one that
	// is gone (not counted in Added).
	Merged int
	// Checked: degraded commits whose trees were diffed to see whether
	// their objects are back; PackObjects: objects of new packs looked
	// up for the objects degraded commits lack.
	Checked, PackObjects int

	Embedder    string // the embedder the vectors come from ("" none)
	EmbedReason string // why that one (why the built-in one, when it had none to embed with)
	Embedded    int    // commits embedded in this run
	Trained     bool   // the built-in model was (re)trained
	// TrainedEarly: it was trained while the commits were indexed (a new
	// index; TrainTime then overlaps IndexTime).
	TrainedEarly bool
	EmbedWarning string // semantic search is degraded, and why
	// Unembeddable counts the commits the embedder failed on while it
	// embedded the others (EmbedWarning says why).
	Unembeddable int

	Sessions int // sessions found from tags
	Duration time.Duration
	// Phases of Duration: reading and writing the commits, training the
	// built-in model, embedding.
	IndexTime, TrainTime, EmbedTime time.Duration
	// SwitchTime: a rebuild made beside the index replacing it (copied
	// in, the old files removed); the search cache written after it is
	// every rebuild's.
	SwitchTime time.Duration
}

// Paths of the index's files in a repository's state directory.
func dbPath(r *gitrepo.Repo) string    { return store.Path(r.StateDir()) }
func asidePath(r *gitrepo.Repo) string { return filepath.Join(r.StateDir(), "scry-rebuild.db") }
func lockPath(r *gitrepo.Repo) string  { return filepath.Join(r.StateDir(), "scry.lock") }
func runningPath(r *gitrepo.Repo) string {
	return filepath.Join(r.StateDir(), "scry.running")
}
func rerunPath(r *gitrepo.Repo) string { return filepath.Join(r.StateDir(), "scry.rerun") }
func cachePath(r *gitrepo.Repo) string { return filepath.Join(r.StateDir(), store.CacheName) }

// LogPath is where background runs write.
func LogPath(r *gitrepo.Repo) string { return filepath.Join(r.StateDir(), "scry.log") }

// DBPath is the repository's index database.
func DBPath(r *gitrepo.Repo) string { return dbPath(r) }

// CachePath is the repository's search cache (store.OpenCache).
func CachePath(r *gitrepo.Repo) string { return cachePath(r) }

// Run brings the index up to date. One writer runs at a time: it waits
// for the lock (or, with Coalesce, hands the work to the running writer),
// and keeps running while another run asked it to.
func Run(ctx context.Context, r *gitrepo.Repo, opt Options) (*Result, error) {
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	// A mark handed over is let go whatever happens: deferred to
	// another writer, which holds its own, or failed.
	handed := opt.Running
	defer handed.Unlock()
	if err := os.MkdirAll(r.StateDir(), 0o755); err != nil {
		return nil, err
	}
	lock, err := filelock.TryLock(lockPath(r))
	if errors.Is(err, filelock.ErrBusy) {
		if opt.Coalesce {
			// Mark first, then try again: either the writer sees the mark
			// after its run, or it has already let go and we get the lock.
			if err := markRerun(r, opt.Full); err != nil {
				return nil, err
			}
			lock, err = filelock.TryLock(lockPath(r))
			if errors.Is(err, filelock.ErrBusy) {
				return &Result{Deferred: true}, nil
			}
		} else {
			opt.Log("waiting for another 'git scry index' to finish")
			lock, err = filelock.Acquire(ctx, lockPath(r))
		}
	}
	if err != nil {
		return nil, err
	}
	unlock, err := holdRunning(ctx, r, lock, handed)
	if err != nil {
		return nil, err
	}
	var res *Result
	for {
		if takeRerun(r) {
			opt.Full = true
		}
		res, err = runOnce(ctx, r, opt)
		opt.Full = false
		if err != nil {
			unlock()
			return res, err
		}
		if exists(rerunPath(r)) {
			continue
		}
		unlock()
		if !exists(rerunPath(r)) {
			return res, nil
		}
		// A run asked for more between our last look and the unlock.
		if lock, err = filelock.TryLock(lockPath(r)); err != nil {
			return res, nil // that run holds the lock now and does it
		}
		if unlock, err = holdRunning(ctx, r, lock, nil); err != nil {
			return res, err
		}
	}
}

// holdRunning takes the running mark (Running) for the writer holding
// lock, or keeps the one handed over (held, nil for none); unlock lets go
// of both.
func holdRunning(ctx context.Context, r *gitrepo.Repo, lock *filelock.Lock, held *filelock.Lock) (unlock func(), err error) {
	if held != nil {
		return func() { held.Unlock(); lock.Unlock() }, nil
	}
	running, err := filelock.Acquire(ctx, runningPath(r))
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	return func() { running.Unlock(); lock.Unlock() }, nil
}

// HandOver takes the running mark for a run this process starts and
// hands it over (Options.Running, through the lock's File): from the
// start on, searches find the run under way. Nil when a run holds it
// already, which finds the new commits or is asked to run again.
func HandOver(r *gitrepo.Repo) *filelock.Lock {
	l, err := filelock.TryLock(runningPath(r))
	if err != nil {
		return nil
	}
	return l
}

// Running reports whether an index run is under way. A search asks it
// without ever touching the writer lock: the post-commit hook's run,
// finding that lock taken for a moment, would hand its work to a writer
// that is not there. The writer holds scry.running besides; a shared
// probe of it fails while it does, and only delays a writer that takes it
// at that instant by as long as the probe lasts.
func Running(r *gitrepo.Repo) bool {
	return filelock.Held(runningPath(r))
}

// removeKilledWrites removes the temp files of writes killed before
// their rename: of the search cache and of built-in models (megabytes
// each at a large history, beside the index in the git dir, where
// nothing else would ever remove them), and what a killed switch left
// of a rebuild. The writer lock is held: no such
// write is under way.
func removeKilledWrites(r *gitrepo.Repo) {
	atomicfile.RemoveLeftovers(cachePath(r))
	models, _ := filepath.Glob(filepath.Join(r.StateDir(), "."+modelPrefix+"*.bin.tmp-*"))
	// Named so by builds before the cache was written through atomicfile.
	old, _ := filepath.Glob(cachePath(r) + ".tmp*")
	for _, p := range append(models, old...) {
		os.Remove(p)
	}
	if !exists(asidePath(r)) {
		// A switch killed while it deleted the rebuild's files.
		store.RemoveFiles(asidePath(r))
	}
}

// markRerun asks the writer holding the lock for one more run, a full
// rebuild when full ('git scry index --background --full' while another
// run is busy lost its --full): the mark's file is appended to, never
// truncated, so a plain mark does not erase a full one.
func markRerun(r *gitrepo.Repo, full bool) error {
	f, err := os.OpenFile(rerunPath(r), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if full {
		_, err = f.WriteString("full\n")
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// takeRerun claims the marks made so far (renamed away first, so that a
// mark made meanwhile makes a file of its own for the next look) and
// says whether one asked for a full rebuild.
func takeRerun(r *gitrepo.Repo) (full bool) {
	taken := rerunPath(r) + ".taken"
	if os.Rename(rerunPath(r), taken) != nil {
		return false
	}
	data, _ := os.ReadFile(taken)
	os.Remove(taken)
	return strings.Contains(string(data), "full")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Exists reports whether the repository has a commit index.
func Exists(r *gitrepo.Repo) bool { return exists(dbPath(r)) }

// Rebuilding reports whether a rebuild made beside the index (--full) is
// under way or was stopped: searches answer from the index as it was
// until a run completes it (rebuild.go).
func Rebuilding(r *gitrepo.Repo) bool { return exists(asidePath(r)) }

func runOnce(ctx context.Context, r *gitrepo.Repo, opt Options) (*Result, error) {
	start := time.Now()
	removeKilledWrites(r)
	if rebuildsAside(ctx, r, opt.Full) {
		return rebuildAside(ctx, r, opt, start)
	}
	if opt.Full {
		// No index searches can read (none, another version's, a damaged
		// file): nothing to keep answering while it is rebuilt, so it is
		// rebuilt in place, its newest commits searchable first. A new
		// database rather than the old one emptied: a damaged file (what
		// the errors about one say to run --full for) cannot be opened to
		// be emptied.
		if err := store.RemoveFiles(dbPath(r)); err != nil {
			return nil, err
		}
	}
	fresh := !exists(dbPath(r))
	st, rebuilt, err := store.Create(ctx, dbPath(r))
	if err != nil {
		return nil, fmt.Errorf("opening the commit index: %w", err)
	}
	defer st.Close()
	if rebuilt {
		opt.Log("the index was built by another version of git scry: rebuilding it")
	}
	if fresh || rebuilt || opt.Full {
		// The search cache names the content it copies by a version
		// number that a new or emptied index counts again from the
		// start: a cache of the index before would look current (and
		// be grown instead of rebuilt), with the old model's vectors.
		if err := os.Remove(cachePath(r)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	ix := &indexer{r: r, st: st, opt: opt, res: &Result{Rebuilt: opt.Full || rebuilt}}
	defer ix.stopPretraining()
	if err := ix.run(ctx); err != nil {
		return ix.res, err
	}
	ix.res.Duration = time.Since(start)
	return ix.res, nil
}
