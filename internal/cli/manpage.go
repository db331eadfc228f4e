package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/version"
)

// ManFlag, after "help", prints the program's manual page instead of its
// usage: "BINARY help --man > BINARY.1" is how scripts/install.sh and the
// release archives make the pages they ship. After "help CMD", or "CMD
// help" of a command with commands of its own, it prints the same page,
// which covers every command.
const ManFlag = "--man"

// ManPage writes the program's manual page (roff, for man(1)): its usage
// and every command's, as -h and --help show them. git turns "git NAME
// --help" into "git help NAME", which opens the manual page git-NAME(1):
// with this page installed beside the binaries (man finds PREFIX/share/man
// from PREFIX/bin on PATH), that form shows the usage too, not "No manual
// entry".
func (p *Program) ManPage(w io.Writer) error {
	var b strings.Builder
	title := strings.ToUpper(p.Binary)
	fmt.Fprintf(&b, ".TH %s 1 \"\" %s \"verdigris\"\n", roffQuote(title), roffQuote("verdigris "+version.Get(p.Binary).Version))
	// No hyphenation: a word broken at a line's end ("mean-ing") in the
	// NAME line's summary reads as a flag's dash.
	b.WriteString(".nh\n")
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roffText(p.Binary), roffText(summary(p.Usage)))
	b.WriteString(".SH DESCRIPTION\n")
	roffBlock(&b, p.Usage)
	var cmds []*Command
	for _, c := range p.Commands {
		if !c.Hidden && c.Usage != "" && c.Name != "" {
			cmds = append(cmds, c)
		}
	}
	if len(cmds) > 0 {
		b.WriteString(".SH COMMANDS\n")
		for _, c := range cmds {
			fmt.Fprintf(&b, ".SS %s\n", roffQuote(p.Name+" "+c.Name))
			roffBlock(&b, c.Usage)
			for _, sc := range c.Commands {
				if !sc.Hidden && sc.Usage != "" {
					fmt.Fprintf(&b, ".SS %s\n", roffQuote(p.Name+" "+c.Name+" "+sc.Name))
					roffBlock(&b, sc.Usage)
				}
			}
		}
	}
	page := b.String()
	// A terminal's character set may lack what the usage texts use
	// ("…", "→"): groff, in the C locale man runs it in there, warned
	// and left it out. Each gets an ASCII stand-in where it has no glyph.
	var defs strings.Builder
	for _, r := range nonASCII(page) {
		fb, ok := asciiFallback[r]
		if !ok {
			fb = "?"
		}
		fmt.Fprintf(&defs, ".if !c\\[u%04X] .char \\[u%04X] %s\n", r, r, fb)
	}
	head, rest, _ := strings.Cut(page, "\n")
	_, err := io.WriteString(w, head+"\n"+defs.String()+rest)
	return err
}

// manPage writes the binary's manual page, from a sub program too: one
// page covers every command.
func (p *Program) manPage(w io.Writer) error {
	if p.top != nil {
		return p.top.ManPage(w)
	}
	return p.ManPage(w)
}

// asciiFallback is what a character of the usage texts reads as where a
// terminal cannot show it.
var asciiFallback = map[rune]string{
	'…': "...", '→': "->", '—': "--", '–': "-", '‘': "'", '’': "'", '“': `\(dq`, '”': `\(dq`, '×': "x", '≤': "<=", '≥': ">=",
}

// nonASCII lists the \[uXXXX] escapes' characters in page, once each,
// in order of first use.
func nonASCII(page string) []rune {
	var out []rune
	for rest := page; ; {
		i := strings.Index(rest, `\[u`)
		if i < 0 {
			return out
		}
		rest = rest[i+3:]
		var r rune
		if _, err := fmt.Sscanf(rest, "%X]", &r); err == nil && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
}

// summary is the first sentence of the usage's description: its first
// paragraph after the usage lines, up to a full stop, colon or
// semicolon.
func summary(usage string) string {
	paras := strings.Split(strings.TrimSpace(usage), "\n\n")
	if len(paras) < 2 {
		return ""
	}
	s := strings.Join(strings.Fields(paras[1]), " ")
	for i := 0; i < len(s); i++ {
		if (s[i] == '.' || s[i] == ':' || s[i] == ';') && (i+1 == len(s) || s[i+1] == ' ') {
			return s[:i]
		}
	}
	return s
}

// roffBlock writes text as it is laid out, unfilled.
func roffBlock(b *strings.Builder, text string) {
	b.WriteString(".nf\n")
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(roffText(l) + "\n")
	}
	b.WriteString(".fi\n")
}

// roffText is a line of text as roff shows it: a backslash is an escape,
// a "-" a hyphen (which copied from the page is no flag's dash), "'",
// "`", "~" and "^" typographic quotes and accents where the man macros
// do not map them back (groff 1.23 without Debian's man.local: 'git scry
// index' copied from the page was no command), a line that starts with
// "." a request, and a character outside ASCII ("…") one troff may not
// read in the locale man runs it in: each is written as roff's escape
// for it.
func roffText(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r == '\'':
			b.WriteString(`\(aq`)
		case r == '`':
			b.WriteString(`\(ga`)
		case r == '~':
			b.WriteString(`\(ti`)
		case r == '^':
			b.WriteString(`\(ha`)
		case i == 0 && r == '.':
			b.WriteString(`\&.`)
		case r > 0x7e:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// roffQuote is a request's argument, quoted.
func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffText(s), `"`, `""`) + `"`
}
