package store

import (
	"context"
	"database/sql"
	"strconv"
)

// The schema. Terms in the FTS table are already analysed (package text:
// lowercased, identifiers split, stemmed), space-separated; the table keeps
// no copy of them (contentless). detail=column would be smaller, but a
// contentless table with it scores every bm25 as zero.
var schema = []string{
	`CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
	// merged_by: the merge whose message the commit's merged FTS column
	// holds (Commit.MergedBy), merged_n how many commits it brought in,
	// merged_subject its subject.
	// AUTOINCREMENT: an id is never given to a second commit, so what the
	// search cache keeps of a removed commit's id can only be skipped,
	// never attributed to another (cache.go).
	`CREATE TABLE commits(
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		hash TEXT NOT NULL UNIQUE,
		author_name TEXT NOT NULL,
		author_email TEXT NOT NULL,
		author_time INTEGER NOT NULL,
		commit_time INTEGER NOT NULL,
		subject TEXT NOT NULL,
		body TEXT NOT NULL,
		trailers TEXT NOT NULL,
		nfiles INTEGER NOT NULL,
		added INTEGER NOT NULL,
		deleted INTEGER NOT NULL,
		flags INTEGER NOT NULL,
		merged_by TEXT NOT NULL DEFAULT '',
		merged_n INTEGER NOT NULL DEFAULT 0,
		merged_subject TEXT NOT NULL DEFAULT '',
		vec_gen INTEGER NOT NULL DEFAULT 0,
		vec_chunk INTEGER NOT NULL DEFAULT 0
	)`,
	`CREATE INDEX commits_time ON commits(author_time)`,
	`CREATE INDEX commits_vec ON commits(vec_gen)`,
	// The commits a merge's message was given to, which a run that finds
	// the merge rewritten away looks for (index/merged.go). Partial: only
	// the stamped commits.
	`CREATE INDEX commits_merged ON commits(merged_by) WHERE merged_by != ''`,
	additions[0],
	additions[1],
	additions[2],
	additions[3],
	additions[4],
	`CREATE TABLE paths(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE files(
		commit_id INTEGER NOT NULL,
		path_id INTEGER NOT NULL,
		status TEXT NOT NULL,
		added INTEGER NOT NULL,
		deleted INTEGER NOT NULL,
		PRIMARY KEY(commit_id, path_id)
	) WITHOUT ROWID`,
	`CREATE INDEX files_path ON files(path_id, commit_id)`,
	// Both directions of every pair, so "what changes with X" is one range.
	`CREATE TABLE cochange(
		a INTEGER NOT NULL,
		b INTEGER NOT NULL,
		n INTEGER NOT NULL,
		last INTEGER NOT NULL,
		PRIMARY KEY(a, b)
	) WITHOUT ROWID`,
	// The terms a commit's subject (col 0), body (col 1) or merged text
	// (col 4) holds more
	// than once, and how often, for the commits after the search cache's
	// posting lists (postings.go): FTS5 answers for those, and its lists
	// say only whether a column holds a term. Paths and diff terms are
	// distinct by construction. Rows of commits the cached lists hold
	// are deleted when the lists are built.
	`CREATE TABLE repeats(
		term TEXT NOT NULL,
		commit_id INTEGER NOT NULL,
		col INTEGER NOT NULL,
		n INTEGER NOT NULL,
		PRIMARY KEY(term, commit_id, col)
	) WITHOUT ROWID`,
	// merged: the message of the merge that brought the commit in (a
	// pull request's title), MergedText; last, so that the columns
	// before it keep their numbers.
	`CREATE VIRTUAL TABLE fts USING fts5(subject, body, paths, diff, merged,
		content='', contentless_delete=1,
		tokenize='unicode61 remove_diacritics 0')`,
	// Vectors of one embedder generation, packed: ids (int64 LE), per-vector
	// scales (float32 LE) and int8 components, chunkSize vectors a row.
	`CREATE TABLE vec_chunks(
		id INTEGER PRIMARY KEY,
		gen INTEGER NOT NULL,
		n INTEGER NOT NULL,
		ids BLOB NOT NULL,
		scales BLOB NOT NULL,
		vecs BLOB NOT NULL
	)`,
	`CREATE INDEX vec_chunks_gen ON vec_chunks(gen)`,
	// The built-in model's weights live in a file beside the database (see
	// Model); this row names it.
	`CREATE TABLE models(id TEXT PRIMARY KEY, file TEXT NOT NULL, commits INTEGER NOT NULL, created INTEGER NOT NULL)`,
	`CREATE TABLE sessions(
		name TEXT PRIMARY KEY,
		id TEXT NOT NULL,
		agent TEXT NOT NULL,
		start TEXT NOT NULL,
		end TEXT NOT NULL
	) WITHOUT ROWID`,
	`CREATE TABLE commit_sessions(
		hash TEXT NOT NULL,
		session TEXT NOT NULL,
		PRIMARY KEY(hash, session)
	) WITHOUT ROWID`,
	`CREATE INDEX commit_sessions_session ON commit_sessions(session)`,
}

// additions came after schema 9's first release: Create adds them to an
// index of that schema instead of rebuilding it.
var additions = []string{
	// --author: the distinct authors and each one's commits, read
	// without the commits' rows (search/filter.go).
	`CREATE INDEX IF NOT EXISTS commits_author ON commits(author_name, author_email)`,
	// The commits indexed without their patch or files, which every index
	// run asks for (whether their objects are back): a scan of the commits
	// would read every message. Partial: nearly always empty.
	`CREATE INDEX IF NOT EXISTS commits_degraded ON commits(id) WHERE flags & 5 != 0`,
	// An object each degraded commit lacked when it was indexed (raw
	// names: 20 bytes, or 32 in a SHA-256 repository; the indexer
	// records one, see awaited in package index), so that a new pack's
	// names say which commits it may complete (restored.go there)
	// without a tree diff of every degraded one. A degraded commit with
	// no row was indexed by a git scry before this table, or lacked
	// objects that could not be named: it is looked at the old way. An
	// older git scry deleting a commit leaves its rows; ids are never
	// reused (AUTOINCREMENT), and rows of no commit are dropped when a
	// lookup finds them.
	`CREATE TABLE IF NOT EXISTS missing(
		oid BLOB NOT NULL,
		commit_id INTEGER NOT NULL,
		PRIMARY KEY(oid, commit_id)
	) WITHOUT ROWID`,
	`CREATE INDEX IF NOT EXISTS missing_commit ON missing(commit_id)`,
	// The repository's document paragraphs, analysed (docs.go), each with
	// its feedback terms and their weights, which search reads back.
	`CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(terms, feedback UNINDEXED, tokenize='unicode61 remove_diacritics 0')`,
}

var tables = []string{"meta", "commits", "paths", "files", "cochange", "repeats", "fts", "vec_chunks", "models", "sessions", "commit_sessions"}

// addedTables are the tables of additions: not in tables, which
// Readable reads, because an index that no run of this git scry has
// opened for writing yet lacks them.
var addedTables = []string{"missing", "docs"}

// addAdditions gives an index of the current schema what additions
// holds and it lacks. A docs table that is gone while the meta rows
// that say its paragraphs were read remain (a damaged page, the file of
// a build that lost it) comes back empty, and those rows go: the run
// reads the paragraphs again (index/docs.go), rather than once the
// history has grown, and searches meanwhile go without them
// (DocumentParagraphs). Both in one transaction: a run killed between
// them would leave an empty table recorded as read. With the table
// there, each statement runs on its own, as before: one that finds what
// it would create writes nothing.
func (s *Store) addAdditions(ctx context.Context) error {
	var docs int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'docs'`).Scan(&docs); err != nil {
		return err
	}
	if docs > 0 {
		return execEach(ctx, s.db, additions)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := execEach(ctx, tx, additions); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key IN (?, ?)`, docsMetaCommits, docsMetaParagraphs); err != nil {
		return err
	}
	return tx.Commit()
}

// execEach runs the statements qs in order on ex (the database, or a
// transaction), stopping at the first that fails.
func execEach(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, qs []string) error {
	for _, q := range qs {
		if _, err := ex.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) createSchema(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range schema {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('schema', ?)`, strconv.Itoa(schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) dropAll(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range append(tables, addedTables...) {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return err
		}
	}
	return tx.Commit()
}
