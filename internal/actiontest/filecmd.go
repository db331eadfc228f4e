package actiontest

import (
	"fmt"
	"os"
	"strings"
)

// KeyValue is one record of a GITHUB_ENV or GITHUB_OUTPUT file.
type KeyValue struct {
	Key, Value string
}

// ParseEnvFile parses the runner's file-command format, as used by
// GITHUB_ENV and GITHUB_OUTPUT: NAME=value lines, and heredoc records
//
//	NAME<<DELIMITER
//	value lines
//	DELIMITER
//
// with the runner's rules: empty lines are skipped, whichever of "=" and
// "<<" comes first decides the form, an empty name or delimiter is an
// error, and a heredoc must be closed by a line equal to its delimiter.
func ParseEnvFile(data string) ([]KeyValue, error) {
	lines := strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n")
	var out []KeyValue
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "" {
			continue
		}
		eq := strings.Index(line, "=")
		hd := strings.Index(line, "<<")
		switch {
		case eq >= 0 && (hd < 0 || eq < hd):
			k := line[:eq]
			if k == "" {
				return nil, fmt.Errorf("invalid format %q: empty name", line)
			}
			out = append(out, KeyValue{k, line[eq+1:]})
		case hd >= 0 && (eq < 0 || hd < eq):
			k, delim := line[:hd], line[hd+2:]
			if k == "" || delim == "" {
				return nil, fmt.Errorf("invalid format %q: empty name or delimiter", line)
			}
			var val []string
			closed := false
			for i++; i < len(lines); i++ {
				if lines[i] == delim {
					closed = true
					break
				}
				val = append(val, lines[i])
			}
			if !closed {
				return nil, fmt.Errorf("matching delimiter not found %q", delim)
			}
			out = append(out, KeyValue{k, strings.Join(val, "\n")})
		default:
			return nil, fmt.Errorf("invalid format %q", line)
		}
	}
	return out, nil
}

func readEnvFile(path string) ([]KeyValue, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseEnvFile(string(b))
}

// readPathFile returns the directories a step added to GITHUB_PATH.
func readPathFile(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			dirs = append(dirs, l)
		}
	}
	return dirs, nil
}
