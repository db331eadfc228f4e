package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The search cache's posting lists are the FTS table's, column for
// column (the merged one, the fifth, too), for the commits up to their base; a few commits more are left
// to FTS5 (the base stays), more than that rebuilds them; damaged offsets
// make the cache unusable rather than a lookup out of range.
func TestCachePostings(t *testing.T) {
	defer func(n, m int) { PostingsFrom, postingsMinTail = n, m }(PostingsFrom, postingsMinTail)
	PostingsFrom, postingsMinTail = 1, 2
	s := newStore(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), CacheName)
	vocab := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	n := 0
	columns := map[int64][5]string{} // commit id → its columns' terms
	add := func(k int) {
		var cs []*Commit
		for range k {
			w := func(i int) string { return vocab[(n+i)%len(vocab)] }
			cs = append(cs, &Commit{Hash: fmt.Sprintf("h%03d", n), SubjectTerms: w(0) + " " + w(1), BodyTerms: w(2) + " " + w(2) + " " + w(4),
				PathTerms: w(1), DiffTerms: w(3) + " alpha"})
			if n%2 == 0 {
				// A pull request's title, a word of it twice.
				cs[len(cs)-1].MergedTerms = w(4) + " " + w(1) + " " + w(4)
			}
			n++
		}
		for i, id := range addCommits(t, s, cs...) {
			columns[id] = [5]string{cs[i].SubjectTerms, cs[i].BodyTerms, cs[i].PathTerms, cs[i].DiffTerms, cs[i].MergedTerms}
		}
	}
	open := func(stage string, wantBase int64) *Cache {
		t.Helper()
		if err := s.WriteCache(ctx, path); err != nil {
			t.Fatal(err)
		}
		vs, _ := s.VectorSpace(ctx)
		v, _ := s.CacheVersion(ctx)
		c, err := OpenCache(path, vs, v)
		if err != nil || c.Postings == nil {
			t.Fatalf("%s: OpenCache = %+v, %v", stage, c, err)
		}
		if c.Postings.Base != wantBase {
			t.Fatalf("%s: postings base %d, want %d", stage, c.Postings.Base, wantBase)
		}
		for _, term := range append(vocab, "nothing") {
			var got [][3]int64
			EachPosting(c.Postings.List(term), func(id int64, col, count int) { got = append(got, [3]int64{id, int64(col), int64(count)}) })
			var want [][3]int64
			for id := int64(1); id <= wantBase; id++ {
				for col, terms := range columns[id] {
					k := 0
					for _, f := range strings.Fields(terms) {
						if f == term {
							k++
						}
					}
					if k > 0 {
						want = append(want, [3]int64{id, int64(col), int64(k)})
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %q lists %v, want %v", stage, term, got, want)
			}
		}
		// The repeats table holds the subject's, body's and merged
		// text's repeated terms of the commits after the base, and only
		// theirs.
		var got, want []string
		rows, err := s.db.QueryContext(ctx, `SELECT term, commit_id, col, n FROM repeats ORDER BY commit_id, col, term`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var term string
			var id, col, n int64
			rows.Scan(&term, &id, &col, &n)
			got = append(got, fmt.Sprint(term, id, col, n))
		}
		rows.Close()
		for id := wantBase + 1; id <= int64(n); id++ {
			cols := columns[id]
			for col, terms := range cols {
				if col != 0 && col != 1 && col != MergedColumn {
					continue
				}
				counts := map[string]int{}
				for _, f := range strings.Fields(terms) {
					counts[f]++
				}
				for _, term := range slices.Sorted(maps.Keys(counts)) {
					if counts[term] > 1 {
						want = append(want, fmt.Sprint(term, id, col, counts[term]))
					}
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: repeats %v, want %v", stage, got, want)
		}
		return c
	}
	add(6)
	open("built", 6)
	add(2) // a tail of 2: left to FTS5
	open("a short tail", 6)
	add(1) // 3 past the base: rebuilt
	open("rebuilt", 9)

	// An offset past its section: the file is refused, by readers and by
	// the writer (which then rebuilds it).
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nterms := int(binary.LittleEndian.Uint32(data[72:]))
	termBytes := int(binary.LittleEndian.Uint32(data[76:]))
	listBytes := int(binary.LittleEndian.Uint32(data[80:]))
	at := len(data) - 8*(nterms+1) - termBytes - listBytes
	binary.LittleEndian.PutUint32(data[at+4*nterms:], uint32(termBytes+1))
	os.WriteFile(path, data, 0o644)
	vs, _ := s.VectorSpace(ctx)
	v, _ := s.CacheVersion(ctx)
	if _, err := OpenCache(path, vs, v); err != ErrStaleCache {
		t.Fatalf("a cache with a bad term offset opened: %v", err)
	}
	if readCache(path) != nil {
		t.Fatal("readCache took a cache with a bad term offset")
	}
	s.SetMeta(ctx, "cache_rebuild", "1")
	open("after damage", 9)
}

// FTS5 writes column sizes as SQLite varints, most significant group
// first: 300 is 0x82 0x2c, which Go's binary.Uvarint would read as 5,634.
func TestSQLiteVarint(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want uint64
		k    int
	}{
		{[]byte{0x05}, 5, 1},
		{[]byte{0x7f, 0x01}, 127, 1},
		{[]byte{0x82, 0x2c}, 300, 2},
		{[]byte{0x81, 0x80, 0x00}, 16384, 3},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 1<<64 - 1, 9},
		{[]byte{0x82}, 0, 0},
		{nil, 0, 0},
	} {
		if v, k := sqliteVarint(c.in); v != c.want || k != c.k {
			t.Errorf("sqliteVarint(% x) = %d, %d; want %d, %d", c.in, v, k, c.want, c.k)
		}
	}
}
