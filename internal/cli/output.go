package cli

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"golang.org/x/term"
)

// WriteJSON prints v as indented JSON followed by a newline. What
// Printable escapes is written as \u escapes: encoding/json escapes only
// the C0 controls, and a C1 control (U+009B is a CSI to some terminals)
// or a bidirectional override from a repository went out as it was.
// A nil slice is written as [], not null: an empty list is a list to a
// script that loops over it (jq's .vaults[] fails on null), and each
// command leaving its lists nil when they hold nothing is not a promise
// any one of them could keep by hand.
func WriteJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if v != nil {
		c := reflect.New(reflect.TypeOf(v)).Elem()
		c.Set(reflect.ValueOf(v))
		fillLists(c, 0)
		v = c.Interface()
	}
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSON(b.Bytes()))
	return err
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// fillLists sets each nil slice that encoding/json would reach from v to
// an empty one. What it changes it copies first (the elements of a slice,
// what a pointer, map or interface holds), so the caller's value is left
// as it was. A type that writes its own JSON is left to do so, a []byte
// is a base64 string to encoding/json, and a nil pointer or map stays
// null: neither is a list. Past encoding/json's depth for suspecting a
// cycle it stops, and encoding/json reports the cycle.
func fillLists(v reflect.Value, depth int) {
	if depth > 1000 {
		return
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
		return
	}
	switch v.Kind() {
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 || !v.CanSet() {
			return
		}
		c := reflect.MakeSlice(t, v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := range c.Len() {
			fillLists(c.Index(i), depth+1)
		}
		v.Set(c)
	case reflect.Array:
		for i := range v.Len() {
			fillLists(v.Index(i), depth+1)
		}
	case reflect.Pointer:
		if v.IsNil() || !v.CanSet() {
			return
		}
		c := reflect.New(t.Elem())
		c.Elem().Set(v.Elem())
		fillLists(c.Elem(), depth+1)
		v.Set(c)
	case reflect.Interface:
		if v.IsNil() || !v.CanSet() {
			return
		}
		c := reflect.New(v.Elem().Type()).Elem()
		c.Set(v.Elem())
		fillLists(c, depth+1)
		v.Set(c)
	case reflect.Map:
		if v.IsNil() || !v.CanSet() {
			return
		}
		c := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(t.Elem()).Elem()
			e.Set(it.Value())
			fillLists(e, depth+1)
			c.SetMapIndex(it.Key(), e)
		}
		v.Set(c)
	case reflect.Struct:
		// An unexported field cannot be set, but the exported fields of
		// an unexported embedded struct can, and encoding/json writes
		// them as the outer struct's.
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() || t.Field(i).Anonymous && f.Kind() == reflect.Struct {
				fillLists(f, depth+1)
			}
		}
	}
}

// escapeJSON writes the unprintable runes of encoded JSON as \u escapes.
// Outside its strings JSON has none but the line breaks of indentation,
// which stay; inside them the escape reads back as the same rune.
func escapeJSON(js []byte) []byte {
	if bytes.IndexFunc(js, func(r rune) bool { return r != '\n' && unprintable(r) }) < 0 {
		return js
	}
	var b bytes.Buffer
	for _, r := range string(js) {
		if r != '\n' && unprintable(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.Bytes()
}

// IsTerminal reports whether w is an interactive terminal.
func IsTerminal(w any) bool {
	if s, ok := w.(*stdoutWriter); ok {
		w = s.w
	}
	if r, ok := w.(*redactWriter); ok {
		w = r.w
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Color decides whether to colour output written to w: only on a terminal,
// never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
func (e *Env) Color(w io.Writer) bool {
	if e.Env("NO_COLOR") != "" || e.Env("TERM") == "dumb" {
		return false
	}
	return IsTerminal(w)
}

// Paint wraps s in an ANSI colour when on is true.
func Paint(on bool, color, s string) string {
	if !on {
		return s
	}
	codes := map[string]string{"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}
	return "\x1b[" + codes[color] + "m" + s + "\x1b[0m"
}

// Table prints aligned columns; the first row is the header.
type Table struct {
	rows [][]string
}

// Row appends one row.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Len is the number of rows, header included.
func (t *Table) Len() int { return len(t.rows) }

// Write prints the table to w: every cell but a row's last padded to its
// column's width (as Width counts it, so wide characters and coloured
// cells line up) and two spaces. Empty cells at the end of a row are
// left out with the padding before them: no line ends in spaces (which
// a diff marks, and a pasted line carries along).
func (t *Table) Write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for j := 0; j < len(r)-1; j++ {
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], Width(r[j]))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		for j, c := range r {
			b.WriteString(c)
			if j < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-Width(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown renders the table as a GitHub-flavoured markdown table. Every
// row has as many cells as the widest row, empty ones added at its end:
// a row that Write ends early (git toolchain check's tools without a
// NOTE) was a row of fewer cells than the header, a malformed table.
func (t *Table) Markdown() string {
	n := 0
	for _, r := range t.rows {
		n = max(n, len(r))
	}
	var b strings.Builder
	for i, r := range t.rows {
		cells := make([]string, n)
		for j, c := range r {
			cells[j] = strings.ReplaceAll(c, "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", n) + "\n")
		}
	}
	return b.String()
}
