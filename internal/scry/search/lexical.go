package search

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Column weights of bm25: what a commit says about itself counts most,
// then what it touched. Subject > body > paths > diff identifiers: diff
// terms find the commit that changed a function whose name the query
// uses, and would drown the message if weighted like it. The merged
// column (the pull request's title that merged the commit, shared by
// every commit of the pull request) says less of one commit than its
// own body and more than its diff's identifiers, and a little more than
// its paths: a "wip" commit's best description. The order is the FTS
// table's.
var columns = [...]struct {
	name   string
	weight float64
}{
	{"subject", 10},
	{"body", 4},
	{"paths", 2.5},
	{"diff", 1},
	{"merged", 3},
}

// diffColumn is the diff identifiers' column.
const diffColumn = 3

// bm25 constants, as FTS5's own bm25() has them.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// lexical ranks commits by bm25 over the analysed terms, any term
// matching (OR): a query's words are rarely all in one commit. cover is
// the share of the query's weight (its terms' idf) the best hit holds,
// -1 when unknown (without a current search cache). A term of closed
// (a hyphenated word's closed form, text.Compound) counts toward it only
// when some commit holds it: its parts are the query's words too, and a
// history that writes "long running" does not lack a word where the
// query says "long-running".
//
// With a current search cache, bm25 is computed here from the terms'
// posting lists: the cache has every commit's length and the lists of the
// commits up to its postings' base, FTS5 answers for the commits after
// it. The same scores as FTS5's own bm25(), which calls a function for
// every matching row (7.6 ms for a paraphrased query at 9,216 commits,
// 42 ms at 50,000): that is what a search without a current cache uses.
func (s *Searcher) lexical(ctx context.Context, terms []string, closed map[string]bool, allow *idSet, n int) (hits []scored, cover float64, err error) {
	if len(terms) == 0 {
		return nil, -1, nil
	}
	if s.usesPostings() {
		return s.lexicalPostings(ctx, terms, closed, allow, n)
	}
	hits, err = s.lexicalFTS(ctx, terms, allow, n)
	return hits, -1, err
}

// usesPostings reports whether lexical search scores from posting lists.
func (s *Searcher) usesPostings() bool { return s.cache != nil && s.cache.Rows >= store.PostingsFrom }

func quote(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }

// lexicalFTS ranks with FTS5's bm25().
func (s *Searcher) lexicalFTS(ctx context.Context, terms []string, allow *idSet, n int) ([]scored, error) {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = quote(t)
	}
	// Equal scores as ties orders them, the newer commit first.
	q := `SELECT fts.rowid, bm25(fts, ?, ?, ?, ?, ?) AS r FROM fts JOIN commits c ON c.id = fts.rowid WHERE fts MATCH ?`
	args := []any{columns[0].weight, columns[1].weight, columns[2].weight, columns[3].weight, columns[4].weight, strings.Join(quoted, " OR ")}
	q += ` ORDER BY r, c.author_time DESC, fts.rowid DESC`
	if allow == nil {
		q += ` LIMIT ?`
		args = append(args, n)
	}
	rows, err := s.st.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scored
	for rows.Next() {
		var id int64
		var r float64
		if err := rows.Scan(&id, &r); err != nil {
			return nil, err
		}
		if allow.blocks(id) {
			continue
		}
		out = append(out, scored{id, -r}) // bm25() is lower-is-better
		if len(out) >= n {
			break
		}
	}
	return out, rows.Err()
}

// lexicalPostings is bm25 over posting lists, as FTS5 computes it: for
// each term, idf × F(k1+1) / (F + k1(1 − b + b·len/avglen)), where F sums
// over the columns their weight times the term's count there. The cached
// lists carry the counts; for the commits after the cached lists' base
// (at most a thirty-second of the history, the newest), FTS5's lists say
// which columns hold a term and the repeats table how often a subject or
// body holds it more than once.
func (s *Searcher) lexicalPostings(ctx context.Context, terms []string, closed map[string]bool, allow *idSet, n int) ([]scored, float64, error) {
	rows := float64(s.cache.Rows)
	lengths := s.cache.Lengths
	// The cache holds the lists of the commits up to base; FTS5 is asked
	// for the ones after it, if any.
	post := s.cache.Postings
	var base int64
	if post != nil {
		base = post.Base
	}
	var st, rep *sql.Stmt
	if base < int64(len(lengths)-1) {
		var err error
		if st, err = s.st.DB().PrepareContext(ctx, `SELECT group_concat(rowid) FROM fts WHERE fts MATCH ? AND rowid > ?`); err != nil {
			return nil, -1, err
		}
		defer st.Close()
		if rep, err = s.st.DB().PrepareContext(ctx, `SELECT commit_id, col, n FROM repeats WHERE term = ? AND commit_id > ?`); err != nil {
			return nil, -1, err
		}
		defer rep.Close()
	}
	nt := len(terms)
	// masks[id*nt+term] has bit c set when column c of commit id holds
	// the term, and bit 7 when it holds it more than once in a column:
	// then extra[term] has the weight of the repetitions by commit. A
	// dense array: a common term's posting list is a good part of the
	// history (and a float per entry would be four times its size to
	// clear). Terms are read on two goroutines: each writes only its
	// own bytes of masks, its own df and its own map.
	masks := make([]uint8, len(lengths)*nt)
	extra := make([]map[int64]float64, nt)
	df := make([]int, nt)
	repeats := func(ti int, id int64, ci, count int) {
		masks[int(id)*nt+ti] |= 1 << 7
		if extra[ti] == nil {
			extra[ti] = map[int64]float64{}
		}
		extra[ti][id] += columns[ci].weight * float64(count-1)
	}
	set := func(ti int, id int64, ci, count int) {
		// A cached list may name a commit removed since: no length.
		if id < 0 || id >= int64(len(lengths)) || lengths[id] == 0 {
			return
		}
		i := int(id)*nt + ti
		m := &masks[i]
		if *m == 0 {
			df[ti]++
		}
		if *m&(1<<ci) != 0 {
			return
		}
		*m |= 1 << ci
		if count > 1 {
			repeats(ti, id, ci, count)
		}
	}
	cached := func(ti int) {
		if post != nil {
			store.EachPosting(post.List(terms[ti]), func(id int64, ci, count int) { set(ti, id, ci, count) })
		}
	}
	// The diff column's lists of the commits after base, when diffCounts
	// has read them already.
	var tailDiffs []string
	list := func(ti, ci int) error {
		if st == nil {
			return nil
		}
		var ids sql.NullString
		if tailDiffs != nil && ci == diffColumn {
			ids.String = tailDiffs[ti]
		} else if err := st.QueryRowContext(ctx, "{"+columns[ci].name+"}: "+quote(terms[ti]), base).Scan(&ids); err != nil {
			return err
		}
		for rest := ids.String; rest != ""; {
			var one string
			one, rest, _ = strings.Cut(rest, ",")
			if id, err := strconv.ParseInt(one, 10, 64); err == nil {
				set(ti, id, ci, 1)
			}
		}
		return nil
	}
	// On a large history, a term that half the commits' diffs hold has no
	// idf left (bm25's log((N − df + ½)/(df + ½)) ≤ 0, clamped to 10⁻⁶):
	// it can only order the commits that hold nothing but such terms,
	// after all the others, and it would make most of the history
	// candidates (at 50,000 commits: 20 ms a search instead of 10). It is
	// left out when the query has another term; a query of nothing but
	// such terms is scored whole.
	use := make([]bool, nt)
	for ti := range use {
		use[ti] = true
	}
	if rows >= float64(commonFrom) {
		diffs, tail, err := s.diffCounts(ctx, st, post, terms, base)
		if err != nil {
			return nil, -1, err
		}
		tailDiffs = tail
		rare := false
		for ti, d := range diffs {
			use[ti] = 2*float64(d) < rows
			rare = rare || use[ti]
		}
		if !rare {
			for ti := range use {
				use[ti] = true
			}
		}
	}
	// FTS5's lists of the commits after base say whether a column holds
	// the term; how often, when more than once, is in the repeats table.
	repeated := func(ti int) error {
		rows, err := rep.QueryContext(ctx, terms[ti], base)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var ci, n int
			if err := rows.Scan(&id, &ci, &n); err != nil {
				return err
			}
			if id < int64(len(lengths)) && ci < len(columns) && n > 1 && masks[int(id)*nt+ti]&(1<<ci) != 0 {
				repeats(ti, id, ci, n)
			}
		}
		return rows.Err()
	}
	term := func(ti int) error {
		if !use[ti] {
			return nil
		}
		cached(ti)
		if st == nil {
			return nil
		}
		for ci := range columns {
			if err := list(ti, ci); err != nil {
				return err
			}
		}
		return repeated(ti)
	}
	if st == nil {
		// Only the mapped lists: a millisecond or two, less than what a
		// second thread costs a new process.
		for ti := range nt {
			term(ti)
		}
	} else if err := eachTerm(nt, term); err != nil {
		return nil, -1, err
	}
	idf := make([]float64, nt)
	for ti := range idf {
		idf[ti] = math.Log((rows - float64(df[ti]) + 0.5) / (float64(df[ti]) + 0.5))
		if idf[ti] <= 0 {
			idf[ti] = 1e-6
		}
	}
	var weight [1 << len(columns)]float64 // of each column set
	for m := range weight {
		for ci, col := range columns {
			if m&(1<<ci) != 0 {
				weight[m] += col.weight
			}
		}
	}
	top := &minHeap{order: s.cache.Times}
	for id := range int64(len(lengths)) {
		if !anyMask(masks[int(id)*nt:int(id)*nt+nt]) || allow.blocks(id) {
			continue
		}
		norm := bm25K1 * (1 - bm25B + bm25B*float64(lengths[id])/max(s.cache.AvgLen, 1))
		var score float64
		for ti, m := range masks[int(id)*nt : int(id)*nt+nt] {
			if m != 0 {
				f := weight[m&(1<<len(columns)-1)]
				if m&(1<<7) != 0 {
					f += extra[ti][id]
				}
				score += idf[ti] * f * (bm25K1 + 1) / (f + norm)
			}
		}
		push(top, scored{id, score}, n)
	}
	out := drain(top)
	cover := -1.0
	if len(out) > 0 {
		// The cover's idf counts a repeated message once (coverDocs);
		// bm25's counts every commit.
		docs := s.coverDocs(rows)
		var held, all float64
		for ti := range nt {
			if use[ti] && (df[ti] > 0 || !closed[terms[ti]]) {
				w := idf[ti]
				if docs != rows {
					// A bot's word is in more commits than there are
					// documents: the least idf, not the log of a
					// negative number (NaN, which max passes on).
					w = max(math.Log((max(docs-float64(df[ti]), 0)+0.5)/(float64(df[ti])+0.5)), 1e-6)
				}
				all += w
				if masks[int(out[0].id)*nt+ti] != 0 {
					held += w
				}
			}
		}
		cover = held / all
	}
	return out, cover, nil
}

// coverDocs is how many documents the weak answer's cover counts in a
// history of rows commits: a commit whose message repeats an earlier one
// but for its numbers (a bot's daily "ignore: update download stats
// 2025-07-14", "chore: format code") is not another document. The
// built-in model counted them when it learned (Meta: Commits less
// Messages); other embedders count none. A thousand such commits added to
// a history raised every idf of the words they lack alike, which moves
// the cover toward the share of the question's words held, and a
// question that held one rare word of two was no longer a weak answer:
// on the replayed lefthook history with 1,000 bot commits, hybrid MRR
// 0.312 against 0.328 without them; counted once, 0.325
// (docs/benchmarks.md).
func (s *Searcher) coverDocs(rows float64) float64 {
	m, ok := s.emb.(learned)
	if !ok {
		return rows
	}
	meta := m.Meta()
	if meta.Messages <= 0 || meta.Messages >= meta.Commits {
		return rows
	}
	return max(rows-float64(meta.Commits-meta.Messages), 1)
}

// eachTerm runs fn for terms 0…n−1, one at a time on each of two
// goroutines (two connections: SQLite computes a posting list on one core),
// and returns the first error.
func eachTerm(n int, fn func(ti int) error) error {
	var next atomic.Int32
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			for {
				ti := int(next.Add(1)) - 1
				if ti >= n {
					errs <- nil
					return
				}
				if err := fn(ti); err != nil {
					next.Store(int32(n)) // the other stops too
					errs <- err
					return
				}
			}
		}()
	}
	var err error
	for range 2 {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	return err
}

// commonFrom is the history size from which lexical search leaves out
// the terms that half the commits' diffs hold (a variable for tests).
var commonFrom = 3000

// diffCounts counts, for each term, the commits whose diff holds it: from
// the cached lists (without reading the rest of them; a commit removed
// since still counts, which only a decision sees) and FTS5's for the
// commits after base (st, nil when there are none). It also returns
// those commits' lists as FTS5 gave them (nil without st), so that they
// are not asked for twice.
func (s *Searcher) diffCounts(ctx context.Context, st *sql.Stmt, post *store.Postings, terms []string, base int64) ([]int, []string, error) {
	out := make([]int, len(terms))
	var tail []string
	if st != nil {
		tail = make([]string, len(terms))
	}
	diff := diffColumn
	for ti, t := range terms {
		if post != nil {
			store.EachPosting(post.List(t), func(_ int64, ci, _ int) {
				if ci == diff {
					out[ti]++
				}
			})
		}
		if st != nil {
			var ids sql.NullString
			if err := st.QueryRowContext(ctx, "{"+columns[diff].name+"}: "+quote(t), base).Scan(&ids); err != nil {
				return nil, nil, err
			}
			if ids.String != "" {
				out[ti] += strings.Count(ids.String, ",") + 1
			}
			tail[ti] = ids.String
		}
	}
	return out, tail, nil
}

// anyMask reports whether a commit's masks say it holds any term.
func anyMask(ms []uint8) bool {
	for _, m := range ms {
		if m != 0 {
			return true
		}
	}
	return false
}

// neighbours is what the built-in embedder offers lexical search: the
// terms of the history nearest to a term.
type neighbours interface {
	Neighbours(t string, k int, minSim float32) []builtin.Neighbour
	InHistory(t string) bool
}

// expanded is lexical search for the nearest history terms, in the
// built-in embedder's space, of the query terms no commit message has:
// "hue" finds "color". nil without a built-in embedder.
func (s *Searcher) expanded(ctx context.Context, terms []string, allow *idSet, n int) ([]scored, error) {
	nb, ok := s.emb.(neighbours)
	if !ok {
		return nil, nil
	}
	seen := map[string]bool{}
	for _, t := range terms {
		seen[t] = true
	}
	var more []string
	for _, t := range terms {
		if nb.InHistory(t) {
			continue
		}
		for _, x := range nb.Neighbours(t, s.Tuning.ExpandK, float32(s.Tuning.ExpandMinSim)) {
			if !seen[x.Term] {
				seen[x.Term] = true
				more = append(more, x.Term)
			}
		}
	}
	hits, _, err := s.lexical(ctx, more, nil, allow, n)
	return hits, err
}
