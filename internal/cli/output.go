package cli

import (
	"encoding/json"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// WriteJSON prints v as indented JSON followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// IsTerminal reports whether w is an interactive terminal.
func IsTerminal(w any) bool {
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
// cells line up) and two spaces.
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

// Markdown renders the table as a GitHub-flavoured markdown table.
func (t *Table) Markdown() string {
	var b strings.Builder
	for i, r := range t.rows {
		cells := make([]string, len(r))
		for j, c := range r {
			cells[j] = strings.ReplaceAll(c, "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", len(r)) + "\n")
		}
	}
	return b.String()
}
