package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// looksLikeKey says whether s holds what a private key starts with. "PRIVATE
// KEY" counts only in capitals, as PEM writes it: a query about "the
// private key" is a question, and its words are shown as given.
func looksLikeKey(s string) bool {
	upper := strings.ToUpper(s)
	return strings.Contains(s, "PRIVATE KEY") || strings.Contains(upper, "-----BEGIN") || strings.Contains(upper, "AGE-SECRET-KEY-")
}

// LooksLikeKey says whether s, a user's argument, holds what a private
// key starts with: a message that names it shows KeyNotShown instead.
func LooksLikeKey(s string) bool { return looksLikeKey(s) }

// KeyNotShown stands for an argument that looks like a private key in a
// message that would quote it: a key pasted where a command word or a
// name was wanted ("git vault AGE-SECRET-KEY-1…") reaches no terminal,
// shell history of the output, or CI log.
const KeyNotShown = "(it looks like a private key; not shown)"

// quoteArg is arg quoted for a message, or KeyNotShown.
func quoteArg(arg string) string {
	if looksLikeKey(arg) {
		return KeyNotShown
	}
	return fmt.Sprintf("%q", arg)
}

// redactor takes out of what a program writes the arguments it was given
// that look like a private key. It is the one place that keeps a key
// pasted as a path, a name, a revision or a query out of every error,
// hint, warning, annotation and output line: Program.Run puts it between
// each command and its standard output and error, so a message written
// with %q, %s, Printable or ShellWord, by this package or any other, and
// the --json that echoes its input, are covered without a word at the
// call site. Nil when no argument looks like a key, as nearly always:
// then nothing is wrapped and the output is what the command wrote.
type redactor struct {
	// forms are the whole arguments as a message may write them
	// (as given, quoted, escaped, on one line, in JSON), lower-cased
	// and longest first.
	forms [][]byte
	// pieces are their runs of key characters (an age key, a PEM
	// line): what is left of the key where a message cut, joined or
	// re-cased the argument.
	pieces [][]byte
}

// minPiece is the shortest run of an argument taken out on its own: a
// PEM key's lines and an age key's data are longer, and shorter runs
// ("-----BEGIN", "OPENSSH") are no secret.
const minPiece = 16

// keyText finds what is a key whatever it was given as, once an
// argument looks like one: an age identity (with '_' for '-', as an
// environment variable's name makes of it) of which enough is shown to
// be part of one, and a PEM private key's header and the lines after it,
// escaped or on one line. The hints' "AGE-SECRET-KEY-1…" is not one.
var keyText = regexp.MustCompile(`(?i)age[-_]secret[-_]key[-_]1[0-9a-z]{8,}` +
	`|-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----` +
	`(?:(?:\s|\\[nrt])+[A-Za-z0-9+/=]{16,})*` +
	`(?:(?:(?:\s|\\[nrt])+[A-Za-z0-9+/=]{1,15})?(?:\s|\\[nrt])+-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----)?`)

// newRedactor is the redactor of args, nil where none looks like a key.
// A flag's value given with it (--path=KEY) counts on its own too.
func newRedactor(args []string) *redactor {
	var forms, pieces []string
	for _, a := range args {
		if !looksLikeKey(a) {
			continue
		}
		words := []string{a}
		if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") && looksLikeKey(v) {
			words = append(words, v)
		}
		for _, w := range words {
			// The quotes around one stay: in JSON they are the
			// string's, which KeyNotShown is then.
			forms = append(forms, w, Printable(w), oneLine(w), strings.TrimSpace(w),
				inner(strconv.Quote(w)), inner(jsonString(w)), strings.ReplaceAll(w, "'", `'\''`))
			for _, split := range []string{"-", ""} {
				for _, run := range strings.FieldsFunc(w, func(r rune) bool { return !keyChar(r, split) }) {
					if len(run) >= minPiece {
						pieces = append(pieces, run)
					}
				}
			}
		}
	}
	if len(forms) == 0 {
		return nil
	}
	return &redactor{forms: lowered(forms), pieces: lowered(pieces)}
}

// keyChar says whether r is one of the characters keys are written in:
// an age key's (letters, digits, '-'), base64's. extra is '-' or "".
func keyChar(r rune, extra string) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '+' || r == '/' || r == '=' || strings.ContainsRune(extra, r)
}

func inner(quoted string) string { return quoted[1 : len(quoted)-1] }

// jsonString is s as WriteJSON writes it.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(s) != nil {
		return `""`
	}
	return string(escapeJSON(bytes.TrimSuffix(b.Bytes(), []byte("\n"))))
}

// lowered is ss lower-cased, without repeats or empty ones, longest
// first: where two start at the same place, the whole one is taken out.
func lowered(ss []string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		l := asciiLower([]byte(s))
		if len(l) > 0 && !slices.ContainsFunc(out, func(o []byte) bool { return bytes.Equal(o, l) }) {
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b []byte) int { return len(b) - len(a) })
	return out
}

// asciiLower lower-cases the ASCII letters of b alone, so that its
// offsets are b's: an age key and base64 are ASCII, and a letter
// lower-cased may take another number of bytes in UTF-8.
func asciiLower(b []byte) []byte {
	l := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	return l
}

// redact is text with each key-looking argument in it, and what is left
// of one, replaced by KeyNotShown. Letters' case is ignored: an age key
// reads the same in either (git vault's hint gave a name lower-cased).
func (r *redactor) redact(text []byte) []byte {
	if r == nil {
		return text
	}
	text = replaceAll(text, r.forms)
	text = keyText.ReplaceAll(text, []byte(KeyNotShown))
	return replaceAll(text, r.pieces)
}

// String is redact for a string.
func (r *redactor) String(s string) string {
	if r == nil {
		return s
	}
	return string(r.redact([]byte(s)))
}

// replaceAll replaces each of units (lower-case, longest first) found in
// text, in any case, by KeyNotShown, the longest where several start at
// one place.
func replaceAll(text []byte, units [][]byte) []byte {
	lower := asciiLower(text)
	if !slices.ContainsFunc(units, func(u []byte) bool { return bytes.Contains(lower, u) }) {
		return text
	}
	var out []byte
	for i := 0; i < len(text); {
		k := slices.IndexFunc(units, func(u []byte) bool { return bytes.HasPrefix(lower[i:], u) })
		if k < 0 {
			out = append(out, text[i])
			i++
			continue
		}
		out = append(out, KeyNotShown...)
		i += len(units[k])
	}
	return out
}

// redactWriter passes what is written through its redactor. A key
// written in two writes (a buffered writer's block ends inside it) is
// still taken out whole: the last word of a write that does not end in
// white space waits for the next write, or Flush.
type redactWriter struct {
	mu      sync.Mutex
	w       io.Writer
	r       *redactor
	pending []byte
}

// maxPending bounds what waits for the rest of its word: output without
// white space (a child's binary output) is passed on all the same.
const maxPending = 64 << 10

func (rw *redactWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	buf := append(rw.pending, p...)
	cut := bytes.LastIndexAny(buf, " \t\r\n") + 1
	if len(buf)-cut > maxPending {
		cut = len(buf)
	}
	rw.pending = append([]byte(nil), buf[cut:]...)
	if cut == 0 {
		return len(p), nil
	}
	if _, err := rw.w.Write(rw.r.redact(buf[:cut])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what waits for the rest of its word.
func (rw *redactWriter) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.pending) == 0 {
		return nil
	}
	out := rw.r.redact(rw.pending)
	rw.pending = nil
	_, err := rw.w.Write(out)
	return err
}

// Redaction is what Program.Run takes out of what is written to w, the
// Env.Stdout or Env.Stderr of a command it runs, as a function on text:
// for what reaches the user by another way than w (a GitHub step summary
// or output, which a command writes to a file the runner names). It
// leaves the text as it is where no argument looked like a key.
func Redaction(w io.Writer) func(string) string {
	if r := redactorOf(w); r != nil {
		return r.String
	}
	return func(s string) string { return s }
}

func redactorOf(w io.Writer) *redactor {
	for {
		switch x := w.(type) {
		case *stdoutWriter:
			w = x.w
		case *redactWriter:
			return x.r
		default:
			return nil
		}
	}
}
