package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

type indexer struct {
	r   *gitrepo.Repo
	st  *store.Store
	opt Options
	res *Result

	paths   map[string]int64
	partial bool
	pre     *pretraining // the new index's model, training meanwhile
	// unpruned: the history could not be walked whole (a damaged
	// repository), so what it no longer reaches is not known; pruning
	// waits for a run that can.
	unpruned bool
	// packs: the object store's packs when the run began (packNames,
	// and their signature); the commits it degrades were read with
	// those objects (restored).
	packs     string
	packNames []string
	looked    string // the packs meta value: the packs looked at last
	// aside: st is a rebuild beside the index searches read (rebuild.go),
	// which keeps its search cache and model file until the switch.
	aside bool
	// written counts the commits this run wrote, those read again
	// included; Result.Added counts only the ones new to the index.
	written int
	// stamps: the merge whose message each commit this run writes is
	// given (merged.go); rescan: a merge that gave its message to
	// indexed commits is gone, so every merge is looked at again.
	stamps map[string]*mergeStamp
	rescan bool
}

func (ix *indexer) run(ctx context.Context) error {
	tips, err := ix.r.HistoryTips(ctx)
	if err != nil {
		return err
	}
	old, err := ix.st.Tips(ctx)
	if err != nil {
		return err
	}
	// Deepening a shallow clone changes the history without moving a ref.
	shallow := ix.r.ShallowSignature()
	ix.res.Shallow = shallow != ""
	oldShallow, err := ix.st.Meta(ctx, "shallow_signature")
	if err != nil {
		return err
	}
	// So does a graft file written or edited (info/grafts).
	grafts := ix.r.Grafts()
	oldGrafts, err := ix.st.Meta(ctx, "grafts")
	if err != nil {
		return err
	}
	pending, err := ix.st.Meta(ctx, "prune_pending")
	if err != nil {
		return err
	}
	back, err := ix.restored(ctx, tips)
	if err != nil {
		return err
	}
	changed := !maps.Equal(tips, old) || shallow != oldShallow || grafts != oldGrafts || pending != "" || len(back) > 0
	var before int64
	if changed {
		// Commits read again (restored, a deepened clone's former
		// boundary, a replaced commit) are removed and written anew: new
		// commits are what the index gained, besides what was pruned.
		if before, err = ix.st.CountCommits(ctx); err != nil {
			return err
		}
		kept, lost, err := ix.existing(ctx, old)
		if err != nil {
			return err
		}
		replaced := replacedCommits(old, tips)
		for _, c := range graftedCommits(oldGrafts, grafts) {
			if !slices.Contains(replaced, c) {
				replaced = append(replaced, c)
			}
		}
		// A graft, removed or giving a commit fewer parents (git
		// replace --graft MIDDLE cuts the history behind it off), takes
		// history away without moving a tip that reached it: what is
		// gone is found from every tip.
		lost = lost || pending != "" || grafts != oldGrafts || len(replaced) > 0
		from := kept
		if shallow != oldShallow || pending != "" || len(replaced) > 0 {
			// The new history lies behind the old tips: a deepened
			// shallow clone, one that a missing commit hid, or one
			// that a replaced commit (git replace --graft) leads to.
			from = nil
		}
		if err := ix.replaced(ctx, replaced); err != nil {
			return err
		}
		if shallow != oldShallow {
			if err := ix.deepened(ctx); err != nil {
				return err
			}
		}
		walk, ok, err := ix.fastForward(ctx, tips, old)
		if err != nil {
			return err
		}
		if !ok || lost || from == nil {
			if walk, err = ix.r.RevWalk(ctx, tipValues(tips), from); err != nil {
				return err
			}
			if len(walk.Missing) > 0 {
				ix.res.Unreadable += len(walk.Missing)
				ix.unpruned = true
			}
			if err := ix.prune(ctx, tips, old, kept, lost, walk); err != nil {
				return err
			}
		}
		// A replaced commit's children are diffed against what git
		// reads at it now (git replace C R with R's other tree).
		if err := ix.replaced(ctx, childrenOf(walk.Parents, replaced)); err != nil {
			return err
		}
		ix.partial = ix.r.IsPartialClone(ctx)
		ix.res.Partial = ix.partial
		if pending != "" && !ix.unpruned {
			if err := ix.repaired(ctx); err != nil {
				return err
			}
		}
		todo, err := ix.newCommits(ctx, walk.Commits)
		if err != nil {
			return err
		}
		if back, err = ix.reread(ctx, back); err != nil {
			return err
		}
		todo = withRestored(todo, back)
		// A full walk (a first run, one after a rewrite) found every
		// merge; a damaged history's walk did not.
		merges, all := walk.Merges, from == nil && !ix.unpruned
		var graph map[string][]string
		if all {
			graph = walk.Parents
		}
		if ix.rescan && !all && !ix.unpruned {
			whole, err := ix.r.RevWalk(ctx, tipValues(tips), nil)
			if err != nil {
				return err
			}
			if len(whole.Missing) == 0 {
				merges, all, graph = whole.Merges, true, whole.Parents
			} else {
				// A damaged history: the gone merge's text stays
				// until a run can walk it whole (prune_pending), as
				// what the history no longer reaches does.
				ix.res.Unreadable += len(whole.Missing)
				ix.unpruned = true
			}
		}
		again, err := ix.merged(ctx, merges, all, graph)
		if err != nil {
			return err
		}
		todo = withRestored(todo, again)
		ix.prefetch(ctx, todo)
		start := time.Now()
		if err := ix.indexCommits(ctx, todo); err != nil {
			return err
		}
		ix.res.IndexTime = time.Since(start)
		if err := ix.sessions(ctx, tips); err != nil {
			return err
		}
	}
	total, err := ix.st.CountCommits(ctx)
	if err != nil {
		return err
	}
	ix.res.Total = total
	if changed {
		ix.res.Added = max(0, int(total-before)+ix.res.Pruned)
	}
	writeDocs, err := ix.documents(ctx, total)
	if err != nil {
		return err
	}
	embedded, err := ix.embed(ctx, total, changed)
	if writeDocs != nil {
		// Waited for even when embedding failed: it reads the repository.
		if werr := writeDocs(); err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	// The searches' mapped copy of the vectors and lengths; rewritten only
	// when it is not current (which also repairs a run killed before it).
	// A rebuild's is written once it is the index.
	if !ix.aside {
		ix.writeCache(ctx)
	}
	if !changed && !embedded {
		ix.res.UpToDate = true
		return nil
	}
	b, err := ix.st.Begin(ctx, ix.paths)
	if err != nil {
		return err
	}
	if err := b.SetTips(tips); err != nil {
		b.Rollback()
		return err
	}
	for k, v := range map[string]string{
		"commits":           strconv.FormatInt(total, 10),
		"indexed":           strconv.FormatInt(time.Now().Unix(), 10),
		"shallow":           strconv.FormatBool(ix.res.Shallow),
		"partial":           strconv.FormatBool(ix.res.Partial),
		"head":              tips["HEAD"],
		"shallow_signature": shallow,
		"grafts":            grafts,
		"shallow_commits":   strings.Join(ix.r.ShallowCommits(), " "),
		"prune_pending":     map[bool]string{true: "1"}[ix.unpruned],
		"pack_signature":    ix.packs,
		"packs":             strings.Join(ix.packNames, " "),
	} {
		if err := b.SetMeta(k, v); err != nil {
			b.Rollback()
			return err
		}
	}
	if err := b.Commit(); err != nil {
		return err
	}
	ix.res.Unpruned = ix.unpruned
	if ix.written+ix.res.Pruned+ix.res.Embedded > 0 {
		return ix.st.Checkpoint(ctx)
	}
	return nil
}

// prefetch lets the embedder source gather what training learns from
// besides the history while the commits are indexed, when a training is
// coming: no built-in model yet, or the history will have outgrown it.
// A new index also trains meanwhile (pretrain).
func (ix *indexer) prefetch(ctx context.Context, todo []string) {
	p, ok := ix.opt.Embedders.(Prefetcher)
	if !ok || len(todo) == 0 {
		return
	}
	m, err := ix.st.Model(ctx)
	if err != nil {
		return
	}
	total, err := ix.st.CountCommits(ctx)
	if err != nil {
		return
	}
	if m != nil && !needsRetrain(total+int64(len(todo)), m.Commits) {
		return
	}
	if p.Prefetch(ctx, ix.r) && m == nil && total == 0 {
		ix.pretrain(ctx, todo)
	}
}

// fastForwardLimit bounds the fast path's walk: past it, one rev-list of
// the whole difference is cheaper than walking commit by commit.
const fastForwardLimit = 64

// fastForward handles the post-commit hook's usual case without a
// history walk: every ref that moved went forward along first parents,
// without merges, by a few commits, to its old commit, and none went away.
// Then the commits passed on the way are the new ones and nothing needs
// pruning. ok is false otherwise.
func (ix *indexer) fastForward(ctx context.Context, tips, old map[string]string) (*gitrepo.Walk, bool, error) {
	if len(old) == 0 {
		return nil, false, nil
	}
	oldValues, current := map[string]bool{}, map[string]bool{}
	for _, h := range old {
		oldValues[h] = true
	}
	for _, h := range tips {
		current[h] = true
	}
	for ref, h := range old {
		if _, ok := tips[ref]; !ok && !current[h] {
			return nil, false, nil // a ref went away with its commit
		}
	}
	walk := &gitrepo.Walk{Boundary: map[string]bool{}}
	reachedFrom := map[string]string{} // new tip → the old tip its chain met
	seen := map[string]bool{}
	for ref, h := range tips {
		ov, existed := old[ref]
		if existed && ov == h {
			continue
		}
		if !oldValues[h] {
			if _, done := reachedFrom[h]; !done {
				chain, err := ix.r.FirstParents(ctx, h, fastForwardLimit)
				if err != nil {
					return nil, false, nil
				}
				for _, c := range chain {
					if oldValues[c[0]] {
						reachedFrom[h] = c[0]
						break
					}
					if len(c) != 2 {
						return nil, false, nil // a merge, or a root: walk properly
					}
					if !seen[c[0]] {
						seen[c[0]] = true
						walk.Commits = append(walk.Commits, c[0])
					}
				}
				if _, ok := reachedFrom[h]; !ok {
					return nil, false, nil
				}
			}
		}
		// The ref's old commit must still be reachable: a tip, or what
		// the new one was built on.
		if existed && !current[ov] && reachedFrom[h] != ov {
			return nil, false, nil
		}
	}
	return walk, true, nil
}

func tipValues(tips map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, h := range tips {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}

// existing keeps the old tips whose commits are still in the object
// store; gone reports whether some were not (garbage-collected after a
// rewrite).
func (ix *indexer) existing(ctx context.Context, old map[string]string) (kept []string, gone bool, err error) {
	vals := tipValues(old)
	if len(vals) == 0 {
		return nil, false, nil
	}
	missing, err := ix.r.MissingObjects(ctx, vals)
	if err != nil {
		return nil, false, err
	}
	for _, h := range vals {
		if !missing[h] {
			kept = append(kept, h)
		}
	}
	return kept, len(missing) > 0, nil
}

// prune removes indexed commits that are no longer reachable from any
// ref: an amend, a rebase, a force-push or a deleted branch left them
// behind. The commits the old tips reached and the new ones do not are
// exactly those; an old tip that is still a tip, or a parent of a new
// commit (the walk's boundary: a commit on top of it), lost nothing, which
// spares the post-commit hook's run any work here. When an old tip is gone
// from the object store (or no run ever completed) the whole index is
// checked against the history.
func (ix *indexer) prune(ctx context.Context, tips, old map[string]string, kept []string, lost bool, walk *gitrepo.Walk) error {
	n, err := ix.st.CountCommits(ctx)
	if err != nil || n == 0 || ix.unpruned {
		return err
	}
	var gone []string
	if len(old) == 0 || lost {
		// Whether a merge that gave its message went with the rest is
		// not known: every merge is looked at again, if any gave one.
		if ix.rescan, err = ix.st.StampedBy(ctx, nil); err != nil {
			return err
		}
		reach, err := ix.r.NonMergeCommits(ctx, tipValues(tips), nil)
		if err != nil {
			return ix.damaged(err)
		}
		reachable := map[string]bool{}
		for _, h := range reach {
			reachable[h] = true
		}
		all, err := ix.st.CommitIDs(ctx)
		if err != nil {
			return err
		}
		for h := range all {
			if !reachable[h] {
				gone = append(gone, h)
			}
		}
	} else {
		current := map[string]bool{}
		for _, h := range tips {
			current[h] = true
		}
		var suspect []string
		for _, h := range kept {
			if !current[h] && !walk.Boundary[h] {
				suspect = append(suspect, h)
			}
		}
		if len(suspect) == 0 {
			return nil
		}
		if gone, err = ix.r.NonMergeCommits(ctx, suspect, tipValues(tips)); err != nil {
			return ix.damaged(err)
		}
		// A merge rewritten away (a reset, a force-push) leaves its
		// commits, still on their branch, with its message: they are
		// given the best merge that remains, found among them all. No
		// git process when no commit has a merge's text (an amend's
		// post-commit run, where pull requests are not merged).
		stamped, err := ix.st.StampedBy(ctx, nil)
		if err != nil {
			return err
		}
		if stamped {
			merges, err := ix.r.Merges(ctx, suspect, tipValues(tips))
			var hashes []string // nil: any merge
			if err == nil {
				hashes = make([]string, len(merges))
				for i, m := range merges {
					hashes[i] = m[0]
				}
			} else if ctx.Err() != nil {
				return err
			}
			// Else git could not walk what the suspects reach (a
			// missing commit, which NonMergeCommits read around):
			// whether a merge that gave its message went is not
			// known, as above, and the commits that went are pruned
			// all the same.
			if ix.rescan, err = ix.st.StampedBy(ctx, hashes); err != nil {
				return err
			}
		}
	}
	if len(gone) == 0 {
		return nil
	}
	known, err := ix.st.Known(ctx, gone)
	if err != nil || len(known) == 0 {
		return err
	}
	ids := slices.Collect(maps.Values(known))
	if err := ix.deleteCommits(ctx, ids); err != nil {
		return err
	}
	ix.res.Pruned = len(ids)
	return nil
}

// deleteCommits removes commits from the index, with their files, pairs
// and vectors, in one transaction.
func (ix *indexer) deleteCommits(ctx context.Context, ids []int64) error {
	b, err := ix.st.Begin(ctx, ix.loadPaths(ctx))
	if err != nil {
		return err
	}
	if err := b.Delete(ids); err != nil {
		b.Rollback()
		return err
	}
	return b.Commit()
}

// damaged lets a run go on without pruning when the history could not be
// walked whole: the commits behind a missing one are still in the
// repository, though no walk reaches them, and pruning them would lose
// them from the index. The next run that can walk it prunes.
func (ix *indexer) damaged(err error) error {
	var de *gitrepo.HistoryDamagedError
	if !errors.As(err, &de) {
		return err
	}
	ix.unpruned = true
	return nil
}

// repaired reads again, on the first run that walks the whole history
// of a repository that was damaged, the commits that were indexed
// without their diff or files, and those that could not be read: their
// objects may be back. A partial clone's are missing on purpose.
func (ix *indexer) repaired(ctx context.Context) error {
	if err := ix.st.SetMeta(ctx, "unreadable", ""); err != nil {
		return err
	}
	if ix.partial {
		return nil
	}
	ids, err := ix.st.Degraded(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	return ix.deleteCommits(ctx, ids)
}

// deepened drops from the index the commits that were a shallow clone's
// boundary at the last run and have their parents now (git fetch
// --deepen or --unshallow): they were indexed as if they added every
// file, and are indexed again with their real diffs.
func (ix *indexer) deepened(ctx context.Context) error {
	was, err := ix.st.Meta(ctx, "shallow_commits")
	if err != nil || was == "" {
		return err
	}
	still := map[string]bool{}
	for _, h := range ix.r.ShallowCommits() {
		still[h] = true
	}
	var redo []string
	for _, h := range strings.Fields(was) {
		if !still[h] {
			redo = append(redo, h)
		}
	}
	known, err := ix.st.Known(ctx, redo)
	if err != nil || len(known) == 0 {
		return err
	}
	return ix.deleteCommits(ctx, slices.Collect(maps.Values(known)))
}

// withRestored adds to todo the restored commits a walk did not list (one
// from the old tips, which passed them).
func withRestored(todo, back []string) []string {
	if len(back) == 0 {
		return todo
	}
	listed := map[string]bool{}
	for _, h := range todo {
		listed[h] = true
	}
	for _, h := range back {
		if !listed[h] {
			todo = append(todo, h)
		}
	}
	return todo
}

func (ix *indexer) loadPaths(ctx context.Context) map[string]int64 {
	if ix.paths == nil {
		p, err := ix.st.LoadPaths(ctx)
		if err != nil {
			p = map[string]int64{}
		}
		ix.paths = p
	}
	return ix.paths
}

// newCommits keeps, of the walked commits, those not indexed yet (a run
// that was killed left some) and not known to be unreadable, newest first
// (recent history becomes searchable first).
func (ix *indexer) newCommits(ctx context.Context, list []string) ([]string, error) {
	known, err := ix.st.Known(ctx, list)
	if err != nil {
		return nil, err
	}
	skip, err := ix.unreadable(ctx)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, h := range list {
		if _, ok := known[h]; !ok && !skip[h] {
			out = append(out, h)
		}
	}
	return out, nil
}

// unreadable is the set of commits a previous run could not read at all;
// they are not retried on every run.
func (ix *indexer) unreadable(ctx context.Context) (map[string]bool, error) {
	v, err := ix.st.Meta(ctx, "unreadable")
	if err != nil || v == "" {
		return map[string]bool{}, err
	}
	var list []string
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		return map[string]bool{}, nil
	}
	m := map[string]bool{}
	for _, h := range list {
		m[h] = true
	}
	return m, nil
}

func (ix *indexer) markUnreadable(ctx context.Context, hashes []string) error {
	if len(hashes) == 0 {
		return nil
	}
	m, err := ix.unreadable(ctx)
	if err != nil {
		return err
	}
	for _, h := range hashes {
		m[h] = true
	}
	data, _ := json.Marshal(slices.Sorted(maps.Keys(m)))
	return ix.st.SetMeta(ctx, "unreadable", string(data))
}

// errStop ends a stream early without being an error.
var errStop = errors.New("stop")

func wrapGit(err error) error {
	var ge *gitrepo.Error
	if errors.As(err, &ge) {
		return fmt.Errorf("reading history: %w", err)
	}
	return err
}
