package vault

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"sort"
	"strings"
	"unicode"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Kind is a recipient's key type.
type Kind string

const (
	KindX25519     Kind = "age"
	KindSSHEd25519 Kind = "ssh-ed25519"
	KindSSHRSA     Kind = "ssh-rsa"
)

// Recipient is one public key that can read the vault.
type Recipient struct {
	// Key is the canonical public key: "age1…" or "ssh-ed25519 AAAA…"
	// (an SSH key without its comment).
	Key     string
	Comment string
	Kind    Kind
	raw     []byte // X25519 point, or the SSH wire-format public key
}

// Line is the recipient as the recipients file holds it.
func (r *Recipient) Line() string {
	if r.Comment == "" {
		return r.Key
	}
	return r.Key + " " + r.Comment
}

// Label names the recipient for people: its comment, else a short key.
func (r *Recipient) Label() string {
	if r.Comment != "" {
		return r.Comment
	}
	return r.Short()
}

// Short abbreviates the key for messages.
func (r *Recipient) Short() string {
	k := r.Key
	if i := strings.IndexByte(k, ' '); i >= 0 {
		if fp, err := r.sshKey(); err == nil {
			return k[:i] + " " + ssh.FingerprintSHA256(fp)
		}
	}
	if len(k) > 16 {
		return k[:12] + "…" + k[len(k)-4:]
	}
	return k
}

func (r *Recipient) sshKey() (ssh.PublicKey, error) { return ssh.ParsePublicKey(r.raw) }

// ageRecipient is the age.Recipient that encrypts to r.
func (r *Recipient) ageRecipient() (age.Recipient, error) {
	if r.Kind == KindX25519 {
		return age.ParseX25519Recipient(r.Key)
	}
	return agessh.ParseRecipient(r.Key)
}

// ParseRecipient parses "age1… [comment]" or "ssh-ed25519|ssh-rsa BASE64
// [comment]".
func ParseRecipient(line string) (*Recipient, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil, fmt.Errorf("empty recipient")
	}
	switch {
	case !strings.HasPrefix(f[0], "age1") && strings.HasPrefix(strings.ToLower(f[0]), "age1"):
		// Bech32 allows a string in all upper case, but age reads only
		// "age1…" (age -r AGE1… is an "unknown recipient type"), and a
		// key stored so would not work with age -R.
		low := strings.ToLower(f[0])
		if f[0] == strings.ToUpper(f[0]) {
			if _, err := age.ParseX25519Recipient(low); err == nil {
				return nil, &UpperCaseError{Key: f[0], Lower: low}
			}
		}
		return nil, fmt.Errorf("malformed age recipient %q", abbreviate(f[0]))
	case strings.HasPrefix(f[0], "age1"):
		hrp, data, err := bech32Decode(f[0])
		if err != nil || hrp != "age" || len(data) != 32 {
			if err == nil && hrp != "age" {
				return nil, fmt.Errorf("unsupported recipient type %q: use an age X25519 key (age1…) or an SSH ed25519/RSA public key", hrp)
			}
			return nil, fmt.Errorf("malformed age recipient %q", abbreviate(f[0]))
		}
		if _, err := age.ParseX25519Recipient(f[0]); err != nil {
			return nil, fmt.Errorf("malformed age recipient %q", abbreviate(f[0]))
		}
		return &Recipient{Key: f[0], Comment: strings.Join(f[1:], " "), Kind: KindX25519, raw: data}, nil
	case f[0] == "ssh-ed25519" || f[0] == "ssh-rsa":
		if len(f) < 2 {
			return nil, fmt.Errorf("%s key without its base64 part", f[0])
		}
		pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(f[0] + " " + f[1]))
		if err != nil || pk.Type() != f[0] {
			return nil, fmt.Errorf("malformed %s public key", f[0])
		}
		r := &Recipient{Key: f[0] + " " + f[1], Comment: strings.Join(f[2:], " "), Kind: Kind(f[0]), raw: pk.Marshal()}
		if _, err := r.ageRecipient(); err != nil {
			return nil, fmt.Errorf("unusable %s public key: %v", f[0], err)
		}
		return r, nil
	case strings.HasPrefix(f[0], "ssh-") || strings.HasPrefix(f[0], "ecdsa-") || strings.HasPrefix(f[0], "sk-"):
		return nil, &UnsupportedKeyError{Type: f[0]}
	case LooksPrivate(f[0]):
		return nil, ErrPrivateKey
	}
	return nil, fmt.Errorf("%w %q: expected an age1… key or an ssh-ed25519/ssh-rsa public key line", ErrUnrecognised, abbreviate(f[0]))
}

// ErrUnrecognised is text that is no public key at all. Its message
// quotes the start of the text, which a caller reading a file that may
// be anything (a .env given by mistake) does not show.
var ErrUnrecognised = errors.New("unrecognised recipient")

// UpperCaseError is an age recipient written in upper case.
type UpperCaseError struct {
	Key   string // as given
	Lower string // the same key as age reads it
}

func (e *UpperCaseError) Error() string {
	return fmt.Sprintf("age recipient %q is in upper case; age reads age1… keys in lower case only", abbreviate(e.Key))
}

// UnsupportedKeyError is an SSH public key of a type age cannot encrypt
// to (age -R skips those in a file, with a warning).
type UnsupportedKeyError struct{ Type string }

func (e *UnsupportedKeyError) Error() string {
	return fmt.Sprintf("unsupported SSH key type %s: age can encrypt only to ssh-ed25519 and ssh-rsa keys", e.Type)
}

// ErrPrivateKey is a private key given where a public one was asked for.
// Messages about it quote none of it.
var ErrPrivateKey = errors.New("that is a private key, not a recipient (never share it)")

// LooksPrivate reports whether text given as a recipient is a private
// key (an age identity or a PEM/OpenSSH private key), in any case.
func LooksPrivate(text string) bool {
	t := strings.ToUpper(strings.TrimSpace(text))
	return strings.HasPrefix(t, "AGE-SECRET-KEY-") || strings.HasPrefix(t, "-----BEGIN")
}

// CheckComment refuses a recipient comment that is not one line of
// printable text: a newline in it would write a line of its own into the
// recipients file.
func CheckComment(c string) error {
	for _, r := range c {
		if unicode.IsControl(r) {
			return fmt.Errorf("the recipient's comment holds a control character (%U): it must be one line of text", r)
		}
	}
	return nil
}

func abbreviate(s string) string {
	if len(s) > 24 {
		return s[:20] + "…"
	}
	return s
}

const recipientsHeader = `# git vault recipients: the public keys that can read this vault, one a
# line, each followed by a comment naming its owner. Change this file only
# with 'git vault recipients add|rm': the data key is sealed to this list.
`

// ParseRecipients reads a recipients file.
func ParseRecipients(data []byte) ([]*Recipient, error) {
	var out []*Recipient
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := ParseRecipient(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if prev, dup := seen[r.Key]; dup {
			return nil, fmt.Errorf("line %d: recipient repeats line %d", n, prev)
		}
		seen[r.Key] = n
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// FormatRecipients renders a recipients file.
func FormatRecipients(rs []*Recipient) []byte {
	var b bytes.Buffer
	b.WriteString(recipientsHeader)
	for _, r := range rs {
		b.WriteString(r.Line())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// recipientsDigest commits to the set of keys (not their comments, which
// people may edit freely): it is signed into the key file.
func recipientsDigest(rs []*Recipient) string {
	keys := make([]string, len(rs))
	for i, r := range rs {
		keys[i] = r.Key
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte("verdigris-vault-recipients-v1\n"))
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{'\n'})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func findRecipient(rs []*Recipient, key string) *Recipient {
	for _, r := range rs {
		if r.Key == key {
			return r
		}
	}
	return nil
}

// OwnerComment names the owner of a new recipient, as init writes it
// beside the key: git's user.email, else user@host.
func OwnerComment(ctx context.Context, r *gitrepo.Repo, getenv func(string) string) string {
	if e := r.Config(ctx, "user.email"); e != "" {
		return e
	}
	name := getenv("USER")
	if u, err := user.Current(); err == nil && name == "" {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// AddCommand is the command a recipient runs to add r, named by comment:
// what someone who is not yet a recipient asks for, spelled out so it
// can be pasted (a public key is no secret). A word the shell would not
// pass as it is (an SSH key's space, a quote in a name) is quoted.
func AddCommand(r *Recipient, comment string) string {
	cmd := "git vault recipients add " + shellWord(r.Key)
	if comment != "" {
		cmd += " " + shellWord(comment)
	}
	return cmd
}

// JoinHint is the hint for an identity that is not a recipient of the
// vault: the command to ask a recipient for, with its public key r and
// its owner's name (OwnerComment; "" when it cannot be told).
func JoinHint(r *Recipient, comment string) string {
	return "ask a recipient of the vault to run: " + AddCommand(r, comment)
}

// shellWord quotes s only where a POSIX shell would not read it as one
// literal word, so that the common age1… key and e-mail stay bare.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") == "" {
		return s
	}
	return string(shellQuote([]byte(s)))
}
