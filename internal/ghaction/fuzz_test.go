package ghaction

import (
	"bytes"
	"strings"
	"testing"
)

// parseEnvFile reads a GITHUB_ENV file the way the runner does: NAME=value
// lines and NAME<<DELIM heredocs ending at a line equal to DELIM.
func parseEnvFile(t *testing.T, data []byte) map[string]string {
	vars := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if name, delim, ok := strings.Cut(l, "<<"); ok && !strings.Contains(name, "=") {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("heredoc for %s never ends", name)
			}
			vars[name] = strings.Join(val, "\n")
			continue
		}
		name, val, _ := strings.Cut(l, "=")
		vars[name] = val
	}
	return vars
}

// FuzzEnvFileInjection: whatever the value, a record defines exactly one
// variable holding exactly that value, or is refused.
func FuzzEnvFileInjection(f *testing.F) {
	f.Add([]byte("plain"), "ghadelimiter_0123")
	f.Add([]byte("a\nghadelimiter_0123\nINJECTED=1"), "ghadelimiter_0123")
	f.Add([]byte("line1\r\nline2\n"), "d")
	f.Fuzz(func(t *testing.T, value []byte, delim string) {
		rec, err := EnvRecord("SECRET", value, delim)
		if err != nil {
			if err == ErrDelimiterInValue && !bytes.Contains(value, []byte(delim)) && !strings.Contains("SECRET", delim) {
				t.Fatalf("refused a value without the delimiter")
			}
			return
		}
		if bytes.Contains(value, []byte("\r")) || strings.ContainsAny(delim, "\x00") {
			return // the runner's line splitting of CR is its own business
		}
		vars := parseEnvFile(t, rec)
		if len(vars) != 1 || vars["SECRET"] != string(value) {
			t.Fatalf("record %q defines %v", rec, vars)
		}
	})
}
