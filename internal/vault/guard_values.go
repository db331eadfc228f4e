package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
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
		// Encoded into bytes that are cleared, not a string: a value's
		// encoding is as secret as the value.
		padded := make([]byte, k+len(value))
		copy(padded[k:], value)
		enc64 := make([]byte, enc.EncodedLen(len(padded)))
		enc.Encode(enc64, padded)
		clear(padded)
		start := (8*k + 5) / 6
		end := 8 * (k + len(value)) / 6
		if end-start >= MinGuardLen {
			out = append(out, append([]byte(nil), enc64[start:end]...))
		}
		clear(enc64)
	}
	return out
}

func newValueIndex(secrets []Secret) (*valueIndex, []string) {
	ix := &valueIndex{byPrefix: map[uint64][]valueNeedle{}}
	var skipped []string
	add := func(n valueNeedle) {
		// An encoded form not kept is cleared here (wipe clears those
		// kept); a raw one is part of the value itself.
		drop := func() {
			if n.form != "raw" {
				clear(n.needle)
			}
		}
		if len(n.needle) < 8 {
			drop()
			return
		}
		k := binary.LittleEndian.Uint64(n.needle)
		for _, o := range ix.byPrefix[k] {
			if bytes.Equal(o.needle, n.needle) {
				drop()
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
		// The encoded forms are of the value as stored and of what a
		// program encodes of it: the value without the line end a file
		// or echo gave it (set --stdin < token.txt), and each line of a
		// multi-line one. A diff shows a multi-line value one line at a
		// time, so those lines are searched for as they are too.
		forms := [][]byte{s.Value}
		if t := bytes.TrimSpace(s.Value); len(t) >= MinGuardLen && len(t) < len(s.Value) {
			forms = append(forms, t)
		}
		if bytes.ContainsAny(s.Value, "\r\n") {
			for _, line := range bytes.FieldsFunc(s.Value, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if t := bytes.TrimSpace(line); len(t) >= MinGuardLen && !isPEMBoundary(t) {
					add(valueNeedle{t, s.Name, "raw"})
					forms = append(forms, t)
				}
			}
		}
		for _, f := range forms {
			for _, c := range base64Cores(base64.StdEncoding, f) {
				add(valueNeedle{c, s.Name, "base64"})
			}
			for _, c := range base64Cores(base64.URLEncoding, f) {
				add(valueNeedle{c, s.Name, "base64url"})
			}
			h := make([]byte, hex.EncodedLen(len(f)))
			hex.Encode(h, f)
			add(valueNeedle{bytes.ToUpper(h), s.Name, "hex"})
			add(valueNeedle{h, s.Name, "hex"})
		}
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

// overlaps reports whether a needle found in line shares a byte with
// line[start:end].
func (ix *valueIndex) overlaps(line []byte, start, end int) bool {
	for i := 0; i < end && i+8 <= len(line); i++ {
		for _, n := range ix.byPrefix[binary.LittleEndian.Uint64(line[i:])] {
			if i+len(n.needle) > start && bytes.HasPrefix(line[i:], n.needle) {
				return true
			}
		}
	}
	return false
}

// wrappedRun follows a run of base64 or hex text over consecutive added
// lines of one file. Encoders wrap what they write (base64 and MIME at 76
// columns, PEM at 64, xxd -p at 60), so a value's encoding inside a
// longer blob is cut by a line end as often as not, and a search line by
// line misses it. A run goes on over lines of nothing but such text
// (indentation aside); it may start at the end of a line ("key: AAAA…")
// and end at the start of one ("…AAAA==\","). Each byte of a run is
// looked up once, as find does: a needle begun on one line is followed
// into the next ones, and of what was added before only the last 7
// bytes are kept, which the first 8 bytes of a needle may start in.
type wrappedRun struct {
	commit, path string
	next         int      // the line number that continues the run
	last         []byte   // the run's last bytes (up to 7)
	lastLines    []int    // the line each byte of last is on
	open         []opened // needles begun and matched so far
}

// opened is a needle matched up to got bytes, begun on line.
type opened struct {
	n    valueNeedle
	got  int
	line int
}

// add extends the run with an added line (or starts one) and calls fn
// for each encoded needle that begins on an earlier line of the run and
// ends on this one, with the line it begins on.
func (w *wrappedRun) add(ix *valueIndex, commit, path string, line int, text []byte, fn func(n valueNeedle, line int)) {
	if len(ix.byPrefix) == 0 {
		return
	}
	if commit != w.commit || path != w.path || line != w.next {
		w.reset()
	}
	w.commit, w.path, w.next = commit, path, line+1
	t := bytes.TrimSpace(text)
	if len(t) == 0 {
		w.reset() // a blank line is no part of a blob
		return
	}
	head := 0 // t[:head] is encoded text
	for head < len(t) && isEncodedByte(t[head]) {
		head++
	}
	w.extend(ix, line, t[:head], head == len(t), fn)
	if head == len(t) {
		return
	}
	// The run ends within this line; another may begin at its end.
	w.reset()
	w.commit, w.path, w.next = commit, path, line+1
	tail := len(t)
	for tail > head && isEncodedByte(t[tail-1]) {
		tail--
	}
	w.extend(ix, line, t[tail:], true, fn)
}

// extend adds b, from line, to the run. goesOn: the run may go on past b
// into the next line.
func (w *wrappedRun) extend(ix *valueIndex, line int, b []byte, goesOn bool, fn func(n valueNeedle, line int)) {
	keep := w.open[:0]
	for _, o := range w.open {
		rest := o.n.needle[o.got:]
		k := min(len(rest), len(b))
		switch {
		case !bytes.Equal(rest[:k], b[:k]):
		case k == len(rest):
			fn(o.n, o.line)
		case goesOn:
			o.got += k
			keep = append(keep, o)
		}
	}
	clear(w.open[len(keep):])
	w.open = keep
	window := append(append([]byte(nil), w.last...), b...)
	defer clear(window)
	boundary := len(w.last)
	for i := 0; i+8 <= len(window); i++ {
		for _, n := range ix.byPrefix[binary.LittleEndian.Uint64(window[i:])] {
			if n.form == "raw" {
				continue
			}
			at := line
			if i < boundary {
				at = w.lastLines[i]
			}
			k := min(len(n.needle), len(window)-i)
			switch {
			case !bytes.Equal(n.needle[:k], window[i:i+k]):
			case k == len(n.needle):
				if i < boundary { // within this line, find has it
					fn(n, at)
				}
			case goesOn:
				w.open = append(w.open, opened{n, k, at})
			}
		}
	}
	lines := append(w.lastLines, make([]int, len(b))...)
	for j := boundary; j < len(lines); j++ {
		lines[j] = line
	}
	cut := max(0, len(window)-7)
	clear(w.last)
	w.last = append(w.last[:0], window[cut:]...)
	w.lastLines = append(w.lastLines[:0], lines[cut:]...)
}

func (w *wrappedRun) reset() {
	clear(w.last)
	clear(w.open)
	w.last, w.lastLines, w.open = w.last[:0], w.lastLines[:0], w.open[:0]
	w.commit, w.path, w.next = "", "", 0
}

// isEncodedByte: c is of the base64, base64url or hex alphabet.
func isEncodedByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
}

func (ix *valueIndex) wipe() {
	for k, ns := range ix.byPrefix {
		for _, n := range ns {
			clear(n.needle)
		}
		delete(ix.byPrefix, k)
	}
}
