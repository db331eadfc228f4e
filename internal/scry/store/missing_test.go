package store

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// An index of schema 9 made before the missing table opens for reading
// and reads whole (doctor) without it, gets it from the next writer, and
// what a commit lacked goes with the commit.
func TestMissingTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	ctx := context.Background()
	s, _, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := strings.Repeat("ab", 20), strings.Repeat("cd", 32) // SHA-1, SHA-256
	ids := addCommits(t, s,
		&Commit{Hash: "x", Flags: FlagNoPatch, Missing: []string{a}},
		&Commit{Hash: "y", Flags: FlagNoPatch | FlagNoFiles, Missing: []string{b}},
		&Commit{Hash: "z", Flags: FlagNoPatch})
	if _, err := s.db.Exec(`DROP TABLE missing`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Readable(ctx); err != nil {
		t.Fatalf("an index without the table is damaged: %v", err)
	}
	r.Close()

	s, rebuilt, err := Create(ctx, path)
	if err != nil || rebuilt {
		t.Fatalf("Create: rebuilt %v, %v", rebuilt, err)
	}
	defer s.Close()
	if u, err := s.Unrecorded(ctx); err != nil || len(u) != 3 {
		t.Fatalf("unrecorded after the table was added: %v, %v", u, err)
	}
	if err := s.SetMissing(ctx, map[int64][]string{ids[0]: {a}, ids[1]: {b}}); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.Unrecorded(ctx); len(u) != 1 || u["z"] != ids[2] {
		t.Fatalf("unrecorded: %v, want z", u)
	}
	found, err := s.LackingAny(ctx, [][]byte{mustHex(b), mustHex(strings.Repeat("ef", 20))})
	if err != nil || len(found) != 1 || !found[ids[1]] {
		t.Fatalf("lacking b: %v, %v", found, err)
	}
	var pairs []string
	s.EachMissing(ctx, func(oid []byte, id int64) { pairs = append(pairs, string(oid)) })
	if len(pairs) != 2 {
		t.Fatalf("pairs: %q", pairs)
	}
	lack, hashes, err := s.MissingOf(ctx, ids)
	if err != nil || !slices.Equal(lack["x"], []string{a}) || !slices.Equal(lack["y"], []string{b}) || len(hashes) != 2 {
		t.Fatalf("MissingOf: %v %v %v", lack, hashes, err)
	}

	bt, err := s.Begin(ctx, map[string]int64{})
	if err != nil {
		t.Fatal(err)
	}
	if err := bt.Delete(ids[:1]); err != nil {
		t.Fatal(err)
	}
	if err := bt.Commit(); err != nil {
		t.Fatal(err)
	}
	var n int
	s.db.QueryRow(`SELECT count(*) FROM missing`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d rows after deleting x, want y's", n)
	}
	// Rows an older git scry's deletion left are dropped when found.
	if _, err := s.db.Exec(`DELETE FROM commits WHERE id = ?`, ids[1]); err != nil {
		t.Fatal(err)
	}
	if lack, _, _ := s.MissingOf(ctx, ids[1:2]); len(lack) != 0 {
		t.Fatalf("MissingOf a deleted commit: %v", lack)
	}
	s.db.QueryRow(`SELECT count(*) FROM missing`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows of no commit left", n)
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
