package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// storeAt creates an index at path holding commits with the subjects.
func storeAt(t *testing.T, path string, subjects ...string) {
	t.Helper()
	s, _, err := Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var cs []*Commit
	for _, sub := range subjects {
		cs = append(cs, &Commit{Hash: "h-" + sub, AuthorTime: 100, Subject: sub, SubjectTerms: sub, Files: files(sub + ".go")})
	}
	addCommits(t, s, cs...)
}

func hashes(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	all, err := s.CommitIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for h := range all {
		out[h] = true
	}
	return out
}

// Replace swaps a live WAL-mode index for a rebuild: a reader in the
// middle of a read keeps the old index's snapshot, the next read sees the
// new one whole, and the old index's write-ahead log, left full of its
// frames on purpose, is not replayed onto the new content (the trap of
// renaming a file over a WAL database).
func TestReplaceSwitchesReadersAtOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live, next := filepath.Join(dir, FileName), filepath.Join(dir, "next.db")
	storeAt(t, live, "old1", "old2")
	storeAt(t, next, "new1", "new2", "new3")

	// Frames of the old index in its WAL, not checkpointed: a writer
	// that keeps its connection (and so the WAL) through the switch.
	w, _, err := Create(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	addCommits(t, w, &Commit{Hash: "h-old3", AuthorTime: 100, Subject: "old3", SubjectTerms: "old3"})
	if fi, err := os.Stat(live + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the old index's WAL is empty (%v): the test needs frames in it", err)
	}

	r, err := Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var before int
	if err := tx.QueryRow(`SELECT count(*) FROM commits`).Scan(&before); err != nil || before != 3 {
		t.Fatalf("before: %d commits, %v", before, err)
	}

	if err := Replace(ctx, live, next); err != nil {
		t.Fatal(err)
	}

	var during int
	if err := tx.QueryRow(`SELECT count(*) FROM commits WHERE hash LIKE 'h-old%'`).Scan(&during); err != nil || during != 3 {
		t.Fatalf("a read begun before the switch sees %d old commits, %v; want its snapshot's 3", during, err)
	}
	tx.Rollback()
	want := map[string]bool{"h-new1": true, "h-new2": true, "h-new3": true}
	if got := hashes(t, r); len(got) != 3 || !got["h-new1"] || !got["h-new2"] || !got["h-new3"] {
		t.Fatalf("a reader after the switch sees %v; want %v", got, want)
	}
	w.Close()
	r.Close()
	fresh, _, err := Create(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if got := hashes(t, fresh); len(got) != 3 || !got["h-new2"] {
		t.Fatalf("a new connection sees %v; want %v", got, want)
	}
	var ok string
	if err := fresh.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	if _, err := fresh.db.Exec(`INSERT INTO fts(fts) VALUES('integrity-check')`); err != nil {
		t.Fatalf("FTS integrity-check: %v", err)
	}
}

// A live file SQLite cannot write into (not a database: what --full is
// run to get out of) is replaced by the rebuild all the same.
func TestReplaceDamagedIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live, next := filepath.Join(dir, FileName), filepath.Join(dir, "next.db")
	garbage := make([]byte, 8192)
	copy(garbage, "this is not an SQLite database")
	if err := os.WriteFile(live, garbage, 0o644); err != nil {
		t.Fatal(err)
	}
	storeAt(t, next, "new1")
	if err := Replace(ctx, live, next); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := hashes(t, s); len(got) != 1 || !got["h-new1"] {
		t.Fatalf("after replacing a damaged file: %v", got)
	}
	for _, p := range []string{next, next + "-wal", next + "-shm"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is left", filepath.Base(p))
		}
	}
}

// A rebuild skips the ids of the index it replaces.
func TestSkipCommitIDs(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.SkipCommitIDs(ctx, 41); err != nil {
		t.Fatal(err)
	}
	if ids := addCommits(t, s, &Commit{Hash: "a"}); ids[0] != 42 {
		t.Fatalf("first id after skipping 41: %d", ids[0])
	}
	if err := s.SkipCommitIDs(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if ids := addCommits(t, s, &Commit{Hash: "b"}); ids[0] != 43 {
		t.Fatalf("an id went back: %d", ids[0])
	}
	if last, err := s.LastCommitID(ctx); err != nil || last != 43 {
		t.Fatalf("LastCommitID = %d, %v", last, err)
	}
}
