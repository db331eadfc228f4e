package vault

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fakeHistory is a history of lines: what each replaced, and which no
// commit introduced.
type fakeHistory struct {
	replaced    map[string][]string
	uncommitted map[string]bool
	parentless  map[string]bool
	failing     map[string]bool
	isShallow   bool
	asked       []string
}

func (f *fakeHistory) origin(_ context.Context, _, line string) (lineOrigin, error) {
	f.asked = append(f.asked, line)
	if f.failing[line] {
		return lineOrigin{}, errors.New("git failed")
	}
	return lineOrigin{replaced: f.replaced[line], committed: !f.uncommitted[line], parentless: f.parentless[line]}, nil
}

func (f *fakeHistory) shallow(context.Context) bool { return f.isShallow }

func (f *fakeHistory) newest(lines ...string) (int, bool) {
	w, unc, _ := newest(context.Background(), lines, func(l string) (lineOrigin, error) { return f.origin(context.Background(), "s", l) })
	return w, unc
}

func TestNewestLineReplacedTheOthers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		replaced map[string][]string
		lines    []string
		want     int
	}{
		// One branch changed A to B; the other touched the next line.
		{"one side changed", map[string][]string{"B": {"A"}}, []string{"A", "B"}, 1},
		{"order does not matter", map[string][]string{"B": {"A"}}, []string{"B", "A"}, 0},
		// Both branches changed A: neither new line replaced the other.
		{"both sides changed", map[string][]string{"B": {"A"}, "C": {"A"}}, []string{"B", "C"}, -1},
		// Nothing replaced anything: no proof.
		{"no history", nil, []string{"A", "B"}, -1},
		// A branch changed A to B, then B to C: C replaced A through B,
		// a line no longer in the file.
		{"chain through history", map[string][]string{"B": {"A"}, "C": {"B"}}, []string{"A", "C"}, 1},
		// Three lines: D replaced C, which replaced A.
		{"three lines, one newest", map[string][]string{"C": {"A"}, "D": {"C"}}, []string{"A", "C", "D"}, 2},
		// Three lines, C and D each replaced A: two newest.
		{"three lines, two new", map[string][]string{"C": {"A"}, "D": {"A"}}, []string{"A", "C", "D"}, -1},
		// D replaced A but nothing tells C apart.
		{"three lines, one unrelated", map[string][]string{"D": {"A"}}, []string{"A", "C", "D"}, -1},
		// A revert put A back over B, which had replaced A: each
		// replaced the other, so neither is proved newest.
		{"revert", map[string][]string{"B": {"A"}, "A": {"B"}}, []string{"A", "B"}, -1},
		// A commit that resolved an earlier conflict replaced both lines.
		{"replaced a conflict", map[string][]string{"C": {"A", "B"}}, []string{"A", "B", "C"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeHistory{replaced: tc.replaced}
			if got, unc := f.newest(tc.lines...); got != tc.want || unc {
				t.Errorf("newest(%q) = %d, uncommitted %v; want %d", tc.lines, got, unc, tc.want)
			}
		})
	}
}

func TestNewestNeedsEveryLineCommitted(t *testing.T) {
	// B replaced A, but git stash pop left a line no commit has.
	f := &fakeHistory{replaced: map[string][]string{"B": {"A"}}, uncommitted: map[string]bool{"C": true}}
	if got, unc := f.newest("A", "B", "C"); got != -1 || !unc {
		t.Errorf("newest = %d, uncommitted %v; want -1, true", got, unc)
	}
	f = &fakeHistory{uncommitted: map[string]bool{"B": true}}
	if got, unc := f.newest("A", "B"); got != -1 || !unc {
		t.Errorf("newest = %d, uncommitted %v; want -1, true", got, unc)
	}
}

func TestNewestWithoutAllOfHistoryIsNoProof(t *testing.T) {
	// C's history cannot be read: it might show C replaced B.
	f := &fakeHistory{replaced: map[string][]string{"B": {"A", "C"}}, failing: map[string]bool{"C": true}}
	if got, _ := f.newest("B", "C"); got != -1 {
		t.Errorf("newest with a lookup failing = %d, want -1", got)
	}
	// A chain longer than is followed: the unfollowed part might loop back.
	long := map[string][]string{}
	for i := 1; i <= maxHistoryLines+1; i++ {
		long[fmt.Sprint("L", i)] = []string{fmt.Sprint("L", i-1)}
	}
	f = &fakeHistory{replaced: long}
	if got, _ := f.newest("L0", fmt.Sprint("L", maxHistoryLines+1)); got != -1 {
		t.Errorf("newest past maxHistoryLines = %d, want -1", got)
	}
	if len(f.asked) > maxHistoryLines {
		t.Errorf("asked history of %d lines, more than %d", len(f.asked), maxHistoryLines)
	}
	f = &fakeHistory{replaced: map[string][]string{"L3": {"L2"}, "L2": {"L1"}, "L1": {"L0"}}}
	if got, _ := f.newest("L0", "L3"); got != 1 {
		t.Errorf("newest of a short chain = %d, want 1", got)
	}
}

// mergedVault is a vault whose secret db has two lines, as a union merge
// leaves them, and whose secret other has one.
func mergedVault(t *testing.T) (v *Vault, old, new Entry, kh *LocalKeys) {
	t.Helper()
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "db", "old-value")
	mustSet(t, root, gitDir, kh, "other", "other-value")
	v1, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, root, gitDir, kh, "db", "new-value")
	v, err = Load(root)
	if err != nil {
		t.Fatal(err)
	}
	old, new = v1.Secrets.Lookup("db")[0], v.Secrets.Lookup("db")[0]
	v.Secrets.Entries = append(v.Secrets.Entries, old)
	return v, old, new, kh
}

func TestResolveMergesReadsTheLineThatReplacedTheOther(t *testing.T) {
	v, old, new, kh := mergedVault(t)
	h := &fakeHistory{replaced: map[string][]string{new.line(): {old.line()}}}
	if err := v.resolveMerges(context.Background(), func() (lineHistory, error) { return h, nil }); err != nil {
		t.Fatal(err)
	}
	e, err := v.Entry("db")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := kh.Decrypt(v, e); err != nil || string(got) != "new-value" {
		t.Fatalf("Entry(db) = %q, %v; want new-value", got, err)
	}
	// guard searches for the lines that count, and a write keeps them.
	var lines []string
	for _, e := range v.Lines() {
		lines = append(lines, e.line())
	}
	if strings.Contains(strings.Join(lines, "\n"), old.line()) || len(lines) != 2 {
		t.Errorf("Lines = %q, want db's new line and other's", lines)
	}
}

func TestResolveMergesWithoutProofIsAConflict(t *testing.T) {
	v, old, new, _ := mergedVault(t)
	for _, tc := range []struct {
		name string
		h    *fakeHistory
		want string
		hint string
	}{
		{"unrelated", &fakeHistory{}, "secret db appears 2 times (a merge kept both branches' versions)", "choose its value with 'git vault set db'"},
		{"old replaced new", &fakeHistory{replaced: map[string][]string{old.line(): {new.line()}, new.line(): {old.line()}}}, "appears 2 times", ""},
		{"uncommitted", &fakeHistory{replaced: map[string][]string{new.line(): {old.line()}}, uncommitted: map[string]bool{new.line(): true}},
			"secret db appears 2 times (a merge kept both versions, and one of them is in no commit, so history cannot tell which replaced the other)", ""},
		{"shallow", &fakeHistory{isShallow: true, parentless: map[string]bool{old.line(): true, new.line(): true}}, "appears 2 times", "or fetch the history that tells which replaced the other (git fetch --unshallow)"},
		// A shallow clone whose history reaches past both lines: more
		// history would not tell.
		{"shallow, history there", &fakeHistory{isShallow: true}, "appears 2 times", "choose its value with 'git vault set db'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := v.resolveMerges(context.Background(), func() (lineHistory, error) { return tc.h, nil }); err != nil {
				t.Fatal(err)
			}
			_, err := v.Entry("db")
			var re *ReadError
			if !errors.As(err, &re) || !strings.Contains(re.Msg, tc.want) || !strings.HasSuffix(re.Hint, tc.hint) {
				t.Fatalf("Entry(db) = %v; want %q, hint ending %q", err, tc.want, tc.hint)
			}
			if tc.name == "shallow, history there" && strings.Contains(re.Hint, "unshallow") {
				t.Errorf("hint %q offers deeper history that would not tell", re.Hint)
			}
			if len(v.Lines()) != 3 {
				t.Errorf("Lines = %d, want both of db's and other's", len(v.Lines()))
			}
		})
	}
	// No repository to look in: no proof.
	if err := v.resolveMerges(context.Background(), func() (lineHistory, error) { return nil, errors.New("not a git repository") }); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Entry("db"); err == nil {
		t.Fatal("Entry(db) without history read a value")
	}
}

func TestResolveMergesLooksAtHistoryOnlyForDoubledSecrets(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "db", "value-one")
	mustSet(t, root, gitDir, kh, "other", "value-two")
	v, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	// A line a merge kept byte for byte twice is one line, too.
	v.Secrets.Entries = append(v.Secrets.Entries, v.Secrets.Lookup("db")[0])
	opened := false
	if err := v.resolveMerges(context.Background(), func() (lineHistory, error) { opened = true; return nil, errors.New("unused") }); err != nil {
		t.Fatal(err)
	}
	if opened {
		t.Error("a vault with no secret doubled looked in history")
	}
	// Only the doubled secret's lines are looked up.
	v, old, new, _ := mergedVault(t)
	h := &fakeHistory{replaced: map[string][]string{new.line(): {old.line()}}}
	if err := v.resolveMerges(context.Background(), func() (lineHistory, error) { return h, nil }); err != nil {
		t.Fatal(err)
	}
	for _, l := range h.asked {
		if !strings.HasPrefix(l, "db = ") {
			t.Errorf("looked up %q", l)
		}
	}
}

func TestResolveMergesInterrupted(t *testing.T) {
	v, _, _, _ := mergedVault(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := v.resolveMerges(ctx, func() (lineHistory, error) { return &fakeHistory{}, nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("resolveMerges after Ctrl-C = %v, want context.Canceled", err)
	}
}
