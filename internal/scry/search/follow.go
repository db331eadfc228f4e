package search

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// RelatedFollow is RelatedFiles for a file followed across its renames,
// as git log --follow follows it: the commits that changed it under a
// name it had before (Changes.Earlier) are its commits too, and a file
// that changed with it and was renamed since is listed under the name
// it has now (or had when deleted), each commit counted once. The index
// keeps diffs as deletes and adds, so which of them were renames is
// asked of git's rename detection in r, and only for the commits that
// added one of the names while deleting another file (or, for the files
// that changed with it, deleted one while adding another). A directory
// is counted by path, as RelatedFiles counts it; r nil: by path.
func RelatedFollow(ctx context.Context, st *store.Store, r *gitrepo.Repo, path string, limit int) ([]Related, Changes, error) {
	return related(ctx, st, r, path, limit, true)
}

// maxHops bounds a chain of renames, which the commits' order (by date,
// which can tie) cannot prove to end.
const maxHops = 100

// point is a commit in the order renames are followed in: committer
// date, then author date. The index holds no parents; a date that ties
// counts as both before and after.
type point struct {
	id     int64
	ct, at int64
}

// before says p is strictly older than q by their dates.
func (p point) before(q point) bool {
	if p.ct != q.ct {
		return p.ct < q.ct
	}
	return p.at < q.at
}

// segment is a name of the file and the commits it had that name in:
// from the commit that renamed it to that name (from, included; nil:
// since the name's first commit) until the one that renamed it to the
// next name (to, excluded: that commit is the next name's; nil: now).
type segment struct {
	id       int64
	path     string
	from, to *point
}

func (s segment) holds(p point) bool {
	if s.to != nil && (p.id == s.to.id || s.to.before(p)) {
		return false
	}
	return s.from == nil || !p.before(*s.from)
}

// followBack is the file's names, path (id) first, then each earlier one
// it was renamed from, going back in time from each rename: the name a
// file had before it is followed only as far back as the rename that
// gave it this one, so a later file of that name is not merged in.
func followBack(ctx context.Context, db *sql.DB, rc *renameCache, path string, id int64) ([]segment, error) {
	segs := []segment{{id: id, path: path}}
	for hops := 0; hops < maxHops; hops++ {
		s := &segs[len(segs)-1]
		// A rename is, in the index, the name added while another file
		// was deleted.
		rows, err := db.QueryContext(ctx, `SELECT c.id, c.hash, c.commit_time, c.author_time FROM files f JOIN commits c ON c.id = f.commit_id
			WHERE f.path_id = ? AND f.status = 'A' AND EXISTS (SELECT 1 FROM files g WHERE g.commit_id = f.commit_id AND g.status = 'D')`, s.id)
		if err != nil {
			return nil, err
		}
		type cand struct {
			p    point
			hash string
		}
		var cands []cand
		for rows.Next() {
			var c cand
			if err := rows.Scan(&c.p.id, &c.hash, &c.p.ct, &c.p.at); err != nil {
				rows.Close()
				return nil, err
			}
			if s.holds(c.p) {
				cands = append(cands, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(cands) == 0 {
			return segs, err
		}
		hashes := make([]string, len(cands))
		for i, c := range cands {
			hashes[i] = c.hash
		}
		renames, err := rc.of(ctx, hashes)
		if err != nil || renames == nil {
			return segs, err
		}
		// The latest rename to the name is where git log --follow,
		// walking back, takes up the name before.
		sort.Slice(cands, func(i, j int) bool { return cands[j].p.before(cands[i].p) })
		var next *segment
		for _, c := range cands {
			for _, rn := range renames[c.hash] {
				if rn.To != s.path {
					continue
				}
				var oid int64
				if err := db.QueryRowContext(ctx, `SELECT id FROM paths WHERE path = ?`, rn.From).Scan(&oid); err != nil {
					if errors.Is(err, sql.ErrNoRows) {
						continue
					}
					return nil, err
				}
				p := c.p
				s.from = &p
				next = &segment{id: oid, path: rn.From, to: &p}
				break
			}
			if next != nil {
				break
			}
		}
		if next == nil {
			return segs, nil
		}
		segs = append(segs, *next)
	}
	return segs, nil
}

// fileCommit is a commit of the file followed.
type fileCommit struct {
	point
	nfiles int64
}

// relatedFollowing is RelatedFollow for the file path (id).
func relatedFollowing(ctx context.Context, db *sql.DB, rc *renameCache, path string, id int64, limit int) ([]Related, Changes, error) {
	segs, err := followBack(ctx, db, rc, path, id)
	if err != nil {
		return nil, Changes{}, err
	}
	names := map[string]bool{}
	var earlier []string
	var ids []string
	for _, s := range segs {
		if !names[s.path] && s.path != path {
			earlier = append(earlier, s.path)
		}
		names[s.path] = true
		ids = append(ids, fmt.Sprint(s.id))
	}
	commits := map[int64]fileCommit{}
	for _, s := range segs {
		rows, err := db.QueryContext(ctx, `SELECT c.id, c.commit_time, c.author_time, c.nfiles FROM files f JOIN commits c ON c.id = f.commit_id WHERE f.path_id = ?`, s.id)
		if err != nil {
			return nil, Changes{}, err
		}
		for rows.Next() {
			var c fileCommit
			if err := rows.Scan(&c.id, &c.ct, &c.at, &c.nfiles); err != nil {
				rows.Close()
				return nil, Changes{}, err
			}
			if s.holds(c.point) {
				commits[c.id] = c
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, Changes{}, err
		}
	}
	counted := []int64{}
	var large int64
	oldest := point{ct: 1<<62 - 1}
	for _, c := range commits {
		if c.nfiles > store.CoChangeMaxFiles {
			large++
			continue
		}
		counted = append(counted, c.id)
		if c.point.before(oldest) {
			oldest = c.point
		}
	}
	if len(segs) == 1 {
		// Not renamed: the pairs table answers, unless a file that
		// changed with it was renamed since, and would be listed twice.
		renamed, err := partnersRenamed(ctx, db, rc, id, oldest.ct)
		if err != nil || !renamed {
			if err != nil {
				return nil, Changes{}, err
			}
			return relatedToFile(ctx, db, rc, path, id, limit)
		}
	}
	inCommits, err := json.Marshal(counted)
	if err != nil {
		return nil, Changes{}, err
	}
	// The file's commits under any of its names: the commit ids as one
	// JSON parameter, the names' ids (numbers) in the statement.
	cond := `f.commit_id IN (SELECT value FROM json_each(?1)) AND p.id IN (` + strings.Join(ids, ",") + `)`
	inside := func(p string) bool { return names[p] }
	moved, dropped, err := notTogether(ctx, db, rc, cond, string(inCommits), inside)
	if err != nil {
		return nil, Changes{}, err
	}
	changes := Changes{Counted: int64(len(counted)) - dropped, Large: large, Earlier: earlier}
	rows, err := db.QueryContext(ctx, `SELECT f.commit_id, p.id, p.path FROM files f JOIN paths p ON p.id = f.path_id
		WHERE f.commit_id IN (SELECT value FROM json_each(?1))`, string(inCommits))
	if err != nil {
		return nil, Changes{}, err
	}
	type occurrence struct {
		path   string
		commit int64
	}
	var occ []occurrence
	others := map[string]int64{}
	for rows.Next() {
		var o occurrence
		var pid int64
		if err := rows.Scan(&o.commit, &pid, &o.path); err != nil {
			rows.Close()
			return nil, Changes{}, err
		}
		if names[o.path] || moved[o.path][o.commit] {
			continue
		}
		occ = append(occ, o)
		others[o.path] = pid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, Changes{}, err
	}
	latest, err := latestNames(ctx, db, rc, others, oldest.ct)
	if err != nil {
		return nil, Changes{}, err
	}
	type tally struct {
		commits map[int64]bool
		last    int64
	}
	by := map[string]*tally{}
	for _, o := range occ {
		name := latest.name(o.path, commits[o.commit].point)
		if names[name] {
			continue
		}
		t := by[name]
		if t == nil {
			t = &tally{commits: map[int64]bool{}}
			by[name] = t
		}
		t.commits[o.commit] = true
		t.last = max(t.last, commits[o.commit].at)
	}
	out := make([]Related, 0, len(by))
	for name, t := range by {
		x := Related{Path: name, Count: int64(len(t.commits)), Last: time.Unix(t.last, 0).UTC()}
		if changes.Counted > 0 {
			x.Share = float64(x.Count) / float64(changes.Counted)
		}
		out = append(out, x)
	}
	return cut(out, limit), changes, nil
}

// partnersRenamed says whether a file that changed together with the
// file id (the pairs table's) was renamed after since, the oldest of the
// file's commits' committer date. Git is asked only when one of them
// was deleted while another file was added.
func partnersRenamed(ctx context.Context, db *sql.DB, rc *renameCache, id, since int64) (bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.path, c.id, c.hash FROM cochange x JOIN files f ON f.path_id = x.b JOIN paths p ON p.id = x.b JOIN commits c ON c.id = f.commit_id
		WHERE x.a = ? AND f.status = 'D' AND c.commit_time >= ?`, id, since)
	if err != nil {
		return false, err
	}
	type del struct {
		path, hash string
		commit     int64
	}
	var dels []del
	for rows.Next() {
		var x del
		if err := rows.Scan(&x.path, &x.commit, &x.hash); err != nil {
			rows.Close()
			return false, err
		}
		dels = append(dels, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(dels) == 0 {
		return false, err
	}
	ids := make([]int64, len(dels))
	for i, x := range dels {
		ids[i] = x.commit
	}
	adding, err := addingCommits(ctx, db, ids)
	if err != nil {
		return false, err
	}
	var hashes []string
	for _, x := range dels {
		if adding[x.commit] {
			hashes = append(hashes, x.hash)
		}
	}
	if len(hashes) == 0 {
		return false, nil
	}
	if renames, err := rc.of(ctx, hashes); err != nil || renames == nil {
		return false, err
	}
	for _, x := range dels {
		if adding[x.commit] && rc.renamedFrom(x.hash, x.path) != "" {
			return true, nil
		}
	}
	return false, nil
}

// addingCommits says which of the commits (ids, repeats allowed) added
// a file while deleting another: those git is asked about for renames.
// Each is looked at once: a directory's move deletes thousands of files,
// and the question, asked for each deletion, read the move's files once
// for each of them.
func addingCommits(ctx context.Context, db *sql.DB, ids []int64) (map[int64]bool, error) {
	in, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT j.id FROM (SELECT DISTINCT value AS id FROM json_each(?1)) j
		WHERE EXISTS (SELECT 1 FROM files g WHERE g.commit_id = j.id AND g.status = 'A')`, string(in))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	adding := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		adding[id] = true
	}
	return adding, rows.Err()
}

// death is a commit that deleted a file's path: renamed is the path git
// sees it renamed to there ("" when none: the file ended with that name).
type death struct {
	point
	renamed string
}

// nameMap follows paths forward through their renames.
type nameMap map[string][]death // by path, oldest first

// name is the name the file that had path in the commit at has last:
// its path at the first deletion from then on that no rename carried
// further.
func (m nameMap) name(path string, at point) string {
	for hops := 0; hops < maxHops; hops++ {
		var d *death
		for i := range m[path] {
			x := &m[path][i]
			if x.id == at.id {
				d = x
				break
			}
			if d == nil && !x.before(at) {
				d = x
			}
		}
		if d == nil || d.renamed == "" {
			return path
		}
		path, at = d.renamed, d.point
	}
	return path
}

// latestNames finds the deletions of paths since (a committer date) and
// which of them were renames, and so on for the names they were renamed
// to: a nameMap for the files' names now.
func latestNames(ctx context.Context, db *sql.DB, rc *renameCache, paths map[string]int64, since int64) (nameMap, error) {
	m := nameMap{}
	ids := make([]int64, 0, len(paths))
	seen := map[string]bool{}
	for p, id := range paths {
		ids = append(ids, id)
		seen[p] = true
	}
	for hops := 0; len(ids) > 0 && hops < maxHops; hops++ {
		in, err := json.Marshal(ids)
		if err != nil {
			return nil, err
		}
		rows, err := db.QueryContext(ctx, `SELECT p.path, c.id, c.hash, c.commit_time, c.author_time
			FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
			WHERE f.path_id IN (SELECT value FROM json_each(?1)) AND f.status = 'D' AND c.commit_time >= ?2`, string(in), since)
		if err != nil {
			return nil, err
		}
		type del struct {
			path, hash string
			d          death
		}
		var dels []del
		var commits []int64
		for rows.Next() {
			var x del
			if err := rows.Scan(&x.path, &x.d.id, &x.hash, &x.d.ct, &x.d.at); err != nil {
				rows.Close()
				return nil, err
			}
			dels = append(dels, x)
			commits = append(commits, x.d.id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		adding, err := addingCommits(ctx, db, commits)
		if err != nil {
			return nil, err
		}
		var ask []string
		for _, x := range dels {
			if adding[x.d.id] {
				ask = append(ask, x.hash)
			}
		}
		if _, err := rc.of(ctx, ask); err != nil {
			return nil, err
		}
		// The new names' own deletions, next.
		var next []string
		for _, x := range dels {
			if adding[x.d.id] {
				x.d.renamed = rc.renamedFrom(x.hash, x.path)
				if to := x.d.renamed; to != "" && !seen[to] {
					seen[to] = true
					next = append(next, to)
				}
			}
			m[x.path] = append(m[x.path], x.d)
		}
		if ids, err = pathIDs(ctx, db, next); err != nil {
			return nil, err
		}
	}
	for _, ds := range m {
		sort.SliceStable(ds, func(i, j int) bool { return ds[i].before(ds[j].point) })
	}
	return m, nil
}

// pathIDs is the ids of the paths the index knows of names.
func pathIDs(ctx context.Context, db *sql.DB, names []string) ([]int64, error) {
	if len(names) == 0 {
		return nil, nil
	}
	in, err := json.Marshal(names)
	if err != nil {
		return nil, err
	}
	return store.QueryIDs(ctx, db, `SELECT p.id FROM json_each(?1) j JOIN paths p ON p.path = j.value`, string(in))
}

// renameCache holds what git's rename detection said of each commit
// asked about, so that one answer asks git once for a commit.
type renameCache struct {
	r     *gitrepo.Repo
	known map[string][]gitrepo.Rename
	// from is known's renames by the path they renamed, made for a
	// commit when first looked up there: a directory's move has
	// thousands, and as many of its files may be looked up.
	from map[string]map[string]string
	// gone is the commits asked about that git no longer has: history
	// rewritten and pruned since the index took them in. Their renames
	// read as none, and the answer is the index's, not git's.
	gone map[string]bool
}

func newRenameCache(r *gitrepo.Repo) *renameCache {
	return &renameCache{r: r, known: map[string][]gitrepo.Rename{}, from: map[string]map[string]string{}, gone: map[string]bool{}}
}

// renamedFrom is the path the commit hash, asked about before (of),
// renamed path to; "" when it did not rename path.
func (rc *renameCache) renamedFrom(hash, path string) string {
	if _, asked := rc.known[hash]; !asked {
		return "" // git could not say
	}
	byFrom, ok := rc.from[hash]
	if !ok {
		byFrom = make(map[string]string, len(rc.known[hash]))
		for _, rn := range rc.known[hash] {
			if _, dup := byFrom[rn.From]; !dup {
				byFrom[rn.From] = rn.To
			}
		}
		rc.from[hash] = byFrom
	}
	return byFrom[path]
}

// of is the renames of the commits hashes (and of any asked before), by
// hash; nil when there is no repository, or git cannot read them here (a
// damaged repository): the index's counts then stand as they are.
func (rc *renameCache) of(ctx context.Context, hashes []string) (map[string][]gitrepo.Rename, error) {
	if rc.r == nil {
		return nil, nil
	}
	var ask []string
	for _, h := range hashes {
		if _, ok := rc.known[h]; !ok {
			ask = append(ask, h)
		}
	}
	if len(ask) > 0 {
		renames, err := rc.r.RenamesOf(ctx, ask)
		if err != nil {
			return nil, ctx.Err()
		}
		for _, h := range ask {
			rs, ok := renames[h]
			rc.known[h] = rs
			if !ok {
				rc.gone[h] = true
			}
		}
	}
	return rc.known, nil
}

// Renamed is where a file's history went on after its name: the rename
// that ended the name (To, in Commit) and the name the file has last
// (Now: To, or a later name To was renamed to).
type Renamed struct {
	To, Now, Commit string
}

// RenamedLater says whether the file path was renamed by the latest
// commit that deleted it, and to what, as git's rename detection sees
// that commit: git is asked about it only when it added another file,
// and about the later deletions of the new name as latestNames asks, so
// a file never renamed costs one query of the index. nil when the path
// was never deleted, its latest deletion was no rename, or there is no
// repository to ask.
func RenamedLater(ctx context.Context, st *store.Store, r *gitrepo.Repo, path string) (*Renamed, error) {
	if r == nil {
		return nil, nil
	}
	db := st.DB()
	var hash string
	var at point
	var added bool
	err := db.QueryRowContext(ctx, `SELECT c.id, c.hash, c.commit_time, c.author_time,
		EXISTS (SELECT 1 FROM files g WHERE g.commit_id = f.commit_id AND g.status = 'A')
		FROM files f JOIN paths p ON p.id = f.path_id JOIN commits c ON c.id = f.commit_id
		WHERE p.path = ? AND f.status = 'D' ORDER BY c.commit_time DESC, c.author_time DESC LIMIT 1`, path).Scan(&at.id, &hash, &at.ct, &at.at, &added)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !added {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rc := newRenameCache(r)
	renames, err := rc.of(ctx, []string{hash})
	if err != nil || renames == nil {
		return nil, err
	}
	var to string
	for _, rn := range renames[hash] {
		if rn.From == path {
			to = rn.To
			break
		}
	}
	if to == "" {
		return nil, nil
	}
	res := &Renamed{To: to, Now: to, Commit: hash}
	var id int64
	err = db.QueryRowContext(ctx, `SELECT id FROM paths WHERE path = ?`, to).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	later, err := latestNames(ctx, db, rc, map[string]int64{to: id}, at.ct)
	if err != nil {
		return nil, err
	}
	res.Now = later.name(to, at)
	return res, nil
}
