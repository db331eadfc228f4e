package vault

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// Secret names are what people type (`git vault set tls-key`); they map to
// environment variable names (TLS_KEY) unless --env says otherwise.
var (
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]*$`)
	envRE  = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
)

const maxNameLen = 64

// NameError is a name or env-name that breaks the rules; Hint says how to
// fix it.
type NameError struct {
	Msg  string
	Hint string
}

func (e *NameError) Error() string { return e.Msg }

// CheckName validates a secret name.
func CheckName(name string) error {
	switch {
	case name == "":
		return &NameError{"empty secret name", "secret names look like db-password or tls.key"}
	case len(name) > maxNameLen:
		return &NameError{fmt.Sprintf("secret name is %d characters long; the limit is %d", len(name), maxNameLen), "use a shorter name"}
	case nameRE.MatchString(name):
		return nil
	case strings.Contains(name, "="):
		// NAME=VALUE, as env files take a secret: what follows '=' is
		// likely the value, and an error goes to terminals, CI logs and
		// agents' contexts, so it is never repeated.
		before, _, _ := strings.Cut(name, "=")
		example := "NAME"
		if low := strings.ToLower(before); nameRE.MatchString(low) && len(low) <= maxNameLen {
			example = low
		}
		return &NameError{"git vault set takes a NAME, not NAME=VALUE (what follows '=' is not repeated here, and nothing was stored)",
			fmt.Sprintf("type the value at the prompt (git vault set %s), or pipe it: git vault set %s --stdin < file; if it was a real secret, it is in your shell history: rotate it", example, example)}
	case strings.ToLower(name) != name && nameRE.MatchString(strings.ToLower(name)):
		return &NameError{fmt.Sprintf("secret name %q has upper-case letters", name),
			fmt.Sprintf("names are lower-case: use %q (its environment variable is %s)", strings.ToLower(name), EnvName(strings.ToLower(name)))}
	default:
		return &NameError{fmt.Sprintf("invalid secret name %q", name),
			"a name starts with a lower-case letter and has only a-z, 0-9, '-', '_' and '.' (e.g. db-password)"}
	}
}

// nameShown is a name given for a secret as a message shows it: a
// private key pasted where the name goes (git vault get AGE-SECRET-KEY-1…)
// is not repeated.
func nameShown(name string) string {
	if cli.LooksLikeKey(name) {
		return cli.KeyNotShown
	}
	return cli.Printable(name)
}

// EnvName is the default environment variable of a secret name:
// upper-cased, with '-' and '.' turned into '_'.
func EnvName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '.':
			return '_'
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, name)
}

// reservedEnv are variables a secret must not replace: they would change
// which program runs, how a shell behaves, or hand the vault's own identity
// to a child.
var reservedEnv = map[string]bool{
	"PATH": true, "HOME": true, "SHELL": true, "IFS": true, "ENV": true, "BASH_ENV": true,
	"PS4": true, "PWD": true, "USER": true, "LOGNAME": true, "TMPDIR": true,
}

var reservedEnvPrefixes = []string{"LD_", "DYLD_", "GIT_", "VERDIGRIS_", "GITHUB_", "RUNNER_"}

// CheckEnv validates an environment variable name a secret is exported as.
func CheckEnv(env string) error {
	if !envRE.MatchString(env) {
		hint := "environment names are upper-case letters, digits and '_', not starting with a digit (e.g. DB_PASSWORD)"
		if up := strings.ToUpper(env); envRE.MatchString(up) {
			hint = fmt.Sprintf("use %s", up)
		}
		return &NameError{fmt.Sprintf("invalid environment variable name %q", env), hint}
	}
	reserved := reservedEnv[env]
	for _, p := range reservedEnvPrefixes {
		reserved = reserved || strings.HasPrefix(env, p)
	}
	if reserved {
		return &NameError{fmt.Sprintf("environment variable %s is reserved: a secret must not replace it", env),
			"pick another name with --env (e.g. APP_" + env + ")"}
	}
	return nil
}
