package vault

import (
	"bytes"
	"io"
	"sync"
)

// Masker copies a child's output to w with every secret value replaced by
// "***". A value split across two writes (the child's output arrives in
// arbitrary chunks) is still caught: bytes that could be the start of a
// value are held back until the next write or Close decides.
type Masker struct {
	mu     sync.Mutex
	w      io.Writer
	values [][]byte
	buf    []byte
}

// Replacement is what a masked value becomes.
var Replacement = []byte("***")

// MinMaskLen is the shortest value masked: shorter ones would turn common
// output into asterisks.
const MinMaskLen = 3

// minLineMaskLen is the shortest line of a multi-line value masked on its
// own (a PEM key's lines can be printed one by one).
const minLineMaskLen = 8

// MaskPatterns lists what a masker replaces for these values: each value
// and each line of a multi-line value, longest first so a whole value wins
// over one of its lines.
func MaskPatterns(values [][]byte) [][]byte {
	var out [][]byte
	seen := map[string]bool{}
	add := func(p []byte) {
		if !seen[string(p)] {
			seen[string(p)] = true
			out = append(out, p)
		}
	}
	for _, v := range values {
		if len(v) >= MinMaskLen {
			add(v)
		}
		if bytes.ContainsAny(v, "\r\n") {
			for _, line := range bytes.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if len(bytes.TrimSpace(line)) >= minLineMaskLen {
					add(line)
				}
			}
		}
	}
	// Longest first: at one position the longest match is replaced.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// NewMasker masks patterns (see MaskPatterns) in what is written to w.
func NewMasker(w io.Writer, patterns [][]byte) *Masker {
	return &Masker{w: w, values: patterns}
}

func (m *Masker) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf = append(m.buf, p...)
	out := m.process(false)
	if _, err := m.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close flushes what was held back.
func (m *Masker) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.process(true)
	_, err := m.w.Write(out)
	clear(m.buf)
	m.buf = nil
	return err
}

// process returns the output that is decided and keeps the rest in buf.
func (m *Masker) process(final bool) []byte {
	var out []byte
	b := m.buf
	for {
		at, n := -1, 0
		for _, v := range m.values {
			if i := bytes.Index(b, v); i >= 0 && (at < 0 || i < at || (i == at && len(v) > n)) {
				at, n = i, len(v)
			}
		}
		if at < 0 {
			break
		}
		if !final && m.couldGrow(b[at:], n) {
			// A longer value may still match here: wait for more output.
			out = append(out, b[:at]...)
			b = b[at:]
			rest := append([]byte(nil), b...)
			clear(m.buf)
			m.buf = rest
			return out
		}
		out = append(out, b[:at]...)
		out = append(out, Replacement...)
		b = b[at+n:]
	}
	hold := 0
	if !final {
		for _, v := range m.values {
			for l := min(len(v)-1, len(b)); l > hold; l-- {
				if bytes.HasSuffix(b, v[:l]) {
					hold = l
					break
				}
			}
		}
	}
	out = append(out, b[:len(b)-hold]...)
	rest := append([]byte(nil), b[len(b)-hold:]...)
	clear(m.buf)
	m.buf = rest
	return out
}

// couldGrow reports whether tail, which matches a value of length n at its
// start, is also the beginning of a longer value.
func (m *Masker) couldGrow(tail []byte, n int) bool {
	for _, v := range m.values {
		if len(v) > n && len(tail) < len(v) && bytes.HasPrefix(v, tail) {
			return true
		}
	}
	return false
}
