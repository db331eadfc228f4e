package vault

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// An SSH identity of a type age cannot use is named by its SSH type, as
// ssh-keygen -t names it, not by the Go type it parses into
// ("*ecdsa.PrivateKey").
func TestParseIdentityUnsupportedSSHKeyNamesItsType(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(k, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseIdentity(pem.EncodeToMemory(block))
	if err == nil {
		t.Fatal("an ECDSA identity was accepted")
	}
	if msg := err.Error(); !strings.Contains(msg, "ecdsa-sha2-nistp256") || strings.Contains(msg, "*") {
		t.Errorf("error = %q; want the key's SSH type, ecdsa-sha2-nistp256, and no Go type", msg)
	}
}
