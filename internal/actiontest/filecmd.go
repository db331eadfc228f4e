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
// GITHUB_ENV and GITHUB_OUTPUT, as the runner built for Linux and macOS
// does (ParseEnvFileOn): NAME=value lines, and heredoc records
//
//	NAME<<DELIMITER
//	value lines
//	DELIMITER
//
// with the runner's rules: empty lines are skipped, whichever of "=" and
// "<<" comes first decides the form, an empty name or delimiter is an
// error, and a heredoc must be closed by a line equal to its delimiter.
func ParseEnvFile(data string) ([]KeyValue, error) { return ParseEnvFileOn(data, "Linux") }

// ParseEnvFileOn is ParseEnvFile as the runner built for runnerOS reads
// the file (its SetEnvFileCommand): lines end at LF, a CR before it
// staying in the line, and on Windows alone at CRLF too. A heredoc's
// value is not rebuilt from its lines but cut out of the file's text,
// from after the header line to before the line break that precedes the
// delimiter line, so every CR and CRLF in it is kept, but for one: on
// Windows a CR that ends the value is read as part of that line break,
// and dropped.
func ParseEnvFileOn(data, runnerOS string) ([]KeyValue, error) {
	windows := runnerOS == "Windows"
	i := 0
	readLine := func() (line, newline string, ok bool) {
		if i >= len(data) {
			return "", "", false
		}
		start := i
		lf := strings.IndexByte(data[i:], '\n')
		if lf < 0 {
			i = len(data)
			return data[start:], "", true
		}
		lf += start
		i = lf + 1
		if windows && lf > start && data[lf-1] == '\r' {
			return data[start : lf-1], "\r\n", true
		}
		return data[start:lf], "\n", true
	}
	var out []KeyValue
	for {
		line, _, ok := readLine()
		if !ok {
			return out, nil
		}
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
			start, end := i, i
			for {
				l, newline, ok := readLine()
				if !ok {
					return nil, fmt.Errorf("matching delimiter not found %q", delim)
				}
				if l == delim {
					break
				}
				end = i - len(newline)
			}
			out = append(out, KeyValue{k, data[start:end]})
		default:
			return nil, fmt.Errorf("invalid format %q", line)
		}
	}
}

func readEnvFile(path, runnerOS string) ([]KeyValue, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseEnvFileOn(string(b), runnerOS)
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
