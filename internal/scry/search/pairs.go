package search

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// CoChangePairs counts the pairs of files that changed together as
// RelatedFiles sees them: the index's pairs, less those that only
// commits RelatedFiles leaves out made (notTogether): a rename, of a
// file and its other name, or a shallow clone's boundary commit. r nil
// counts the index's pairs as they are, as RelatedFiles does.
func CoChangePairs(ctx context.Context, st *store.Store, r *gitrepo.Repo) (int64, error) {
	db := st.DB()
	var total int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM cochange WHERE a < b`).Scan(&total); err != nil {
		return 0, err
	}
	if r == nil || total == 0 {
		return total, nil
	}
	left := pairCommits{}
	if err := left.boundary(ctx, db, r.ShallowCommits()); err != nil {
		return 0, err
	}
	if err := left.renames(ctx, db, r); err != nil {
		return 0, err
	}
	q, err := db.PrepareContext(ctx, `SELECT n FROM cochange WHERE a = ? AND b = ?`)
	if err != nil {
		return 0, err
	}
	defer q.Close()
	for k, commits := range left {
		var n int64
		err := q.QueryRowContext(ctx, k[0], k[1]).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n <= int64(len(commits)) {
			total--
		}
	}
	return total, nil
}

// pairCommits: by pair of path ids (the smaller first), the commits
// that changed both and do not count for the pair.
type pairCommits map[[2]int64]map[int64]bool

func (p pairCommits) add(a, b, commit int64) {
	if a == b {
		return
	}
	k := [2]int64{min(a, b), max(a, b)}
	if p[k] == nil {
		p[k] = map[int64]bool{}
	}
	p[k][commit] = true
}

// boundary adds every pair of the files of a shallow clone's boundary
// commits (roots) that the index holds.
func (p pairCommits) boundary(ctx context.Context, db *sql.DB, roots []string) error {
	for len(roots) > 0 {
		n := min(len(roots), 500)
		args := []any{store.CoChangeMaxFiles}
		for _, h := range roots[:n] {
			args = append(args, h)
		}
		roots = roots[n:]
		rows, err := db.QueryContext(ctx, `SELECT c.id, f.path_id FROM commits c JOIN files f ON f.commit_id = c.id
			WHERE c.nfiles <= ? AND c.hash IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
		if err != nil {
			return err
		}
		files := map[int64][]int64{}
		for rows.Next() {
			var c, f int64
			if err := rows.Scan(&c, &f); err != nil {
				rows.Close()
				return err
			}
			files[c] = append(files[c], f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for c, fs := range files {
			for i, a := range fs {
				for _, b := range fs[i+1:] {
					p.add(a, b, c)
				}
			}
		}
	}
	return nil
}

// renames adds the pair of a file and its other name in each commit
// that renamed it, as git's rename detection in r sees it, asked only of
// the commits that added a file and deleted another (renamedAway).
func (p pairCommits) renames(ctx context.Context, db *sql.DB, r *gitrepo.Repo) error {
	// From the deletions: far fewer than the commits, whose rows (their
	// messages) a scan would read.
	renames, ids, err := commitRenames(ctx, db, newRenameCache(r), `SELECT c.id, c.hash FROM (SELECT commit_id FROM files WHERE status = 'D' GROUP BY commit_id) d
		JOIN commits c ON c.id = d.commit_id
		WHERE c.nfiles <= ? AND EXISTS (SELECT 1 FROM files f WHERE f.commit_id = c.id AND f.status = 'A')`, store.CoChangeMaxFiles)
	if err != nil || renames == nil {
		return err
	}
	pathID, err := db.PrepareContext(ctx, `SELECT id FROM paths WHERE path = ?`)
	if err != nil {
		return err
	}
	defer pathID.Close()
	for h, rs := range renames {
		c, ok := ids[h]
		if !ok {
			continue
		}
		for _, rn := range rs {
			var a, b int64
			if err := pathID.QueryRowContext(ctx, rn.From).Scan(&a); err != nil {
				continue
			}
			if err := pathID.QueryRowContext(ctx, rn.To).Scan(&b); err != nil {
				continue
			}
			p.add(a, b, c)
		}
	}
	return nil
}
