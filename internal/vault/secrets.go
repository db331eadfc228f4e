package vault

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// Entry is one line of .verdigris/vault/secrets. Name and Env are plain
// text (listable without a key); Sealed is the value, encrypted with the
// vault's data key and bound to the vault, the key generation, the name and
// the env name.
type Entry struct {
	Name       string
	Env        string
	Generation int
	Sealed     []byte // nonce || ciphertext
}

const secretsHeader = `# git vault secrets: one line per secret, sorted by name. Names and
# environment names are plain text; values are encrypted (docs/vault-format.md).
`

var entryRE = regexp.MustCompile(`^([a-z][a-z0-9._-]{0,63}) = \{env = "([A-Z_][A-Z0-9_]*)", value = "v1:([1-9][0-9]{0,8}):([A-Za-z0-9_-]+)"\}$`)

// newerEntryRE matches an entry whose value carries a format version
// other than v1: the only version mark the files have, so a vault written
// by a newer git vault is told apart from a damaged one, whose advice
// (restore the file from a commit) would lose the newer secrets.
var newerEntryRE = regexp.MustCompile(`^([a-z][a-z0-9._-]{0,63}) = \{env = "[A-Z_][A-Z0-9_]*", value = "v([0-9]{1,9}):`)

// NewerFormatError is a secrets file line in a format newer than this
// git vault reads.
type NewerFormatError struct {
	Line    int
	Name    string
	Version string
}

func (e *NewerFormatError) Error() string {
	return fmt.Sprintf("line %d: the value of %s is in format v%s, newer than this git vault reads (v1)", e.Line, e.Name, e.Version)
}

// SecretsFile is the parsed secrets file. Entries keep file order; a name
// may appear twice after a merge of two branches that both changed it,
// which reading that secret reports.
type SecretsFile struct {
	Entries []Entry
}

// ParseSecrets parses the secrets file strictly.
func ParseSecrets(data []byte) (*SecretsFile, error) {
	sf := &SecretsFile{}
	for n, line := range bytes.Split(data, []byte{'\n'}) {
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		m := entryRE.FindSubmatch(line)
		if m == nil {
			if nm := newerEntryRE.FindSubmatch(line); nm != nil {
				if v, _ := strconv.Atoi(string(nm[2])); v > 1 {
					return nil, &NewerFormatError{Line: n + 1, Name: string(nm[1]), Version: strconv.Itoa(v)}
				}
			}
			return nil, fmt.Errorf("line %d: not a secret entry (expected: name = {env = \"ENV\", value = \"v1:…\"})", n+1)
		}
		gen, _ := strconv.Atoi(string(m[3]))
		sealed, err := b64.DecodeString(string(m[4]))
		if err != nil || len(sealed) < sealOverhead {
			return nil, fmt.Errorf("line %d: malformed value of %s", n+1, m[1])
		}
		sf.Entries = append(sf.Entries, Entry{Name: string(m[1]), Env: string(m[2]), Generation: gen, Sealed: sealed})
	}
	return sf, nil
}

// Format renders the secrets file, sorted by name (then env and value, so
// the output is canonical even with duplicates).
func (sf *SecretsFile) Format() []byte {
	es := append([]Entry(nil), sf.Entries...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Name < es[j].Name })
	var b bytes.Buffer
	b.WriteString(secretsHeader)
	for _, e := range es {
		b.WriteString(e.line())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// line is the entry's line in the file, without its line end.
func (e Entry) line() string {
	return fmt.Sprintf("%s = {env = %q, value = \"v1:%d:%s\"}", e.Name, e.Env, e.Generation, b64.EncodeToString(e.Sealed))
}

// Lookup returns the entries named name (more than one only after a
// conflicting merge).
func (sf *SecretsFile) Lookup(name string) []Entry {
	var out []Entry
	for _, e := range sf.Entries {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// Meant names the secret a name that matches none probably meant, with
// why, or returns "": names are lower-case, so "DB" is likely db,
// "SERVICE_TOKEN" (or "service_token") the secret exported as it, and
// "api.tokne" api.token.
func (sf *SecretsFile) Meant(name string) string {
	if low := strings.ToLower(name); low != name && len(sf.Lookup(low)) > 0 {
		return fmt.Sprintf("secret names are lower-case: did you mean %s?", low)
	}
	names := make([]string, 0, len(sf.Entries))
	for _, e := range sf.Entries {
		if e.Env == strings.ToUpper(name) && e.Name != name {
			return fmt.Sprintf("%s is the environment variable of secret %s: did you mean %s?", e.Env, e.Name, e.Name)
		}
		names = append(names, e.Name)
	}
	// A typo of a name is answered as a mistyped command is.
	if near := cli.Nearest(name, names); near != "" {
		return fmt.Sprintf("did you mean %s?", near)
	}
	return ""
}

// same reports whether two entries are the same line.
func (e Entry) same(o Entry) bool {
	return e.Name == o.Name && e.Env == o.Env && e.Generation == o.Generation && bytes.Equal(e.Sealed, o.Sealed)
}

// Put replaces every entry named e.Name with e.
func (sf *SecretsFile) Put(e Entry) {
	sf.Remove(e.Name)
	sf.Entries = append(sf.Entries, e)
}

// Remove deletes every entry named name and reports whether there was one.
func (sf *SecretsFile) Remove(name string) bool {
	kept := sf.Entries[:0]
	for _, e := range sf.Entries {
		if e.Name != name {
			kept = append(kept, e)
		}
	}
	found := len(kept) != len(sf.Entries)
	sf.Entries = kept
	return found
}
