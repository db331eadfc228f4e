package search

import (
	"context"
	"database/sql"
	"errors"
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
// store.CoChangeMaxFiles files do not count.
func RelatedFiles(ctx context.Context, st *store.Store, path string, limit int) ([]Related, int64, error) {
	db := st.DB()
	var id int64
	err := db.QueryRowContext(ctx, `SELECT id FROM paths WHERE path = ?`, path).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, ErrUnknownPath
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
	defer rows.Close()
	var out []Related
	for rows.Next() {
		var r Related
		var last int64
		if err := rows.Scan(&r.Path, &r.Count, &last); err != nil {
			return nil, 0, err
		}
		r.Last = time.Unix(last, 0).UTC()
		if changes > 0 {
			r.Share = float64(r.Count) / float64(changes)
		}
		out = append(out, r)
	}
	return out, changes, rows.Err()
}
