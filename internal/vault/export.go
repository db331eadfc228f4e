package vault

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Dotenv renders secrets as a .env file: KEY='value' when the value has no
// quote or line break (literal in every dotenv dialect), else KEY="…" with
// \\, \", \$, \`, \n, \r and \t escaped: a shell that sources the file
// (set -a; . ./.env) must not run a command a value holds, and a secret
// under a reserved name (PATH, LD_PRELOAD, BASH_ENV) is refused, as run
// refuses it: the sourcing shell would take it.
func Dotenv(secrets []Secret) ([]byte, error) {
	if err := checkExportEnv(secrets); err != nil {
		return nil, err
	}
	// A NUL cannot be in a shell variable or the environment: a shell
	// sourcing the file would set another value (bash drops it).
	for _, s := range secrets {
		if bytes.IndexByte(s.Value, 0) >= 0 {
			return nil, &ReadError{Msg: fmt.Sprintf("secret %s contains a NUL byte, which a .env file cannot hold; nothing was exported", s.Name),
				Hint: fmt.Sprintf("export it with --format json (which escapes it), or read it with 'git vault get %s'", s.Name)}
		}
	}
	// Room for every byte escaped, so the output never grows into a new
	// array and leaves values in the old one (see JSONObject).
	n := 0
	for _, s := range secrets {
		n += len(s.Env) + len(`=""`+"\n") + 2*len(s.Value)
	}
	b := make([]byte, 0, n)
	for _, s := range secrets {
		b = append(b, s.Env...)
		b = append(b, '=')
		if !bytes.ContainsAny(s.Value, "'\n\r") {
			b = append(b, '\'')
			b = append(b, s.Value...)
			b = append(b, "'\n"...)
			continue
		}
		b = append(b, '"')
		for _, c := range s.Value {
			switch c {
			case '\\', '"', '$', '`':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, c)
			}
		}
		b = append(b, "\"\n"...)
	}
	return b, nil
}

func checkExportEnv(secrets []Secret) error {
	for _, s := range secrets {
		if err := checkSecretEnv(s, "nothing was exported"); err != nil {
			return err
		}
	}
	return nil
}

// JSONObject renders secrets as {"ENV": "value", …}. A value that is not
// UTF-8 cannot be a JSON string without changing it, so it is refused;
// so is a reserved environment name, as Dotenv refuses it. The output is
// the only copy of the values it makes (no Go string, no buffer that
// grows and leaves its old array behind), sized before it is written, so
// clearing it wipes them all.
func JSONObject(secrets []Secret) ([]byte, error) {
	if err := checkExportEnv(secrets); err != nil {
		return nil, err
	}
	n := len("{\n}\n")
	for _, s := range secrets {
		if !utf8.Valid(s.Value) {
			return nil, &ReadError{Msg: fmt.Sprintf("secret %s is not UTF-8 text and cannot be a JSON string", s.Name), Hint: "export it with --format dotenv, or read it with 'git vault get'"}
		}
		n += len(",\n  : ") + jsonStringLen([]byte(s.Env)) + jsonStringLen(s.Value)
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, s := range secrets {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n  "...)
		b = appendJSONString(b, []byte(s.Env))
		b = append(b, ": "...)
		b = appendJSONString(b, s.Value)
	}
	if len(secrets) == 0 {
		// As encoding/json's indented output writes an empty object.
		return append(b, "}\n"...), nil
	}
	return append(b, "\n}\n"...), nil
}

// appendJSONString appends s, valid UTF-8, as encoding/json writes it as
// a string: HTML-safe (<, >, & as \u003c, \u003e, \u0026) and with
// U+2028 and U+2029 escaped, which JavaScript reads as line ends.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		esc, size := jsonEscape(s[i:])
		if esc == "" {
			dst = append(dst, s[i:i+size]...)
		} else {
			dst = append(dst, esc...)
		}
		i += size
	}
	return append(dst, '"')
}

// jsonStringLen is the length appendJSONString appends for s.
func jsonStringLen(s []byte) int {
	n := len(`""`)
	for i := 0; i < len(s); {
		esc, size := jsonEscape(s[i:])
		if esc == "" {
			n += size
		} else {
			n += len(esc)
		}
		i += size
	}
	return n
}

// jsonEscape is the escape encoding/json writes for the character s
// starts with ("" when it writes it as it is), and that character's size.
func jsonEscape(s []byte) (string, int) {
	if s[0] < utf8.RuneSelf {
		return jsonASCIIEscapes[s[0]], 1
	}
	switch r, size := utf8.DecodeRune(s); r {
	case '\u2028':
		return `\u2028`, size
	case '\u2029':
		return `\u2029`, size
	default:
		return "", size
	}
}

var jsonASCIIEscapes = func() (t [utf8.RuneSelf]string) {
	const hex = "0123456789abcdef"
	for c := range 0x20 {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&0xf])
	}
	t['\b'], t['\f'], t['\n'], t['\r'], t['\t'] = `\b`, `\f`, `\n`, `\r`, `\t`
	t['"'], t['\\'] = `\"`, `\\`
	t['<'], t['>'], t['&'] = `\u003c`, `\u003e`, `\u0026`
	return t
}()
