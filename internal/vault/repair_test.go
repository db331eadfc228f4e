package vault

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
)

// readVaultFiles is the content of each vault file (nil when missing).
// rotated makes a vault holding one secret ("db") for two recipients and
// removes the second: a key rotation, whose write changes the secrets,
// key and recipients files together. before is the vault's files from
// before it.
func rotated(t *testing.T) (root, gitDir string, kh *LocalKeys, before map[string][]byte) {
	t.Helper()
	root, gitDir, kh = testVault(t)
	mustSet(t, root, gitDir, kh, "db", "value-1")
	bob := newTestIdentity(t)
	ctx := context.Background()
	if err := AddRecipients(ctx, root, gitDir, kh, []*Recipient{bob.Recipient}); err != nil {
		t.Fatal(err)
	}
	before = readVaultFiles(t, root)
	if _, err := RemoveRecipient(ctx, root, gitDir, kh, bob.Recipient.Key); err != nil {
		t.Fatal(err)
	}
	return root, gitDir, kh, before
}

func readVaultFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, n := range vaultFiles {
		b, err := os.ReadFile(Path(root, n))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		out[n] = b
	}
	return out
}

// killWrite turns the write that changed the vault files from before
// into the state a kill between its renames leaves, as WriteAllLogged
// journals it: the files named in killed back to their content before
// (removed if they had none) with their new content in temp files, the
// others renamed, and the journal recording every changed file, in the
// order writes rename them, with the digest of its new content. It
// returns the temp files of the killed renames.
func killWrite(t *testing.T, root, gitDir string, before map[string][]byte, killed ...string) []string {
	t.Helper()
	type step struct {
		Temp   string `json:"temp"`
		Target string `json:"target"`
		SHA256 string `json:"sha256"`
	}
	var steps []step
	var temps []string
	after := readVaultFiles(t, root)
	for _, n := range vaultFiles { // the order write renames them in
		if bytes.Equal(before[n], after[n]) && (before[n] == nil) == (after[n] == nil) {
			continue
		}
		sum := sha256.Sum256(after[n])
		s := step{Temp: filepath.Join(root, Dir, "."+n+".tmp-renamed"), Target: Path(root, n), SHA256: hex.EncodeToString(sum[:])}
		for _, k := range killed {
			if k != n {
				continue
			}
			s.Temp = filepath.Join(root, Dir, "."+n+".tmp-killed")
			if err := os.Rename(Path(root, n), s.Temp); err != nil {
				t.Fatal(err)
			}
			if before[n] != nil {
				if err := os.WriteFile(Path(root, n), before[n], 0o644); err != nil {
					t.Fatal(err)
				}
			}
			temps = append(temps, s.Temp)
		}
		steps = append(steps, s)
	}
	if len(temps) != len(killed) {
		t.Fatalf("the write did not change all of %v", killed)
	}
	data, _ := json.Marshal(steps)
	if err := os.WriteFile(JournalPath(gitDir), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return temps
}

// A key rotation killed between its renames, whose temp files were then
// removed (git clean -fdx: they are untracked files in the worktree):
// Repair took every missing temp file for a rename made, dropped the
// journal and left a half-made vault (here the secrets re-encrypted under
// the new data key, the key and recipients files the old ones). It
// refuses, with the hint doctor gives, and changes nothing.
func TestRepairRefusesAWriteWhoseTempFilesAreGone(t *testing.T) {
	for _, killed := range [][]string{{KeyFileName, RecipientsFile}, {RecipientsFile}} {
		t.Run(strings.Join(killed, ","), func(t *testing.T) {
			root, gitDir, kh, before := rotated(t)
			ctx := context.Background()
			for _, tmp := range killWrite(t, root, gitDir, before, killed...) {
				os.Remove(tmp)
			}
			left := readVaultFiles(t, root)
			journal, _ := os.ReadFile(JournalPath(gitDir))

			_, ierr := InspectRepair(root, gitDir)
			err := Repair(ctx, root, gitDir)
			for what, err := range map[string]error{"Repair": err, "InspectRepair": ierr} {
				var re *ReadError
				if !errors.As(err, &re) {
					t.Fatalf("%s of a write whose temp files are gone: %v", what, err)
				}
				if !strings.Contains(re.Msg, "cannot be finished") || !strings.Contains(re.Msg, ".tmp-killed is gone") || strings.Contains(re.Msg, "\n") {
					t.Errorf("%s: message %q", what, re.Msg)
				}
				if re.Hint != DiscardHint(gitDir) {
					t.Errorf("%s: hint %q, want %q", what, re.Hint, DiscardHint(gitDir))
				}
			}
			if got, _ := os.ReadFile(JournalPath(gitDir)); !bytes.Equal(got, journal) {
				t.Error("the journal was removed or changed")
			}
			for n, want := range left {
				if got, _ := os.ReadFile(Path(root, n)); !bytes.Equal(got, want) {
					t.Errorf("%s changed", n)
				}
			}
			if _, err := Set(ctx, root, gitDir, kh, "other", "", []byte("v")); err == nil {
				t.Error("a write went ahead over the half-made vault")
			}
			// Discarding it as the hint says gives the vault back.
			os.Remove(JournalPath(gitDir))
			for n, b := range before {
				if b != nil {
					os.WriteFile(Path(root, n), b, 0o644)
				}
			}
			if err := Repair(ctx, root, gitDir); err != nil {
				t.Fatal(err)
			}
			if v, err := get(t, root, kh, "db"); err != nil || string(v) != "value-1" {
				t.Fatalf("after restoring: %q, %v", v, err)
			}
		})
	}
}

// Killed after its last rename, before it removed its journal: every
// target holds what the journal records, and Repair only removes it.
func TestRepairOfAWriteWhoseRenamesWereAllMade(t *testing.T) {
	root, gitDir, kh := testVault(t)
	before := readVaultFiles(t, root)
	mustSet(t, root, gitDir, kh, "db", "value-1")
	killWrite(t, root, gitDir, before)
	if err := Repair(context.Background(), root, gitDir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(JournalPath(gitDir)); err == nil {
		t.Error("the journal is still there")
	}
	if v, err := get(t, root, kh, "db"); err != nil || string(v) != "value-1" {
		t.Fatalf("after the repair: %q, %v", v, err)
	}
}

// git vault init killed before it renamed the key file in: the vault
// directory held a secrets file and temp files, and Repair, which only
// ran where a key file exists, left it so ("no vault"). Repair and Create
// finish it: its identity's key is the vault's recipient.
func TestRepairFinishesAKilledInit(t *testing.T) {
	for _, via := range []string{"Repair", "Create"} {
		t.Run(via, func(t *testing.T) {
			root, gitDir, kh := testVault(t)
			temps := killWrite(t, root, gitDir, map[string][]byte{}, KeyFileName, RecipientsFile, attributesFile)
			if Exists(root) {
				t.Fatal("the key file is there")
			}
			if !Pending(root, gitDir) {
				t.Fatal("Pending does not see the interrupted init")
			}
			ctx := context.Background()
			if via == "Repair" {
				if err := Repair(ctx, root, gitDir); err != nil {
					t.Fatal(err)
				}
			} else {
				_, err := Create(ctx, root, gitDir, kh, kh.Identity().Recipient)
				wantReadError(t, err, "already has a vault")
			}
			if !Exists(root) {
				t.Fatal("the interrupted init was not finished")
			}
			for _, tmp := range temps {
				if _, err := os.Stat(tmp); err == nil {
					t.Errorf("%s is still there", tmp)
				}
			}
			mustSet(t, root, gitDir, kh, "db", "value-1")
			if v, err := get(t, root, kh, "db"); err != nil || string(v) != "value-1" {
				t.Fatalf("after the repair: %q, %v", v, err)
			}
		})
	}
}

// Temp files left by writes killed before their journal was written are
// listed (doctor warns of them: a 'git add -A' commits them); those of an
// interrupted write its journal records are not.
func TestStrayTempFiles(t *testing.T) {
	root, gitDir, kh := testVault(t)
	if got := StrayTempFiles(root, gitDir); len(got) != 0 {
		t.Fatalf("StrayTempFiles of a clean vault: %v", got)
	}
	before := readVaultFiles(t, root)
	mustSet(t, root, gitDir, kh, "db", "value-1")
	killWrite(t, root, gitDir, before, SecretsName)
	stray := filepath.Join(root, Dir, ".key.tmp-older")
	os.WriteFile(stray, []byte("from a write killed before its journal"), 0o644)
	if got := StrayTempFiles(root, gitDir); len(got) != 1 || got[0] != filepath.Join(Dir, ".key.tmp-older") {
		t.Fatalf("StrayTempFiles: %v", got)
	}
	if err := Repair(context.Background(), root, gitDir); err != nil {
		t.Fatal(err)
	}
	if got := StrayTempFiles(root, gitDir); len(got) != 0 {
		t.Fatalf("StrayTempFiles after Repair: %v", got)
	}
}

// A journal is a file in the git dir anyone who can write there can
// craft, and a corrupted one can name anything: Repair renamed every
// temp file it named over every target it named, so a journal could move
// any file of the user's over any other (a temp file over a git hook, a
// file of $HOME over another). A journal whose renames are not of a vault
// temp file over its own vault file in this vault's directory is refused,
// by Repair and by InspectRepair, changing nothing.
func TestRepairRefusesAJournalNamingFilesOutsideTheVault(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "db", "value-1")
	outside := t.TempDir()
	a, b := filepath.Join(outside, "a"), filepath.Join(outside, "b")
	vdir := filepath.Join(root, Dir)
	vtemp := filepath.Join(vdir, ".key.tmp-crafted")
	hook := filepath.Join(root, ".git-hook")
	for name, steps := range map[string][]atomicfile.Step{
		"both outside":            {{Temp: a, Target: b}},
		"both outside, digest":    {{Temp: a, Target: b, SHA256: atomicfile.Digest([]byte("A"))}},
		"target outside":          {{Temp: vtemp, Target: hook}},
		"temp outside":            {{Temp: a, Target: Path(root, KeyFileName)}},
		"a vault file as temp":    {{Temp: Path(root, SecretsName), Target: Path(root, KeyFileName)}},
		"another file's temp":     {{Temp: filepath.Join(vdir, ".secrets.tmp-x"), Target: Path(root, KeyFileName)}},
		"dot-dot out":             {{Temp: vtemp, Target: filepath.Join(vdir, "..", "..", "key")}},
		"relative":                {{Temp: ".key.tmp-x", Target: "key"}},
		"a vault dir elsewhere":   {{Temp: filepath.Join(outside, Dir, ".key.tmp-x"), Target: filepath.Join(outside, Dir, KeyFileName)}},
		"after a valid step":      {{Temp: filepath.Join(vdir, ".secrets.tmp-gone"), Target: Path(root, SecretsName)}, {Temp: a, Target: b}},
		"a temp file in a subdir": {{Temp: filepath.Join(vdir, "sub", ".key.tmp-x"), Target: Path(root, KeyFileName)}},
	} {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(a, []byte("A"), 0o644)
			os.WriteFile(b, []byte("B"), 0o644)
			os.WriteFile(hook, []byte("hook"), 0o755)
			os.WriteFile(vtemp, []byte("crafted"), 0o644)
			os.MkdirAll(filepath.Join(outside, Dir), 0o755)
			os.WriteFile(filepath.Join(outside, Dir, ".key.tmp-x"), []byte("x"), 0o644)
			os.MkdirAll(filepath.Join(vdir, "sub"), 0o755)
			os.WriteFile(filepath.Join(vdir, "sub", ".key.tmp-x"), []byte("x"), 0o644)
			os.WriteFile(filepath.Join(vdir, ".secrets.tmp-x"), []byte("x"), 0o644)
			before := readVaultFiles(t, root)
			data, _ := json.Marshal(steps)
			os.WriteFile(JournalPath(gitDir), data, 0o600)

			_, ierr := InspectRepair(root, gitDir)
			err := Repair(context.Background(), root, gitDir)
			for what, err := range map[string]error{"Repair": err, "InspectRepair": ierr} {
				var re *ReadError
				if !errors.As(err, &re) {
					t.Fatalf("%s of a journal naming %v: %v", what, steps, err)
				}
				if !strings.Contains(re.Msg, "not a file of the vault") || strings.Contains(re.Msg, "\n") || re.Hint != DiscardHint(gitDir) {
					t.Errorf("%s: %q, hint %q", what, re.Msg, re.Hint)
				}
			}
			for p, want := range map[string]string{a: "A", b: "B", hook: "hook", vtemp: "crafted", filepath.Join(vdir, ".secrets.tmp-x"): "x", filepath.Join(vdir, "sub", ".key.tmp-x"): "x", filepath.Join(outside, Dir, ".key.tmp-x"): "x"} {
				if got, err := os.ReadFile(p); err != nil || string(got) != want {
					t.Errorf("%s: %q, %v; want %q", p, got, err, want)
				}
			}
			if _, err := os.Stat(filepath.Join(outside, Dir, KeyFileName)); err == nil {
				t.Error("a file was renamed in another vault directory")
			}
			for n, want := range before {
				if got, _ := os.ReadFile(Path(root, n)); !bytes.Equal(got, want) {
					t.Errorf("%s changed", n)
				}
			}
			if _, err := os.Stat(JournalPath(gitDir)); err != nil {
				t.Error("the journal was removed")
			}
		})
	}
}

// A set killed before its rename, its temp file then removed (git clean
// -fdx): the vault is as it was before the set, secrets not yet committed
// included. Repair refused it, and the hint (restore the vault from a
// commit) lost those secrets. Nothing of that write is left: it is
// discarded, and the vault reads as before.
func TestRepairDiscardsAWriteNothingIsLeftOf(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "uncommitted", "value-1")
	before := readVaultFiles(t, root)
	mustSet(t, root, gitDir, kh, "db", "value-2")
	for _, tmp := range killWrite(t, root, gitDir, before, SecretsName) {
		os.Remove(tmp)
	}
	w, err := InspectRepair(root, gitDir)
	if err != nil || w == nil || len(w.Files()) != 0 || !w.Discarded() {
		t.Fatalf("InspectRepair: %v, %v", w, err)
	}
	if err := Repair(context.Background(), root, gitDir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(JournalPath(gitDir)); err == nil {
		t.Error("the journal is still there")
	}
	if v, err := get(t, root, kh, "uncommitted"); err != nil || string(v) != "value-1" {
		t.Fatalf("after the repair: %q, %v", v, err)
	}
	if _, err := get(t, root, kh, "db"); err == nil {
		t.Error("the discarded write's secret is there")
	}
}

// A key rotation killed after its secrets file was renamed in, and its
// journal then corrupted: Repair took the journal for one with no
// renames, removed it, then removed the temp files holding the new key
// and recipients files, the only copy of the data key the secrets are now
// encrypted under. It refuses, changing nothing.
func TestRepairRefusesACorruptJournal(t *testing.T) {
	root, gitDir, _, before := rotated(t)
	ctx := context.Background()
	temps := killWrite(t, root, gitDir, before, KeyFileName, RecipientsFile)
	os.WriteFile(JournalPath(gitDir), []byte(`[{"temp": "`), 0o600)
	_, ierr := InspectRepair(root, gitDir)
	err := Repair(ctx, root, gitDir)
	for what, err := range map[string]error{"Repair": err, "InspectRepair": ierr} {
		var re *ReadError
		if !errors.As(err, &re) || strings.Contains(re.Msg, "\n") || re.Hint != DiscardHint(gitDir) {
			t.Fatalf("%s of a corrupt journal: %v", what, err)
		}
	}
	for _, tmp := range temps {
		if _, err := os.Stat(tmp); err != nil {
			t.Errorf("%s was removed", tmp)
		}
	}
	if _, err := os.Stat(JournalPath(gitDir)); err != nil {
		t.Error("the journal was removed")
	}
}

// An init killed before its journal (while it wrote its temp files)
// leaves those temp files in a vault directory with no key file: no
// vault, nor a write of one. The init run next left them there, and the
// 'git add .verdigris/vault' its hint says to run committed them; it
// removes them, as every command does once there is a vault.
func TestCreateRemovesTheTempFilesOfAnInitKilledBeforeItsJournal(t *testing.T) {
	dir := t.TempDir()
	root, gitDir := filepath.Join(dir, "w"), filepath.Join(dir, "git")
	if err := os.MkdirAll(filepath.Join(root, Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range vaultFiles {
		if err := os.WriteFile(filepath.Join(root, Dir, "."+n+".tmp-killed"), []byte("from the killed init"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if Pending(root, gitDir) {
		t.Fatal("temp files alone are taken for a vault or a write of one")
	}
	id := newTestIdentity(t)
	if _, err := Create(context.Background(), root, gitDir, NewLocalKeys(id), id.Recipient); err != nil {
		t.Fatal(err)
	}
	if got := StrayTempFiles(root, gitDir); len(got) != 0 {
		t.Fatalf("left by the killed init, after the next: %v", got)
	}
}
