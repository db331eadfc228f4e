package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"modernc.org/sqlite"
)

// Replace makes the index at path a copy of the one at from (a rebuild
// made beside it, closed), at once for its readers: searches read the old
// index until the copy commits and the new one from then on, and a copy
// killed part way leaves the old one as it was. The caller holds the
// writer lock; from is left for the caller to remove.
//
// Why a copy through SQLite's backup API into the open database, not a
// rename of from over path: the index is in WAL mode, and its -wal file
// holds frames that belong to the old database without naming it (a WAL
// frame carries a page number and the WAL's own salts, not the database
// file's identity). A connection opening the renamed file would find that
// -wal and replay the old database's pages onto the new one, and readers
// that have the old file open share its -shm index of those frames. The
// backup instead writes the new pages as one transaction of the live
// database, through its own WAL and locks: readers in the middle of a
// search keep their snapshot of the old pages, the next ones see only the
// new, and nothing outside SQLite's own files is renamed. The cost is
// writing the index twice (into the WAL, then back by the checkpoint);
// docs/benchmarks.md measures it against the rebuild.
//
// A database too damaged for SQLite to write into (not a database, a
// malformed file) has no readers to keep: it is removed with its WAL and
// shared-memory files and from is renamed in its place.
func Replace(ctx context.Context, path, from string) error {
	err := restore(ctx, path, from)
	if err == nil || ctx.Err() != nil || !Damaged(err) {
		return err
	}
	if err := RemoveFiles(path); err != nil {
		return err
	}
	if err := os.Rename(from, path); err != nil {
		return err
	}
	return RemoveFiles(from)
}

func restore(ctx context.Context, path, from string) error {
	s, err := open(path, true)
	if err != nil {
		return err
	}
	defer s.Close()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the SQLite driver cannot restore a backup")
		}
		for {
			b, err := r.NewRestore("file:" + from)
			if err != nil {
				return err
			}
			// -1: every page in one step, so one write transaction of
			// the live database; a step of some pages would commit them
			// before the rest.
			_, err = b.Step(-1)
			if ferr := b.Finish(); err == nil {
				err = ferr
			}
			if !busy(err) {
				return err
			}
			// The writer lock keeps other indexers out; a 'PRAGMA
			// wal_checkpoint' of another process may hold SQLite's own
			// for a moment. The step is not retried by SQLite itself.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	if err != nil {
		return err
	}
	// Fold the copy into the database file now: the WAL holds the whole
	// index, which every search would otherwise read through. Passive:
	// what searches begun before the switch still read stays for the
	// indexer's closing checkpoint, which waits for them.
	_, err = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	return err
}

const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteCorrupt  = 11
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

func code(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

func busy(err error) bool { c := code(err); return c == sqliteBusy || c == sqliteLocked }

// Damaged reports whether err is SQLite finding a database file damaged
// (or no database at all), which running again does not change.
func Damaged(err error) bool { c := code(err); return c == sqliteCorrupt || c == sqliteNotADB }

// RemoveFiles removes a database with its WAL, shared-memory and
// rollback journal files. The database first: a kill before the rest
// then leaves a WAL without its database, which SQLite deletes unread
// when it opens an empty database there; the other way round it could
// leave a database half checkpointed without the WAL that completes it.
func RemoveFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// LastCommitID is the highest commit id the index has given (removed
// commits' included).
func (s *Store) LastCommitID(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT max(seq) FROM sqlite_sequence WHERE name = 'commits'`).Scan(&n)
	return n.Int64, err
}

// CommitIDRange is the lowest commit id the index holds and how many
// commits it holds.
func (s *Store) CommitIDRange(ctx context.Context) (low int64, n int, err error) {
	var lo sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT min(id), count(*) FROM commits`).Scan(&lo, &n)
	return lo.Int64, n, err
}

// SkipCommitIDs makes the ids this index gives start after last: a
// rebuild that replaces another index gives none of that index's ids to
// another commit, so a search that read ids from the old one (its search
// cache, a query before the switch) finds them gone from the new one,
// never attributed to another commit.
func (s *Store) SkipCommitIDs(ctx context.Context, last int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'commits'`, last); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence(name, seq) SELECT 'commits', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'commits')`, last); err != nil {
		return err
	}
	return tx.Commit()
}
