package release

import (
	"bytes"
	"regexp"
	"strings"
)

// tomlLine is one line of a TOML document and the table it belongs to.
// Finding a value's bytes needs this line view: a TOML parser gives values,
// not where they are, and a release may change nothing but those bytes.
type tomlLine struct {
	start, end int    // the line's bytes, without its newline
	table      string // dotted name of the enclosing table header, "" at the top
	header     bool   // the line is a table header itself
	arrayElem  int    // for [[array]] tables: which element (counted from 1)
	inString   bool   // inside a multi-line string: not a key line
}

var tableHeaderRE = regexp.MustCompile(`^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$`)

func tomlLines(data []byte) []tomlLine {
	var (
		out    []tomlLine
		table  string
		elems  = map[string]int{}
		elem   int
		inML   string // the delimiter of an open multi-line string
		offset int
	)
	for offset <= len(data) {
		end := bytes.IndexByte(data[offset:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += offset
		}
		text := strings.TrimSuffix(string(data[offset:end]), "\r")
		l := tomlLine{start: offset, end: offset + len(text), inString: inML != ""}
		if inML == "" {
			if m := tableHeaderRE.FindStringSubmatch(text); m != nil {
				table = dottedName(m[2])
				elem = 0
				if m[1] == "[[" {
					elems[table]++
					elem = elems[table]
				}
				l.header = true
			}
		}
		l.table, l.arrayElem = table, elem
		inML = multilineState(text, inML)
		out = append(out, l)
		if end == len(data) {
			break
		}
		offset = end + 1
	}
	return out
}

// multilineState follows the triple-quote delimiters of multi-line strings
// across a line.
func multilineState(text, open string) string {
	for i := 0; i < len(text); {
		if open == "" {
			if text[i] == '#' {
				return ""
			}
			if strings.HasPrefix(text[i:], `"""`) || strings.HasPrefix(text[i:], `'''`) {
				open = text[i : i+3]
				i += 3
				continue
			}
			if text[i] == '"' || text[i] == '\'' {
				// A one-line string: skip to its end.
				q := text[i]
				j := i + 1
				for j < len(text) && text[j] != q {
					if q == '"' && text[j] == '\\' {
						j++
					}
					j++
				}
				i = j + 1
				continue
			}
			i++
			continue
		}
		if strings.HasPrefix(text[i:], open) {
			i += 3
			open = ""
			continue
		}
		i++
	}
	return open
}

func dottedName(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// keyStringRE matches `key = "value"` (or 'value') at the start of a line.
func keyStringRE(key string) *regexp.Regexp {
	return regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(#.*)?$`)
}

// stringValue is where a string value's contents are in the document.
type stringValue struct {
	start, end int // the contents, between the quotes
	value      string
}

// findKey finds the string values of key in the lines of table (and
// array element elem when non-zero).
func findKey(data []byte, lines []tomlLine, table string, elem int, key string) []stringValue {
	re := keyStringRE(key)
	var out []stringValue
	for _, l := range lines {
		if l.header || l.inString || l.table != table || (elem != 0 && l.arrayElem != elem) {
			continue
		}
		line := string(data[l.start:l.end])
		m := re.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		g := 2
		if m[2] < 0 {
			g = 4
		}
		out = append(out, stringValue{start: l.start + m[g], end: l.start + m[g+1], value: line[m[g]:m[g+1]]})
	}
	return out
}
