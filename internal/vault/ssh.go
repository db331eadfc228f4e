package vault

import (
	"bytes"
	"fmt"
	"strings"
)

// shellQuote quotes b for a POSIX shell: single quotes, with each ' written
// as '\”. Every byte, newlines included, stays literal.
func shellQuote(b []byte) []byte {
	out := make([]byte, 0, len(b)+2)
	out = append(out, '\'')
	for _, c := range b {
		if c == '\'' {
			out = append(out, `'\''`...)
			continue
		}
		out = append(out, c)
	}
	return append(out, '\'')
}

// RemoteScript is what `run --ssh` feeds to the remote shell on its stdin:
// one export line per secret, then the command line. The command line is
// argv joined by spaces, exactly what `ssh HOST CMD…` would have the remote
// shell run.
func RemoteScript(secrets []Secret, argv []string) ([]byte, error) {
	var b bytes.Buffer
	for _, s := range secrets {
		if err := checkSecretEnv(s, "nothing was run"); err != nil {
			return nil, err
		}
		if bytes.IndexByte(s.Value, 0) >= 0 {
			return nil, &ReadError{Msg: fmt.Sprintf("secret %s contains a NUL byte and cannot be exported; nothing was run", s.Name),
				Hint: fmt.Sprintf("no environment variable can hold it; leave it out with --only, and read it with 'git vault get %s'", s.Name)}
		}
		b.WriteString("export ")
		b.WriteString(s.Env)
		b.WriteByte('=')
		q := shellQuote(s.Value)
		b.Write(q)
		clear(q)
		b.WriteByte('\n')
	}
	b.WriteString(strings.Join(argv, " "))
	b.WriteByte('\n')
	return b.Bytes(), nil
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
