package vault

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// jsonObjectByMarshal is how JSONObject wrote its output with
// encoding/json: the bytes its own encoder must keep.
func jsonObjectByMarshal(secrets []Secret) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	for i, s := range secrets {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(s.Env)
		v, _ := json.Marshal(string(s.Value))
		b.WriteString("\n  " + string(k) + ": " + string(v))
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}

func TestJSONObjectIsWhatEncodingJSONWrites(t *testing.T) {
	values := []string{
		"plain-value", "it's $HOME \"q\"\nline2\\\n", "<script>&amp;</script>",
		"line\u2028sep\u2029para", "é ü 日本 🔑", "tab\there\r\n\b\f\x00\x1f\x7f",
		"-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBg+/=\n-----END PRIVATE KEY-----\n",
	}
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c))
	}
	values = append(values, string(all))
	var secrets []Secret
	for i, v := range values {
		s := []Secret{{Name: "s", Env: "S_" + string(rune('A'+i)), Value: []byte(v)}}
		got, err := JSONObject(s)
		if want := jsonObjectByMarshal(s); err != nil || !bytes.Equal(got, want) {
			t.Errorf("JSONObject(%q) = %q, %v; want %q", v, got, err, want)
		}
		secrets = append(secrets, s[0])
	}
	got, err := JSONObject(secrets)
	if want := jsonObjectByMarshal(secrets); err != nil || !bytes.Equal(got, want) {
		t.Errorf("JSONObject of them all = %q, %v; want %q", got, err, want)
	}
	// Random text of every width of UTF-8, ASCII's specials made likely.
	rng := rand.New(rand.NewPCG(1, 2))
	pick := []rune("\"\\<>&\u2028\u2029\x00\x7f\u0080\u07ff\u0800\ufffd\U00010000\U0010ffff")
	for range 2000 {
		var v []rune
		for range rng.IntN(20) {
			r := pick[rng.IntN(len(pick))]
			if rng.IntN(2) == 0 {
				r = rune(rng.IntN(0x110000))
			}
			if utf8.ValidRune(r) {
				v = append(v, r)
			}
		}
		s := []Secret{{Name: "r", Env: "R", Value: []byte(string(v))}}
		if got, err := JSONObject(s); err != nil || !bytes.Equal(got, jsonObjectByMarshal(s)) {
			t.Fatalf("JSONObject(%q) = %q, %v; want %q", string(v), got, err, jsonObjectByMarshal(s))
		}
	}
	if got, _ := JSONObject(nil); string(got) != "{}\n" { // as json.MarshalIndent writes it
		t.Errorf("JSONObject(nil) = %q", got)
	}
}

// Every copy of a value that JSONObject makes besides its output (a Go
// string of it, a growing buffer's old array, encoding/json's scratch
// buffer) would stay in memory, unwiped, after export clears the output:
// it allocates the output and nothing else, and so does Dotenv.
func TestJSONObjectAllocatesOnlyItsOutput(t *testing.T) {
	secrets := []Secret{
		{Name: "a", Env: "A", Value: bytes.Repeat([]byte("x<\n\u2028é"), 4000)},
		{Name: "b", Env: "B", Value: []byte("short")},
	}
	for name, render := range map[string]func([]Secret) ([]byte, error){"JSONObject": JSONObject, "Dotenv": Dotenv} {
		n := testing.AllocsPerRun(20, func() {
			out, err := render(secrets)
			if err != nil {
				t.Fatal(err)
			}
			clear(out)
		})
		if n != 1 {
			t.Errorf("%s made %v allocations; want 1, its output", name, n)
		}
	}
}
