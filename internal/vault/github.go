package vault

import (
	"fmt"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
)

// GitHubOptions are the actions/vault inputs.
type GitHubOptions struct {
	Names     []string // empty: all
	ExportEnv bool
	Prefix    string
}

// ExportGitHub is what actions/vault runs: decrypt the selected secrets,
// register every value (and each of its lines) with the runner's masker
// before anything else is done with any of them, then append them to
// GITHUB_ENV with a random delimiter each, and list the names (never a
// value) in the step summary and the "names" output.
func ExportGitHub(a *ghaction.Action, kh Keyholder, v *Vault, opts GitHubOptions) (int, error) {
	es, err := v.Selection(opts.Names)
	if err != nil {
		return 0, err
	}
	secrets := make([]Secret, 0, len(es))
	defer func() { WipeSecrets(secrets) }()
	for _, e := range es {
		val, err := kh.Decrypt(v, e)
		if err != nil {
			return 0, err
		}
		secrets = append(secrets, Secret{Name: e.Name, Env: opts.Prefix + e.Env, Value: val})
		if err := a.Mask(val); err != nil {
			return 0, err
		}
	}
	for _, s := range secrets {
		if !opts.ExportEnv {
			break // masked only: no variable is set
		}
		if CheckEnv(s.Env) != nil && CheckEnv(strings.TrimPrefix(s.Env, opts.Prefix)) == nil {
			return 0, &NameError{fmt.Sprintf("the prefix input makes secret %s's environment variable %s, which is reserved or invalid", s.Name, s.Env),
				"choose another prefix (upper-case letters, digits and '_', e.g. APP_); nothing was exported"}
		}
		if err := checkSecretEnv(s, "nothing was exported"); err != nil {
			return 0, err
		}
		if a.CheckEnvValue(s.Value) == ghaction.ErrFinalCR {
			return 0, &ReadError{Msg: fmt.Sprintf("secret %s ends with a carriage return, which the runner drops from GITHUB_ENV on Windows, and RUNNER_OS (%q) does not say Linux or macOS; nothing was exported", s.Name, a.Getenv("RUNNER_OS")),
				Hint: fmt.Sprintf("run the job on a Linux or macOS runner, which keeps it, or store the value without that CR: git vault set %s --stdin < file", s.Name)}
		}
	}
	names := make([]string, 0, len(secrets))
	t := &cli.Table{}
	t.Row("secret", "environment variable")
	for _, s := range secrets {
		if opts.ExportEnv {
			if err := a.ExportSecret(s.Env, s.Value); err != nil {
				if err == ghaction.ErrDelimiterInValue {
					return 0, &ReadError{Msg: fmt.Sprintf("secret %s contains the env-file delimiter drawn for it, so it was crafted to inject variables; nothing more exported", s.Name), Hint: "inspect who set it: git log -p -- .verdigris/vault/secrets"}
				}
				return 0, fmt.Errorf("exporting %s: %w", s.Name, err)
			}
		}
		names = append(names, s.Name)
		env := s.Env
		if !opts.ExportEnv {
			env = "(masked, not exported)"
		}
		t.Row("`"+s.Name+"`", "`"+env+"`")
	}
	if err := a.SetOutput("names", strings.Join(names, ",")); err != nil {
		return 0, err
	}
	return len(secrets), a.Summary("### git vault\n\n" + cli.Count(len(secrets), "secret") + " decrypted and masked.\n\n" + t.Markdown())
}
