package doctor

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
	"time"

	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

const secretValue = "doctor-secret-value-1"

// killedRotation makes the state a key rotation (git vault recipients rm)
// killed between its renames leaves, as the vault's own test of Repair
// does: the secrets file renamed into place, the key and recipients files
// still in their temp files, and the journal recording all three renames.
// It returns the doctor's context and the temp files still to be renamed.
func killedRotation(t *testing.T) (*Context, []string) {
	t.Helper()
	dir := t.TempDir()
	root, gitDir := filepath.Join(dir, "w"), filepath.Join(dir, "git")
	ctx := context.Background()
	idPath := filepath.Join(dir, "id.txt")
	id, err := vault.GenerateIdentity(idPath, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kh := vault.NewLocalKeys(id)
	if _, err := vault.Create(ctx, root, gitDir, kh, id.Recipient); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.Set(ctx, root, gitDir, kh, "db", "", []byte(secretValue)); err != nil {
		t.Fatal(err)
	}
	bob, err := vault.GenerateIdentity(filepath.Join(dir, "bob.txt"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := vault.AddRecipients(ctx, root, gitDir, kh, []*vault.Recipient{bob.Recipient}); err != nil {
		t.Fatal(err)
	}
	names := []string{vault.SecretsName, vault.KeyFileName, vault.RecipientsFile}
	before := map[string][]byte{}
	for _, n := range names {
		before[n], _ = os.ReadFile(vault.Path(root, n))
	}
	if _, err := vault.RemoveRecipient(ctx, root, gitDir, kh, bob.Recipient.Key); err != nil {
		t.Fatal(err)
	}
	// The kill: secrets renamed; key and recipients not.
	type step struct {
		Temp   string `json:"temp"`
		Target string `json:"target"`
		SHA256 string `json:"sha256"`
	}
	secrets, _ := os.ReadFile(vault.Path(root, vault.SecretsName))
	steps := []step{{Temp: filepath.Join(root, vault.Dir, ".secrets.tmp-renamed"), Target: vault.Path(root, vault.SecretsName), SHA256: digest(secrets)}}
	var temps []string
	for _, n := range names[1:] {
		after, _ := os.ReadFile(vault.Path(root, n))
		if bytes.Equal(after, before[n]) {
			t.Fatalf("the removal did not change %s", n)
		}
		tmp := filepath.Join(root, vault.Dir, "."+n+".tmp-killed")
		if err := os.WriteFile(tmp, after, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vault.Path(root, n), before[n], 0o644); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, step{Temp: tmp, Target: vault.Path(root, n), SHA256: digest(after)})
		temps = append(temps, tmp)
	}
	journal, _ := json.Marshal(steps)
	if err := os.WriteFile(vault.JournalPath(gitDir), journal, 0o600); err != nil {
		t.Fatal(err)
	}
	if v, err := vault.Load(root); err == nil && v.Verify() == nil {
		e, err := v.Entry("db")
		if err != nil {
			t.Fatal(err)
		}
		if val, err := kh.Decrypt(v, e); err == nil {
			clear(val)
			t.Fatal("the mixed vault reads: the kill was not simulated")
		}
	}
	idText, err := os.ReadFile(idPath)
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == vault.IdentityEnv {
			return string(idText)
		}
		return ""
	}
	return &Context{Repo: &gitrepo.Repo{Root: root, GitDir: gitDir}, Getenv: getenv}, temps
}

// digest is the digest a journal records for a temp file's content.
func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// snapshot is every file under the worktree and the git dir, to show
// that doctor changed nothing.
func snapshot(t *testing.T, c *Context) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, top := range []string{c.Repo.Root, c.Repo.GitDir} {
		filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				out[p] = string(b)
			}
			return nil
		})
	}
	return out
}

func wantFinding(t *testing.T, f Finding, status Status, detail, hint string) {
	t.Helper()
	if f.Status != status || !strings.Contains(f.Detail, detail) || !strings.Contains(f.Hint, hint) {
		t.Fatalf("finding = %s %q (hint %q); want %s containing %q (hint containing %q)", f.Status, f.Detail, f.Hint, status, detail, hint)
	}
	if strings.Contains(f.Detail+f.Hint, secretValue) {
		t.Fatalf("the finding shows the secret's value: %q %q", f.Detail, f.Hint)
	}
}

// A git vault command killed in the middle of a journaled write left a
// mix of old and new files that the next git vault command finishes:
// doctor reported the vault as failing. It is a warning that says what
// finishes it, read without changing anything; the vault it checks is the
// one the repair will leave.
func TestVaultInterruptedWriteIsAWarning(t *testing.T) {
	c, _ := killedRotation(t)
	before := snapshot(t, c)
	f := checkVaultFiles(context.Background(), c)
	wantFinding(t, f, Warn, "an interrupted write; the next git vault command finishes it", "run: git vault ls")
	if !strings.Contains(f.Detail, "1 secret, 1 recipient, key generation 2, signature verified; readable with your identity") {
		t.Errorf("detail does not describe the vault the repair leaves: %q", f.Detail)
	}
	if after := snapshot(t, c); len(after) != len(before) {
		t.Fatalf("doctor changed the files: %d before, %d after", len(before), len(after))
	} else {
		for p, b := range before {
			if after[p] != b {
				t.Fatalf("doctor changed %s", p)
			}
		}
	}
	if err := vault.Repair(context.Background(), c.Repo.Root, c.Repo.GitDir); err != nil {
		t.Fatal(err)
	}
	wantFinding(t, checkVaultFiles(context.Background(), c), OK, "key generation 2, signature verified; readable with your identity", "")
}

// A journal the next command cannot finish, or whose finished write is
// still a vault every read refuses, is a failure with a hint.
func TestVaultInterruptedWriteThatCannotBeFinished(t *testing.T) {
	t.Run("temp files removed", func(t *testing.T) {
		// git clean -fdx removes the temp files: the write cannot be
		// finished, and Repair refuses it with the same hint.
		c, temps := killedRotation(t)
		for _, tmp := range temps {
			os.Remove(tmp)
		}
		hint := vault.DiscardHint(c.Repo.GitDir)
		f := checkVaultFiles(context.Background(), c)
		wantFinding(t, f, Fail, "an interrupted vault write cannot be finished: "+temps[0]+" is gone before it was renamed over", hint)
		if f.Hint != hint {
			t.Errorf("hint %q, want %q", f.Hint, hint)
		}
		err := vault.Repair(context.Background(), c.Repo.Root, c.Repo.GitDir)
		var re *vault.ReadError
		if !errors.As(err, &re) || re.Msg != f.Detail || re.Hint != hint {
			t.Fatalf("Repair: %v, want the finding's error and hint", err)
		}
		if _, err := os.Stat(vault.JournalPath(c.Repo.GitDir)); err != nil {
			t.Fatal("Repair removed the journal")
		}
	})
	t.Run("temp is a directory", func(t *testing.T) {
		c, temps := killedRotation(t)
		os.Remove(temps[0])
		os.Mkdir(temps[0], 0o755)
		wantFinding(t, checkVaultFiles(context.Background(), c), Fail, "cannot be finished", vault.JournalPath(c.Repo.GitDir))
	})
	t.Run("journal unreadable", func(t *testing.T) {
		c, _ := killedRotation(t)
		j := vault.JournalPath(c.Repo.GitDir)
		os.Remove(j)
		os.Mkdir(j, 0o755)
		wantFinding(t, checkVaultFiles(context.Background(), c), Fail, "journal", j)
	})
	t.Run("corrupt journal", func(t *testing.T) {
		// A journal is written whole, so one that does not parse was
		// corrupted: the commands refuse it (its temp files may hold
		// the only copy of the new data key), and doctor says so.
		c, _ := killedRotation(t)
		if err := vault.Repair(context.Background(), c.Repo.Root, c.Repo.GitDir); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(vault.JournalPath(c.Repo.GitDir), []byte(`[{"temp": "/x`), 0o600)
		wantFinding(t, checkVaultFiles(context.Background(), c), Fail, "cannot be read: "+vault.JournalPath(c.Repo.GitDir)+" is corrupt", "remove "+vault.JournalPath(c.Repo.GitDir))
	})
}

// git vault init killed before its key file was renamed into place left
// a secrets file, temp files and a journal: doctor said there was no
// vault. It is the interrupted write the next git vault command finishes.
func TestVaultKilledInit(t *testing.T) {
	c, _ := killedRotation(t)
	root, gitDir := c.Repo.Root, c.Repo.GitDir
	if err := vault.Repair(context.Background(), root, gitDir); err != nil {
		t.Fatal(err)
	}
	// The kill: only the secrets file renamed into place.
	vaultFiles := []string{vault.SecretsName, vault.KeyFileName, vault.RecipientsFile, ".gitattributes"}
	type step struct {
		Temp   string `json:"temp"`
		Target string `json:"target"`
		SHA256 string `json:"sha256"`
	}
	var steps []step
	for i, n := range vaultFiles {
		data, err := os.ReadFile(vault.Path(root, n))
		if err != nil {
			t.Fatal(err)
		}
		s := step{Temp: filepath.Join(root, vault.Dir, "."+n+".tmp-renamed"), Target: vault.Path(root, n), SHA256: digest(data)}
		if i > 0 {
			s.Temp = filepath.Join(root, vault.Dir, "."+n+".tmp-killed")
			os.Rename(vault.Path(root, n), s.Temp)
		}
		steps = append(steps, s)
	}
	journal, _ := json.Marshal(steps)
	os.WriteFile(vault.JournalPath(gitDir), journal, 0o600)
	out := checkVault(context.Background(), c)
	if len(out) < 2 {
		t.Fatalf("findings: %v", out)
	}
	wantFinding(t, out[1], Warn, "an interrupted write; the next git vault command finishes it (.gitattributes, key, recipients not yet replaced), leaving 1 secret, 1 recipient, key generation 2", "run: git vault ls")
}

// Temp files of writes killed before their journal was written were not
// reported: nothing reads them, but a 'git add -A' commits them.
func TestVaultStrayTempFiles(t *testing.T) {
	c, _ := killedRotation(t)
	if err := vault.Repair(context.Background(), c.Repo.Root, c.Repo.GitDir); err != nil {
		t.Fatal(err)
	}
	for _, f := range checkVault(context.Background(), c) {
		if f.Name == "temp files" {
			t.Fatalf("a clean vault: %v", f)
		}
	}
	os.WriteFile(filepath.Join(c.Repo.Root, vault.Dir, ".secrets.tmp-123"), []byte("x"), 0o644)
	var found bool
	for _, f := range checkVault(context.Background(), c) {
		if f.Name == "temp files" {
			found = true
			wantFinding(t, f, Warn, "1 temporary file left by killed git vault writes: .verdigris/vault/.secrets.tmp-123 (untracked", "run: git vault ls")
		}
	}
	if !found {
		t.Fatal("no finding of the stray temp file")
	}
}

// doctor read the vault while a git vault command was writing it: the
// writer's journal and temp files read as an interrupted write's, and a
// healthy vault was reported as one a killed command had left. doctor
// now waits for the writer's lock.
func TestVaultWriteUnderWayIsWaitedFor(t *testing.T) {
	c, temps := killedRotation(t)
	lockPath := vault.LockPath(c.Repo.GitDir)
	writer, err := filelock.TryLock(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	// The writer finishes its renames and lets go of its lock a moment
	// after doctor starts.
	go func() {
		time.Sleep(200 * time.Millisecond)
		for _, tmp := range temps {
			name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(tmp), "."), ".tmp-killed")
			os.Rename(tmp, vault.Path(c.Repo.Root, name))
		}
		os.Remove(vault.JournalPath(c.Repo.GitDir))
		writer.Unlock()
	}()
	var got *Finding
	for _, f := range checkVault(context.Background(), c) {
		if f.Name == "vault" {
			got = &f
		}
	}
	if got == nil {
		t.Fatal("no vault finding")
	}
	wantFinding(t, *got, OK, "key generation 2, signature verified; readable with your identity", "")

	// A writer that holds the lock past the wait: not checked, and said so.
	defer func(d time.Duration) { vaultWriterWait = d }(vaultWriterWait)
	vaultWriterWait = 50 * time.Millisecond
	writer, err = filelock.TryLock(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Unlock()
	for _, f := range checkVault(context.Background(), c) {
		if f.Name == "vault" {
			wantFinding(t, f, Warn, "a git vault command has been writing the vault for over 50ms: not checked", "run verdigris doctor again when it has finished")
			return
		}
	}
	t.Fatal("no vault finding while the writer holds its lock")
}
