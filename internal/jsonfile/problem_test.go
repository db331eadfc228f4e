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
