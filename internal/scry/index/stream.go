package index

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// indexCommits reads the commits and writes them to the store. Three
// stages run at once: git computing the diffs, the parser turning them
// into records (terms of messages, paths and changed lines), and the
// writer's transactions; a slow stage never leaves the others idle.
func (ix *indexer) indexCommits(ctx context.Context, hashes []string) error {
	if len(hashes) == 0 {
		return nil
	}
	ix.loadPaths(ctx)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bar := newProgress(ix.opt.Progress, "indexing", len(hashes))
	defer bar.done()

	records := make(chan *store.Commit, 256)
	var werr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		werr = ix.write(ctx, records, bar)
		if werr != nil {
			cancel()
			for range records {
			}
		}
	}()
	an := text.NewAnalyzer()
	rd := &reader{ix: ix, out: records, diff: newDiffTerms(an), an: an, gen: newLinguistGenerated(ctx, ix.r)}
	defer rd.gen.close()
	rerr := rd.read(ctx, hashes)
	if rd.gen.err != nil {
		ix.res.AttrWarning = rd.gen.err.Error()
	}
	close(records)
	wg.Wait()
	if werr != nil {
		return werr
	}
	if rerr != nil {
		if ctx.Err() != nil && !errors.Is(rerr, context.Canceled) {
			return ctx.Err()
		}
		return wrapGit(rerr)
	}
	return ix.markUnreadable(context.WithoutCancel(ctx), rd.unreadable)
}

// write is the writer stage: batches of BatchSize commits, each one
// transaction, so a run killed at any moment keeps every finished batch.
func (ix *indexer) write(ctx context.Context, records <-chan *store.Commit, bar *progress) error {
	var b *store.Batch
	n := 0
	for rec := range records {
		if b == nil {
			var err error
			if b, err = ix.st.Begin(ctx, ix.paths); err != nil {
				return err
			}
		}
		if _, err := b.Add(rec); err != nil {
			b.Rollback()
			return err
		}
		n++
		ix.written++
		bar.add(1)
		if n == ix.opt.BatchSize {
			if err := b.Commit(); err != nil {
				return err
			}
			b, n = nil, 0
		}
	}
	if b != nil {
		if ctx.Err() != nil {
			b.Rollback()
			return ctx.Err()
		}
		return b.Commit()
	}
	return nil
}

// reader is the parser stage.
type reader struct {
	ix         *indexer
	out        chan<- *store.Commit
	diff       *diffTerms
	an         *text.Analyzer
	gen        *linguistGenerated
	unreadable []string
}

func (rd *reader) send(ctx context.Context, rec *store.Commit) error {
	select {
	case rd.out <- rec:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (rd *reader) read(ctx context.Context, hashes []string) error {
	if !rd.ix.partial {
		return rd.stream(ctx, hashes, true)
	}
	// A partial clone lacks most blobs on purpose, and git would fetch
	// each one it needs from the promisor remote. Only commits whose
	// changed blobs are all here get their patch read; the others are
	// indexed from their trees alone (paths and statuses, no line counts).
	local, err := rd.localObjects(ctx, hashes)
	if err != nil {
		return err
	}
	if hashes, err = rd.treeless(ctx, hashes, local); err != nil {
		return err
	}
	var patchable []string
	err = rd.streamFn(ctx, hashes, false, func(c *gitrepo.CommitDiff) error {
		lack := lacking(c.Files, local)
		if len(lack) == 0 {
			patchable = append(patchable, c.Hash)
			return nil
		}
		rd.ix.res.NoPatch++
		rec := rd.record(c, store.FlagNoPatch)
		rec.Missing = awaited(lack)
		return rd.send(ctx, rec)
	})
	if err != nil {
		return err
	}
	return rd.stream(ctx, patchable, true)
}

// fewCommits is the most commits whose objects are listed from their
// trees (LocalObjectsOf) rather than from the whole object store: a
// commit's trees cost what its files do, the store what the history does.
const fewCommits = 64

// localObjects lists the present trees and blobs that the commits'
// diffs need.
func (rd *reader) localObjects(ctx context.Context, hashes []string) (map[string]struct{}, error) {
	if len(hashes) <= fewCommits {
		if local, err := rd.ix.r.LocalObjectsOf(ctx, hashes); err == nil {
			return local, nil
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A commit or parent git cannot read (a damaged repository): the
		// whole store is listed instead, which needs no walk.
	}
	return rd.ix.r.LocalObjects(ctx)
}

// treeless indexes from their messages alone the commits whose tree is
// not here (a treeless clone, --filter=tree:0, lacks nearly every tree)
// and returns the others. Reading their files would fail commit by
// commit, a few git processes each: minutes for a few thousand.
func (rd *reader) treeless(ctx context.Context, hashes []string, local map[string]struct{}) ([]string, error) {
	roots, err := rd.ix.r.RootTrees(ctx, hashes)
	if err != nil {
		return hashes, nil // each is tried, and degraded, as it comes
	}
	var bare, rest []string
	for _, h := range hashes {
		if t, ok := roots[h]; ok && !emptyTrees[t] {
			if _, here := local[t]; !here {
				bare = append(bare, h)
				continue
			}
		}
		rest = append(rest, h)
	}
	done := 0
	err = rd.ix.r.CommitsOf(ctx, bare, func(c *gitrepo.Commit) error {
		done++
		rd.ix.res.NoFiles++
		rec := rd.record(&gitrepo.CommitDiff{Commit: *c}, store.FlagNoPatch|store.FlagNoFiles)
		// Its parents' trees may be missing too: when its own comes, the
		// look for restored objects diffs it and records what else lacks.
		rec.Missing = []string{roots[c.Hash]}
		return rd.send(ctx, rec)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for _, h := range bare[done:] {
			if err := rd.degraded(ctx, h, false); err != nil {
				return nil, err
			}
		}
	}
	return rest, nil
}

// emptyTrees are the tree of no files (SHA-1, SHA-256), which git knows
// without an object.
var emptyTrees = map[string]bool{
	"4b825dc642cb6eb9a060e54bf8d69288fbee4904":                         true,
	"6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321": true,
}

// lacking lists the blobs of the files' both sides that local lacks.
func lacking(files []gitrepo.FileChange, local map[string]struct{}) []string {
	var out []string
	for _, oid := range blobsOf(files) {
		if _, ok := local[oid]; !ok {
			out = append(out, oid)
		}
	}
	return out
}

// blobsOf lists the blobs of the files' both sides, each once: the old
// sides first (see awaited).
func blobsOf(files []gitrepo.FileChange) []string {
	var out []string
	seen := map[string]bool{}
	for _, old := range []bool{true, false} {
		for _, f := range files {
			oid, mode := f.NewBlob, f.NewMode
			if old {
				oid, mode = f.OldBlob, f.OldMode
			}
			// No blob: the null id (40 zeros, or 64 in a SHA-256
			// repository), or a submodule's commit.
			if gitrepo.IsZeroID(oid) || mode == "160000" || seen[oid] {
				continue
			}
			seen[oid] = true
			out = append(out, oid)
		}
	}
	return out
}

// awaited is what the index records of the objects a degraded commit
// lacks (the store's missing table): one of them. The commit cannot be
// whole before it comes; when a pack brings it, the commit is diffed
// again (restored.go), which names the next one if it still lacks some.
// One rather than all: a blobless clone's commits lack 13 blobs each on
// average, which at 50,000 commits made the table 637,000 rows and the
// index 1.7 times its size. The first listed is an old side (a file as
// it was before the commit) where one is missing: a checkout or a lazy
// fetch brings HEAD's files, which are new sides, and rarely the old.
func awaited(lack []string) []string {
	if len(lack) == 0 {
		return nil
	}
	return lack[:1]
}

// stream reads hashes with their patch (or only their trees) and sends a
// record for each.
func (rd *reader) stream(ctx context.Context, hashes []string, patch bool) error {
	return rd.streamFn(ctx, hashes, patch, func(c *gitrepo.CommitDiff) error {
		flags := 0
		if !patch {
			flags = store.FlagNoPatch
		}
		return rd.send(ctx, rd.record(c, flags))
	})
}

// streamFn runs one git stream over hashes and, when git stops on a commit
// it cannot read (a missing object in a damaged repository or a clone
// with objects left out), indexes that commit with what can be read of it
// and goes on with the next: missing objects never abort a run.
func (rd *reader) streamFn(ctx context.Context, hashes []string, patch bool, fn func(*gitrepo.CommitDiff) error) error {
	for len(hashes) > 0 {
		done := 0
		rd.diff.reset()
		opt := gitrepo.DiffOptions{Patch: patch, BigFile: bigFileForGitDiff, Env: gitrepo.NoLazyFetch}
		if patch {
			opt.OnLine, opt.SkipLines = rd.diff.line, rd.skipFile
		}
		err := rd.ix.r.DiffCommits(ctx, hashes, opt, func(c *gitrepo.CommitDiff) error {
			done++
			return fn(c)
		})
		var se *gitrepo.DiffStreamError
		if !errors.As(err, &se) {
			return err
		}
		if done >= len(hashes) {
			return nil
		}
		// The commit git stopped on may be whole: git can die on the
		// next one before this one's record was known to be complete.
		// Alone, it is read in full or fails by itself.
		rd.diff.reset()
		var got *gitrepo.CommitDiff
		err = rd.ix.r.DiffCommits(ctx, hashes[done:done+1], opt, func(c *gitrepo.CommitDiff) error { got = c; return nil })
		if err == nil && got != nil {
			if err := fn(got); err != nil {
				return err
			}
		} else if ctx.Err() != nil {
			return ctx.Err()
		} else if err := rd.degraded(ctx, hashes[done], patch); err != nil {
			return err
		}
		hashes = hashes[done+1:]
	}
	return nil
}

// degraded indexes a commit git could not fully read: without its patch
// if its trees are there, else from its message alone, else not at all.
func (rd *reader) degraded(ctx context.Context, hash string, patchWanted bool) error {
	rd.diff.reset()
	if patchWanted {
		var got *gitrepo.CommitDiff
		err := rd.ix.r.DiffCommits(ctx, []string{hash}, gitrepo.DiffOptions{Env: gitrepo.NoLazyFetch},
			func(c *gitrepo.CommitDiff) error { got = c; return nil })
		if err == nil && got != nil {
			rd.ix.res.NoPatch++
			rec := rd.record(got, store.FlagNoPatch)
			rec.Missing = awaited(rd.ix.absent(blobsOf(got.Files)))
			return rd.send(ctx, rec)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	cs, err := rd.ix.r.Log(ctx, "--no-walk", hash)
	if err != nil || len(cs) == 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rd.ix.res.Unreadable++
		rd.unreadable = append(rd.unreadable, hash)
		return nil
	}
	rd.ix.res.NoFiles++
	rec := rd.record(&gitrepo.CommitDiff{Commit: cs[0]}, store.FlagNoPatch|store.FlagNoFiles)
	if roots, err := rd.ix.r.RootTrees(ctx, []string{hash}); err == nil {
		// Its own tree, when that is what is missing; a tree deeper
		// down is not named, and the commit is looked at the old way.
		rec.Missing = rd.ix.absent([]string{roots[hash]})
	}
	return rd.send(ctx, rec)
}

// absent returns those of oids the repository lacks; nil when git cannot
// say.
func (ix *indexer) absent(oids []string) []string {
	if len(oids) == 0 || oids[0] == "" {
		return nil
	}
	present, err := ix.r.PresentObjects(oids)
	if err != nil {
		return nil
	}
	var out []string
	for _, o := range oids {
		if !present[o] && !emptyTrees[o] {
			out = append(out, o)
		}
	}
	return out
}

// record turns a read commit into what the store keeps, with its
// analysed terms.
func (rd *reader) record(c *gitrepo.CommitDiff, flags int) *store.Commit {
	body, trailers, agents, long := indexedBody(c.Body)
	if long {
		rd.ix.res.LongMessages++
	}
	rec := &store.Commit{
		Hash:        c.Hash,
		AuthorName:  c.AuthorName,
		AuthorEmail: c.AuthorEmail,
		AuthorTime:  c.AuthorTime.Unix(),
		CommitTime:  c.CommitTime.Unix(),
		Subject:     c.Subject,
		Body:        body,
		Trailers:    trailers,
		Flags:       flags,
	}
	paths := make([]string, 0, len(c.Files))
	for _, f := range c.Files {
		added, deleted := f.Added, f.Deleted
		if f.Binary || flags&store.FlagNoPatch != 0 {
			added, deleted = -1, -1
		}
		rec.Files = append(rec.Files, store.File{Path: f.Path, Status: string(f.Status), Added: added, Deleted: deleted})
		paths = append(paths, f.Path)
	}
	rec.SubjectTerms = joinTerms(rd.an, c.Subject)
	// The agents that signed it are found by name, lexically only.
	rec.BodyTerms = joinTerms(rd.an, body+"\n"+searchableTrailers(trailers)+"\n"+strings.Join(agents, " "))
	rec.PathTerms = pathTerms(rd.an, paths)
	if flags&store.FlagNoPatch == 0 {
		rec.DiffTerms = rd.diff.terms()
		if rd.diff.capped {
			rec.Flags |= store.FlagPatchCapped
			rd.ix.res.Capped++
		}
	}
	rd.diff.reset()
	if s := rd.ix.stamps[c.Hash]; s != nil {
		rec.MergedBy, rec.MergedN, rec.MergedSubject = s.by, s.n, s.subject
		rec.MergedTerms = joinTerms(rd.an, s.text)
	}
	return rec
}
