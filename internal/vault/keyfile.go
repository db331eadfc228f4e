package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"filippo.io/age/armor"
)

// KeyFile is .verdigris/vault/key: the vault's data key, age-encrypted to
// every recipient, with a header that names the vault, the key's
// generation, the recipient set it was sealed to, and the recipient who
// wrote it, all covered by that writer's signature.
type KeyFile struct {
	Vault      string // 32 hex digits, fixed at init
	Generation int    // incremented when the data key is rotated
	Recipients string // recipientsDigest of the set the key is encrypted to
	Signer     string // canonical key of the writer (a recipient)
	Signature  []byte
	Payload    []byte // armored age file holding the 32-byte data key
}

const keyFileHeader = `# git vault data key: age-encrypted to every recipient and signed by the
# recipient who wrote it. Written by git-vault; do not edit.
`

// signedBytes is what the writer signs: every header field and the whole
// age payload, so no part can be replaced on its own.
func (k *KeyFile) signedBytes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "verdigris-vault-key-v1\nvault: %s\ngeneration: %d\nrecipients: %s\nsigner: %s\n", k.Vault, k.Generation, k.Recipients, k.Signer)
	b.Write(k.Payload)
	return b.Bytes()
}

// Format renders the key file.
func (k *KeyFile) Format() []byte {
	var b bytes.Buffer
	b.WriteString(keyFileHeader)
	fmt.Fprintf(&b, "vault: %s\ngeneration: %d\nrecipients: %s\nsigner: %s\nsignature: %s\n",
		k.Vault, k.Generation, k.Recipients, k.Signer, base64.StdEncoding.EncodeToString(k.Signature))
	b.Write(k.Payload)
	return b.Bytes()
}

// ParseKeyFile parses the key file strictly: every field once, in order.
func ParseKeyFile(data []byte) (*KeyFile, error) {
	rest := data
	line := func() (string, bool) {
		for len(rest) > 0 {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				return "", false
			}
			l := string(rest[:i])
			rest = rest[i+1:]
			if strings.HasPrefix(l, "#") {
				continue
			}
			return l, true
		}
		return "", false
	}
	field := func(name string) (string, error) {
		l, ok := line()
		if !ok {
			return "", fmt.Errorf("missing %q", name)
		}
		v, found := strings.CutPrefix(l, name+": ")
		if !found || v == "" || strings.TrimSpace(v) != v {
			return "", fmt.Errorf("expected %q, got %q", name, abbreviate(l))
		}
		return v, nil
	}
	k := &KeyFile{}
	var err error
	if k.Vault, err = field("vault"); err != nil {
		return nil, err
	}
	if b, herr := hex.DecodeString(k.Vault); herr != nil || len(b) != 16 {
		return nil, fmt.Errorf("malformed vault id")
	}
	gen, err := field("generation")
	if err != nil {
		return nil, err
	}
	if k.Generation, err = strconv.Atoi(gen); err != nil || k.Generation < 1 || strconv.Itoa(k.Generation) != gen {
		return nil, fmt.Errorf("malformed generation")
	}
	if k.Recipients, err = field("recipients"); err != nil {
		return nil, err
	}
	if h, ok := strings.CutPrefix(k.Recipients, "sha256:"); !ok || len(h) != 64 || !isLowerHex(h) {
		return nil, fmt.Errorf("malformed recipients digest")
	}
	if k.Signer, err = field("signer"); err != nil {
		return nil, err
	}
	sig, err := field("signature")
	if err != nil {
		return nil, err
	}
	if k.Signature, err = base64.StdEncoding.Strict().DecodeString(sig); err != nil || len(k.Signature) == 0 {
		return nil, fmt.Errorf("malformed signature")
	}
	if !bytes.HasPrefix(rest, []byte(armor.Header+"\n")) || !bytes.HasSuffix(rest, []byte(armor.Footer+"\n")) {
		return nil, fmt.Errorf("missing the age-encrypted data key")
	}
	k.Payload = append([]byte(nil), rest...)
	return k, nil
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}
