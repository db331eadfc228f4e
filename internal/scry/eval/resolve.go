package eval

import (
	"context"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Resolve matches the query set's relevant commits with the index. A
// hash that no indexed commit has is looked up in the repository: the
// index leaves merge commits out, so a merge (a pull request's, say)
// stands for the non-merge commits it brought in, those it reaches and
// its first parent does not; a hit that is one of them answers the
// question as the merge would, and the merge counts once, found at the
// first of them. missing counts the hashes found in neither, merges the
// merges that stand for their commits.
func Resolve(ctx context.Context, r *gitrepo.Repo, st *store.Store, qs *QuerySet) (missing, merges int, err error) {
	seen := map[string]bool{}
	for _, q := range qs.Queries {
		for _, c := range q.RelevantCommits {
			c = strings.ToLower(c)
			if seen[c] {
				continue
			}
			seen[c] = true
			var n int
			if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM commits WHERE hash >= ? AND hash < ?`, c, c+"g").Scan(&n); err != nil {
				return 0, 0, err
			}
			if n > 0 {
				continue
			}
			merged, err := mergedBy(ctx, r, c)
			if err != nil {
				return 0, 0, err
			}
			if len(merged) == 0 {
				missing++
				continue
			}
			if qs.standIns == nil {
				qs.standIns = map[string]map[string]bool{}
			}
			qs.standIns[c] = map[string]bool{}
			for _, h := range merged {
				qs.standIns[c][h] = true
			}
			merges++
		}
	}
	return missing, merges, nil
}

// mergedBy lists the non-merge commits that the merge commit named by
// prefix brought in; nil when prefix names no commit of the repository,
// or one that is not a merge.
func mergedBy(ctx context.Context, r *gitrepo.Repo, prefix string) ([]string, error) {
	h, err := r.ResolveCommit(ctx, prefix)
	if err != nil {
		return nil, nil // not here (or ambiguous): pointed out as missing
	}
	line, err := r.RevList(ctx, "--parents", "-n", "1", h)
	if err != nil || len(line) == 0 {
		return nil, err
	}
	parents := strings.Fields(line[0])[1:]
	if len(parents) < 2 {
		return nil, nil
	}
	return r.RevList(ctx, "--no-merges", h, "^"+parents[0])
}
