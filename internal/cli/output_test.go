package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// encoding/json writes DEL, the C1 controls and the bidirectional
// overrides as they are; on a terminal a U+009B is a CSI to some, and a
// U+202E reorders the line. WriteJSON gives them as \u escapes, the same
// string to a JSON reader.
func TestWriteJSONEscapesWhatPrintableEscapes(t *testing.T) {
	in := map[string]string{"v": "1.22\x1b[31m \u009b31m \u202etxt.exe \x7f \u2066 日本 café"}
	var b bytes.Buffer
	if err := WriteJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.IndexFunc(out, func(r rune) bool { return r != '\n' && unprintable(r) }) >= 0 {
		t.Errorf("WriteJSON wrote a control character as it is: %q", out)
	}
	for _, want := range []string{`\u001b[31m`, `\u009b31m`, `\u202etxt.exe`, `\u007f`, `\u2066`, "日本 café"} {
		if !strings.Contains(out, want) {
			t.Errorf("WriteJSON wrote %q; want it to contain %q", out, want)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["v"] != in["v"] {
		t.Errorf("WriteJSON's output reads back as %q (%v); want %q", back["v"], err, in["v"])
	}
}

// A Private variable is answered by Env alone: the process's environment,
// which every child inherits, no longer has it.
func TestPrivateEnvLeavesTheProcessEnvironment(t *testing.T) {
	t.Setenv("VERDIGRIS_TEST_KEY", "AGE-SECRET-KEY-1TEST")
	env := privateEnv(&Env{Getenv: os.Getenv}, []string{"VERDIGRIS_TEST_KEY", "VERDIGRIS_TEST_UNSET"})
	if _, ok := os.LookupEnv("VERDIGRIS_TEST_KEY"); ok {
		t.Error("the variable is still in the process's environment")
	}
	if got := env.Env("VERDIGRIS_TEST_KEY"); got != "AGE-SECRET-KEY-1TEST" {
		t.Errorf("Env = %q; want the value", got)
	}
	if got := env.Env("VERDIGRIS_TEST_UNSET"); got != "" {
		t.Errorf("Env of an unset variable = %q", got)
	}
}

// A row whose last cells are empty (git vault recipients ls: the mark of
// the one recipient who signed) was padded up to them: its line ended in
// spaces. The columns before still line up.
func TestTableWritesNoTrailingSpaces(t *testing.T) {
	var tb Table
	tb.Row("TYPE", "KEY", "COMMENT", "")
	tb.Row("age", "age1abc", "alice@example.com", "(signed)")
	tb.Row("age", "age1defgh", "bob", "")
	tb.Row("ssh", "", "", "")
	var b bytes.Buffer
	if err := tb.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := "TYPE  KEY        COMMENT\n" +
		"age   age1abc    alice@example.com  (signed)\n" +
		"age   age1defgh  bob\n" +
		"ssh\n"
	if b.String() != want {
		t.Errorf("Write wrote\n%q\nwant\n%q", b.String(), want)
	}
}

// A row shorter than the header (git toolchain check's tools without a
// note) was written with fewer cells, a malformed markdown table; every
// row now has every column.
func TestTableMarkdownRowsHaveEveryCell(t *testing.T) {
	var tb Table
	tb.Row("TOOL", "STATUS", "NOTE")
	tb.Row("go", "ok")
	tb.Row("node", "missing", "a | b")
	want := "| TOOL | STATUS | NOTE |\n" +
		"| --- | --- | --- |\n" +
		"| go | ok |  |\n" +
		"| node | missing | a \\| b |\n"
	if got := tb.Markdown(); got != want {
		t.Errorf("Markdown wrote\n%q\nwant\n%q", got, want)
	}
}

type jsonInner struct {
	Names []string `json:"names"`
}

type jsonStamp []string

func (s jsonStamp) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte(`"nil"`), nil
	}
	return []byte(`"set"`), nil
}

// A list with nothing in it went out as null wherever a command left its
// slice nil (git vault agent status --json's "vaults": null), which a
// script's loop over .vaults[] cannot take. WriteJSON writes every nil
// slice as [], however deep; what is omitted stays omitted, a nil pointer
// or map stays null, and a type that writes itself is left to do so.
func TestWriteJSONWritesNilSlicesAsEmptyLists(t *testing.T) {
	inner := &jsonInner{}
	in := struct {
		Vaults  []string             `json:"vaults"`
		Inner   *jsonInner           `json:"inner"`
		Missing *jsonInner           `json:"missing"`
		ByName  map[string]jsonInner `json:"by_name"`
		Nested  [][]int              `json:"nested"`
		Any     any                  `json:"any"`
		Omitted []string             `json:"omitted,omitempty"`
		Map     map[string]int       `json:"map"`
		Stamp   jsonStamp            `json:"stamp"`
		Bytes   []byte               `json:"bytes"`
		Array   [2][]string          `json:"array"`
		hidden  []string
		jsonInner
	}{Inner: inner, ByName: map[string]jsonInner{"a": {}}, Nested: [][]int{nil}, Any: jsonInner{}}
	var b bytes.Buffer
	if err := WriteJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"vaults":  []any{},
		"inner":   map[string]any{"names": []any{}},
		"missing": nil,
		"by_name": map[string]any{"a": map[string]any{"names": []any{}}},
		"nested":  []any{[]any{}},
		"any":     map[string]any{"names": []any{}},
		"map":     nil,
		"stamp":   "nil",
		"bytes":   nil,
		"array":   []any{[]any{}, []any{}},
		"names":   []any{},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WriteJSON wrote\n%s\nwant %v", b.String(), want)
	}
	if inner.Names != nil || in.Vaults != nil {
		t.Errorf("WriteJSON changed the value it was given")
	}
}
