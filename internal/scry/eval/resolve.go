package eval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Resolution says what Resolve made of a query set's relevant hashes.
type Resolution struct {
	Missing int // in neither the index nor the repository
	// Stashed are commits only the stash reaches (refs/stash, its
	// reflog's earlier entries), InNotes those only a notes ref does:
	// the index leaves both out, and no index run takes them in.
	Stashed, InNotes int
	// Unindexed are commits of the repository that its refs reach but
	// the index does not hold yet: committed since the last index run.
	Unindexed int
	Merges    int // merges, each standing for the commits it merged
	Ambiguous int // prefixes of more than one indexed commit: never credited
	// Shallow: the repository is a shallow clone, whose history before
	// its boundary may hold the Missing commits.
	Shallow bool
	// UnchangedDocs are the relevant docs no indexed commit changed (a
	// misspelled path, a directory), each once: no hit can touch them.
	UnchangedDocs []string
}

// ambiguous marks a resolved prefix that names several commits; no hit
// matches it.
const ambiguous = "ambiguous:"

// Resolve matches the query set's relevant commits with the index. A
// prefix that one indexed commit has resolves to it, so that two
// spellings of one commit count once; a prefix that several have is
// ambiguous and credited to none (it would count for whichever ranked
// first). A hash that no indexed commit has is looked up in the
// repository: the index leaves merge commits out, so a merge (a pull
// request's, say) stands for the non-merge commits it brought in, those
// it reaches and its first parent does not; a hit that is one of them
// answers the question as the merge would, and the merge counts once,
// found at the first of them.
//
// A hash longer than the repository's (41 characters in a SHA-1
// repository) is no commit's: Resolve fails with ErrNotHash.
func Resolve(ctx context.Context, r *gitrepo.Repo, st *store.Store, qs *QuerySet) (res Resolution, err error) {
	hashLen, err := hashLength(ctx, r, st)
	if err != nil {
		return res, err
	}
	qs.resolved = map[string]string{}
	// Commits of the repository no history ref reaches: which refs do
	// is asked of them all at the end.
	var outside []string
	// The merges among them: a stash is one (of the index commit it
	// holds), and no merge of the history that stands for commits.
	outsideMerges := map[string]bool{}
	for i, q := range qs.Queries {
		for _, c := range q.RelevantCommits {
			if hashLen > 0 && len(c) > hashLen {
				return res, fmt.Errorf("%s: query %d (%q): %q is %w: %d hex characters, where this repository's hashes have %d", qs.path, i+1, q.ID, c, ErrNotHash, len(c), hashLen)
			}
			c = strings.ToLower(c)
			if _, done := qs.resolved[c]; done {
				continue
			}
			found, err := st.WithPrefix(ctx, c)
			if err != nil {
				return res, err
			}
			switch len(found) {
			case 1:
				qs.resolved[c] = found[0].Hash
				continue
			case 2:
				qs.resolved[c] = ambiguous + c
				res.Ambiguous++
				continue
			}
			merge, merged, err := mergedBy(ctx, r, c)
			if err != nil {
				return res, err
			}
			if len(merged) == 0 {
				qs.resolved[c] = c
				if merge == "" {
					switch h, in := reachable(ctx, r, c); {
					case in:
						res.Unindexed++
					case h != "":
						outside = append(outside, h)
					default:
						res.Missing++
					}
				} else {
					res.Missing++
				}
				continue
			}
			key := "merge:" + merge
			qs.resolved[c] = key
			if qs.standIns == nil {
				qs.standIns = map[string]map[string]bool{}
			}
			if qs.standIns[key] == nil {
				res.Merges++
				qs.standIns[key] = map[string]bool{}
				// A merge made since the last index run stands for
				// commits no hit can be yet: said, as a plain commit's.
				indexed, err := anyIndexed(ctx, st, merged)
				if err != nil {
					return res, err
				}
				if !indexed {
					// A stash is a merge of the index commit it holds.
					switch _, in := reachable(ctx, r, merge); {
					case in:
						res.Unindexed++
					default:
						outside = append(outside, merge)
						outsideMerges[merge] = true
					}
				}
			}
			for _, h := range merged {
				qs.standIns[key][h] = true
			}
		}
	}
	// What reaches the commits that no history ref does: asked once
	// for them all.
	by, err := r.ReachedOutside(ctx, outside)
	if err != nil {
		if ctx.Err() != nil {
			return res, err
		}
		by = nil // said to be missing
	}
	for _, h := range outside {
		if outsideMerges[h] && by[h] != "" {
			res.Merges--
		}
		switch ref := by[h]; {
		case ref == "refs/stash":
			res.Stashed++
		case ref != "":
			res.InNotes++
		default:
			res.Missing++
		}
	}
	res.Shallow = res.Missing > 0 && r.IsShallow(ctx)
	res.UnchangedDocs, err = unchangedDocs(ctx, st, qs)
	return res, err
}

// hashLength is the length of the repository's commit hashes: the
// index's, or HEAD's when it holds none yet; 0 without a commit to tell.
func hashLength(ctx context.Context, r *gitrepo.Repo, st *store.Store) (int, error) {
	var n int
	err := st.DB().QueryRowContext(ctx, `SELECT length(hash) FROM commits LIMIT 1`).Scan(&n)
	switch {
	case err == nil:
		return n, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	if h, err := r.ResolveCommit(ctx, "HEAD"); err == nil {
		return len(h), nil
	}
	return 0, nil
}

// unchangedDocs lists the relevant docs that no indexed commit changed,
// as the file metrics read them (./ from the root).
func unchangedDocs(ctx context.Context, st *store.Store, qs *QuerySet) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, q := range qs.Queries {
		for _, d := range q.RelevantDocs {
			d = strings.TrimPrefix(d, "./")
			if seen[d] {
				continue
			}
			seen[d] = true
			var changed bool
			err := st.DB().QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM paths p JOIN files f ON f.path_id = p.id WHERE p.path = ?)`, d).Scan(&changed)
			if err != nil {
				return nil, err
			}
			if !changed {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// mergedBy finds the merge commit named by prefix and the non-merge
// commits it brought in; none when prefix names no commit of the
// repository, or one that is not a merge.
func mergedBy(ctx context.Context, r *gitrepo.Repo, prefix string) (string, []string, error) {
	h, err := r.CommitByHash(ctx, prefix)
	if err != nil {
		return "", nil, nil // not here (or ambiguous): pointed out as missing
	}
	line, err := r.RevList(ctx, "--parents", "-n", "1", h)
	if err != nil || len(line) == 0 {
		return "", nil, err
	}
	parents := strings.Fields(line[0])[1:]
	if len(parents) < 2 {
		return "", nil, nil
	}
	merged, err := r.RevList(ctx, "--no-merges", h, "^"+parents[0])
	return h, merged, err
}

// anyIndexed reports whether the index holds one of the commits.
func anyIndexed(ctx context.Context, st *store.Store, hashes []string) (bool, error) {
	for _, h := range hashes {
		found, err := st.WithPrefix(ctx, h)
		if err != nil || len(found) > 0 {
			return len(found) > 0, err
		}
	}
	return false, nil
}

// reachable reports whether prefix names a commit that a ref of the
// history reaches, one the next index run takes in: a stash's commits
// and the notes' are not. h is the commit's hash, "" when the
// repository has none of that prefix.
func reachable(ctx context.Context, r *gitrepo.Repo, prefix string) (h string, in bool) {
	h, err := r.CommitByHash(ctx, prefix)
	if err != nil {
		return "", false
	}
	in, err = r.InHistory(ctx, h)
	return h, err == nil && in
}
