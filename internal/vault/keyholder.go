package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
)

// Keyholder performs every operation that needs the identity or the data
// key. Two implementations: LocalKeys (the identity in this process) and
// the agent client (the identity held by `git vault agent`). No operation
// returns more than one secret value.
type Keyholder interface {
	// Recipient is the public key of the identity in use.
	Recipient() *Recipient
	// Decrypt opens one entry.
	Decrypt(v *Vault, e Entry) ([]byte, error)
	// Encrypt seals value as name/env under the vault's current key.
	Encrypt(v *Vault, name, env string, value []byte) (Entry, error)
	// Rekey seals the data key to recips; with rotate, a new data key is
	// drawn and every entry re-encrypted with it (the old key stays known
	// to removed recipients).
	Rekey(v *Vault, recips []*Recipient, rotate bool) (*KeyFile, []Entry, error)
	// Create seals a new vault's first data key.
	Create(recips []*Recipient) (*KeyFile, error)
	// Close releases the keyholder and wipes what it holds.
	Close()
}

// LocalKeys is a Keyholder holding the identity in this process. It caches
// opened data keys by vault id and key-file hash: the agent keeps one per
// vault, and a command opens the key once for many entries.
type LocalKeys struct {
	mu   sync.Mutex
	id   *Identity
	keys map[string][]byte
}

// NewLocalKeys wraps an identity.
func NewLocalKeys(id *Identity) *LocalKeys { return &LocalKeys{id: id, keys: map[string][]byte{}} }

// Recipient is the identity's public key.
func (l *LocalKeys) Recipient() *Recipient { return l.id.Recipient }

// Identity is the held identity.
func (l *LocalKeys) Identity() *Identity { return l.id }

func cacheKey(kf *KeyFile) string {
	h := sha256.Sum256(kf.Format())
	return kf.Vault + ":" + hex.EncodeToString(h[:])
}

// dataKey verifies v's key file and returns its data key.
func (l *LocalKeys) dataKey(v *Vault) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.id == nil {
		return nil, fmt.Errorf("the identity was wiped")
	}
	ck := cacheKey(v.Key)
	if k, ok := l.keys[ck]; ok {
		// The cache key covers the whole key file, signature included, so
		// only the recipients file can have changed since it verified.
		if recipientsDigest(v.Recipients) != v.Key.Recipients {
			return nil, verifyKeyFile(v.Key, v.Recipients)
		}
		return k, nil
	}
	k, err := openKeyFile(v.Key, v.Recipients, l.id)
	if err != nil {
		return nil, err
	}
	l.keys[ck] = k
	return k, nil
}

// CachedVaults lists the vault ids whose data keys are held.
func (l *LocalKeys) CachedVaults() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for ck := range l.keys {
		id := ck[:32]
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (l *LocalKeys) Decrypt(v *Vault, e Entry) ([]byte, error) {
	k, err := l.dataKey(v)
	if err != nil {
		return nil, err
	}
	return openEntry(k, v.Key, e)
}

func (l *LocalKeys) Encrypt(v *Vault, name, env string, value []byte) (Entry, error) {
	k, err := l.dataKey(v)
	if err != nil {
		return Entry{}, err
	}
	return sealEntry(k, v.Key, name, env, value)
}

func (l *LocalKeys) Rekey(v *Vault, recips []*Recipient, rotate bool) (*KeyFile, []Entry, error) {
	k, err := l.dataKey(v)
	if err != nil {
		return nil, nil, err
	}
	if !rotate {
		kf, err := sealKeyFile(l.id, recips, v.Key.Vault, v.Key.Generation, k)
		return kf, v.Secrets.Entries, err
	}
	nk, err := newDataKey()
	if err != nil {
		return nil, nil, err
	}
	defer clear(nk)
	kf, err := sealKeyFile(l.id, recips, v.Key.Vault, v.Key.Generation+1, nk)
	if err != nil {
		return nil, nil, err
	}
	entries := make([]Entry, 0, len(v.Secrets.Entries))
	for _, e := range v.Secrets.Entries {
		val, err := openEntry(k, v.Key, e)
		if err != nil {
			return nil, nil, err
		}
		ne, err := sealEntry(nk, kf, e.Name, e.Env, val)
		clear(val)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, ne)
	}
	return kf, entries, nil
}

func (l *LocalKeys) Create(recips []*Recipient) (*KeyFile, error) {
	id, err := newVaultID()
	if err != nil {
		return nil, err
	}
	k, err := newDataKey()
	if err != nil {
		return nil, err
	}
	defer clear(k)
	return sealKeyFile(l.id, recips, id, 1, k)
}

// Close wipes the cached data keys and the identity.
func (l *LocalKeys) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ck, k := range l.keys {
		clear(k)
		delete(l.keys, ck)
	}
	if l.id != nil {
		l.id.Wipe()
		l.id = nil
	}
}
