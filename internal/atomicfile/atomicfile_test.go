package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// CanWrite fails where Write does (a name too long for its temporary
// file fails for root too), and leaves nothing behind either way.
func TestCanWriteFailsAsWriteDoes(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "VERSION")
	long := filepath.Join(dir, strings.Repeat("v", 250))
	if err := os.WriteFile(long, []byte("0.0.0\n"), 0o644); err != nil {
		t.Skip("no file of a 250-byte name here:", err)
	}
	if err := CanWrite(ok); err != nil {
		t.Fatalf("CanWrite(%s) = %v", ok, err)
	}
	werr, cerr := Write(long, []byte("0.1.0\n"), 0o644), CanWrite(long)
	if werr == nil || cerr == nil {
		t.Fatalf("Write = %v, CanWrite = %v; want both to fail", werr, cerr)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("left behind: %v", ents)
	}
}

// WriteParts, durable or not, writes the parts in order (one larger than
// its buffer too), makes a new file with perm and leaves no temp file.
func TestWritePartsJoinsTheParts(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("x", 3<<20)
	for _, durable := range []bool{false, true} {
		p := filepath.Join(dir, fmt.Sprint("f", durable))
		if err := WriteParts(p, [][]byte{[]byte("head|"), []byte(big), nil, []byte("|tail")}, 0o644, durable); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		fi, _ := os.Stat(p)
		if string(b) != "head|"+big+"|tail" || fi.Mode().Perm() != 0o644 {
			t.Fatalf("durable %v: %d bytes, mode %v", durable, len(b), fi.Mode().Perm())
		}
		if left := Leftovers(p); len(left) != 0 {
			t.Fatalf("temp files left: %v", left)
		}
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
	if done, err := Recover(journal, allowAll); done || err != nil {
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
	if done, err := Recover(journal, allowAll); !done || err != nil {
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

// A journal that is not one (it is written whole, temp file and rename,
// so a kill cannot tear it: a disk or a hand corrupted it) was taken for
// one with no renames and removed, and the caller then removed the temp
// files it recorded, which may hold the only copy of a new data key the
// renames already made need. It is an error, and Recover keeps it. One
// Recover cannot finish is reported by Check before Recover fails on it.
func TestJournalCorruptOrBlocked(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	for _, bad := range []string{`[{"temp": "/x`, ``, `null`, `{}`, `[1]`} {
		os.WriteFile(journal, []byte(bad), 0o600)
		if steps, found, err := ReadJournal(journal); !found || err == nil || strings.Contains(err.Error(), "\n") {
			t.Fatalf("ReadJournal of %q: %v, %v, %v", bad, steps, found, err)
		}
		if done, err := Recover(journal, allowAll); !done || err == nil {
			t.Fatalf("Recover of %q: %v, %v", bad, done, err)
		}
		if _, err := os.Stat(journal); err != nil {
			t.Fatalf("Recover removed the journal %q", bad)
		}
	}
	os.WriteFile(journal, []byte(`[]`), 0o600) // a write of no file
	if done, err := Recover(journal, allowAll); !done || err != nil {
		t.Fatalf("Recover of an empty journal: %v, %v", done, err)
	}
	if _, found, _ := ReadJournal(journal); found {
		t.Fatal("Recover left the empty journal")
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

// digestOf is the digest a journal records for a temp file's content.
func digestOf(data string) string {
	sum := sha256.Sum256([]byte(data))
	return hex.EncodeToString(sum[:])
}

// A journal records what each temp file holds, so that a temp file that
// is gone (git clean -fdx removes untracked files) is told from one
// renamed before the kill: Recover took every missing temp file for a
// rename made, dropped the journal and left a half-made write. It
// refuses, changing nothing, when a temp file is gone and its target does
// not hold what the journal recorded for it.
func TestRecoverRefusesATempFileThatIsGone(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := WriteAllLogged(journal, []File{{Path: a, Data: []byte("a1")}, {Path: b, Data: []byte("b1")}}); err != nil {
		t.Fatal(err)
	}
	// Killed after renaming a, before b: then b's temp file removed.
	tmpA, tmpB := filepath.Join(dir, ".a.tmp-renamed"), filepath.Join(dir, ".b.tmp-killed")
	os.WriteFile(a, []byte("a2"), 0o644)
	j := fmt.Sprintf(`[{"temp": %q, "target": %q, "sha256": %q}, {"temp": %q, "target": %q, "sha256": %q}]`,
		tmpA, a, digestOf("a2"), tmpB, b, digestOf("b2"))
	os.WriteFile(journal, []byte(j), 0o600)
	steps, _, _ := ReadJournal(journal)
	if made, err := steps[0].Check(); !made || err != nil {
		t.Errorf("Check of a rename made before the kill: %v, %v", made, err)
	}
	_, err := steps[1].Check()
	var lost *LostError
	if !errors.As(err, &lost) || lost.Temp != tmpB || lost.Target != b {
		t.Fatalf("Check of a rename whose temp file is gone: %v", err)
	}
	if done, err := Recover(journal, allowAll); !done || !errors.As(err, &lost) {
		t.Fatalf("Recover: %v, %v", done, err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("the error is more than one line: %q", err)
	}
	if _, found, _ := ReadJournal(journal); !found {
		t.Fatal("Recover removed the journal of a write it cannot finish")
	}
	for p, want := range map[string]string{a: "a2", b: "b1"} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	// Nothing is renamed when a later step cannot be made either.
	os.WriteFile(a, []byte("a1"), 0o644)
	os.WriteFile(tmpA, []byte("a2"), 0o644)
	if _, err := Recover(journal, allowAll); !errors.As(err, &lost) {
		t.Fatalf("Recover: %v", err)
	}
	if got, _ := os.ReadFile(a); string(got) != "a1" {
		t.Errorf("Recover renamed %s before refusing", a)
	}
	// A temp file whose content is not what the journal recorded is
	// refused too.
	os.WriteFile(tmpB, []byte("b2 changed"), 0o644)
	if _, err := Recover(journal, allowAll); !errors.As(err, &lost) || !lost.Changed {
		t.Fatalf("Recover of a changed temp file: %v", err)
	}
	// The write finished and its journal left (a kill before the journal
	// was removed): every target holds what was recorded.
	os.WriteFile(tmpB, []byte("b2"), 0o644)
	if done, err := Recover(journal, allowAll); !done || err != nil {
		t.Fatalf("Recover: %v, %v", done, err)
	}
	for p, want := range map[string]string{a: "a2", b: "b2"} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	os.WriteFile(journal, []byte(j), 0o600)
	if done, err := Recover(journal, allowAll); !done || err != nil {
		t.Fatalf("Recover of a journal whose renames were all made: %v, %v", done, err)
	}
	if _, found, _ := ReadJournal(journal); found {
		t.Fatal("the journal is still there")
	}
}

// WriteAllLogged records each temp file's digest in the journal, and a
// rename that fails leaves the journal and the temp files still to be
// renamed for Recover: it removed them, and the next Recover took them
// for renamed.
func TestWriteAllLoggedLeavesWhatRecoverNeeds(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("a0"), 0o644)
	os.MkdirAll(filepath.Join(b, "x"), 0o755) // the rename over b fails
	if err := WriteAllLogged(journal, []File{{Path: a, Data: []byte("a1")}, {Path: b, Data: []byte("b1")}}); err == nil {
		t.Fatal("WriteAllLogged renamed a file over a directory")
	}
	data, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	var steps []map[string]string
	if err := json.Unmarshal(data, &steps); err != nil || len(steps) != 2 {
		t.Fatalf("journal %s: %v", data, err)
	}
	for i, want := range []string{"a1", "b1"} {
		if steps[i]["sha256"] != digestOf(want) {
			t.Errorf("journal step %d: %v, want the digest of %q", i, steps[i], want)
		}
	}
	if _, err := os.Stat(steps[1]["temp"]); err != nil {
		t.Fatalf("the temp file still to be renamed was removed: %v", err)
	}
	if _, err := Recover(journal, allowAll); err == nil {
		t.Fatal("Recover renamed a file over a directory")
	}
	os.RemoveAll(b)
	if done, err := Recover(journal, allowAll); !done || err != nil {
		t.Fatalf("Recover: %v, %v", done, err)
	}
	for p, want := range map[string]string{a: "a1", b: "b1"} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
}

// allowAll is Recover's allow for journals whose every step the test made.
func allowAll(Step) error { return nil }

// Recover asks allow about every step before it renames anything: a step
// it refuses (a crafted journal naming files the caller never writes)
// fails Recover, which changes nothing and keeps the journal.
func TestRecoverRenamesOnlyWhatAllowAllows(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	tmpA, other := filepath.Join(dir, ".a.tmp-x"), filepath.Join(dir, "other")
	os.WriteFile(tmpA, []byte("a2"), 0o644)
	os.WriteFile(other, []byte("o"), 0o644)
	os.WriteFile(journal, []byte(fmt.Sprintf(`[{"temp": %q, "target": %q}, {"temp": %q, "target": %q}]`, tmpA, a, other, b)), 0o600)
	refused := errors.New("refused")
	allow := func(s Step) error {
		if s.Temp == other {
			return refused
		}
		return nil
	}
	if done, err := Recover(journal, allow); !done || !errors.Is(err, refused) {
		t.Fatalf("Recover: %v, %v", done, err)
	}
	for _, p := range []string{tmpA, other, journal} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{a, b} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was renamed into place", p)
		}
	}
}

// A write killed before its first rename whose temp files were all
// removed since (git clean -fdx) left nothing of itself: no temp file,
// no target holding what was written. Recover refused it as a write it
// cannot finish, and its hint (restore the files from a commit) threw
// away what the files held before the write, which was intact. It is
// discarded: the journal removed, the targets left as they are.
func TestRecoverDiscardsAWriteNothingIsLeftOf(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "journal")
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("a1"), 0o644) // b did not exist (or was removed with its temp file)
	j := fmt.Sprintf(`[{"temp": %q, "target": %q, "sha256": %q}, {"temp": %q, "target": %q, "sha256": %q}]`,
		filepath.Join(dir, ".a.tmp-gone"), a, digestOf("a2"), filepath.Join(dir, ".b.tmp-gone"), b, digestOf("b2"))
	os.WriteFile(journal, []byte(j), 0o600)
	steps, _, _ := ReadJournal(journal)
	if !Abandoned(steps) {
		t.Error("Abandoned: false for a write nothing is left of")
	}
	if done, err := Recover(journal, allowAll); !done || err != nil {
		t.Fatalf("Recover: %v, %v", done, err)
	}
	if _, found, _ := ReadJournal(journal); found {
		t.Fatal("the journal is still there")
	}
	if got, _ := os.ReadFile(a); string(got) != "a1" {
		t.Errorf("a = %q", got)
	}
	// Something is left of it: a temp file, or a target renamed.
	for _, left := range []func(){
		func() { os.WriteFile(filepath.Join(dir, ".b.tmp-gone"), []byte("b2"), 0o644) },
		func() { os.WriteFile(a, []byte("a2"), 0o644) },
	} {
		os.WriteFile(a, []byte("a1"), 0o644)
		os.Remove(filepath.Join(dir, ".b.tmp-gone"))
		left()
		os.WriteFile(journal, []byte(j), 0o600)
		steps, _, _ := ReadJournal(journal)
		if Abandoned(steps) {
			t.Error("Abandoned: true for a write something is left of")
		}
		var lost *LostError
		if _, err := Recover(journal, allowAll); !errors.As(err, &lost) {
			t.Fatalf("Recover: %v", err)
		}
		if _, found, _ := ReadJournal(journal); !found {
			t.Fatal("the journal was removed")
		}
	}
}

// A write killed while it wrote its journal leaves the journal's temp
// file (no rename was made yet). Nothing removed it: it stayed in the git
// dir for good.
func TestRecoverRemovesAJournalsOwnTempFile(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "vault.journal")
	left := filepath.Join(dir, ".vault.journal.tmp-123")
	if err := os.WriteFile(left, []byte(`[{"temp":`), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, ".other.tmp-123")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	done, err := Recover(journal, func(Step) error { return nil })
	if done || err != nil {
		t.Fatalf("Recover with no journal: done %v, %v", done, err)
	}
	if _, err := os.Lstat(left); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the journal's temp file is still there: %v", err)
	}
	if _, err := os.Lstat(other); err != nil {
		t.Errorf("another file's temp file was removed: %v", err)
	}
}
