package vault

import (
	"bytes"
	"encoding/json"
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
	var b bytes.Buffer
	for _, s := range secrets {
		b.WriteString(s.Env)
		b.WriteByte('=')
		if !bytes.ContainsAny(s.Value, "'\n\r") {
			b.WriteByte('\'')
			b.Write(s.Value)
			b.WriteString("'\n")
			continue
		}
		b.WriteByte('"')
		for _, c := range s.Value {
			switch c {
			case '\\', '"', '$', '`':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteString("\"\n")
	}
	return b.Bytes(), nil
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
// so is a reserved environment name, as Dotenv refuses it.
func JSONObject(secrets []Secret) ([]byte, error) {
	if err := checkExportEnv(secrets); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("{")
	for i, s := range secrets {
		if !utf8.Valid(s.Value) {
			return nil, &ReadError{Msg: fmt.Sprintf("secret %s is not UTF-8 text and cannot be a JSON string", s.Name), Hint: "export it with --format dotenv, or read it with 'git vault get'"}
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		k, _ := json.Marshal(s.Env)
		b.Write(k)
		b.WriteString(": ")
		v, _ := json.Marshal(string(s.Value))
		b.Write(v)
		clear(v)
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}
