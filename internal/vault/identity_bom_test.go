package vault

import (
	"bytes"
	"io"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// An identity saved by a Windows editor starts with a UTF-8 byte order
// mark, which made it "not an age identity or SSH private key"; so too a
// passphrase-protected one, which agent start then did not take for one.
func TestIdentityByteOrderMark(t *testing.T) {
	bom := []byte("\uFEFF")
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseIdentity(append(bom, id.String()+"\n"...))
	if err != nil {
		t.Fatalf("ParseIdentity(BOM + key): %v", err)
	}
	if got.Recipient.Key != id.Recipient().String() {
		t.Errorf("recipient = %s, want %s", got.Recipient.Key, id.Recipient())
	}

	r, err := age.NewScryptRecipient("pass")
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var buf bytes.Buffer
	buf.Write(bom)
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, id.String()+"\n")
	w.Close()
	aw.Close()
	if !IsEncryptedIdentity(buf.Bytes()) {
		t.Error("IsEncryptedIdentity(BOM + armored age -p file) = false")
	}
	if _, err := ParseIdentity(buf.Bytes()); err != ErrEncryptedIdentity {
		t.Errorf("ParseIdentity(BOM + armored age -p file) = %v, want ErrEncryptedIdentity", err)
	}
	got, err = ParseIdentityPassphrase(buf.Bytes(), []byte("pass"))
	if err != nil {
		t.Fatalf("ParseIdentityPassphrase(BOM + armored): %v", err)
	}
	if got.Recipient.Key != id.Recipient().String() {
		t.Errorf("recipient = %s, want %s", got.Recipient.Key, id.Recipient())
	}
}
