package search

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Related is a file that changes together with another.
type Related struct {
	Path  string
	Count int64     // commits that changed both
	Last  time.Time // author date of the latest of them
	// Share is Count over the number of commits that changed the file
	// asked about: how often a change to it also touches this one.
	Share float64
}

// ErrUnknownPath is returned by RelatedFiles for a path no indexed commit
// changed.
var ErrUnknownPath = errors.New("no indexed commit changed this path")

// RelatedFiles lists the files that changed together with path, most
// often first (then most recently). Commits that touched more than
// store.CoChangeMaxFiles files do not count. A path that is a directory
// of the history (no commit changed it as a file, some changed files
// under it) stands for its files: what changed together with any of
// them, outside it, each commit counted once.
func RelatedFiles(ctx context.Context, st *store.Store, path string, limit int) ([]Related, int64, error) {
	db := st.DB()
	if dir := strings.TrimSuffix(path, "/"); dir != path {
		return relatedToDir(ctx, db, dir, limit)
	}
	var id int64
	// A path whose commits were all pruned keeps its id but has no files.
	err := db.QueryRowContext(ctx, `SELECT id FROM paths p WHERE path = ? AND EXISTS (SELECT 1 FROM files f WHERE f.path_id = p.id)`, path).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return relatedToDir(ctx, db, path, limit)
	}
	if err != nil {
		return nil, 0, err
	}
	var changes int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM files f JOIN commits c ON c.id = f.commit_id WHERE f.path_id = ? AND c.nfiles <= ?`, id, store.CoChangeMaxFiles).Scan(&changes); err != nil {
		return nil, 0, err
	}
	rows, err := db.QueryContext(ctx, `SELECT p.path, c.n, c.last FROM cochange c JOIN paths p ON p.id = c.b WHERE c.a = ? ORDER BY c.n DESC, c.last DESC, p.path LIMIT ?`, id, limit)
	if err != nil {
		return nil, 0, err
	}
	out, err := scanRelated(rows, changes)
	return out, changes, err
}

// relatedToDir is RelatedFiles for the files under dir (ErrUnknownPath
// when the history has none). The pairs table
// holds files, so this counts from the commits' file lists: the commits
// that changed something under dir, then their other files.
func relatedToDir(ctx context.Context, db *sql.DB, dir string, limit int) ([]Related, int64, error) {
	prefix := dir + "/"
	// substr, not LIKE or GLOB: a path may hold their wildcards.
	const under = `substr(p.path, 1, length(?1)) = ?1`
	var changes int64
	err := db.QueryRowContext(ctx, `SELECT count(DISTINCT f.commit_id) FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
		WHERE `+under+` AND c.nfiles <= ?2`, prefix, store.CoChangeMaxFiles).Scan(&changes)
	if err != nil {
		return nil, 0, err
	}
	if changes == 0 {
		var any int
		err := db.QueryRowContext(ctx, `SELECT 1 FROM paths p JOIN files f ON f.path_id = p.id WHERE `+under+` LIMIT 1`, prefix).Scan(&any)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, 0, ErrUnknownPath
		}
		if err != nil {
			return nil, 0, err
		}
	}
	rows, err := db.QueryContext(ctx, `WITH touched AS (
			SELECT DISTINCT f.commit_id AS id FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
			WHERE `+under+` AND c.nfiles <= ?2)
		SELECT p.path, count(*) AS n, max(c.author_time) AS last FROM touched t
		JOIN files f ON f.commit_id = t.id JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = t.id
		WHERE NOT `+under+`
		GROUP BY p.path ORDER BY n DESC, last DESC, p.path LIMIT ?3`, prefix, store.CoChangeMaxFiles, limit)
	if err != nil {
		return nil, 0, err
	}
	out, err := scanRelated(rows, changes)
	return out, changes, err
}

// scanRelated reads rows of (path, count, last author time); changes is
// the number of commits the shares are of.
func scanRelated(rows *sql.Rows, changes int64) ([]Related, error) {
	defer rows.Close()
	var out []Related
	for rows.Next() {
		var r Related
		var last int64
		if err := rows.Scan(&r.Path, &r.Count, &last); err != nil {
			return nil, err
		}
		r.Last = time.Unix(last, 0).UTC()
		if changes > 0 {
			r.Share = float64(r.Count) / float64(changes)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
