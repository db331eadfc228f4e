package index

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// replacePrefix is where git replace keeps its refs: refs/replace/<oid>
// names the object that git reads in place of <oid>.
const replacePrefix = "refs/replace/"

// replacedCommits returns the commits whose replacement was made,
// changed or deleted since the tips of the last run (old): git log reads
// each of them differently now (another message, other parents: a graft),
// and the history behind the new parents may be nowhere else. Their old
// reading is in the index, and the old tips reach the new history
// through them, so a walk from the new tips that stops at the old ones
// would find none of it.
//
// git follows replacements in a chain (A replaced by B, B by C: A reads
// as C), so a commit's reading changes with any replacement along its
// chain, not only with its own ref: a replacement grafted again (git
// replace -f --graft B P) changes the reading of every commit replaced by
// B as well.
func replacedCommits(old, tips map[string]string) []string {
	was, is := replacements(old), replacements(tips)
	var out []string
	for _, m := range []map[string]string{was, is} {
		for oid := range m {
			if !slices.Contains(out, oid) && !slices.Equal(replaceChain(was, oid), replaceChain(is, oid)) {
				out = append(out, oid)
			}
		}
	}
	slices.Sort(out)
	return out
}

// replacements is the replaced objects of tips' replace refs, each with
// its replacement.
func replacements(tips map[string]string) map[string]string {
	m := map[string]string{}
	for ref, h := range tips {
		if oid, ok := strings.CutPrefix(ref, replacePrefix); ok {
			m[oid] = h
		}
	}
	return m
}

// maxReplaceDepth is git's MAXREPLACEDEPTH: the longest chain of
// replacements it follows (a longer one, or a cycle, is an error).
const maxReplaceDepth = 5

// replaceChain is what git reads in place of oid, one replacement after
// another: nil when oid is not replaced.
func replaceChain(m map[string]string, oid string) []string {
	var chain []string
	for range maxReplaceDepth + 1 {
		next, ok := m[oid]
		if !ok {
			break
		}
		chain = append(chain, next)
		oid = next
	}
	return chain
}

// graftedCommits returns the commits whose line of the graft file (Repo's
// Grafts) was added, changed or removed between old and now: git log
// reads their parents differently, as it does a commit git replace
// --graft replaced.
func graftedCommits(old, now string) []string {
	lines := func(file string) map[string]string {
		m := map[string]string{}
		for _, l := range strings.Split(file, "\n") {
			f := strings.Fields(l)
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			m[f[0]] = strings.Join(f[1:], " ")
		}
		return m
	}
	was, is := lines(old), lines(now)
	var out []string
	for _, m := range []map[string]string{was, is} {
		for c := range m {
			a, inWas := was[c]
			b, inIs := is[c]
			if (inWas != inIs || a != b) && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// replaced drops from the index the commits whose replacement changed,
// for the run to index them again as git log reads them now. A run
// killed after this and before it records its tips finds the same
// change in the tips and does it again.
func (ix *indexer) replaced(ctx context.Context, commits []string) error {
	known, err := ix.st.Known(ctx, commits)
	if err != nil || len(known) == 0 {
		return err
	}
	return ix.deleteCommits(ctx, slices.Collect(maps.Values(known)))
}

// childrenOf is the walked commits (parents: each one's parents, as the
// walk read them) that have one of commits as a parent. Their diffs are
// taken against that parent's tree, which a replacement can change
// without changing their own reading.
func childrenOf(parents map[string][]string, commits []string) []string {
	if len(commits) == 0 {
		return nil
	}
	var out []string
	for c, ps := range parents {
		for _, p := range ps {
			if slices.Contains(commits, p) {
				out = append(out, c)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}
