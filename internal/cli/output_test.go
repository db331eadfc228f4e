package cli

import (
	"bytes"
	"encoding/json"
	"os"
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
