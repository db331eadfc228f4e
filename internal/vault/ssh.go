package vault

import (
	"bytes"
	"fmt"
	"strings"
)

// shellQuote quotes b for a POSIX shell: single quotes, with each ' written
// as '\”. Every byte, newlines included, stays literal.
func shellQuote(b []byte) []byte {
	return appendShellQuote(make([]byte, 0, shellQuotedLen(b)), b)
}

// appendShellQuote appends b, shell-quoted, to dst.
func appendShellQuote(dst, b []byte) []byte {
	dst = append(dst, '\'')
	for _, c := range b {
		if c == '\'' {
			dst = append(dst, `'\''`...)
			continue
		}
		dst = append(dst, c)
	}
	return append(dst, '\'')
}

// shellQuotedLen is the length appendShellQuote appends for b.
func shellQuotedLen(b []byte) int {
	return len(b) + 2 + 3*bytes.Count(b, []byte{'\''})
}

// RemoteScript is what `run --ssh` feeds to the remote shell on its stdin:
// one export line per secret, then the command line. The command line is
// argv joined by spaces, exactly what `ssh HOST CMD…` would have the remote
// shell run. The script is written into one array sized for it first: a
// buffer that grows (bytes.Buffer, append) copies the values it holds into
// each larger array and leaves the old ones, which nothing clears, for the
// garbage collector; and no quoted value is made apart from it. Clearing
// the script, as the caller does once ssh has read it, wipes every copy.
func RemoteScript(secrets []Secret, argv []string) ([]byte, error) {
	n := len("\n")
	for i, a := range argv {
		if i > 0 {
			n++ // the space before it
		}
		n += len(a)
	}
	for _, s := range secrets {
		if err := checkSecretEnv(s, "nothing was run"); err != nil {
			return nil, err
		}
		if bytes.IndexByte(s.Value, 0) >= 0 {
			return nil, &ReadError{Msg: fmt.Sprintf("secret %s contains a NUL byte and cannot be exported; nothing was run", s.Name),
				Hint: fmt.Sprintf("no environment variable can hold it; leave it out with --only, and read it with 'git vault get %s'", s.Name)}
		}
		n += len("export =\n") + len(s.Env) + shellQuotedLen(s.Value)
	}
	b := make([]byte, 0, n)
	for _, s := range secrets {
		b = append(b, "export "...)
		b = append(b, s.Env...)
		b = append(b, '=')
		b = appendShellQuote(b, s.Value)
		b = append(b, '\n')
	}
	for i, a := range argv {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, a...)
	}
	return append(b, '\n'), nil
}

// SSHArgv is the ssh command line: "-T", so no remote terminal echoes the
// script (every value) back to our output when ssh_config says
// "RequestTTY force" (a command-line option wins over the config); "--"
// before the host, so a host that starts with '-' cannot become an
// option; and "sh" as the remote command, which reads the script from
// stdin. No secret is ever in it.
func SSHArgv(host string) ([]string, error) {
	if host == "" || strings.HasPrefix(host, "-") || strings.ContainsAny(host, " \t\r\n") {
		return nil, &NameError{fmt.Sprintf("invalid ssh host %q", host), "give a host name or user@host, as you would to ssh"}
	}
	return []string{"ssh", "-T", "--", host, "sh"}, nil
}
