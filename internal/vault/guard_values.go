package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// MinGuardLen is the shortest vault value guard looks for: shorter values
// match too much ordinary text to block a push on.
const MinGuardLen = 8

// valueNeedle is one form of a vault value guard searches for.
type valueNeedle struct {
	needle []byte
	name   string // the secret's name
	form   string // raw, base64, base64url, hex
}

// valueIndex finds any needle in a line in one pass: needles are indexed
// by their first 8 bytes, so a line costs one map lookup per byte
// whatever the number of secrets.
type valueIndex struct {
	byPrefix map[uint64][]valueNeedle
}

// base64Cores are the parts of value's base64 encoding that appear
// whatever bytes come before it: one per alignment (the value starting at
// byte 0, 1 or 2 of a 3-byte group), without the characters that mix in
// neighbouring bytes.
func base64Cores(enc *base64.Encoding, value []byte) [][]byte {
	var out [][]byte
	for k := 0; k < 3; k++ {
		padded := make([]byte, k+len(value))
		copy(padded[k:], value)
		s := enc.EncodeToString(padded)
		clear(padded)
		start := (8*k + 5) / 6
		end := 8 * (k + len(value)) / 6
		if end-start >= MinGuardLen {
			out = append(out, []byte(s[start:end]))
		}
	}
	return out
}

func newValueIndex(secrets []Secret) (*valueIndex, []string) {
	ix := &valueIndex{byPrefix: map[uint64][]valueNeedle{}}
	var skipped []string
	add := func(n valueNeedle) {
		if len(n.needle) < 8 {
			return
		}
		k := binary.LittleEndian.Uint64(n.needle)
		for _, o := range ix.byPrefix[k] {
			if bytes.Equal(o.needle, n.needle) {
				return
			}
		}
		ix.byPrefix[k] = append(ix.byPrefix[k], n)
	}
	for _, s := range secrets {
		if len(s.Value) < MinGuardLen {
			skipped = append(skipped, s.Name)
			continue
		}
		add(valueNeedle{s.Value, s.Name, "raw"})
		// A diff shows a multi-line value one line at a time.
		if bytes.ContainsAny(s.Value, "\r\n") {
			for _, line := range bytes.FieldsFunc(s.Value, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if t := bytes.TrimSpace(line); len(t) >= MinGuardLen && !isPEMBoundary(t) {
					add(valueNeedle{t, s.Name, "raw"})
				}
			}
		}
		for _, c := range base64Cores(base64.StdEncoding, s.Value) {
			add(valueNeedle{c, s.Name, "base64"})
		}
		for _, c := range base64Cores(base64.URLEncoding, s.Value) {
			add(valueNeedle{c, s.Name, "base64url"})
		}
		h := hex.EncodeToString(s.Value)
		add(valueNeedle{[]byte(h), s.Name, "hex"})
		add(valueNeedle{[]byte(strings.ToUpper(h)), s.Name, "hex"})
	}
	return ix, skipped
}

// isPEMBoundary: "-----BEGIN …-----" lines are shared by every key of a
// kind, so they identify no secret.
func isPEMBoundary(l []byte) bool {
	return bytes.HasPrefix(l, []byte("-----BEGIN ")) || bytes.HasPrefix(l, []byte("-----END "))
}

// find calls fn for each needle found in line (once per secret and form).
func (ix *valueIndex) find(line []byte, fn func(valueNeedle)) {
	if len(ix.byPrefix) == 0 {
		return
	}
	var seen map[string]bool
	for i := 0; i+8 <= len(line); i++ {
		cands, ok := ix.byPrefix[binary.LittleEndian.Uint64(line[i:])]
		if !ok {
			continue
		}
		for _, n := range cands {
			if bytes.HasPrefix(line[i:], n.needle) {
				if seen == nil {
					seen = map[string]bool{}
				}
				if k := n.name + "\x00" + n.form; !seen[k] {
					seen[k] = true
					fn(n)
				}
			}
		}
	}
}

func (ix *valueIndex) wipe() {
	for k, ns := range ix.byPrefix {
		for _, n := range ns {
			clear(n.needle)
		}
		delete(ix.byPrefix, k)
	}
}
