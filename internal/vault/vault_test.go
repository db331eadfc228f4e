package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testVault makes a vault in a temp dir with a fresh identity as its only
// recipient.
func testVault(t testing.TB) (root, gitDir string, kh *LocalKeys) {
	t.Helper()
	dir := t.TempDir()
	root, gitDir = filepath.Join(dir, "w"), filepath.Join(dir, "git")
	id := newTestIdentity(t)
	kh = NewLocalKeys(id)
	if _, err := Create(context.Background(), root, gitDir, kh, id.Recipient); err != nil {
		t.Fatal(err)
	}
	return root, gitDir, kh
}

func newTestIdentity(t testing.TB) *Identity {
	t.Helper()
	id, err := GenerateIdentity(filepath.Join(t.TempDir(), "id.txt"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustSet(t testing.TB, root, gitDir string, kh Keyholder, name, value string) {
	t.Helper()
	if _, err := Set(context.Background(), root, gitDir, kh, name, "", []byte(value)); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, root string, kh Keyholder, name string) ([]byte, error) {
	t.Helper()
	v, err := Load(root)
	if err != nil {
		return nil, err
	}
	e, err := v.Entry(name)
	if err != nil {
		return nil, err
	}
	return kh.Decrypt(v, e)
}

func wantReadError(t *testing.T, err error, substr string) {
	t.Helper()
	var re *ReadError
	if !errors.As(err, &re) || !strings.Contains(re.Msg, substr) {
		t.Fatalf("want a ReadError containing %q, got %v", substr, err)
	}
}

func TestRoundTripKeepsExactBytes(t *testing.T) {
	root, gitDir, kh := testVault(t)
	values := map[string]string{
		"tls-key": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
		"api.tok": "x",
		"bin":     "\x00\xff\r\n trailing space ",
	}
	for n, val := range values {
		mustSet(t, root, gitDir, kh, n, val)
	}
	fresh := NewLocalKeys(kh.Identity())
	for n, val := range values {
		got, err := get(t, root, fresh, n)
		if err != nil || string(got) != val {
			t.Fatalf("%s = %q, %v; want %q", n, got, err, val)
		}
	}
	sf, err := LoadSecrets(root)
	if err != nil || len(sf.Entries) != 3 || sf.Entries[0].Name != "api.tok" || sf.Entries[0].Env != "API_TOK" {
		t.Fatalf("entries = %+v, %v", sf, err)
	}
}

func TestFlippedByteIsRefused(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "db-password", "hunter2-but-longer")
	sf, _ := LoadSecrets(root)
	for i := range sf.Entries[0].Sealed {
		tampered := &SecretsFile{Entries: []Entry{sf.Entries[0]}}
		tampered.Entries[0].Sealed = bytes.Clone(sf.Entries[0].Sealed)
		tampered.Entries[0].Sealed[i] ^= 0x01
		os.WriteFile(Path(root, SecretsName), tampered.Format(), 0o644)
		_, err := get(t, root, NewLocalKeys(kh.Identity()), "db-password")
		wantReadError(t, err, "failed authentication")
	}
}

func TestSwappedValuesAreRefused(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "a", "value-of-a")
	mustSet(t, root, gitDir, kh, "b", "value-of-b")
	sf, _ := LoadSecrets(root)
	sf.Entries[0].Sealed, sf.Entries[1].Sealed = sf.Entries[1].Sealed, sf.Entries[0].Sealed
	os.WriteFile(Path(root, SecretsName), sf.Format(), 0o644)
	for _, n := range []string{"a", "b"} {
		_, err := get(t, root, kh, n)
		wantReadError(t, err, "failed authentication")
	}
	// Swapping env names is refused too.
	mustSet(t, root, gitDir, kh, "a", "value-of-a")
	mustSet(t, root, gitDir, kh, "b", "value-of-b")
	sf, _ = LoadSecrets(root)
	sf.Entries[0].Env, sf.Entries[1].Env = sf.Entries[1].Env, sf.Entries[0].Env
	os.WriteFile(Path(root, SecretsName), sf.Format(), 0o644)
	_, err := get(t, root, kh, "a")
	wantReadError(t, err, "failed authentication")
}

func TestForgedByNonRecipientIsRefused(t *testing.T) {
	ctx := context.Background()
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "url", "https://real.example")
	v, _ := Load(root)
	mallory := NewLocalKeys(newTestIdentity(t))

	// 1. An entry Mallory sealed in a vault of her own, pasted in.
	mroot := filepath.Join(t.TempDir(), "m")
	if _, err := Create(ctx, mroot, mroot+".git", mallory, mallory.Recipient()); err != nil {
		t.Fatal(err)
	}
	mustSet(t, mroot, mroot+".git", mallory, "url", "https://evil.example")
	msf, _ := LoadSecrets(mroot)
	os.WriteFile(Path(root, SecretsName), msf.Format(), 0o644)
	_, err := get(t, root, NewLocalKeys(kh.Identity()), "url")
	wantReadError(t, err, "failed authentication")

	// 2. A whole new data key, encrypted to the real recipients (whose
	// public keys are in the repository) and signed by Mallory.
	k, _ := newDataKey()
	forged, ferr := sealKeyFile(mallory.Identity(), append(v.Recipients, mallory.Recipient()), v.Key.Vault, v.Key.Generation, k)
	if ferr != nil {
		t.Fatal(ferr)
	}
	forged.Recipients = recipientsDigest(v.Recipients)
	forged.Signature, _ = mallory.Identity().Sign(forged.signedBytes())
	e, _ := sealEntry(k, forged, "url", "URL", []byte("https://evil.example"))
	os.WriteFile(Path(root, KeyFileName), forged.Format(), 0o644)
	os.WriteFile(Path(root, SecretsName), (&SecretsFile{Entries: []Entry{e}}).Format(), 0o644)
	_, err = get(t, root, NewLocalKeys(kh.Identity()), "url")
	wantReadError(t, err, "not a recipient")

	// 3. The same, claiming to be signed by the real recipient.
	forged.Signer = v.Recipients[0].Key
	forged.Signature, _ = mallory.Identity().Sign(forged.signedBytes())
	os.WriteFile(Path(root, KeyFileName), forged.Format(), 0o644)
	_, err = get(t, root, NewLocalKeys(kh.Identity()), "url")
	wantReadError(t, err, "does not verify")

	// 4. Mallory appends herself to the recipients file and waits for the
	// next writer to encrypt to her.
	os.WriteFile(Path(root, KeyFileName), v.keyRaw, 0o644)
	os.WriteFile(Path(root, RecipientsFile), append(bytes.Clone(v.recipientsRaw), []byte(mallory.Recipient().Key+" mallory\n")...), 0o644)
	_, err = get(t, root, NewLocalKeys(kh.Identity()), "url")
	wantReadError(t, err, "does not match")
	if _, err := Set(ctx, root, gitDir, kh, "other", "", []byte("v")); err == nil {
		t.Fatal("a write into a vault whose recipients file was tampered with succeeded")
	}
}

// A write of several vault files killed between its renames (a key
// rotation: secrets, key and recipients all change) left a mix every
// read refused, and no command repaired it. The journal lets the next
// command finish the renames: here the state such a kill leaves is made
// by hand, with the secrets file renamed and the key and recipients not.
func TestRepairFinishesAKilledWrite(t *testing.T) {
	root, gitDir, kh, before := rotated(t)
	ctx := context.Background()
	after := readVaultFiles(t, root)
	if bytes.Equal(before[KeyFileName], after[KeyFileName]) {
		t.Fatal("the removal did not rotate the key")
	}
	// The kill: secrets renamed, key and recipients still in temp files.
	var steps []string
	for _, n := range []string{KeyFileName, RecipientsFile} {
		tmp := filepath.Join(root, Dir, "."+n+".tmp-killed")
		if err := os.WriteFile(tmp, after[n], 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(Path(root, n), before[n], 0o644); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, fmt.Sprintf(`{"temp": %q, "target": %q}`, tmp, Path(root, n)))
	}
	journal := fmt.Sprintf(`[{"temp": %q, "target": %q}, `, filepath.Join(root, Dir, ".secrets.tmp-done"), Path(root, SecretsName)) + strings.Join(steps, ", ") + `]`
	if err := os.WriteFile(JournalPath(gitDir), []byte(journal), 0o600); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(root, Dir, ".secrets.tmp-older")
	os.WriteFile(stray, []byte("from a write killed before its journal"), 0o644)
	if _, err := get(t, root, kh, "db"); err == nil {
		t.Fatal("the mixed vault read")
	}
	if err := Repair(ctx, root, gitDir); err != nil {
		t.Fatal(err)
	}
	for n, want := range after {
		if got, _ := os.ReadFile(Path(root, n)); !bytes.Equal(got, want) {
			t.Errorf("%s is not the new one after the repair", n)
		}
	}
	if v, err := get(t, root, kh, "db"); err != nil || string(v) != "value-1" {
		t.Fatalf("after the repair: %q, %v", v, err)
	}
	if _, err := os.Stat(JournalPath(gitDir)); err == nil {
		t.Error("the journal is still there")
	}
	if left, _ := filepath.Glob(filepath.Join(root, Dir, ".*.tmp-*")); len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}
}
