package cli

import (
	"bytes"
	"encoding/json"
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
