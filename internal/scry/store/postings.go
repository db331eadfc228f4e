package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// PostingsFrom is the history size from which the search cache carries
// every term's posting list: every history (a variable for tests).
// Lexical search needs the lists whole (a paraphrased question's words
// match most commits), and FTS5 hands them over a row at a time, about
// 0.2 µs a commit (15–20 ms a question at 50,000 commits), or calls
// bm25() on every row; read from the mapped cache, the same lists take a
// millisecond at 50,000 commits and make a search 3–4 ms faster at 1,000.
var PostingsFrom = 1

// postingsTail is how far the index may grow past the commits the cached
// lists hold before they are read again: the commits after them come
// from FTS5's lists, which are quick for a few commits but do not count a
// term repeated in a column, and a rebuild reads every list of the index
// (about 2 s at 50,000 commits, 30 ms at 1,000). A thirty-second of the
// history: the post-commit hook rebuilds them every 1,500 commits of a
// 50,000-commit history, every 30 of a 1,000-commit one.
func postingsTail(rows int) int { return max(postingsMinTail, rows/32) }

var postingsMinTail = 8 // a variable for tests

// Postings is the search cache's copy of the FTS table's posting lists,
// for the commits with ids up to Base. A list is a run of entries in id
// then column order, each the uvarint (id − previous id) << 4 | more << 3
// | column, followed when more is 1 by the uvarint count − 2 (the term is
// in that column more than once); the column numbers are the FTS
// table's (subject, body, paths, diff, merged). A list may name commits removed
// since (their length in Cache.Lengths is 0: skip them); commit ids are
// never reused, so it names no other commit.
type Postings struct {
	Base  int64
	offs  []uint32 // terms[offs[i]:offs[i+1]] is term i, in byte order
	loffs []uint32 // lists[loffs[i]:loffs[i+1]] is term i's list
	terms []byte
	lists []byte
}

// List returns term's encoded posting list; nil when no commit up to Base
// holds it.
func (p *Postings) List(term string) []byte {
	n := len(p.offs) - 1
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if string(p.terms[p.offs[m]:p.offs[m+1]]) < term {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < n && string(p.terms[p.offs[lo]:p.offs[lo+1]]) == term {
		return p.lists[p.loffs[lo]:p.loffs[lo+1]]
	}
	return nil
}

// EachPosting calls fn for every (commit id, column) of an encoded list,
// with the number of times the term is in that column.
func EachPosting(list []byte, fn func(id int64, col, count int)) {
	var id int64
	for len(list) > 0 {
		v, k := binary.Uvarint(list)
		if k <= 0 {
			return
		}
		list = list[k:]
		id += int64(v >> 4)
		count := 1
		if v&8 != 0 {
			more, k := binary.Uvarint(list)
			if k <= 0 {
				return
			}
			list = list[k:]
			count = int(min(more, 1<<20)) + 2
		}
		fn(id, int(v&7), count)
	}
}

// count is the number of terms; 0 for no section.
func (p *Postings) count() int {
	if p == nil {
		return 0
	}
	return max(len(p.offs)-1, 0)
}

// buildPostings reads every posting list of the FTS table, through an
// fts5vocab table of its instances (term, commit, column), in term order.
func (s *Store) buildPostings(ctx context.Context, base int64) (*Postings, error) {
	if _, err := s.db.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances USING fts5vocab(main, fts, instance)`); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT term, group_concat(doc * 8 + CASE col
		WHEN 'subject' THEN 0 WHEN 'body' THEN 1 WHEN 'paths' THEN 2 WHEN 'diff' THEN 3 ELSE 4 END)
		FROM temp.fts_instances WHERE doc <= ? GROUP BY term ORDER BY term`, base)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := &Postings{Base: base, offs: []uint32{0}, loffs: []uint32{0}}
	var keys []int64
	for rows.Next() {
		var term string
		var list sql.NullString
		if err := rows.Scan(&term, &list); err != nil {
			return nil, err
		}
		keys = keys[:0]
		for rest := list.String; rest != ""; {
			var one string
			one, rest, _ = strings.Cut(rest, ",")
			k, err := strconv.ParseInt(one, 10, 64)
			if err != nil || k < 0 {
				return nil, errors.New("unexpected FTS instance")
			}
			keys = append(keys, k)
		}
		if len(keys) == 0 {
			continue
		}
		// In id then column order already (FTS5 walks a list by id, a
		// commit's instances by position); a term repeated in a column
		// gives that pair once an instance.
		if !slices.IsSorted(keys) {
			slices.Sort(keys)
		}
		var prev int64
		for i := 0; i < len(keys); {
			k, j := keys[i], i+1
			for j < len(keys) && keys[j] == k {
				j++
			}
			id, count := k>>3, j-i
			v := uint64(id-prev)<<4 | uint64(k&7)
			if count > 1 {
				p.lists = binary.AppendUvarint(p.lists, v|8)
				p.lists = binary.AppendUvarint(p.lists, uint64(count-2))
			} else {
				p.lists = binary.AppendUvarint(p.lists, v)
			}
			prev, i = id, j
		}
		if n := len(p.offs); n > 1 && string(p.terms[p.offs[n-2]:p.offs[n-1]]) >= term {
			return nil, errors.New("FTS terms out of order") // List's binary search needs them sorted
		}
		p.terms = append(p.terms, term...)
		p.offs = append(p.offs, uint32(len(p.terms)))
		p.loffs = append(p.loffs, uint32(len(p.lists)))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if uint64(len(p.terms)) > 1<<32-1 || uint64(len(p.lists)) > 1<<32-1 {
		return nil, errors.New("posting lists too large for the search cache")
	}
	return p, nil
}
