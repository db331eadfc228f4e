// Package jsonfile says what is wrong with a JSON file a person wrote (a
// query set, the model registry, a package.json) when the decoder
// refuses it. The decoder's own words name Go types ("cannot unmarshal
// array into Go value of type model.Registry"), describe its state
// ("looking for beginning of object key string") and count bytes, none
// of which a person editing the file can act on.
package jsonfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Problem says what is wrong with data, which the decoder refused with
// err, in the file's terms and with its line. whole names the document
// where its top level is of the wrong kind ("the query set"); lists are
// the keys (as paths: "queries.relevant_commits") whose values are
// lists, so that a wrong item reads "each item of KEY must be …".
func Problem(data []byte, err error, whole string, lists ...string) string {
	line := func(off int64) int {
		off = max(0, min(off, int64(len(data))))
		// An error at the end of the file is on its last line with
		// text, not on the empty one after its final line break.
		return 1 + bytes.Count(bytes.TrimRight(data[:off], " \t\r\n"), []byte("\n"))
	}
	var typ *json.UnmarshalTypeError
	if len(bytes.TrimSpace(data)) == 0 {
		return "the file is empty"
	}
	if l, _, problem, ok := Syntax(data, err); ok {
		return fmt.Sprintf("it is not valid JSON (line %d): %s", l, problem)
	}
	switch {
	case errors.As(err, &typ):
		kinds := map[string]string{"string": "a string", "number": "a number", "array": "a list", "object": "an object", "bool": "true or false"}
		got := kinds[typ.Value]
		if got == "" {
			got = typ.Value
		}
		want := "a string"
		switch typ.Type.Kind() {
		case reflect.Slice:
			want = "a list"
		case reflect.Struct, reflect.Map:
			want = "an object"
		case reflect.Int, reflect.Int64, reflect.Float64:
			want = "a number"
		case reflect.Bool:
			want = "true or false"
		}
		if typ.Field == "" {
			return fmt.Sprintf("%s must be %s, not %s (line %d)", whole, want, got, line(typ.Offset))
		}
		if typ.Type.Kind() != reflect.Slice && slices.Contains(lists, typ.Field) {
			return fmt.Sprintf("each item of %q must be %s, not %s (line %d)", typ.Field, want, got, line(typ.Offset))
		}
		return fmt.Sprintf("%q must be %s, not %s (line %d)", typ.Field, want, got, line(typ.Offset))
	}
	return err.Error()
}

// Syntax places err, a syntax error json.Unmarshal found in data (or an
// unexpected end of it), at the line and column (from 1, in characters)
// of the character it refused, or of the end of the text when the text
// ends early, and says what is wrong in the file's terms. ok is false
// for any other error. The offsets of a json.Decoder's Token are not
// exact: decode the whole document with json.Unmarshal for this.
func Syntax(data []byte, err error) (line, col int, problem string, ok bool) {
	var syntax *json.SyntaxError
	var off int64
	switch {
	case len(bytes.TrimSpace(data)) == 0 && (errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntax)):
		return 1, 1, "the file is empty", true
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntax) && syntax.Error() == "unexpected end of JSON input":
		// Where the text stops, not on the empty line after it.
		off = int64(len(bytes.TrimRight(data, " \t\r\n")))
		problem = "it ends early (an unclosed bracket or string?)"
	case errors.As(err, &syntax):
		off = syntax.Offset - 1 // the decoder had read the refused character
		problem = syntaxProblem(syntax.Error())
	default:
		return 0, 0, "", false
	}
	off = max(0, min(off, int64(len(data))))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return 1 + bytes.Count(data[:off], []byte("\n")), 1 + utf8.RuneCount(data[start:off]), problem, true
}

// syntaxRE splits the decoder's syntax errors into the character found
// and where the decoder was.
var syntaxRE = regexp.MustCompile(`^invalid character (.+?) (looking for beginning of value|looking for beginning of object key string|after object key|after object key:value pair|after array element|after top-level value|in string literal|in literal .*|in numeric literal|in string escape code|in \\u hexadecimal character escape)$`)

func syntaxProblem(what string) string {
	m := syntaxRE.FindStringSubmatch(what)
	if m == nil {
		return strings.TrimPrefix(what, "json: ")
	}
	found := m[1]
	switch m[2] {
	case "looking for beginning of object key string":
		if found == "'}'" {
			return "a comma before '}' (JSON allows no trailing comma)"
		}
		return "a key must be in double quotes, found " + found
	case "looking for beginning of value":
		if found == "']'" {
			return "a comma before ']' (JSON allows no trailing comma)"
		}
		return "a value (a string in double quotes, a number, an object, a list, true, false or null) was expected, found " + found
	case "after object key":
		return "a ':' must follow a key, found " + found
	case "after object key:value pair":
		return "a ',' or '}' must follow a value, found " + found + " (a missing comma?)"
	case "after array element":
		return "a ',' or ']' must follow a list's item, found " + found + " (a missing comma?)"
	case "after top-level value":
		return "more after the document ends: " + found
	case "in string literal":
		return "a string holds " + found + ", a control character (a line break must be written \\n)"
	case "in numeric literal":
		return "a number holds " + found
	}
	if strings.HasPrefix(m[2], "in literal ") {
		return "true, false or null is misspelled, found " + found
	}
	return "an escape in a string holds " + found
}
