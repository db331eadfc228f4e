package vault

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand"
	"slices"
	"testing"
)

// A value's base64 or hex inside a longer blob, wrapped at any width and
// with the value at any offset, is found on the line its encoding begins
// on; the same blob with one byte of the value changed is not.
func TestWrappedRunFindsEncodingsCutByLineEnds(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	value := []byte("wrapped-value-0123456789-abcdefghijklmnopqrstuvwxyz-ZYXWVU")
	ix, _ := newValueIndex([]Secret{{Name: "tok", Env: "TOK", Value: value}})
	encoders := map[string]func([]byte) string{
		"base64": base64.StdEncoding.EncodeToString,
		"hex":    hex.EncodeToString,
	}
	for form, enc := range encoders {
		for _, width := range []int{9, 16, 60, 64, 76} {
			for pre := 0; pre < 6; pre++ {
				for _, changed := range []bool{false, true} {
					blob := make([]byte, pre+len(value)+r.Intn(20))
					r.Read(blob)
					copy(blob[pre:], value)
					if changed {
						blob[pre+len(value)/2] ^= 1
					}
					text := enc(blob)
					var lines [][]byte
					for i := 0; i < len(text); i += width {
						lines = append(lines, []byte("  "+text[i:min(i+width, len(text))]))
					}
					var found []int // the lines findings name
					var run wrappedRun
					for i, l := range lines {
						ix.find(l, func(n valueNeedle) { found = append(found, i) })
						run.add(ix, "", "f", i, l, func(n valueNeedle, line int) { found = append(found, line) })
					}
					if changed {
						if len(found) > 0 {
							t.Errorf("%s width %d offset %d, a byte changed: found on lines %v", form, width, pre, found)
						}
						continue
					}
					// The line the encoding (without the characters that mix
					// in neighbouring bytes) begins on.
					start := 2 * pre / width
					if form == "base64" {
						start = (8*pre + 5) / 6 / width
					}
					if !slices.Contains(found, start) {
						t.Errorf("%s width %d offset %d: found on lines %v, want %d", form, width, pre, found, start)
					}
				}
			}
		}
	}
}
