// Package store is the commit index's database: one SQLite file (pure Go,
// modernc.org/sqlite) at <git-common-dir>/verdigris/scry.db holding the
// commits, their files and co-change pairs, an FTS5 table for lexical
// search, commit vectors packed in chunks for semantic search, the
// built-in embedder's model and the index's own state.
//
// The database runs in WAL mode: one writer at a time (the indexer also
// holds a file lock, see Lock) and readers that are never blocked. Every
// write happens in a transaction, so a killed indexer leaves the last
// committed batch and nothing half-written.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
	"modernc.org/sqlite"
)

// FileName is the database's name in the state directory.
const FileName = "scry.db"

// schemaVersion changes when the tables change, or the terms they hold
// do (internal/scry/text's analysis: 6 respells British English; 7 never
// reuses a commit id; 8 folds Latin diacritics; 9 keeps the newest
// commits' repeated terms; 10 takes runs of Chinese, Japanese and
// Korean characters as their pairs; 11 makes each emoji a term; 12 a
// version number and its prefixes; 13 a hyphenated word also closed up,
// "go-git" as gogit; 14 leaves out AI coding agents' signature lines and
// keeps the agents' names; 15 takes no diff terms from lockfiles and
// minified files; 16 none from generated files; 17 leaves out opencode's,
// Amp's and Devin's signature lines too; 18 the merged column, the text
// of the merge that brought a commit in; 19 none from generated files
// known by more generators' headers and names: Stainless, .NET (VB's
// ' comments too), Dart, OpenAPI Generator (its Go header's /* */ block
// and its Python docstring, raw or unicode too) …, and an octopus merge's commits given their own
// branch's name, no longer the first branch's, a branch's name with a '
// in it read whole, and no diff terms from Git LFS pointers); an index of an older version is rebuilt from
// scratch, one of a newer version is left alone (NewerSchemaError).
// What only adds to an index (schema.go's additions: an index, the
// missing table) keeps the version: a git scry of the same version that
// does not know it opens the index, writes it, and leaves the addition
// as it finds it, which the one that knows it must then expect.
const schemaVersion = 19

// Path is the database of a repository's state directory.
func Path(stateDir string) string { return filepath.Join(stateDir, FileName) }

// Store is an open index database.
type Store struct {
	db   *sql.DB
	path string
}

// ErrNoIndex is returned by Open for reading when there is no index yet.
var ErrNoIndex = errors.New("no commit index")

// ErrOldSchema is returned by Open for reading when the index was built by
// another version of the indexer.
var ErrOldSchema = errors.New("the commit index was built by another version")

// NewerSchemaError is returned by Open and Create when the index was
// built by a newer git scry than this one. Create does not rebuild it:
// that would throw away the newer binary's index for an older one's,
// and with both installed (a hook running one, a shell the other) each
// would rebuild the other's index in turn.
type NewerSchemaError struct {
	Found, Known int // the index's schema, this binary's
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("the commit index was built by a newer git scry (index schema %d, this git scry knows up to %d)", e.Found, e.Known)
}

// checkSchema says whether an index of schema v can be used as it is:
// nil, ErrOldSchema (rebuild it) or a *NewerSchemaError (leave it). A
// value that is no number is an old index's damage, rebuilt as before.
func checkSchema(v string) error {
	if v == strconv.Itoa(schemaVersion) {
		return nil
	}
	if n, err := strconv.Atoi(v); err == nil && n > schemaVersion {
		return &NewerSchemaError{Found: n, Known: schemaVersion}
	}
	return ErrOldSchema
}

// Open opens the index for reading. Readers never block the writer nor
// wait for it (WAL).
func Open(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, ErrNoIndex
	}
	s, err := open(path, false)
	if err != nil {
		return nil, err
	}
	v, err := s.Meta(ctx, "schema")
	if err != nil {
		// The file of an index whose first run has not yet created its
		// tables (or was killed before it did) is no index yet, not a
		// damaged one. Asked only now: a search pays nothing for it.
		var n int
		if qerr := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'meta'`).Scan(&n); qerr == nil && n == 0 {
			err = ErrNoIndex
		}
		s.Close()
		return nil, err
	}
	if err := checkSchema(v); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Create opens the index for writing, creating it (or rebuilding it when
// its schema is from an older version; one from a newer version is a
// *NewerSchemaError, the file untouched). The caller holds the writer lock.
// rebuilt reports that an existing index was discarded.
func Create(ctx context.Context, path string) (s *Store, rebuilt bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, false, err
	}
	s, err = open(path, true)
	if err != nil {
		return nil, false, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'meta'`).Scan(&n); err != nil {
		s.Close()
		return nil, false, err
	}
	if n > 0 {
		v, err := s.Meta(ctx, "schema")
		if err != nil {
			s.Close()
			return nil, false, err
		}
		cerr := checkSchema(v)
		var newer *NewerSchemaError
		if errors.As(cerr, &newer) {
			s.Close()
			return nil, false, cerr
		}
		if cerr == nil {
			if err := s.addAdditions(ctx); err != nil {
				s.Close()
				return nil, false, err
			}
			return s, false, nil
		}
		if err := s.dropAll(ctx); err != nil {
			s.Close()
			return nil, false, err
		}
		rebuilt = true
	}
	if err := s.createSchema(ctx); err != nil {
		s.Close()
		return nil, false, err
	}
	return s, rebuilt, nil
}

func open(path string, write bool) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if write {
		// WAL is recorded in the file: readers need not ask for it (each
		// pragma is a statement a search would pay for).
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Add("_pragma", "cache_size(-65536)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", "mmap_size(268435456)")
	}
	db, err := sql.Open(driverName, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// The writer's batches are serial: one connection. A reader opens a
	// second one only when a search runs two queries at once (the posting
	// lists of a large history).
	db.SetMaxOpenConns(1)
	if !write {
		db.SetMaxOpenConns(2)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		if write && code(err) == sqliteCantOpen {
			// SQLite says only that it cannot open the file. A directory
			// this user may not write (made read-only, another user's)
			// is said as the lock's error says it, so the caller reports
			// it as a permission, not as a damaged index to rebuild.
			if aerr := unix.Access(filepath.Dir(path), unix.W_OK); aerr != nil {
				err = &fs.PathError{Op: "create files in", Path: filepath.Dir(path), Err: aerr}
			}
		}
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// driverName is SQLite with every connection keeping the write-ahead log
// and its shared-memory file when it closes. By default the last
// connection to close deletes them, so every search (one process) created
// two files and deleted them again: a millisecond or more of a search.
const driverName = "verdigris-scry-sqlite"

func init() {
	d := &sqlite.Driver{}
	d.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, _ string) error {
		if fc, ok := conn.(sqlite.FileControl); ok {
			_, err := fc.FileControlPersistWAL("main", 1)
			return err
		}
		return nil
	})
	sql.Register(driverName, d)
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB is the underlying handle, for the search and index packages' own
// queries.
func (s *Store) DB() *sql.DB { return s.db }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Checkpoint folds the write-ahead log into the database file so the next
// reader opens a compact file.
func (s *Store) Checkpoint(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// Meta reads a state value, "" when unset.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// MetaInt reads a numeric state value, 0 when unset.
func (s *Store) MetaInt(ctx context.Context, key string) (int64, error) {
	v, err := s.Meta(ctx, key)
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// SetMeta writes a state value outside any batch.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// ReadOnly reports whether err is SQLite refusing to write a database
// file this process may not write (another user's index).
func ReadOnly(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqliteReadOnly
}

const sqliteReadOnly = 8 // SQLITE_READONLY, the primary code of its extended ones

// NotWritable is the file of the database at path (the database, its
// write-ahead log or its shared-memory file) that this process may not
// write, "" when it may write each that exists: what a ReadOnly error is
// about. SQLite names no file, and after a rebuild's copy says "attempt
// to write a readonly database: not an error".
func NotWritable(path string) string {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := unix.Access(p, unix.W_OK); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return p
		}
	}
	return ""
}
