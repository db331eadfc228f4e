package store

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s, _, err := Create(context.Background(), filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func addCommits(t *testing.T, s *Store, cs ...*Commit) []int64 {
	t.Helper()
	b, err := s.Begin(context.Background(), map[string]int64{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range cs {
		id, err := b.Add(c)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func files(paths ...string) []File {
	var out []File
	for _, p := range paths {
		out = append(out, File{Path: p, Status: "M", Added: 1, Deleted: 1})
	}
	return out
}

func pair(t *testing.T, s *Store, a, b string) (n, last int64) {
	t.Helper()
	err := s.db.QueryRow(`SELECT n, last FROM cochange WHERE a = (SELECT id FROM paths WHERE path = ?) AND b = (SELECT id FROM paths WHERE path = ?)`, a, b).Scan(&n, &last)
	if err != nil {
		return 0, 0
	}
	return n, last
}

// Co-change pairs are counted in both directions, across batches, skip
// commits touching more than CoChangeMaxFiles files, and lose the counts
// (and last dates) of deleted commits.
func TestCoChangePairs(t *testing.T) {
	s := newStore(t)
	big := make([]string, CoChangeMaxFiles+1)
	for i := range big {
		big[i] = filepath.Join("gen", string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	big[0], big[1] = "a.go", "b.go"
	ids := addCommits(t, s,
		&Commit{Hash: "c1", AuthorTime: 100, Files: files("a.go", "b.go", "c.go")},
		&Commit{Hash: "c2", AuthorTime: 200, Files: files("a.go", "b.go")},
		&Commit{Hash: "c3", AuthorTime: 300, Files: files(big...)},
	)
	addCommits(t, s, &Commit{Hash: "c4", AuthorTime: 400, Files: files("b.go", "a.go")})
	if n, last := pair(t, s, "a.go", "b.go"); n != 3 || last != 400 {
		t.Fatalf("a-b = %d, %d; want 3, 400", n, last)
	}
	if n, _ := pair(t, s, "b.go", "a.go"); n != 3 {
		t.Fatalf("b-a = %d; want 3", n)
	}
	if n, _ := pair(t, s, "a.go", "c.go"); n != 1 {
		t.Fatalf("a-c = %d; want 1", n)
	}
	b, _ := s.Begin(context.Background(), map[string]int64{})
	if err := b.Delete([]int64{ids[0]}); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	if n, last := pair(t, s, "a.go", "b.go"); n != 2 || last != 400 {
		t.Fatalf("after deleting c1, a-b = %d, %d; want 2, 400", n, last)
	}
	if n, _ := pair(t, s, "a.go", "c.go"); n != 0 {
		t.Fatalf("after deleting c1, a-c = %d; want no pair", n)
	}
	var c4 int64
	s.db.QueryRow(`SELECT id FROM commits WHERE hash = 'c4'`).Scan(&c4)
	b, _ = s.Begin(context.Background(), map[string]int64{})
	if err := b.Delete([]int64{c4}); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	if n, last := pair(t, s, "a.go", "b.go"); n != 1 || last != 200 {
		t.Fatalf("after deleting c4, a-b = %d, %d; want 1, 200 (the last date recomputed)", n, last)
	}
	if n, _ := s.CountCommits(context.Background()); n != 2 {
		t.Fatalf("%d commits left", n)
	}
}

// A batch whose path cache lacks paths already in the table (it could
// not be read) gives them their ids, adding no second row: the plain
// insert that new paths take would otherwise report another row's id.
func TestPathIDsWithoutTheCache(t *testing.T) {
	s := newStore(t)
	addCommits(t, s, &Commit{Hash: "c1", Files: files("a.go", "b.go")})
	addCommits(t, s, &Commit{Hash: "c2", Files: files("c.go", "b.go", "d.go")})
	got, err := s.LoadPaths(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("paths %v; want a.go to d.go once each", got)
	}
	rows, err := s.db.Query(`SELECT p.path FROM files f JOIN commits c ON c.id = f.commit_id JOIN paths p ON p.id = f.path_id WHERE c.hash = 'c2' ORDER BY p.path`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	if strings.Join(names, " ") != "b.go c.go d.go" {
		t.Fatalf("c2's files %v; want b.go c.go d.go", names)
	}
}

func TestVectorsAddRemoveScan(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var cs []*Commit
	for i := 0; i < ChunkSize+10; i++ {
		cs = append(cs, &Commit{Hash: string(rune('A'+i%26)) + string(rune('a'+i/26%26)) + string(rune('0'+i/676))})
	}
	ids := addCommits(t, s, cs...)
	b, _ := s.Begin(ctx, map[string]int64{})
	vs, err := b.NewVectorSpace("test:1", 3)
	if err != nil {
		t.Fatal(err)
	}
	vecs := make([][]float32, len(ids))
	for i := range ids {
		a := float64(i) / float64(len(ids)) * math.Pi / 2
		vecs[i] = []float32{float32(math.Cos(a)), float32(math.Sin(a)), 0}
	}
	// Two calls: the second fills the first's last chunk.
	if err := b.AddVectors(vs, ids[:5], vecs[:5]); err != nil {
		t.Fatal(err)
	}
	if err := b.AddVectors(vs, ids[5:], vecs[5:]); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete([]int64{ids[0], ids[len(ids)-1]}); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	got := map[int64][]float32{}
	chunks := 0
	err = s.ScanVectors(ctx, vs, func(c *Chunk) error {
		chunks++
		for i, id := range c.IDs {
			v := make([]float32, 3)
			for j := range v {
				v[j] = float32(c.Vecs[i*3+j]) * c.Scales[i]
			}
			got[id] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if chunks != 2 || len(got) != len(ids)-2 {
		t.Fatalf("%d chunks, %d vectors; want 2, %d", chunks, len(got), len(ids)-2)
	}
	if _, ok := got[ids[0]]; ok {
		t.Fatal("a deleted commit's vector is still scanned")
	}
	for i, id := range ids[1 : len(ids)-1] {
		want := vecs[i+1]
		for j := range want {
			if math.Abs(float64(got[id][j]-want[j])) > 0.01 {
				t.Fatalf("vector %d = %v, want %v (int8 quantisation)", i+1, got[id], want)
			}
		}
	}
	pending, _ := s.Unembedded(ctx, vs, 10)
	if len(pending) != 0 {
		t.Fatalf("unembedded: %v", pending)
	}
	// A new space starts empty, and every commit needs a vector in it.
	b, _ = s.Begin(ctx, map[string]int64{})
	vs2, _ := b.NewVectorSpace("test:2", 3)
	b.Commit()
	if n, _ := s.CountUnembedded(ctx, vs2); n != int64(len(ids)-2) {
		t.Fatalf("after a new space, %d unembedded", n)
	}
}

func TestSchemaVersionRebuilds(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	ctx := context.Background()
	s, rebuilt, err := Create(ctx, path)
	if err != nil || rebuilt {
		t.Fatal(err, rebuilt)
	}
	addCommits(t, s, &Commit{Hash: "x"})
	s.SetMeta(ctx, "schema", "0")
	s.Close()
	if _, err := Open(ctx, path); err != ErrOldSchema {
		t.Fatalf("Open of an old schema = %v", err)
	}
	s, rebuilt, err = Create(ctx, path)
	if err != nil || !rebuilt {
		t.Fatalf("Create over an old schema: rebuilt %v, %v", rebuilt, err)
	}
	defer s.Close()
	if n, _ := s.CountCommits(ctx); n != 0 {
		t.Fatalf("%d commits survived the rebuild", n)
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), FileName)); err != ErrNoIndex {
		t.Fatalf("Open of nothing = %v", err)
	}
}

// olderIndex is an index of the current schema with one commit, made
// before an addition (drop takes it away), opened for writing again as
// the next writer opens it: not rebuilt.
func olderIndex(t *testing.T, drop string) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	ctx := context.Background()
	s, _, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	addCommits(t, s, &Commit{Hash: "x", AuthorName: "Ada"})
	if _, err := s.db.Exec(drop); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, rebuilt, err := Create(ctx, path)
	if err != nil || rebuilt {
		t.Fatalf("Create: rebuilt %v, %v", rebuilt, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// An index of the current schema made before an addition (the author
// index) gets it from the next writer, and keeps its commits.
func TestSchemaAdditionsWithoutRebuild(t *testing.T) {
	ctx := context.Background()
	s := olderIndex(t, `DROP INDEX commits_author`)
	var n int
	s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'commits_author'`).Scan(&n)
	if n != 1 {
		t.Fatal("the author index was not added")
	}
	if c, _ := s.CountCommits(ctx); c != 1 {
		t.Fatalf("%d commits after the addition, want 1", c)
	}
	var plan string
	rows, _ := s.db.Query(`EXPLAIN QUERY PLAN SELECT DISTINCT author_name, author_email FROM commits`)
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		plan += d
	}
	rows.Close()
	if !strings.Contains(plan, "COVERING INDEX commits_author") {
		t.Fatalf("the distinct authors are not read from the index: %s", plan)
	}
}

// The search cache grown by appending (a run that only added commits)
// is the cache a full rebuild gives; a deletion rebuilds it. (Without
// posting lists, which a grown cache keeps up to an older base:
// TestCachePostings.)
func TestCacheGrowsAsRebuilt(t *testing.T) {
	defer func(n int) { PostingsFrom = n }(PostingsFrom)
	PostingsFrom = 1 << 30
	s := newStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	grown, fresh := filepath.Join(dir, "grown.bin"), filepath.Join(dir, "fresh.bin")
	add := func(from, to int) []int64 {
		var cs []*Commit
		for i := from; i < to; i++ {
			// Times before 1970 too: a commit can be dated so.
			cs = append(cs, &Commit{Hash: fmt.Sprintf("h%03d", i), AuthorTime: int64(i-3) * 86400, SubjectTerms: strings.Repeat("word ", i%7+1), DiffTerms: "x y"})
		}
		ids := addCommits(t, s, cs...)
		vs, _ := s.VectorSpace(ctx)
		b, _ := s.Begin(ctx, map[string]int64{})
		if vs.Gen == 0 {
			vs, _ = b.NewVectorSpace("test:1", 4)
		}
		vecs := make([][]float32, len(ids))
		for i := range vecs {
			vecs[i] = []float32{float32(i), 1, 0, -1}
		}
		if err := b.AddVectors(vs, ids, vecs); err != nil {
			t.Fatal(err)
		}
		b.Commit()
		return ids
	}
	compare := func(stage string) {
		t.Helper()
		os.Remove(fresh)
		s.SetMeta(ctx, "cache_rebuild", "1")
		if err := s.WriteCache(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(grown)
		b, _ := os.ReadFile(fresh)
		if !bytes.Equal(a, b) || len(a) == 0 {
			t.Fatalf("%s: the maintained cache (%d bytes) differs from a rebuilt one (%d bytes)", stage, len(a), len(b))
		}
		vs, _ := s.VectorSpace(ctx)
		v, _ := s.CacheVersion(ctx)
		c, err := OpenCache(grown, vs, v)
		if err != nil || c.Rows == 0 || c.Vectors == nil || len(c.Vectors.IDs) != c.Rows {
			t.Fatalf("%s: OpenCache = %+v, %v", stage, c, err)
		}
		// Every id's author time, NoTime where no commit has it.
		want := make([]int64, len(c.Lengths))
		for i := range want {
			want[i] = NoTime
		}
		rows, err := s.db.QueryContext(ctx, `SELECT id, author_time FROM commits`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, at int64
			rows.Scan(&id, &at)
			want[id] = at
		}
		rows.Close()
		if !slices.Equal(c.Times, want) {
			t.Fatalf("%s: cached author times %v, want %v", stage, c.Times, want)
		}
	}
	add(0, 10)
	if err := s.WriteCache(ctx, grown); err != nil {
		t.Fatal(err)
	}
	compare("first")
	ids := add(10, 13) // appended
	if err := s.WriteCache(ctx, grown); err != nil {
		t.Fatal(err)
	}
	compare("grown")
	b, _ := s.Begin(ctx, map[string]int64{})
	b.Delete(ids[:1])
	b.Commit()
	add(13, 14)
	if err := s.WriteCache(ctx, grown); err != nil {
		t.Fatal(err)
	}
	compare("after a deletion")
	// A cache of another version is not opened.
	vs, _ := s.VectorSpace(ctx)
	v, _ := s.CacheVersion(ctx)
	if _, err := OpenCache(grown, vs, v+1); err != ErrStaleCache {
		t.Fatalf("stale cache opened: %v", err)
	}
}

// A reader closing the last connection leaves the write-ahead log and its
// shared memory in place: searches do not create and delete two files
// each.
func TestReadersKeepTheWriteAheadLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	w, _, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetMeta(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := w.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	w.Close()
	for i := 0; i < 2; i++ {
		r, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := r.Meta(ctx, "k"); err != nil || v != "v" {
			t.Fatalf("Meta = %q, %v", v, err)
		}
		r.Close()
		for _, f := range []string{path + "-wal", path + "-shm"} {
			if _, err := os.Stat(f); err != nil {
				t.Fatalf("after a reader closed: %v", err)
			}
		}
	}
}

// A search that opens the database of a first index run that has not
// created its tables yet (or was killed before it did) finds no index,
// not a damaged one.
func TestOpenBeforeTheSchemaIsNoIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	w, err := open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := Open(context.Background(), path); err != ErrNoIndex {
		t.Fatalf("Open = %v, want ErrNoIndex", err)
	}
}

// Stamps reads the merge each indexed commit was given, for a few hashes
// (one lookup each), many (one scan) or every stamped commit.
func TestStamps(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addCommits(t, s, &Commit{Hash: "a1"}, &Commit{Hash: "b2", MergedBy: "m1", MergedN: 2, MergedSubject: "Merge pull request #12 from x/y", MergedTerms: "12 y"})
	want := map[string]Stamp{"a1": {ID: 1}, "b2": {ID: 2, By: "m1", N: 2}}
	few := []string{"a1", "b2", "c3"}
	many := append(slices.Clone(few), make([]string, 2001)...)
	for i := range many[3:] {
		many[3+i] = fmt.Sprint("x", i)
	}
	for _, hashes := range [][]string{few, many} {
		got, err := s.Stamps(ctx, hashes)
		if err != nil || !maps.Equal(got, want) {
			t.Fatalf("Stamps of %d hashes = %v, %v; want %v", len(hashes), got, err, want)
		}
	}
	got, err := s.Stamps(ctx, nil)
	if err != nil || !maps.Equal(got, map[string]Stamp{"b2": want["b2"]}) {
		t.Fatalf("Stamps of every stamped commit = %v, %v", got, err)
	}
	for _, c := range []struct {
		merges []string
		want   bool
	}{{nil, true}, {[]string{}, false}, {[]string{"m0"}, false}, {[]string{"m0", "m1"}, true}} {
		if got, err := s.StampedBy(ctx, c.merges); err != nil || got != c.want {
			t.Errorf("StampedBy(%q) = %v, %v; want %v", c.merges, got, err, c.want)
		}
	}
}
