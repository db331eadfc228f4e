package vault

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// The public key of a passphrase-protected identity, told without the
// passphrase: an OpenSSH key's own (RSA too), else FILE.pub's one key;
// none (an error) when neither tells it.
func TestEncryptedPublicKey(t *testing.T) {
	dir := t.TempDir()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(k, "", []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	sshPath := filepath.Join(dir, "id_rsa")
	if err := os.WriteFile(sshPath, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	pub, _ := ssh.NewPublicKey(&k.PublicKey)
	want := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	if r, err := EncryptedPublicKey(sshPath); err != nil || r.Key != want {
		t.Errorf("OpenSSH key: %v, %v; want %s", r, err, want)
	}

	agePath := filepath.Join(dir, "id.age")
	if err := os.WriteFile(agePath, []byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, err := EncryptedPublicKey(agePath); err == nil {
		t.Errorf("age -p file without .pub: %v; want an error", r.Key)
	}
	const a1 = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
	os.WriteFile(agePath+".pub", []byte("# public key\n"+a1+"\n"), 0o644)
	if r, err := EncryptedPublicKey(agePath); err != nil || r.Key != a1 {
		t.Errorf("age -p file with .pub: %v, %v; want %s", r, err, a1)
	}
	os.WriteFile(agePath+".pub", []byte(a1+"\n"+want+"\n"), 0o644)
	if r, err := EncryptedPublicKey(agePath); err == nil {
		t.Errorf(".pub with two keys: %v; want an error", r.Key)
	}
}
