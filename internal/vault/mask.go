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
	mu      sync.Mutex
	w       io.Writer
	values  [][]byte
	first   [256]bool           // bytes some value starts with
	buckets map[uint16][][]byte // values by their first two bytes
	buf     []byte
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
// over one of its lines. A line is also masked without the whitespace
// around it, as the Actions runner masks its secrets' lines (see
// ghaction.Action.Mask): a child that prints a YAML value's indented line
// trimmed or re-indented, or a pasted value without its trailing blank,
// would otherwise show it.
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
				trimmed := bytes.TrimSpace(line)
				if len(trimmed) >= minLineMaskLen {
					add(line)
					add(trimmed)
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
	m := &Masker{w: w, values: patterns, buckets: map[uint16][][]byte{}}
	for _, v := range patterns {
		if len(v) < 2 {
			continue
		}
		m.first[v[0]] = true
		k := uint16(v[0]) | uint16(v[1])<<8
		m.buckets[k] = append(m.buckets[k], v) // longest first, as patterns are
	}
	return m
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
// Every byte some value covers is masked: at each position the longest
// value that matches there is found (a byte table of the values' first
// bytes skips most positions, and only values sharing the next two bytes
// are compared), and matches that overlap (one value's end is another's
// start, or a value overlaps itself) become one "***", as the Actions
// runner masks them; masking them one by one printed the rest of the
// second. Matches that only touch stay one mask each.
func (m *Masker) process(final bool) []byte {
	b := m.buf
	out := make([]byte, 0, len(b))
	// From pending on, b may be the start of a value whose end has not
	// arrived (a longer value where a shorter one matches among them):
	// undecided.
	pending := len(b)
	if !final {
		pending = m.pendingStart(b)
	}
	last := 0          // b[:last] is in out
	start, end := 0, 0 // the masked run being built, when end > start
	for i := 0; i < pending && i < len(b)-1; i++ {
		if !m.first[b[i]] {
			continue
		}
		n := 0
		for _, v := range m.buckets[uint16(b[i])|uint16(b[i+1])<<8] {
			if bytes.HasPrefix(b[i:], v) {
				n = len(v)
				break
			}
		}
		if n == 0 {
			continue
		}
		if i < end { // overlaps the run: extend it
			end = max(end, i+n)
			continue
		}
		if end > start {
			out = append(out, b[last:start]...)
			out = append(out, Replacement...)
			last = end
		}
		start, end = i, i+n
	}
	if end > start {
		if end > pending {
			// A value still arriving overlaps the run: it may extend it.
			out = append(out, b[last:start]...)
			m.keep(b[start:])
			return out
		}
		out = append(out, b[last:start]...)
		out = append(out, Replacement...)
		last = end
	}
	out = append(out, b[last:pending]...)
	m.keep(b[pending:])
	return out
}

// keep replaces the buffer with rest (a part of it), wiping the old one.
func (m *Masker) keep(rest []byte) {
	r := append([]byte(nil), rest...)
	clear(m.buf)
	m.buf = r
}

// pendingStart is the first position of b where a value may be starting
// whose end has not arrived yet (b from there is a proper prefix of it);
// len(b) when there is none.
func (m *Masker) pendingStart(b []byte) int {
	longest := 0
	for _, v := range m.values {
		longest = max(longest, len(v))
	}
	for j := max(0, len(b)-longest+1); j < len(b); j++ {
		if !m.first[b[j]] {
			continue
		}
		for _, v := range m.values {
			if len(v) > len(b)-j && bytes.HasPrefix(v, b[j:]) {
				return j
			}
		}
	}
	return len(b)
}
