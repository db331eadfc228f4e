package release

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"

	"sort"

	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/verdigris-dev/verdigris/internal/config"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// Error is a refusal the user can act on: what is wrong and what to do.
// Usage errors (a bad argument) exit 2, the rest 1.
type Error struct {
	Msg   string
	Hint  string
	Usage bool
}

func (e *Error) Error() string { return e.Msg }

func refuse(hint, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// cannotRead is the refusal of the file at rel, from the repository
// root, that the release could not read: what names it ("changelog
// CHANGELOG.md"), then why, and hint. Go's words named the call and the
// absolute path ("read /home/…/CHANGELOG.md: is a directory"), with no
// way on; a link to nothing was "no such file or directory", as if the
// link itself were missing.
func cannotRead(root, rel, what, hint string, err error) *Error {
	return refuse(hint, "cannot read %s: %s", what, cli.PathReason(filepath.Join(root, filepath.FromSlash(rel)), err))
}

// parseError is a file that does not parse, at a line and column (0 when
// not known), said as file:line:col, as editors and terminals open it.
// File is "" for the version file being read, which names itself.
type parseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *parseError) Error() string {
	loc := e.File
	for _, n := range []int{e.Line, e.Col} {
		if n == 0 {
			break
		}
		loc += fmt.Sprintf(":%d", n)
	}
	return strings.TrimPrefix(loc+": "+e.Msg, ": ")
}

// tomlError places what go-toml refused at its line and column. data
// was decoded into into: a value of the wrong type is said by its key
// and kinds in TOML's words ("workspace.package.version is an integer,
// not a string"), where go-toml says them in Go's ("cannot decode TOML
// integer into struct field struct { Version string … }.Version of type
// string").
func tomlError(data []byte, into any, err error) error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return fmt.Errorf("not valid TOML: %v", err)
	}
	line, col := de.Position()
	var doc map[string]any
	if toml.Unmarshal(data, &doc) == nil {
		if msg, ok := tomlMismatch(doc, reflect.TypeOf(into), de.Key()); ok {
			return &parseError{Line: line, Col: col, Msg: msg}
		}
	}
	return &parseError{Line: line, Col: col, Msg: "not valid TOML: " + strings.TrimPrefix(de.Error(), "toml: ")}
}

// tomlMismatch finds in doc, a document that parses, a value whose kind
// does not fit t, and says which. Of several, the one at or around near,
// the key go-toml gives with the position (it stops at the first; a key
// inside an inline table is cut short at the table's).
func tomlMismatch(doc map[string]any, t reflect.Type, near []string) (string, bool) {
	var (
		msg   string
		onKey bool // msg is of near's value
	)
	var walk func(v any, t reflect.Type, key []string, item bool)
	walk = func(v any, t reflect.Type, key []string, item bool) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		var want string
		switch t.Kind() {
		case reflect.Struct, reflect.Map:
			m, ok := v.(map[string]any)
			if !ok {
				want = "a table"
				break
			}
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				var et reflect.Type
				if t.Kind() == reflect.Struct {
					et = tomlField(t, n) // nil: a key not read
				} else {
					et = t.Elem()
				}
				if et != nil {
					walk(m[n], et, append(key[:len(key):len(key)], n), false)
				}
			}
			return
		case reflect.Slice:
			l, ok := v.([]any)
			if !ok {
				want = "an array"
				break
			}
			for _, e := range l {
				walk(e, t.Elem(), key, true)
			}
			return
		case reflect.String:
			if _, ok := v.(string); ok {
				return
			}
			want = "a string"
		default:
			return // an interface: every kind fits
		}
		if msg != "" && (onKey || !keyAround(key, near)) {
			return
		}
		onKey = keyAround(key, near)
		what := config.KeyPath(key...)
		if item {
			what = "an item of " + what
		}
		msg = fmt.Sprintf("%s is %s, not %s", what, tomlKind(v), want)
	}
	if t == nil {
		return "", false
	}
	walk(doc, t, nil, false)
	return msg, msg != ""
}

// keyAround reports whether one of the keys a and b begins the other.
func keyAround(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// tomlField is the type of struct t's field that the key n decodes
// into, as go-toml picks it (the toml tag or the field's name, exactly,
// then in any case; an untagged embedded struct's fields are t's), or
// nil when none does.
func tomlField(t reflect.Type, n string) reflect.Type {
	var fold reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if f.Anonymous && tag == "" {
			if ft := tomlField(f.Type, n); ft != nil {
				return ft
			}
			continue
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		name := tag
		if name == "" {
			name = f.Name
		}
		if name == n {
			return f.Type
		}
		if fold == nil && strings.EqualFold(name, n) {
			fold = f.Type
		}
	}
	return fold
}

// tomlKind is the kind of a value go-toml decoded, in TOML's words.
func tomlKind(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []any:
		for _, e := range v {
			if _, ok := e.(map[string]any); !ok {
				return "an array"
			}
		}
		if len(v) > 0 {
			return "an array of tables"
		}
		return "an array"
	default:
		return "a date or time"
	}
}
