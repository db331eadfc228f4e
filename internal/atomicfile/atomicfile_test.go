package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteKeepsModeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := Write(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(b) != "two" || fi.Mode().Perm() != 0o640 {
		t.Fatalf("content %q mode %v", b, fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temp files left: %v", ents)
	}
}

func TestWriteAllReplacesEveryFileOrNone(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("old a"), 0o600)
	if err := WriteAll([]File{{Path: a, Data: []byte("new a"), Perm: 0o644}, {Path: b, Data: []byte("new b"), Perm: 0o644}}); err != nil {
		t.Fatal(err)
	}
	ga, _ := os.ReadFile(a)
	gb, _ := os.ReadFile(b)
	fi, _ := os.Stat(a)
	if string(ga) != "new a" || string(gb) != "new b" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("a=%q b=%q mode=%v", ga, gb, fi.Mode())
	}
	// A file that cannot be staged (its directory is missing) stops the
	// whole write before anything is replaced.
	err := WriteAll([]File{{Path: a, Data: []byte("newer a")}, {Path: filepath.Join(dir, "missing", "c"), Data: []byte("c")}})
	if err == nil {
		t.Fatal("WriteAll succeeded with a missing directory")
	}
	if ga, _ := os.ReadFile(a); string(ga) != "new a" {
		t.Fatalf("a changed to %q by a failed WriteAll", ga)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

// WriteAllLogged leaves no journal; Recover finishes the renames a killed
// one recorded, skips those already made, and is a no-op without one.
func TestJournal(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := WriteAllLogged(journal, []File{{Path: a, Data: []byte("a1")}, {Path: b, Data: []byte("b1")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(journal); err == nil {
		t.Fatal("journal left after a completed write")
	}
	if done, err := Recover(journal); done || err != nil {
		t.Fatalf("Recover without a journal: %v, %v", done, err)
	}
	tmpB := filepath.Join(dir, ".b.tmp-x")
	os.WriteFile(tmpB, []byte("b2"), 0o644)
	os.WriteFile(a, []byte("a2"), 0o644) // already renamed when killed
	os.WriteFile(journal, []byte(`[{"temp": "`+filepath.Join(dir, ".a.tmp-gone")+`", "target": "`+a+`"}, {"temp": "`+tmpB+`", "target": "`+b+`"}]`), 0o600)
	// ReadJournal and Check read what Recover will do, changing nothing.
	steps, found, err := ReadJournal(journal)
	if !found || err != nil || len(steps) != 2 || steps[1] != (Step{Temp: tmpB, Target: b}) {
		t.Fatalf("ReadJournal: %v, %v, %v", steps, found, err)
	}
	if made, err := steps[0].Check(); !made || err != nil {
		t.Errorf("Check of a rename made before the kill: %v, %v", made, err)
	}
	if made, err := steps[1].Check(); made || err != nil {
		t.Errorf("Check of a rename still to make: %v, %v", made, err)
	}
	if _, err := os.Stat(tmpB); err != nil {
		t.Fatal("ReadJournal or Check renamed a file")
	}
	if done, err := Recover(journal); !done || err != nil {
		t.Fatalf("Recover: %v, %v", done, err)
	}
	for p, want := range map[string]string{a: "a2", b: "b2"} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if _, err := os.Stat(journal); err == nil {
		t.Fatal("journal left after Recover")
	}
}

// A journal torn while being written has no renames; one Recover cannot
// finish is reported by Check before Recover fails on it.
func TestJournalTornOrBlocked(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	os.WriteFile(journal, []byte(`[{"temp": "/x`), 0o600)
	if steps, found, err := ReadJournal(journal); !found || err != nil || len(steps) != 0 {
		t.Fatalf("ReadJournal of a torn journal: %v, %v, %v", steps, found, err)
	}
	if _, err := os.Stat(journal); err != nil {
		t.Fatal("ReadJournal removed the journal")
	}
	if done, err := Recover(journal); !done || err != nil {
		t.Fatalf("Recover of a torn journal: %v, %v", done, err)
	}
	if _, found, _ := ReadJournal(journal); found {
		t.Fatal("Recover left the torn journal")
	}
	tmp, target := filepath.Join(dir, ".a.tmp-x"), filepath.Join(dir, "a")
	os.Mkdir(tmp, 0o755)
	os.WriteFile(target, []byte("a"), 0o644)
	if _, err := (Step{Temp: tmp, Target: target}).Check(); err == nil {
		t.Fatal("Check passed a rename of a directory over a file")
	}
	if err := os.Rename(tmp, target); err == nil {
		t.Fatal("the rename Check refused was made")
	}
}
