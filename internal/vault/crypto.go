package vault

import (
	"bytes"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/chacha20poly1305"
)

var b64 = base64.RawURLEncoding

const (
	dataKeySize  = 32
	sealOverhead = chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead
)

// ReadError is a vault that failed verification: tampered, forged,
// inconsistent or not readable with this identity. Hint says what to do.
type ReadError struct {
	Msg  string
	Hint string
	// Interrupted: Ctrl-C (or SIGTERM) stopped the command before it
	// changed anything.
	Interrupted bool
}

func (e *ReadError) Error() string { return e.Msg }

// ErrNotRecipient: the identity is not among the key file's recipients.
var ErrNotRecipient = errors.New("this identity is not a recipient of the vault")

// NotRecipientError is ErrNotRecipient with the identity's public key:
// what its owner asks a recipient to add (AddCommand). The identity
// itself stays where it is.
type NotRecipientError struct{ Recipient *Recipient }

func (e *NotRecipientError) Error() string { return ErrNotRecipient.Error() }

func (e *NotRecipientError) Unwrap() error { return ErrNotRecipient }

// newDataKey draws a data key.
func newDataKey() ([]byte, error) {
	k := make([]byte, dataKeySize)
	_, err := rand.Read(k)
	return k, err
}

func newVaultID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// sealKeyFile encrypts dataKey to recips and signs the result as id.
func sealKeyFile(id *Identity, recips []*Recipient, vaultID string, gen int, dataKey []byte) (*KeyFile, error) {
	if findRecipient(recips, id.Recipient.Key) == nil {
		return nil, &ReadError{Msg: "your identity would not be a recipient of the vault it writes", Hint: "keep your own key among the recipients"}
	}
	ars := make([]age.Recipient, 0, len(recips))
	for _, r := range recips {
		ar, err := r.ageRecipient()
		if err != nil {
			return nil, err
		}
		ars = append(ars, ar)
	}
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, ars...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(dataKey); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
		buf.WriteByte('\n')
	}
	kf := &KeyFile{Vault: vaultID, Generation: gen, Recipients: recipientsDigest(recips), Signer: id.Recipient.Key, Payload: buf.Bytes()}
	if kf.Signature, err = id.Sign(kf.signedBytes()); err != nil {
		return nil, err
	}
	return kf, nil
}

// verifyKeyFile checks, without any private key, that the key file was
// sealed to exactly the recipients listed and signed by one of them.
func verifyKeyFile(kf *KeyFile, recips []*Recipient) error {
	if recipientsDigest(recips) != kf.Recipients {
		return &ReadError{
			Msg:  "the recipients file does not match the recipients the data key is sealed to",
			Hint: "recipients change only through 'git vault recipients add|rm'; restore the file with 'git checkout -- .verdigris/vault/recipients'",
		}
	}
	signer := findRecipient(recips, kf.Signer)
	if signer == nil {
		return &ReadError{
			Msg:  "the data key was written by a key that is not a recipient",
			Hint: "the key file is forged or from another vault; restore it from a trusted commit (git log -- .verdigris/vault)",
		}
	}
	if err := verifySignature(signer, kf.signedBytes(), kf.Signature); err != nil {
		return &ReadError{
			Msg:  fmt.Sprintf("the data key's signature by %s does not verify", signer.Label()),
			Hint: "the key file was modified or forged; restore it from a trusted commit (git log -- .verdigris/vault)",
		}
	}
	return nil
}

// openKeyFile verifies the key file and returns the data key.
func openKeyFile(kf *KeyFile, recips []*Recipient, id *Identity) ([]byte, error) {
	if err := verifyKeyFile(kf, recips); err != nil {
		return nil, err
	}
	rd, err := age.Decrypt(armor.NewReader(bytes.NewReader(kf.Payload)), id.age)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, &NotRecipientError{Recipient: id.Recipient}
		}
		return nil, &ReadError{Msg: "the data key does not decrypt", Hint: "the key file is damaged; restore it from a trusted commit"}
	}
	key := make([]byte, dataKeySize+1)
	n, err := io.ReadFull(rd, key)
	if n != dataKeySize || !errors.Is(err, io.ErrUnexpectedEOF) {
		clear(key)
		return nil, &ReadError{Msg: "the data key has the wrong size", Hint: "the key file is damaged; restore it from a trusted commit"}
	}
	return key[:dataKeySize], nil
}

// entryAEAD derives the per-vault entry key from the data key.
func entryAEAD(dataKey []byte, vaultID string) (cipherAEAD, error) {
	k, err := hkdf.Key(sha256.New, dataKey, []byte(vaultID), "verdigris-vault entries v1", chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	return chacha20poly1305.NewX(k)
}

type cipherAEAD interface {
	Seal(dst, nonce, plaintext, additionalData []byte) []byte
	Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
	NonceSize() int
}

// entryAD binds a value to where it sits: vault, key generation, name and
// env name. Moving a ciphertext to another name or env fails to open.
func entryAD(vaultID string, gen int, name, env string) []byte {
	ad := []byte("verdigris-vault-entry-v1\x00")
	ad = append(ad, vaultID...)
	ad = append(ad, 0)
	ad = strconv.AppendInt(ad, int64(gen), 10)
	ad = append(ad, 0)
	ad = append(ad, name...)
	ad = append(ad, 0)
	return append(ad, env...)
}

func sealEntry(dataKey []byte, kf *KeyFile, name, env string, value []byte) (Entry, error) {
	aead, err := entryAEAD(dataKey, kf.Vault)
	if err != nil {
		return Entry{}, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(value)+chacha20poly1305.Overhead)
	if _, err := rand.Read(nonce); err != nil {
		return Entry{}, err
	}
	sealed := aead.Seal(nonce, nonce, value, entryAD(kf.Vault, kf.Generation, name, env))
	return Entry{Name: name, Env: env, Generation: kf.Generation, Sealed: sealed}, nil
}

func openEntry(dataKey []byte, kf *KeyFile, e Entry) ([]byte, error) {
	if e.Generation != kf.Generation {
		return nil, &ReadError{
			Msg:  fmt.Sprintf("secret %s was encrypted under data key generation %d, but the vault is at generation %d", e.Name, e.Generation, kf.Generation),
			Hint: fmt.Sprintf("it was added on a branch from before a key rotation; set it again with 'git vault set %s'", e.Name),
		}
	}
	aead, err := entryAEAD(dataKey, kf.Vault)
	if err != nil {
		return nil, err
	}
	ns := aead.NonceSize()
	if len(e.Sealed) < sealOverhead {
		return nil, entryAuthError(e.Name)
	}
	v, err := aead.Open(nil, e.Sealed[:ns], e.Sealed[ns:], entryAD(kf.Vault, e.Generation, e.Name, e.Env))
	if err != nil {
		return nil, entryAuthError(e.Name)
	}
	return v, nil
}

func entryAuthError(name string) error {
	return &ReadError{
		Msg:  fmt.Sprintf("secret %s failed authentication: its value was modified, moved from another name, or written without the vault key", name),
		Hint: fmt.Sprintf("restore .verdigris/vault/secrets from a trusted commit, or set it again with 'git vault set %s'", name),
	}
}
