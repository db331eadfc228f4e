package search

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
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

// Changes counts the commits a RelatedFiles answer is about.
type Changes struct {
	// Counted is how many commits changed the path and count: those the
	// shares are of.
	Counted int64
	// Large is how many changed it and do not count, for touching more
	// than store.CoChangeMaxFiles files: a file that changed in those
	// alone (an import, a sweep) changed with many files, and none of
	// them is related.
	Large int64
	// Dir says the path stood for the files under it, whose related
	// files are those outside it.
	Dir bool
	// Earlier is the names the file had before, newest first, whose
	// commits count as its own (RelatedFollow).
	Earlier []string
	// Gone is how many of the commits git was asked about for renames it
	// no longer has (rewritten and pruned before an index run took the
	// rewrite in): renames through them are not followed, so a file's
	// earlier name may be listed as related and its commits undercounted.
	Gone int
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
//
// A file's other name, in the commit that renamed it (as git's rename
// detection in r sees it), is the file itself, not a file that changed
// with it: the index reads diffs as deletes and adds, and the old path
// would come out related to the new one (and a directory moved
// elsewhere related to its new place). Nor do a shallow clone's
// boundary commits count (notTogether). r nil leaves both in.
func RelatedFiles(ctx context.Context, st *store.Store, r *gitrepo.Repo, path string, limit int) ([]Related, Changes, error) {
	return related(ctx, st, r, path, limit, false)
}

// related is RelatedFiles, and RelatedFollow where follow is set.
func related(ctx context.Context, st *store.Store, r *gitrepo.Repo, path string, limit int, follow bool) (rel []Related, changes Changes, err error) {
	db := st.DB()
	rc := newRenameCache(r)
	defer func() { changes.Gone = len(rc.gone) }()
	if dir := strings.TrimSuffix(path, "/"); dir != path {
		return relatedToDir(ctx, db, rc, dir, limit)
	}
	var id int64
	// A path whose commits were all pruned keeps its id but has no files.
	err = db.QueryRowContext(ctx, `SELECT id FROM paths p WHERE path = ? AND EXISTS (SELECT 1 FROM files f WHERE f.path_id = p.id)`, path).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return relatedToDir(ctx, db, rc, path, limit)
	}
	if err != nil {
		return nil, Changes{}, err
	}
	if dir, err := nowADirectory(ctx, db, r, path, id); err != nil {
		return nil, Changes{}, err
	} else if dir {
		return relatedToDir(ctx, db, rc, path, limit)
	}
	if follow && r != nil {
		return relatedFollowing(ctx, db, rc, path, id, limit)
	}
	return relatedToFile(ctx, db, rc, path, id, limit)
}

// relatedToFile is RelatedFiles for the file path (id), by path.
func relatedToFile(ctx context.Context, db *sql.DB, rc *renameCache, path string, id int64, limit int) ([]Related, Changes, error) {
	var changes, large int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE c.nfiles <= ?2), count(*) FILTER (WHERE c.nfiles > ?2)
		FROM files f JOIN commits c ON c.id = f.commit_id WHERE f.path_id = ?1`, id, store.CoChangeMaxFiles).Scan(&changes, &large); err != nil {
		return nil, Changes{}, err
	}
	inside := func(p string) bool { return p == path }
	moved, dropped, err := notTogether(ctx, db, rc, `p.id = ?1`, id, inside)
	if err != nil {
		return nil, Changes{}, err
	}
	changes -= dropped
	counts := Changes{Counted: changes, Large: large}
	if len(moved) == 0 && dropped == 0 {
		rows, err := db.QueryContext(ctx, `SELECT p.path, c.n, c.last FROM cochange c JOIN paths p ON p.id = c.b WHERE c.a = ? ORDER BY c.n DESC, c.last DESC, p.path LIMIT ?`, id, limit)
		if err != nil {
			return nil, Changes{}, err
		}
		out, err := scanRelated(rows, changes)
		return out, counts, err
	}
	rows, err := db.QueryContext(ctx, `SELECT p.path, c.n, c.last FROM cochange c JOIN paths p ON p.id = c.b WHERE c.a = ?`, id)
	if err != nil {
		return nil, Changes{}, err
	}
	out, err := scanRelated(rows, changes)
	if err != nil {
		return nil, Changes{}, err
	}
	out, err = recount(ctx, db, out, moved, changes, `p.id = ?1`, id)
	if err != nil {
		return nil, Changes{}, err
	}
	return cut(out, limit), counts, nil
}

// nowADirectory says whether path, which named a file (id) in the
// history, names a directory now: a file replaced by a directory of the
// same name (x, then x/main.go). The directory is what path names in the
// working tree and in every answer git gives now; the file's pairs would
// be of a file that is gone. Now is HEAD's tree, or where HEAD has no
// such entry (deleted since) what it was when last there. r nil: the
// file, as before directories replaced files.
func nowADirectory(ctx context.Context, db *sql.DB, r *gitrepo.Repo, path string, id int64) (bool, error) {
	if r == nil {
		return false, nil
	}
	// The paths under path/ sort between "path/" and "path0" ('0' follows
	// '/'): a range of the paths' index, not a scan of them.
	var one int
	err := db.QueryRowContext(ctx, `SELECT 1 FROM paths p WHERE p.path >= ?1 AND p.path < ?2
		AND EXISTS (SELECT 1 FROM files f WHERE f.path_id = p.id) LIMIT 1`, path+"/", path+"0").Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	t, err := r.LastEntryType(ctx, path)
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	// A history git cannot read here (a damaged repository): the file.
	return err == nil && t == "tree", nil
}

// relatedToDir is RelatedFiles for the files under dir (ErrUnknownPath
// when the history has none). The pairs table
// holds files, so this counts from the commits' file lists: the commits
// that changed something under dir, then their other files.
func relatedToDir(ctx context.Context, db *sql.DB, rc *renameCache, dir string, limit int) ([]Related, Changes, error) {
	prefix := dir + "/"
	// substr, not LIKE or GLOB: a path may hold their wildcards.
	const under = `substr(p.path, 1, length(?1)) = ?1`
	var changes, large int64
	err := db.QueryRowContext(ctx, `SELECT count(DISTINCT f.commit_id) FILTER (WHERE c.nfiles <= ?2), count(DISTINCT f.commit_id) FILTER (WHERE c.nfiles > ?2)
		FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
		WHERE `+under, prefix, store.CoChangeMaxFiles).Scan(&changes, &large)
	if err != nil {
		return nil, Changes{}, err
	}
	if changes == 0 && large == 0 {
		return nil, Changes{}, ErrUnknownPath
	}
	inside := func(p string) bool { return strings.HasPrefix(p, prefix) }
	moved, dropped, err := notTogether(ctx, db, rc, under, prefix, inside)
	if err != nil {
		return nil, Changes{}, err
	}
	changes -= dropped
	counts := Changes{Counted: changes, Large: large, Dir: true}
	q := `WITH touched AS (
			SELECT DISTINCT f.commit_id AS id FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
			WHERE ` + under + ` AND c.nfiles <= ?2)
		SELECT p.path, count(*) AS n, max(c.author_time) AS last FROM touched t
		JOIN files f ON f.commit_id = t.id JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = t.id
		WHERE NOT ` + under + ` AND p.path != ?3
		GROUP BY p.path`
	// The file of the directory's name (x, which x/ replaced) is not a
	// file that changed with it, as a renamed file's other name is not.
	args := []any{prefix, store.CoChangeMaxFiles, dir}
	if len(moved) == 0 && dropped == 0 {
		q += ` ORDER BY n DESC, last DESC, p.path LIMIT ?4`
		args = append(args, limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, Changes{}, err
	}
	out, err := scanRelated(rows, changes)
	if err != nil || (len(moved) == 0 && dropped == 0) {
		return out, counts, err
	}
	out, err = recount(ctx, db, out, moved, changes, under, prefix)
	if err != nil {
		return nil, Changes{}, err
	}
	return cut(out, limit), counts, nil
}

// notTogether is what the index holds as changed together and was not:
// by path outside the files asked about, the commits that only renamed
// one of them to it (renamedAway), and the commits of a shallow clone's
// boundary. Git shows those as adding every file of their tree, their
// parents being absent, and no file of theirs changed with another that
// anyone knows of: they do not count for the files asked about at all
// (dropped, how many of their commits they were). A boundary commit
// indexed before this was known keeps its pairs in the index; they are
// left out here.
func notTogether(ctx context.Context, db *sql.DB, rc *renameCache, cond string, arg any, inside func(string) bool) (map[string]map[int64]bool, int64, error) {
	moved, err := renamedAway(ctx, db, rc, cond, arg, inside)
	r := rc.r
	if err != nil || r == nil {
		return moved, 0, err
	}
	roots := r.ShallowCommits()
	if len(roots) == 0 {
		return moved, 0, nil
	}
	if moved == nil {
		moved = map[string]map[int64]bool{}
	}
	commits := map[int64]bool{}
	// In chunks: a clone made with --shallow-since can have many
	// boundary commits, and a statement takes so many parameters.
	for len(roots) > 0 {
		n := min(len(roots), 500)
		args := []any{arg, store.CoChangeMaxFiles}
		for _, h := range roots[:n] {
			args = append(args, h)
		}
		roots = roots[n:]
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT c.id, o.path FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
			JOIN files g ON g.commit_id = c.id JOIN paths o ON o.id = g.path_id
			WHERE `+cond+` AND c.nfiles <= ?2 AND c.hash IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
		if err != nil {
			return nil, 0, err
		}
		for rows.Next() {
			var id int64
			var path string
			if err := rows.Scan(&id, &path); err != nil {
				rows.Close()
				return nil, 0, err
			}
			commits[id] = true
			if inside(path) {
				continue
			}
			if moved[path] == nil {
				moved[path] = map[int64]bool{}
			}
			moved[path][id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, err
		}
	}
	return moved, int64(len(commits)), nil
}

// commitRenames asks git for the renames of the commits query lists (id,
// hash): by hash, with each commit's id. Nil when it lists none, or git
// cannot read them here (a damaged repository): the index's counts then
// stand as they are.
func commitRenames(ctx context.Context, db *sql.DB, rc *renameCache, query string, args ...any) (map[string][]gitrepo.Rename, map[string]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	ids := map[string]int64{}
	var hashes []string
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			rows.Close()
			return nil, nil, err
		}
		ids[h] = id
		hashes = append(hashes, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(hashes) == 0 {
		return nil, nil, err
	}
	renames, err := rc.of(ctx, hashes)
	if err != nil || renames == nil {
		return nil, nil, err
	}
	return renames, ids, nil
}

// renamedAway finds the commits that renamed a file asked about (one
// whose path the SQL condition cond on paths p holds, with arg as ?1, and
// inside accepts) to or from a path outside: by path outside, the ids of
// those commits, which do not count for it. Only commits that added or
// deleted such a file while deleting or adding another are asked of git.
func renamedAway(ctx context.Context, db *sql.DB, rc *renameCache, cond string, arg any, inside func(string) bool) (map[string]map[int64]bool, error) {
	if rc.r == nil {
		return nil, nil
	}
	renames, ids, err := commitRenames(ctx, db, rc, `SELECT DISTINCT c.id, c.hash FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
		WHERE `+cond+` AND f.status IN ('A', 'D') AND c.nfiles <= ?2
		AND EXISTS (SELECT 1 FROM files g WHERE g.commit_id = f.commit_id AND g.status IN ('A', 'D') AND g.status != f.status)`, arg, store.CoChangeMaxFiles)
	if err != nil || renames == nil {
		return nil, err
	}
	moved := map[string]map[int64]bool{}
	for h, rs := range renames {
		id, ok := ids[h]
		if !ok {
			continue
		}
		for _, rn := range rs {
			other := ""
			switch {
			case inside(rn.From) && !inside(rn.To):
				other = rn.To
			case inside(rn.To) && !inside(rn.From):
				other = rn.From
			default:
				continue
			}
			if moved[other] == nil {
				moved[other] = map[int64]bool{}
			}
			moved[other][id] = true
		}
	}
	return moved, nil
}

// recount counts again the files of out that moved holds: the commits
// that changed both, less those moved names, and the latest of what
// remains; and every share, of changes. cond and arg select the files
// asked about, as for renamedAway.
func recount(ctx context.Context, db *sql.DB, out []Related, moved map[string]map[int64]bool, changes int64, cond string, arg any) ([]Related, error) {
	keep := out[:0]
	for _, x := range out {
		skip := moved[x.Path]
		if len(skip) == 0 {
			x.Share = 0
			if changes > 0 {
				x.Share = float64(x.Count) / float64(changes)
			}
			keep = append(keep, x)
			continue
		}
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT c.id, c.author_time FROM files f JOIN paths p ON p.id = f.path_id
			JOIN files o ON o.commit_id = f.commit_id JOIN commits c ON c.id = f.commit_id
			WHERE `+cond+` AND c.nfiles <= ?2 AND o.path_id = (SELECT id FROM paths WHERE path = ?3)`,
			arg, store.CoChangeMaxFiles, x.Path)
		if err != nil {
			return nil, err
		}
		var n, last int64
		for rows.Next() {
			var id, at int64
			if err := rows.Scan(&id, &at); err != nil {
				rows.Close()
				return nil, err
			}
			if !skip[id] {
				n++
				last = max(last, at)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		x.Count, x.Last = n, time.Unix(last, 0).UTC()
		x.Share = 0
		if changes > 0 {
			x.Share = float64(n) / float64(changes)
		}
		keep = append(keep, x)
	}
	return keep, nil
}

// cut orders out as the queries do (most commits, then the latest, then
// by path) and keeps the first limit.
func cut(out []Related, limit int) []Related {
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if !a.Last.Equal(b.Last) {
			return a.Last.After(b.Last)
		}
		return a.Path < b.Path
	})
	return out[:min(len(out), limit)]
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
