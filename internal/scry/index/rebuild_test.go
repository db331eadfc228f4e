package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// pausingEmbedders runs during a function while the index trains its
// built-in model: a point in the middle of a rebuild, after its commits
// were read (or while they are: a new index trains meanwhile), before it
// is complete.
type pausingEmbedders struct {
	*fakeEmbedders
	mu     sync.Mutex
	during func()
}

func (e *pausingEmbedders) Train(ctx context.Context, r *gitrepo.Repo, msgs []string) (embed.Embedder, []byte, error) {
	e.mu.Lock()
	if f := e.during; f != nil {
		e.during = nil
		f()
	}
	e.mu.Unlock()
	return e.fakeEmbedders.Train(ctx, r, msgs)
}

// hits counts the commits a lexical search for word finds in the index
// searches read.
func hits(t *testing.T, r *gitrepo.Repo, word string) (int, error) {
	st, err := store.Open(context.Background(), DBPath(r))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	var n int
	err = st.DB().QueryRow(`SELECT count(*) FROM fts WHERE fts MATCH ?`, `"`+text.Terms(word)[0]+`"`).Scan(&n)
	return n, err
}

// stateFiles lists the repository's index directory.
func stateFiles(r *gitrepo.Repo) []string {
	ents, _ := os.ReadDir(r.StateDir())
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func rebuildRepo(t *testing.T) *testRepo {
	tr := newTestRepo(t)
	for i := range 6 {
		tr.commit(fmt.Sprintf("commit %d about gears", i))
	}
	tr.index(&fakeEmbedders{})
	for i := range 3 {
		tr.commit(fmt.Sprintf("later commit %d about sprockets", i))
	}
	return tr
}

// checkRebuilt: the index holds every commit, the rebuild's files are
// gone, one model file is left, and the search cache is the new index's.
func checkRebuilt(t *testing.T, r *gitrepo.Repo) {
	t.Helper()
	if n, err := hits(t, r, "sprockets"); err != nil || n != 3 {
		t.Fatalf("after the rebuild: %d hits for the new commits, %v", n, err)
	}
	var models int
	for _, f := range stateFiles(r) {
		if strings.HasPrefix(f, "scry-rebuild") || strings.Contains(f, ".tmp") {
			t.Errorf("left in the state directory: %s", f)
		}
		if strings.HasPrefix(f, modelPrefix) {
			models++
		}
	}
	if models != 1 {
		t.Errorf("%d model files: %v", models, stateFiles(r))
	}
	ctx := context.Background()
	st, err := store.Open(ctx, DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.CountCommits(ctx); err != nil || n != 9 {
		t.Fatalf("after the rebuild the index holds %d commits, %v; want 9", n, err)
	}
	vs, _ := st.VectorSpace(ctx)
	version, _ := st.CacheVersion(ctx)
	c, err := store.OpenCache(cachePath(r), vs, version)
	if err != nil || c.Rows != 9 {
		t.Fatalf("search cache after the rebuild: %v (%v)", err, c)
	}
}

// 'git scry index --full' deleted the index first: every search during
// the rebuild said there was no index. Searches now answer from the old
// index until the rebuild is complete, then from the new one.
func TestFullRebuildKeepsOldIndexForSearches(t *testing.T) {
	tr := rebuildRepo(t)
	r := tr.repo()
	var paused bool
	e := &pausingEmbedders{fakeEmbedders: &fakeEmbedders{}, during: func() {
		paused = true
		if n, err := hits(t, r, "gears"); err != nil || n != 6 {
			t.Errorf("during the rebuild a search finds %d of the 6 indexed commits (%v)", n, err)
		}
		if n, err := hits(t, r, "sprockets"); err != nil || n != 0 {
			t.Errorf("during the rebuild a search finds %d of the rebuild's commits (%v); want the old index alone", n, err)
		}
	}}
	res, err := Run(context.Background(), r, Options{Full: true, Embedders: e, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !paused {
		t.Fatal("the rebuild trained no model: the test paused nowhere")
	}
	if res.Added != 9 || res.Total != 9 || res.UpToDate {
		t.Fatalf("rebuild: %+v", res)
	}
	checkRebuilt(t, r)
}

// A rebuild killed part way (here: its context cancelled, as Ctrl-C
// does; the testscript full_rebuild_killed kills one with SIGKILL) left no
// index until a later run finished it. The old index answers, and the
// next run, --full or not, completes the rebuild and switches.
func TestKilledFullRebuildKeepsOldIndex(t *testing.T) {
	for _, again := range []bool{false, true} {
		t.Run(fmt.Sprintf("next run full %v", again), func(t *testing.T) {
			tr := rebuildRepo(t)
			r := tr.repo()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			e := &pausingEmbedders{fakeEmbedders: &fakeEmbedders{}, during: cancel}
			if _, err := Run(ctx, r, Options{Full: true, Embedders: e, BatchSize: 2}); err == nil {
				t.Fatal("the interrupted rebuild succeeded")
			}
			if n, err := hits(t, r, "gears"); err != nil || n != 6 {
				t.Fatalf("after the killed rebuild a search finds %d of the 6 indexed commits (%v)", n, err)
			}
			if n, _ := hits(t, r, "sprockets"); n != 0 {
				t.Fatalf("after the killed rebuild a search finds %d of its commits: a mixed index", n)
			}
			if !slices.Contains(stateFiles(r), "scry-rebuild.db") {
				t.Fatalf("the killed rebuild left nothing to resume: %v", stateFiles(r))
			}
			var logged []string
			res, err := Run(context.Background(), r, Options{Full: again, Embedders: &fakeEmbedders{}, Log: func(f string, a ...any) {
				logged = append(logged, fmt.Sprintf(f, a...))
			}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 9 || res.UpToDate {
				t.Fatalf("resumed rebuild: %+v", res)
			}
			if !again && !slices.ContainsFunc(logged, func(s string) bool { return strings.HasPrefix(s, "resuming the rebuild") }) {
				t.Errorf("the resumed rebuild said nothing of it: %q", logged)
			}
			checkRebuilt(t, r)
			if res := tr.index(&fakeEmbedders{}); !res.UpToDate || res.Total != 9 {
				t.Fatalf("the run after the rebuild: %+v", res)
			}
		})
	}
}

// The rebuild holds the writer lock until it has switched: another run
// waits, or with Coalesce hands its work over, as with any run.
func TestFullRebuildHoldsTheWriterLock(t *testing.T) {
	tr := rebuildRepo(t)
	r := tr.repo()
	ctx := context.Background()
	e := &pausingEmbedders{fakeEmbedders: &fakeEmbedders{}, during: func() {
		if l, err := filelock.TryLock(lockPath(r)); !errors.Is(err, filelock.ErrBusy) {
			if err == nil {
				l.Unlock()
			}
			t.Errorf("the writer lock is free during the rebuild (%v)", err)
		}
		res, err := Run(ctx, r, Options{Coalesce: true, Embedders: &fakeEmbedders{}})
		if err != nil || !res.Deferred {
			t.Errorf("a coalescing run during the rebuild: %+v, %v; want it deferred", res, err)
		}
	}}
	if _, err := Run(ctx, r, Options{Full: true, Embedders: e}); err != nil {
		t.Fatal(err)
	}
	checkRebuilt(t, r)
}

// commitIDs are the index's commits and their ids.
func commitIDs(t *testing.T, r *gitrepo.Repo) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := st.CommitIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The commit ids of a rebuild follow the old index's: a search that read
// ids of the old index (its search cache, a query just before the switch)
// cannot find another commit under one of them in the new index.
func TestFullRebuildGivesNewCommitIDs(t *testing.T) {
	tr := rebuildRepo(t)
	r := tr.repo()
	ctx := context.Background()
	ids := func() map[string]int64 { return commitIDs(t, r) }
	old := ids()
	if _, err := Run(ctx, r, Options{Full: true, Embedders: &fakeEmbedders{}}); err != nil {
		t.Fatal(err)
	}
	var last int64
	for _, id := range old {
		last = max(last, id)
	}
	for h, id := range ids() {
		if id <= last {
			t.Errorf("commit %s has id %d, which the old index gave (up to %d)", h[:8], id, last)
		}
	}
}

// Every --full numbered the rebuild's commits after the old index's, so
// ids grew by the history's size with each one, and the search cache's
// per-id arrays with them; they start from 1 again once the old index's
// ids are all far enough above what the rebuild gives.
func TestFullRebuildsKeepCommitIDsBounded(t *testing.T) {
	tr := rebuildRepo(t)
	r := tr.repo()
	ctx := context.Background()
	ids := func() (lo, hi int64, n int) {
		m := commitIDs(t, r)
		lo = -1
		for _, id := range m {
			if lo < 0 || id < lo {
				lo = id
			}
			hi = max(hi, id)
		}
		return lo, hi, len(m)
	}
	if _, err := Run(ctx, r, Options{Embedders: &fakeEmbedders{}}); err != nil {
		t.Fatal(err)
	}
	_, _, n := ids()
	wrapped := false
	for i := range 12 {
		prevLo, prevHi, _ := ids()
		if _, err := Run(ctx, r, Options{Full: true, Embedders: &fakeEmbedders{}}); err != nil {
			t.Fatal(err)
		}
		lo, hi, m := ids()
		if m != n {
			t.Fatalf("rebuild %d: %d commits, want %d", i, m, n)
		}
		if lo <= prevHi && hi >= prevLo {
			t.Fatalf("rebuild %d: ids %d..%d overlap the old index's %d..%d", i, lo, hi, prevLo, prevHi)
		}
		if hi > int64(3*n+64+n) {
			t.Fatalf("rebuild %d: ids up to %d for %d commits: they grow with every --full", i, hi, n)
		}
		wrapped = wrapped || lo == 1
	}
	if !wrapped {
		t.Fatal("the ids never started from 1 again")
	}
}
