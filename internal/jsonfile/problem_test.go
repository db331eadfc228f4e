package jsonfile

import (
	"encoding/json"
	"testing"
)

func TestProblemSaysWhatAndWhere(t *testing.T) {
	type doc struct {
		Items []string `json:"items"`
		Sub   struct {
			N int `json:"n"`
		} `json:"sub"`
	}
	for _, c := range []struct{ in, want string }{
		{"", "the file is empty"},
		{" \n", "the file is empty"},
		{"{\"items\": [\n", "it is not valid JSON (line 1): it ends early (an unclosed bracket or string?)"},
		{"{\"items\": [],\n}", "it is not valid JSON (line 2): a comma before '}' (JSON allows no trailing comma)"},
		{"{\"items\": [\"a\",]}", "it is not valid JSON (line 1): a comma before ']' (JSON allows no trailing comma)"},
		{"{items: []}", "it is not valid JSON (line 1): a key must be in double quotes, found 'i'"},
		{"{\"items\": [] \"sub\": {}}", "it is not valid JSON (line 1): a ',' or '}' must follow a value, found '\"' (a missing comma?)"},
		{"{\"sub\": {\"n\": tru}}", "it is not valid JSON (line 1): true, false or null is misspelled, found '}'"},
		{"[]", "the doc must be an object, not a list (line 1)"},
		{"{\"items\": \"a\"}", `"items" must be a list, not a string (line 1)`},
		{"{\"items\": [1]}", `each item of "items" must be a string, not a number (line 1)`},
		{"{\n\"sub\": {\"n\": \"x\"}}", `"sub.n" must be a number, not a string (line 2)`},
	} {
		var d doc
		err := json.Unmarshal([]byte(c.in), &d)
		if err == nil {
			t.Fatalf("%q decoded", c.in)
		}
		if got := Problem([]byte(c.in), err, "the doc", "items"); got != c.want {
			t.Errorf("%q: %s; want %s", c.in, got, c.want)
		}
	}
}

func TestSyntaxPlacesTheRefusedCharacter(t *testing.T) {
	for _, c := range []struct {
		in        string
		line, col int
		problem   string
	}{
		{"{\n  \"a\": 1,\n", 2, 10, "it ends early (an unclosed bracket or string?)"},
		{"{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "a ',' or '}' must follow a value, found '\"' (a missing comma?)"},
		{"{\n  \"a\": [1,]\n}", 2, 11, "a comma before ']' (JSON allows no trailing comma)"},
		{"{\"é\": 1 x}", 1, 9, "a ',' or '}' must follow a value, found 'x' (a missing comma?)"},
		{"{}\nx", 2, 1, "more after the document ends: 'x'"},
		{"  \n", 1, 1, "the file is empty"},
	} {
		var v any
		err := json.Unmarshal([]byte(c.in), &v)
		line, col, problem, ok := Syntax([]byte(c.in), err)
		if !ok || line != c.line || col != c.col || problem != c.problem {
			t.Errorf("%q: %d:%d: %s (%v); want %d:%d: %s", c.in, line, col, problem, ok, c.line, c.col, c.problem)
		}
	}
	var n int
	err := json.Unmarshal([]byte(`"x"`), &n)
	if _, _, _, ok := Syntax([]byte(`"x"`), err); ok {
		t.Errorf("a type error placed as a syntax error")
	}
}
