package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// blobless makes a repository of n commits, each changing file.txt, and
// a blobless partial clone of it (no checkout: no blob at all).
func blobless(t *testing.T, n int) (origin, clone *testRepo) {
	t.Helper()
	origin = newTestRepo(t)
	for i := 1; i <= n; i++ {
		origin.commit(fmt.Sprintf("step %d", i))
	}
	origin.git("config", "uploadpack.allowfilter", "true")
	dir := filepath.Join(filepath.Dir(origin.dir), "clone")
	origin.git("clone", "-q", "--no-checkout", "--filter=blob:none", "file://"+origin.dir, dir)
	return origin, &testRepo{t: t, dir: dir}
}

func sqlInt(t *testing.T, tr *testRepo, query string, args ...any) int {
	t.Helper()
	st, err := store.Open(context.Background(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func sqlExec(t *testing.T, tr *testRepo, query string) {
	t.Helper()
	st, _, err := store.Create(context.Background(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB().Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// pull makes one more commit in origin and fetches it: a new pack that
// brings a commit and its trees, and no blob (the clone's filter).
func pull(origin, clone *testRepo, msg string) {
	origin.commit(msg)
	clone.git("fetch", "-q")
}

// TestPullDoesNotDiffEveryDegradedCommit pins a cost: after every pack a
// fetch added, git scry index diffed the trees of every commit indexed
// without its diff (nearly all of a blobless clone: 7.4 s at 50,000
// commits) to see whether its objects were back, which a pull's pack of
// commits and trees never brings. It looks up the new pack's objects
// among those the degraded commits lack, and diffs only the commits one
// of them completes.
func TestPullDoesNotDiffEveryDegradedCommit(t *testing.T) {
	origin, clone := blobless(t, fewCommits+6)
	res := clone.index(nil)
	if res.NoPatch != fewCommits+6 {
		t.Fatalf("first run: %+v", res)
	}
	// One row each: the object it waits for.
	if n := sqlInt(t, clone, `SELECT count(*) FROM missing`); n != fewCommits+6 {
		t.Fatalf("%d objects recorded missing, want one a degraded commit", n)
	}

	pull(origin, clone, "step after the clone")
	res = clone.index(nil)
	if res.Added != 1 || res.Restored != 0 || res.Checked != 0 || res.PackObjects == 0 {
		t.Fatalf("run after a pull: %+v; want the new commit, the new pack's objects looked up, no commit diffed", res)
	}

	// Both sides of one historical commit's change, fetched lazily: that
	// commit is read again, and no other.
	for _, rev := range []string{"HEAD~4:file.txt", "HEAD~5:file.txt"} {
		clone.git("cat-file", "-p", rev)
	}
	hash := clone.git("rev-parse", "HEAD~4")
	res = clone.index(nil)
	if res.Restored != 1 || res.Added != 0 || res.Checked > 2 {
		t.Fatalf("run after a lazy fetch: %+v; want the commit read again (not added: it is no new commit), at most it and its child diffed", res)
	}
	if n := sqlInt(t, clone, `SELECT flags FROM commits WHERE hash = ?`, hash); n != 0 {
		t.Fatalf("the commit whose blobs came has flags %d", n)
	}
	if n := sqlInt(t, clone, `SELECT count(*) FROM commits WHERE flags != 0`); n != fewCommits+6 {
		t.Fatalf("%d degraded commits, want %d (one read again, one pulled)", n, fewCommits+6)
	}
	if res := clone.index(nil); !res.UpToDate || res.Checked != 0 {
		t.Fatalf("idle run: %+v", res)
	}
}

// TestPrunedDegradedCommitsLeaveNoRows: what a degraded commit lacked is
// deleted with it, by pruning as by reading it again.
func TestPrunedDegradedCommitsLeaveNoRows(t *testing.T) {
	_, clone := blobless(t, fewCommits+6)
	clone.index(nil)
	back := clone.git("rev-parse", "HEAD~3")
	for _, ref := range []string{"refs/heads/main", "refs/remotes/origin/main"} {
		clone.git("update-ref", ref, back)
	}
	if res := clone.index(nil); res.Pruned != 3 {
		t.Fatalf("prune: %+v", res)
	}
	if n := sqlInt(t, clone, `SELECT count(*) FROM missing WHERE commit_id NOT IN (SELECT id FROM commits)`); n != 0 {
		t.Fatalf("%d rows of pruned commits", n)
	}
	if n := sqlInt(t, clone, `SELECT count(*) FROM missing`); n != fewCommits+3 {
		t.Fatalf("%d rows, want %d", n, fewCommits+3)
	}
}

// TestIndexWithoutRecordedObjects: an index of schema 9 from before the
// missing table (or whose degraded commits an older git scry indexed)
// gets the table, and its degraded commits are diffed the old way once,
// on the first run after the packs changed, which records what they lack:
// the next pull diffs none.
func TestIndexWithoutRecordedObjects(t *testing.T) {
	origin, clone := blobless(t, fewCommits+6)
	clone.index(nil)
	sqlExec(t, clone, `DROP TABLE missing`)
	if res := clone.index(nil); !res.UpToDate || res.Checked != 0 {
		t.Fatalf("run with the packs unchanged: %+v", res)
	}

	pull(origin, clone, "first pull")
	res := clone.index(nil)
	if res.Added != 1 || res.Checked != fewCommits+6 || res.Restored != 0 {
		t.Fatalf("first pull: %+v; want every degraded commit diffed once", res)
	}
	if n := sqlInt(t, clone, `SELECT count(*) FROM missing`); n != fewCommits+7 {
		t.Fatalf("%d rows recorded, want one a degraded commit", n)
	}
	pull(origin, clone, "second pull")
	if res := clone.index(nil); res.Added != 1 || res.Checked != 0 {
		t.Fatalf("second pull: %+v", res)
	}
	// A lazy fetch completes a commit of the index from before.
	for _, rev := range []string{"HEAD~9:file.txt", "HEAD~10:file.txt"} {
		clone.git("cat-file", "-p", rev)
	}
	hash := clone.git("rev-parse", "HEAD~9")
	if res := clone.index(nil); res.Restored != 1 {
		t.Fatalf("after a lazy fetch: %+v", res)
	}
	if n := sqlInt(t, clone, `SELECT flags FROM commits WHERE hash = ?`, hash); n != 0 {
		t.Fatalf("the commit whose blobs came has flags %d", n)
	}
}
