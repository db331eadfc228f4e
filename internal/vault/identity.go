package vault

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
	"golang.org/x/crypto/ssh"

	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/userdir"
)

// IdentityEnv holds an identity's key text, for CI. It is removed from the
// environment of every child `git vault run` starts.
const IdentityEnv = "VERDIGRIS_IDENTITY"

// Identity is a private key that can read the vault (age unwrap) and sign
// key files.
type Identity struct {
	Recipient *Recipient // its public key
	Source    string     // where it was loaded from, for messages
	age       age.Identity
	sign      func(msg []byte) ([]byte, error)
	export    func() ([]byte, error)
	secret    []byte // raw key material, wiped by Wipe
}

// Export returns the identity as unencrypted key text, for handing to the
// agent over its socket.
func (id *Identity) Export() ([]byte, error) { return id.export() }

// Sign signs msg as this identity's recipient.
func (id *Identity) Sign(msg []byte) ([]byte, error) { return id.sign(msg) }

// Wipe clears the key material this package holds. (age's own copy of an
// X25519 scalar lives in its Identity value and goes with it.)
func (id *Identity) Wipe() {
	clear(id.secret)
	id.age, id.sign = nil, nil
}

// ErrEncryptedIdentity means the identity file is protected by a
// passphrase; it is used through the agent (`git vault agent start`).
var ErrEncryptedIdentity = errors.New("identity is passphrase-protected")

// PermissionError is an identity file that others may read.
type PermissionError struct {
	Path string
	Mode fs.FileMode
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("identity file %s is readable by others (mode %04o); refusing to use it", e.Path, e.Mode.Perm())
}

// DefaultIdentityPath is $XDG_CONFIG_HOME/verdigris/identity.txt, with
// ~/.config when XDG_CONFIG_HOME is unset; an error when neither says
// where, never a path relative to the working directory (which is likely
// a repository).
func DefaultIdentityPath(getenv func(string) string) (string, error) {
	dir, err := userdir.Config(getenv)
	if err != nil {
		return "", fmt.Errorf("cannot place the identity file: %v", err)
	}
	return filepath.Join(dir, "identity.txt"), nil
}

// ErrEmptyIdentity is an identity file with nothing in it: what a 'git
// vault init' killed between creating the file and writing the key
// leaves, which the next init writes a key to (GenerateIdentity).
var ErrEmptyIdentity = errors.New("the identity file is empty")

// ReadIdentityFile reads an identity file, refusing one that is group- or
// world-accessible, as ssh does for private keys, and one that is empty
// (ErrEmptyIdentity).
func ReadIdentityFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("identity %s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, &PermissionError{Path: path, Mode: fi.Mode()}
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err == nil && len(data) == 0 {
		return nil, ErrEmptyIdentity
	}
	return data, err
}

// NoIdentityAt reports whether path holds no identity for init to keep:
// nothing is there, or an empty file an interrupted init left.
func NoIdentityAt(path string) bool {
	fi, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist) || err == nil && emptyFile(fi)
}

func emptyFile(fi fs.FileInfo) bool { return fi.Mode().IsRegular() && fi.Size() == 0 }

// identityText is an identity's text without the spaces around it, or
// the byte order mark a Windows editor (Notepad) starts a UTF-8 file
// with: no part of a key, it made the file "not an age identity". The
// config files' mark is read past so too.
func identityText(data []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\uFEFF")))
}

// IsEncryptedIdentity reports whether data is a passphrase-protected age
// file or SSH key.
func IsEncryptedIdentity(data []byte) bool {
	t := identityText(data)
	if bytes.HasPrefix(t, []byte("age-encryption.org/v1")) || bytes.HasPrefix(t, []byte(armor.Header)) {
		return true
	}
	if bytes.Contains(t, []byte("-----BEGIN")) {
		_, err := ssh.ParseRawPrivateKey(t)
		var pm *ssh.PassphraseMissingError
		return errors.As(err, &pm)
	}
	return false
}

// EncryptedPublicKey is the public key of the passphrase-protected
// identity at path, told without its passphrase: an OpenSSH key keeps it
// in the clear beside the encrypted private key; an age -p identity or a
// legacy PEM key does not, and then path.pub (what ssh-keygen writes,
// and ssh reads to find such a key in ssh-agent) tells it. Neither proves
// that the key is the file's; it only picks the agent's identity, which
// its user unlocked.
func EncryptedPublicKey(path string) (*Recipient, error) {
	data, err := ReadIdentityFile(path)
	defer clear(data)
	if err != nil {
		return nil, err
	}
	var pm *ssh.PassphraseMissingError
	if t := identityText(data); bytes.HasPrefix(t, []byte("-----BEGIN")) && !bytes.HasPrefix(t, []byte(armor.Header)) {
		if _, err := ssh.ParseRawPrivateKey(t); errors.As(err, &pm) && pm.PublicKey != nil {
			return ParseRecipient(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pm.PublicKey))))
		}
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		return nil, err
	}
	rs, err := ParseRecipients(pub)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("%s.pub holds %d public keys", path, len(rs))
	}
	return rs[0], nil
}

// ParseIdentity parses an age X25519 identity ("AGE-SECRET-KEY-1…", with
// optional comment lines) or an unencrypted OpenSSH/PEM ed25519 or RSA key.
// Errors never quote the key text.
func ParseIdentity(data []byte) (*Identity, error) {
	t := identityText(data)
	if IsEncryptedIdentity(t) {
		return nil, ErrEncryptedIdentity
	}
	if bytes.HasPrefix(t, []byte("-----BEGIN")) {
		return parseSSHIdentity(t, nil)
	}
	var keys [][]byte
	sc := bufio.NewScanner(bytes.NewReader(t))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if !bytes.HasPrefix(line, []byte("AGE-SECRET-KEY-1")) {
			return nil, errors.New("not an age identity or SSH private key")
		}
		keys = append(keys, line)
	}
	switch len(keys) {
	case 0:
		return nil, errors.New("no key found in the identity")
	case 1:
	default:
		return nil, fmt.Errorf("the identity holds %d keys; git vault uses one", len(keys))
	}
	hrp, scalar, err := bech32Decode(string(keys[0]))
	if err != nil || hrp != "age-secret-key-" || len(scalar) != 32 {
		return nil, errors.New("malformed age secret key")
	}
	aid, err := age.ParseX25519Identity(string(keys[0]))
	if err != nil {
		clear(scalar)
		return nil, errors.New("malformed age secret key")
	}
	r, err := ParseRecipient(aid.Recipient().String())
	if err != nil {
		clear(scalar)
		return nil, err
	}
	return &Identity{
		Recipient: r,
		age:       aid,
		secret:    scalar,
		sign:      func(msg []byte) ([]byte, error) { return xeddsaSign(scalar, msg) },
		export:    func() ([]byte, error) { return []byte(aid.String() + "\n"), nil },
	}, nil
}

// ParseIdentityPassphrase opens a passphrase-protected identity.
func ParseIdentityPassphrase(data, passphrase []byte) (*Identity, error) {
	t := identityText(data)
	if bytes.HasPrefix(t, []byte("-----BEGIN")) && !bytes.HasPrefix(t, []byte(armor.Header)) {
		return parseSSHIdentity(t, passphrase)
	}
	sid, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return nil, err
	}
	var src io.Reader = bytes.NewReader(t)
	if bytes.HasPrefix(t, []byte(armor.Header)) {
		src = armor.NewReader(src)
	}
	rd, err := age.Decrypt(src, sid)
	if err != nil {
		return nil, errors.New("wrong passphrase, or not a passphrase-protected age identity")
	}
	inner, err := io.ReadAll(io.LimitReader(rd, 1<<20))
	if err != nil {
		return nil, err
	}
	defer clear(inner)
	return ParseIdentity(inner)
}

func parseSSHIdentity(pemBytes, passphrase []byte) (*Identity, error) {
	var key any
	var err error
	if passphrase != nil {
		key, err = ssh.ParseRawPrivateKeyWithPassphrase(pemBytes, passphrase)
	} else {
		key, err = ssh.ParseRawPrivateKey(pemBytes)
	}
	if err != nil {
		var pm *ssh.PassphraseMissingError
		if errors.As(err, &pm) {
			return nil, ErrEncryptedIdentity
		}
		if passphrase != nil {
			return nil, errors.New("wrong passphrase, or not an SSH private key")
		}
		return nil, errors.New("not an age identity or SSH private key")
	}
	switch k := key.(type) {
	case *ed25519.PrivateKey:
		return sshEd25519Identity(*k)
	case ed25519.PrivateKey:
		return sshEd25519Identity(k)
	case *rsa.PrivateKey:
		aid, err := agessh.NewRSAIdentity(k)
		if err != nil {
			return nil, err
		}
		pub, err := ssh.NewPublicKey(&k.PublicKey)
		if err != nil {
			return nil, err
		}
		r, err := ParseRecipient(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))))
		if err != nil {
			return nil, err
		}
		return &Identity{Recipient: r, age: aid, sign: func(msg []byte) ([]byte, error) { return signRSA(k, msg) }, export: sshExport(k)}, nil
	}
	kind := "this SSH key's type"
	if signer, err := ssh.NewSignerFromKey(key); err == nil {
		kind = "SSH key type " + signer.PublicKey().Type()
	}
	return nil, fmt.Errorf("unsupported %s: use an ed25519 or RSA key", kind)
}

func sshEd25519Identity(k ed25519.PrivateKey) (*Identity, error) {
	aid, err := agessh.NewEd25519Identity(k)
	if err != nil {
		return nil, err
	}
	pub, err := ssh.NewPublicKey(k.Public())
	if err != nil {
		return nil, err
	}
	r, err := ParseRecipient(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))))
	if err != nil {
		return nil, err
	}
	return &Identity{Recipient: r, age: aid, secret: k, sign: func(msg []byte) ([]byte, error) { return ed25519.Sign(k, msg), nil }, export: sshExport(k)}, nil
}

func sshExport(k crypto.PrivateKey) func() ([]byte, error) {
	return func() ([]byte, error) {
		b, err := ssh.MarshalPrivateKey(k, "")
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(b), nil
	}
}

// identityLockWait is how long GenerateIdentity waits for another
// process creating the identity: that takes milliseconds, so a lock held
// longer is a process stuck or stopped (Ctrl-Z).
var identityLockWait = 10 * time.Second

// lockIdentity takes the lock GenerateIdentity writes path under,
// waiting up to identityLockWait.
func lockIdentity(path string) (*filelock.Lock, error) {
	ctx, cancel := context.WithTimeout(context.Background(), identityLockWait)
	defer cancel()
	return filelock.Acquire(ctx, path+".lock")
}

// identityBeingWritten waits while another process's GenerateIdentity
// writes path and reports whether one was, or may have been just before:
// a file read unfinished is then worth reading again. A lock held past
// identityLockWait is left to the read that follows to fail on.
func identityBeingWritten(path string) bool {
	if _, err := os.Stat(path + ".lock"); err != nil {
		return false
	}
	if l, err := lockIdentity(path); err == nil {
		l.Unlock()
	}
	return true
}

// GenerateIdentity creates a new X25519 identity at path (mode 0600, in a
// directory made 0700), never replacing an identity: one there fails
// with an error that is fs.ErrExist. An empty file there (an init killed
// before writing its key) is no identity: it is removed and the key
// written to a file made anew, so that it is 0600 from its first byte and
// reaches no other name (a hard link) the empty one had. The key is written straight to its
// final name (a temp file would be one more copy), under a lock beside it
// (path + ".lock"): two 'git vault init' at once, with no identity yet,
// make one, the second waiting until the first has written it whole and
// then finding it there to use, where it failed on the file or read it
// before the key was in it.
func GenerateIdentity(path string, now time.Time) (*Identity, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	l, err := lockIdentity(path)
	if errors.Is(err, filelock.ErrBusy) {
		return nil, &IdentityError{Msg: fmt.Sprintf("another process has been creating the identity %s for over %s", path, identityLockWait),
			Hint: "wait for the other 'git vault init' to finish (or stop it), then run this one again"}
	}
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if fi, err := os.Lstat(path); err == nil && emptyFile(fi) {
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	aid, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	text := []byte(fmt.Sprintf("# created: %s\n# public key: %s\n%s\n", now.UTC().Format(time.RFC3339), aid.Recipient(), aid))
	defer clear(text)
	_, werr := f.Write(text)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(path)
		return nil, err
	}
	id, err := ParseIdentity(text)
	if err != nil {
		return nil, err
	}
	id.Source = path
	return id, nil
}
