package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// manyRecords writes n records made from the fixtures (each fixture under
// new ids, in turn) into a fresh directory and returns root and dir.
func manyRecords(tb testing.TB, n int) (string, string) {
	tb.Helper()
	root := tb.TempDir()
	dir := "layer/sessions"
	abs := filepath.Join(root, dir)
	if err := os.MkdirAll(abs, 0o755); err != nil {
		tb.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "records"))
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		name := entries[i%len(entries)].Name()
		data := readFixture(tb, name)
		oldID := strings.TrimSuffix(strings.TrimSuffix(name, ".md"), "-init")
		newID := NewID(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute))
		data = []byte(strings.ReplaceAll(string(data), oldID, newID))
		out := strings.Replace(name, oldID, newID, 1)
		if err := os.WriteFile(filepath.Join(abs, out), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return root, dir
}

func TestReadDirSkipsAndReportsUnreadable(t *testing.T) {
	root, dir := manyRecords(t, 30)
	abs := filepath.Join(root, dir)
	os.WriteFile(filepath.Join(abs, "broken.md"), []byte("no header"), 0o644)
	os.WriteFile(filepath.Join(abs, "notes.txt"), []byte("ignored"), 0o644)
	os.WriteFile(filepath.Join(abs, ".hidden.md"), []byte("ignored"), 0o644)
	os.Mkdir(filepath.Join(abs, "sub.md"), 0o755)
	recs, bad, err := ReadDir(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 30 || len(bad) != 1 || bad[0].Path != dir+"/broken.md" || bad[0].Error == "" {
		t.Fatalf("%d records, unreadable %+v", len(recs), bad)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i-1].ID > recs[i].ID {
			t.Fatalf("not sorted: %s before %s", recs[i-1].ID, recs[i].ID)
		}
	}
	if recs, bad, err := ReadDir(root, "no/such/dir"); err != nil || len(recs)+len(bad) != 0 {
		t.Fatalf("missing dir: %v %v %v", recs, bad, err)
	}
}

// BenchmarkReadDir measures list's reading of 500 records against the
// baseline of reading the same files' bytes, so the ratio is what parsing
// costs on top of I/O:
//
//	go test -run XXX -bench 'ReadDir|ReadBytes' -benchmem ./internal/session
func BenchmarkReadDir(b *testing.B) {
	root, dir := manyRecords(b, 500)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		recs, bad, err := ReadDir(root, dir)
		if err != nil || len(recs) != 500 || len(bad) != 0 {
			b.Fatalf("%d records, %v, %v", len(recs), bad, err)
		}
	}
}

func BenchmarkReadBytes(b *testing.B) {
	root, dir := manyRecords(b, 500)
	abs := filepath.Join(root, dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		entries, err := os.ReadDir(abs)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(abs, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			n += len(data)
		}
		if n == 0 {
			b.Fatal("nothing read")
		}
	}
}
