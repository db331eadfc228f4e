package vault

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// AddCommand gives the command as it can be pasted: an age key and an
// e-mail bare, an SSH key (two words) and a name a shell would split or
// expand quoted.
func TestAddCommandQuotesWhatTheShellWouldSplit(t *testing.T) {
	age, err := ParseRecipient("age1dwscwy59h5pyp0mn27l5xc4y5ml9e2h4d9dx9ddmvgfvjfl9se3smg6e36")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := AddCommand(age, "bob@example.com"), "git vault recipients add age1dwscwy59h5pyp0mn27l5xc4y5ml9e2h4d9dx9ddmvgfvjfl9se3smg6e36 bob@example.com"; got != want {
		t.Errorf("age key:\n got %s\nwant %s", got, want)
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sk)))
	r, err := ParseRecipient(key + " laptop")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := AddCommand(r, "Bob O'Neil"), "git vault recipients add '"+key+"' 'Bob O'\\''Neil'"; got != want {
		t.Errorf("SSH key:\n got %s\nwant %s", got, want)
	}
	if got, want := AddCommand(age, ""), "git vault recipients add "+age.Key; got != want {
		t.Errorf("no comment:\n got %s\nwant %s", got, want)
	}
}
