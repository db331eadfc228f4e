package index

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// restored finds the commits indexed without their diff or files whose
// objects are all here now (a partial clone fetched their blobs, a
// damaged repository got its objects back): reread takes them out of the
// index for this run to read them again whole.
//
// A degraded commit is indexed with an object it lacked (the store's
// missing table; awaited says which), and what a fetch brings (a lazy
// fetch, git fetch, git backfill) arrives in a pack, never as loose
// objects. So when the set of packs changed, the names in the new packs'
// indexes say which commits may be complete, and only those whose
// recorded object is here are diffed again, which finds them whole or
// records the next object they lack. A large partial clone's pull costs
// a read of the fetched pack's index and a lookup of its objects, not a
// tree diff of every degraded commit. A commit's own objects are loose,
// and the post-commit hook's runs do not look. Objects given back to a
// damaged repository loose (git hash-object -w, git unpack-objects) are
// noticed through the other rule: damage leaves few degraded commits,
// and while there are fewCommits or fewer, every one whose recorded
// object is here is diffed on every run; past that, a repack (git gc:
// its pack is new) or --full reads them again.
//
// A degraded commit with nothing recorded (indexed by a git scry before
// the table, or lacking an object that could not be named) is diffed the
// old way whenever the packs changed. That diff records what it lacks, so
// an index from before costs the old look once, on the first pull after
// the upgrade, and not on every pull after: leaving its commits to the
// old way until they are read again would, in a blobless clone, be
// never.
func (ix *indexer) restored(ctx context.Context, tips map[string]string) ([]string, error) {
	// Read first: a pack that comes while this run reads is looked at
	// by the next one.
	ix.packNames = ix.r.Packs()
	ix.packs = gitrepo.PackSignatureOf(ix.packNames)
	seen, err := ix.st.Meta(ctx, "pack_signature")
	if err != nil {
		return nil, err
	}
	if ix.looked, err = ix.st.Meta(ctx, "packs"); err != nil {
		return nil, err
	}
	// Up to one more than few, through a partial index of the flags: a
	// large partial clone's post-commit run would read every commit's.
	few, err := ix.st.DegradedIDs(ctx, fewCommits+1)
	if err != nil || len(few) == 0 {
		return nil, err
	}
	if ix.packs == seen && len(few) > fewCommits {
		return nil, nil
	}
	var lacking []int64
	if len(few) <= fewCommits {
		lacking = few
	} else {
		if lacking, err = ix.arrived(ctx, newPacks(ix.packNames, ix.looked), hashSize(tips)); err != nil {
			return nil, err
		}
	}
	complete, recorded, err := ix.complete(ctx, lacking)
	if err != nil {
		return nil, err
	}
	unrecorded, err := ix.st.Unrecorded(ctx)
	if err != nil {
		return nil, err
	}
	ids := maps.Clone(unrecorded)
	maps.Copy(ids, recorded)
	check := append(complete, slices.Collect(maps.Keys(unrecorded))...)
	back, lack, err := ix.whole(ctx, check)
	if err != nil {
		return nil, err
	}
	update := map[int64][]string{}
	for h, oids := range lack {
		// A recorded commit whose awaited object came but whose diff
		// still lacks others: the next one, or nothing known (the old
		// way from now on).
		if _, ok := recorded[h]; ok || oids != nil {
			update[ids[h]] = awaited(oids)
		}
	}
	if err := ix.st.SetMissing(ctx, update); err != nil {
		return nil, err
	}
	if len(back) > 0 {
		// Recorded by reread, once they are out of the index.
		return back, nil
	}
	return nil, ix.lookedAtPacks(ctx)
}

// lookedAtPacks records the packs whose objects the degraded commits were
// looked for in.
func (ix *indexer) lookedAtPacks(ctx context.Context) error {
	names := strings.Join(ix.packNames, " ")
	if names == ix.looked {
		return nil // the few looked at again on every run: no write
	}
	if err := ix.st.SetMeta(ctx, "packs", names); err != nil {
		return err
	}
	ix.looked = names
	return ix.st.SetMeta(ctx, "pack_signature", ix.packs)
}

// newPacks are the packs of now not in looked (the packs meta value);
// every one when nothing was recorded (an index from before the record).
func newPacks(now []string, looked string) []string {
	old := map[string]bool{}
	for _, p := range strings.Fields(looked) {
		old[p] = true
	}
	var out []string
	for _, p := range now {
		if !old[p] {
			out = append(out, p)
		}
	}
	return out
}

// hashSize is the length of the repository's object names in bytes, from
// its commits' (20, or 32 in a SHA-256 repository).
func hashSize(tips map[string]string) int {
	for _, h := range tips {
		return len(h) / 2
	}
	return 20
}

// lookupLimit is the most objects of new packs looked up one by one in
// the missing table; past it (a large fetch, a repack's pack of the whole
// store), the table is read through once and each name searched in the
// packs' sorted indexes instead. In a blobless clone of 50,000 commits a
// lookup cost 8 µs, a row read through 0.7 µs: even at about 4,000.
const lookupLimit = 4096

// arrived returns the ids of the commits recorded to lack an object that
// one of packs holds.
func (ix *indexer) arrived(ctx context.Context, packs []string, size int) ([]int64, error) {
	var idx []*gitrepo.PackIndex
	n := 0
	for _, p := range packs {
		pi, err := ix.r.ReadPackIndex(p, size)
		if errors.Is(err, fs.ErrNotExist) {
			continue // repacked away meanwhile: its objects are in a pack listed next time
		}
		if err != nil {
			// An index git no longer writes (version 1), or a damaged
			// one: every degraded commit is looked at.
			ix.opt.Log("looking for the objects degraded commits lack: %v", err)
			return ix.st.Degraded(ctx)
		}
		idx = append(idx, pi)
		n += pi.Len()
	}
	ix.res.PackObjects += n
	found := map[int64]bool{}
	if n <= lookupLimit {
		oids := make([][]byte, 0, n)
		for _, pi := range idx {
			for i := range pi.Len() {
				oids = append(oids, pi.At(i))
			}
		}
		var err error
		if found, err = ix.st.LackingAny(ctx, oids); err != nil {
			return nil, err
		}
	} else {
		err := ix.st.EachMissing(ctx, func(oid []byte, id int64) {
			if found[id] {
				return
			}
			for _, pi := range idx {
				if pi.Contains(oid) {
					found[id] = true
					return
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return slices.Collect(maps.Keys(found)), nil
}

// complete returns, of the commits of these ids, those that lack nothing
// they were recorded to lack, and the hash of each of the commits.
func (ix *indexer) complete(ctx context.Context, ids []int64) (out []string, hashes map[string]int64, err error) {
	lack, hashes, err := ix.st.MissingOf(ctx, ids)
	if err != nil || len(lack) == 0 {
		return nil, hashes, err
	}
	var all []string
	for _, oids := range lack {
		all = append(all, oids...)
	}
	slices.Sort(all)
	present, err := ix.r.PresentObjects(slices.Compact(all))
	if err != nil {
		// A pack index of another format, or unreadable: the tree diff
		// of each says.
		ix.opt.Log("looking for the objects degraded commits lack: %v", err)
		return slices.Collect(maps.Keys(lack)), hashes, nil
	}
next:
	for h, oids := range lack {
		for _, o := range oids {
			if !present[o] {
				continue next
			}
		}
		out = append(out, h)
	}
	return out, hashes, nil
}

// reread removes from the index the restored commits it still holds
// (after pruning: one that no ref reaches any more is not read again)
// and returns them, for this run to index.
func (ix *indexer) reread(ctx context.Context, back []string) ([]string, error) {
	if len(back) == 0 {
		return nil, nil
	}
	known, err := ix.st.Stamps(ctx, back)
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
		for h, st := range known {
			ids = append(ids, st.ID)
			again = append(again, h)
			// Its merged text came from a merge this run's walk need
			// not meet (merged.go gives the text of the merges it
			// walks): every merge is looked at again, as when one is
			// gone, or it would be written without it.
			ix.rescan = ix.rescan || st.By != ""
		}
		if err := ix.deleteCommits(ctx, ids); err != nil {
			return nil, err
		}
	}
	ix.res.Restored = len(again)
	return again, ix.lookedAtPacks(ctx)
}

// whole returns, of hashes, the commits whose trees and changed blobs are
// all present, so that reading them again gets their whole diff, and
// what each of the others lacks (nil: what could not be named). Nothing
// is fetched; the blobs of the commits found whole are read once
// (readable).
func (ix *indexer) whole(ctx context.Context, hashes []string) ([]string, map[string][]string, error) {
	lack := map[string][]string{}
	if len(hashes) == 0 {
		return nil, lack, nil
	}
	ix.res.Checked += len(hashes)
	rd := &reader{ix: ix}
	local, err := rd.localObjects(ctx, hashes)
	if err != nil {
		return nil, nil, err
	}
	roots, err := ix.r.RootTrees(ctx, hashes)
	if err != nil {
		// A commit git cannot read: its own run will say so.
		return nil, lack, ctx.Err()
	}
	var candidates []string
	for _, h := range hashes {
		t, ok := roots[h]
		if !ok {
			lack[h] = nil
			continue
		}
		if _, here := local[t]; here || emptyTrees[t] {
			candidates = append(candidates, h)
		} else {
			lack[h] = []string{t}
		}
	}
	var out []string
	blobs := map[string][]string{}
	opt := gitrepo.DiffOptions{BigFile: bigFileForGitDiff, Env: gitrepo.NoLazyFetch}
	for len(candidates) > 0 {
		done := 0
		err := ix.r.DiffCommits(ctx, candidates, opt, func(c *gitrepo.CommitDiff) error {
			done++
			if l := lacking(c.Files, local); len(l) > 0 {
				lack[c.Hash] = l
			} else {
				out = append(out, c.Hash)
				blobs[c.Hash] = blobsOf(c.Files)
			}
			return nil
		})
		var se *gitrepo.DiffStreamError
		if err == nil || !errors.As(err, &se) {
			if err == nil {
				out = ix.readable(ctx, out, blobs, lack)
			}
			return out, lack, err
		}
		// The commit git stopped on lacks a tree below its root (or is
		// looked at again by the next run that looks).
		if done < len(candidates) {
			lack[candidates[done]] = nil
		}
		candidates = candidates[min(done+1, len(candidates)):]
	}
	return ix.readable(ctx, out, blobs, lack), lack, nil
}

// readable keeps, of the commits whose objects are all here, those whose
// blobs can be read. A corrupt object (a damaged disk, a copy cut short)
// is here as much as a sound one, and a commit read again with it comes
// out degraded again, to be read again by the next run, and the next:
// deleted, indexed, embedded anew every time. Such a commit stays as it
// is, with nothing recorded for it (looked at again when the packs
// change). The blobs are read once through for all the commits (a few);
// only when that fails is each commit's read alone.
func (ix *indexer) readable(ctx context.Context, hashes []string, blobs map[string][]string, lack map[string][]string) []string {
	if len(hashes) == 0 {
		return hashes
	}
	read := func(oids []string) bool {
		missing, err := ix.r.ReadBlobs(ctx, oids, func(int, []byte) error { return nil })
		return err == nil && missing == 0
	}
	var all []string
	for _, h := range hashes {
		all = append(all, blobs[h]...)
	}
	if read(all) {
		return hashes
	}
	var out []string
	for _, h := range hashes {
		if ctx.Err() != nil {
			return out
		}
		if read(blobs[h]) {
			out = append(out, h)
		} else {
			lack[h] = nil
		}
	}
	return out
}
