package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"sort"
	"strings"
)

// MergedColumn is the FTS table's column of the text of the merge that
// brought a commit in (schema.go).
const MergedColumn = 4

// CoChangeMaxFiles: commits touching more files than this (mass renames,
// formatting sweeps, release bumps) say nothing about which files belong
// together and would add thousands of pairs each; they get no pairs.
const CoChangeMaxFiles = 50

// Commit flags.
const (
	// FlagNoPatch: the patch could not be read (objects missing from a
	// partial clone or a damaged repository); files are listed without
	// line counts and no diff terms were indexed.
	FlagNoPatch = 1 << iota
	// FlagPatchCapped: the commit's diff was larger than the indexing cap;
	// only its beginning contributed diff terms.
	FlagPatchCapped
	// FlagNoFiles: even the list of changed files was unreadable.
	FlagNoFiles
)

// Commit is one indexed commit as the indexer writes it.
type Commit struct {
	Hash        string
	AuthorName  string
	AuthorEmail string
	AuthorTime  int64 // unix seconds
	CommitTime  int64
	Subject     string
	Body        string // without the trailer block
	Trailers    string // "Key: value" lines
	Files       []File
	Flags       int
	// Missing: objects (hex) a degraded commit's diff or files needed
	// and the repository lacked (the indexer gives one); none when they
	// could not be named.
	Missing []string

	// MergedBy is the merge that brought the commit in, whose message
	// MergedTerms hold ("" for none); MergedN is the number of commits
	// it brought in (the fewest wins when several merges bring one
	// commit: the pull request's, not a release branch's), MergedSubject
	// its subject.
	MergedBy      string
	MergedN       int
	MergedSubject string

	// Analysed terms for the lexical index, space-separated: the message's
	// as written, paths and diff identifiers once each, the merge's
	// message as written.
	SubjectTerms, BodyTerms, PathTerms, DiffTerms, MergedTerms string
}

// File is a changed file; Added and Deleted are -1 for binary files and
// when unknown.
type File struct {
	Path    string
	Status  string
	Added   int
	Deleted int
}

// Batch is one write transaction of the indexer. Nothing it wrote is
// visible, or survives a crash, until Commit.
type Batch struct {
	s     *Store
	tx    *sql.Tx
	ctx   context.Context
	paths map[string]int64

	insCommit, insFile, insFTS, insPath, insRepeat *sql.Stmt
	addPath                                        *sql.Stmt
	insMissing                                     *sql.Stmt // prepared when first needed
	pairs                                          map[[2]int64]pairAgg
	bumped                                         bool // the cache version was bumped
}

type pairAgg struct{ n, last int64 }

// Begin starts a write batch. paths is the writer's path cache (see
// LoadPaths), shared across batches.
func (s *Store) Begin(ctx context.Context, paths map[string]int64) (*Batch, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	b := &Batch{s: s, tx: tx, ctx: ctx, paths: paths, pairs: map[[2]int64]pairAgg{}}
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{
		{&b.insCommit, `INSERT INTO commits(hash, author_name, author_email, author_time, commit_time, subject, body, trailers, nfiles, added, deleted, flags, merged_by, merged_n, merged_subject) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`},
		{&b.insFile, `INSERT OR REPLACE INTO files(commit_id, path_id, status, added, deleted) VALUES(?,?,?,?,?)`},
		{&b.insFTS, `INSERT INTO fts(rowid, subject, body, paths, diff, merged) VALUES(?,?,?,?,?,?)`},
		{&b.insRepeat, `INSERT INTO repeats(term, commit_id, col, n) VALUES(?,?,?,?)`},
		{&b.addPath, `INSERT OR IGNORE INTO paths(path) VALUES(?)`},
		// A path missing from the cache may still be in the table.
		{&b.insPath, `INSERT INTO paths(path) VALUES(?) ON CONFLICT(path) DO UPDATE SET path = excluded.path RETURNING id`},
	} {
		if *p.st, err = tx.PrepareContext(ctx, p.q); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return b, nil
}

// LoadPaths reads every known path and its id.
func (s *Store) LoadPaths(ctx context.Context) (map[string]int64, error) {
	return s.idsByName(ctx, `SELECT id, path FROM paths`)
}

// idsByName reads a query's (id, name) rows into a map from name to id.
func (s *Store) idsByName(ctx context.Context, query string) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		m[name] = id
	}
	return m, rows.Err()
}

// Tx is the batch's transaction, for writes other files of this package
// make (vectors, sessions, state).
func (b *Batch) Tx() *sql.Tx { return b.tx }

func (b *Batch) pathID(p string) (int64, error) {
	if id, ok := b.paths[p]; ok {
		return id, nil
	}
	// The cache holds every path (LoadPaths) unless it could not be
	// read: a plain insert, the common case, costs a fraction of one
	// that returns the id of a row that may already be there.
	res, err := b.addPath.ExecContext(b.ctx, p)
	if err != nil {
		return 0, err
	}
	var id int64
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 1 {
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
	} else if err := b.insPath.QueryRowContext(b.ctx, p).Scan(&id); err != nil {
		return 0, err
	}
	b.paths[p] = id
	return id, nil
}

// Add writes one commit: its row, files, lexical terms and co-change
// pairs. It returns the commit's id.
func (b *Batch) Add(c *Commit) (int64, error) {
	if err := b.bumpCache(); err != nil {
		return 0, err
	}
	added, deleted := 0, 0
	for _, f := range c.Files {
		if f.Added > 0 {
			added += f.Added
		}
		if f.Deleted > 0 {
			deleted += f.Deleted
		}
	}
	res, err := b.insCommit.ExecContext(b.ctx, c.Hash, c.AuthorName, c.AuthorEmail, c.AuthorTime, c.CommitTime,
		c.Subject, c.Body, c.Trailers, len(c.Files), added, deleted, c.Flags, c.MergedBy, c.MergedN, c.MergedSubject)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	ids := make([]int64, 0, len(c.Files))
	for _, f := range c.Files {
		pid, err := b.pathID(f.Path)
		if err != nil {
			return 0, err
		}
		if _, err := b.insFile.ExecContext(b.ctx, id, pid, f.Status, f.Added, f.Deleted); err != nil {
			return 0, err
		}
		ids = append(ids, pid)
	}
	if err := b.addMissing(id, c.Missing); err != nil {
		return 0, err
	}
	if _, err := b.insFTS.ExecContext(b.ctx, id, c.SubjectTerms, c.BodyTerms, c.PathTerms, c.DiffTerms, c.MergedTerms); err != nil {
		return 0, err
	}
	for col, terms := range map[int]string{0: c.SubjectTerms, 1: c.BodyTerms, MergedColumn: c.MergedTerms} {
		for _, r := range repeated(terms) {
			if _, err := b.insRepeat.ExecContext(b.ctx, r.term, id, col, r.n); err != nil {
				return 0, err
			}
		}
	}
	if len(ids) <= CoChangeMaxFiles {
		for i, x := range ids {
			for _, y := range ids[i+1:] {
				if x == y {
					continue
				}
				for _, k := range [][2]int64{{x, y}, {y, x}} {
					p := b.pairs[k]
					p.n++
					p.last = max(p.last, c.AuthorTime)
					b.pairs[k] = p
				}
			}
		}
	}
	return id, nil
}

// Commit writes the batch's aggregated co-change pairs and commits.
func (b *Batch) Commit() error {
	if err := b.writePairs(); err != nil {
		b.tx.Rollback()
		return err
	}
	return b.tx.Commit()
}

// pairsPerStatement: many rows a statement cut the per-statement overhead
// (pairs are most of an index's rows).
const pairsPerStatement = 128

func (b *Batch) writePairs() error {
	if len(b.pairs) == 0 {
		return nil
	}
	keys := make([][2]int64, 0, len(b.pairs))
	for k := range b.pairs {
		keys = append(keys, k)
	}
	// In key order the B-tree inserts are sequential.
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var full *sql.Stmt
	args := make([]any, 0, 4*pairsPerStatement)
	for len(keys) > 0 {
		n := min(len(keys), pairsPerStatement)
		args = args[:0]
		for _, k := range keys[:n] {
			p := b.pairs[k]
			args = append(args, k[0], k[1], p.n, p.last)
		}
		q := `INSERT INTO cochange(a, b, n, last) VALUES (?,?,?,?)` + strings.Repeat(`,(?,?,?,?)`, n-1) +
			` ON CONFLICT(a, b) DO UPDATE SET n = n + excluded.n, last = max(last, excluded.last)`
		var err error
		if n == pairsPerStatement {
			if full == nil {
				if full, err = b.tx.PrepareContext(b.ctx, q); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(b.ctx, args...)
		} else {
			_, err = b.tx.ExecContext(b.ctx, q, args...)
		}
		if err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// Rollback abandons the batch.
func (b *Batch) Rollback() error { return b.tx.Rollback() }

// SetMeta writes a state value inside the batch.
func (b *Batch) SetMeta(key, value string) error {
	_, err := b.tx.ExecContext(b.ctx, `INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// CommitIDs maps every indexed commit's hash to its id.
func (s *Store) CommitIDs(ctx context.Context) (map[string]int64, error) {
	return s.idsByName(ctx, `SELECT id, hash FROM commits`)
}

// Degraded lists the ids of the commits indexed without their patch or
// their files (objects were missing).
func (s *Store) Degraded(ctx context.Context) ([]int64, error) {
	return s.ids(ctx, `SELECT id FROM commits WHERE flags & ? != 0`, FlagNoPatch|FlagNoFiles)
}

// ids runs a query of one integer column.
func (s *Store) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	return QueryIDs(ctx, s.db, query, args...)
}

// QueryIDs runs a query of one integer column on db: the one scan of an
// id list, for the store and for readers that hold its connection.
func QueryIDs(ctx context.Context, db *sql.DB, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CountCommits is the number of indexed commits.
func (s *Store) CountCommits(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM commits`).Scan(&n)
	return n, err
}

// Delete removes commits (history rewritten away) with everything
// derived from them: files, lexical terms, vectors, co-change counts.
func (b *Batch) Delete(ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := b.bumpCache(); err != nil {
		return err
	}
	// The search cache is append-only between rebuilds.
	if err := b.SetMeta("cache_rebuild", "1"); err != nil {
		return err
	}
	if err := b.removeVectors(ids); err != nil {
		return err
	}
	affected := map[[2]int64]bool{}
	for _, id := range ids {
		var nfiles int
		if err := b.tx.QueryRowContext(b.ctx, `SELECT nfiles FROM commits WHERE id = ?`, id).Scan(&nfiles); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return err
		}
		var pids []int64
		if nfiles <= CoChangeMaxFiles {
			rows, err := b.tx.QueryContext(b.ctx, `SELECT path_id FROM files WHERE commit_id = ?`, id)
			if err != nil {
				return err
			}
			for rows.Next() {
				var p int64
				if err := rows.Scan(&p); err != nil {
					rows.Close()
					return err
				}
				pids = append(pids, p)
			}
			rows.Close()
		}
		for i, x := range pids {
			for _, y := range pids[i+1:] {
				for _, k := range [][2]int64{{x, y}, {y, x}} {
					if _, err := b.tx.ExecContext(b.ctx, `UPDATE cochange SET n = n - 1 WHERE a = ? AND b = ?`, k[0], k[1]); err != nil {
						return err
					}
					affected[k] = true
				}
			}
		}
		for _, q := range []string{`DELETE FROM fts WHERE rowid = ?`, `DELETE FROM repeats WHERE commit_id = ?`, `DELETE FROM files WHERE commit_id = ?`, `DELETE FROM missing WHERE commit_id = ?`, `DELETE FROM commits WHERE id = ?`} {
			if _, err := b.tx.ExecContext(b.ctx, q, id); err != nil {
				return err
			}
		}
	}
	if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM cochange WHERE n <= 0`); err != nil {
		return err
	}
	// The last date of a pair that lost a commit is recomputed from what
	// remains.
	for k := range affected {
		if _, err := b.tx.ExecContext(b.ctx, `UPDATE cochange SET last = coalesce((
			SELECT max(c.author_time) FROM files f1
			JOIN files f2 ON f2.commit_id = f1.commit_id AND f2.path_id = ?2
			JOIN commits c ON c.id = f1.commit_id AND c.nfiles <= ?3
			WHERE f1.path_id = ?1), last) WHERE a = ?1 AND b = ?2`, k[0], k[1], CoChangeMaxFiles); err != nil {
			return err
		}
	}
	return nil
}

// Known returns the ids of those of hashes that are indexed.
func (s *Store) Known(ctx context.Context, hashes []string) (map[string]int64, error) {
	// Past a few thousand, one scan of the table beats one lookup each.
	if len(hashes) > 2000 {
		all, err := s.CommitIDs(ctx)
		if err != nil {
			return nil, err
		}
		out := map[string]int64{}
		for _, h := range hashes {
			if id, ok := all[h]; ok {
				out[h] = id
			}
		}
		return out, nil
	}
	out := map[string]int64{}
	st, err := s.db.PrepareContext(ctx, `SELECT id FROM commits WHERE hash = ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, h := range hashes {
		var id int64
		err := st.QueryRowContext(ctx, h).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[h] = id
	}
	return out, nil
}

// Named is an indexed commit's id and hash.
type Named struct {
	ID   int64
	Hash string
}

// WithPrefix finds the indexed commits whose hash begins with prefix
// (lower-case hex), at most two: one is the commit the prefix names, two
// say it is ambiguous. One lookup in the hash index.
func (s *Store) WithPrefix(ctx context.Context, prefix string) ([]Named, error) {
	// Every hash character sorts below "g": the range is the prefix's.
	rows, err := s.db.QueryContext(ctx, `SELECT id, hash FROM commits WHERE hash >= ? AND hash < ? ORDER BY hash LIMIT 2`, prefix, prefix+"g")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Named
	for rows.Next() {
		var n Named
		if err := rows.Scan(&n.ID, &n.Hash); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Messages returns the subject and body of commits by id.
func (s *Store) Messages(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	st, err := s.db.PrepareContext(ctx, `SELECT subject, body FROM commits WHERE id = ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, id := range ids {
		var subj, body string
		if err := st.QueryRowContext(ctx, id).Scan(&subj, &body); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return nil, err
		}
		out[id] = PassageText(subj, body)
	}
	return out, nil
}

// AllMessages calls fn with every indexed commit's message, oldest first
// (by author time; ties in the order they were indexed).
func (s *Store) AllMessages(ctx context.Context, fn func(id int64, msg string)) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, subject, body FROM commits ORDER BY author_time, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var subj, body string
		if err := rows.Scan(&id, &subj, &body); err != nil {
			return err
		}
		fn(id, PassageText(subj, body))
	}
	return rows.Err()
}

// PassageText is what a commit's vector is made from: its message
// (subject and body, without trailers). Diff terms stay out of it: they
// blur what the message says.
func PassageText(subject, body string) string {
	if body == "" {
		return subject
	}
	return subject + "\n\n" + body
}

type repeat struct {
	term string
	n    int
}

// repeated lists the terms a column's space-separated terms hold more
// than once (as FTS5 tokenises them: analysed terms have no separator in
// them), in the order first seen.
func repeated(terms string) []repeat {
	var out []repeat
	seen := map[string]int{} // term → its index in out, -1 seen once
	for _, t := range strings.Fields(terms) {
		i, ok := seen[t]
		switch {
		case !ok:
			seen[t] = -1
		case i < 0:
			seen[t] = len(out)
			out = append(out, repeat{t, 2})
		default:
			out[i].n++
		}
	}
	return out
}

// Stamp is what an indexed commit's merged text came from: the merge
// (By, "" for none) and the number of commits it brought in.
type Stamp struct {
	ID int64
	By string
	N  int
}

// Stamps reads the stamps of the indexed commits among hashes, or of
// every commit that has one when hashes is nil.
func (s *Store) Stamps(ctx context.Context, hashes []string) (map[string]Stamp, error) {
	out := map[string]Stamp{}
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var h string
			var st Stamp
			if err := rows.Scan(&st.ID, &h, &st.By, &st.N); err != nil {
				return err
			}
			out[h] = st
		}
		return rows.Err()
	}
	if hashes == nil {
		rows, err := s.db.QueryContext(ctx, `SELECT id, hash, merged_by, merged_n FROM commits WHERE merged_by != ''`)
		if err != nil {
			return nil, err
		}
		return out, scan(rows)
	}
	// Past a few thousand (a first index's merges bring in most of the
	// history), one scan of the table beats one lookup each, as in Known.
	if len(hashes) > 2000 {
		rows, err := s.db.QueryContext(ctx, `SELECT id, hash, merged_by, merged_n FROM commits`)
		if err != nil {
			return nil, err
		}
		if err := scan(rows); err != nil {
			return nil, err
		}
		want := make(map[string]bool, len(hashes))
		for _, h := range hashes {
			want[h] = true
		}
		maps.DeleteFunc(out, func(h string, _ Stamp) bool { return !want[h] })
		return out, nil
	}
	st, err := s.db.PrepareContext(ctx, `SELECT id, hash, merged_by, merged_n FROM commits WHERE hash = ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, h := range hashes {
		rows, err := st.QueryContext(ctx, h)
		if err != nil {
			return nil, err
		}
		if err := scan(rows); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// StampedBy reports whether the merged text of some indexed commit came
// from one of merges (nil: from any merge).
func (s *Store) StampedBy(ctx context.Context, merges []string) (bool, error) {
	if merges == nil {
		var one int
		err := s.db.QueryRowContext(ctx, `SELECT 1 FROM commits WHERE merged_by != '' LIMIT 1`).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	st, err := s.db.PrepareContext(ctx, `SELECT 1 FROM commits WHERE merged_by = ? LIMIT 1`)
	if err != nil {
		return false, err
	}
	defer st.Close()
	for _, m := range merges {
		var one int
		err := st.QueryRowContext(ctx, m).Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	return false, nil
}
