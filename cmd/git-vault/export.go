package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var exportCmd = &cli.Command{
	Name: "export",
	Usage: `Usage: git vault export [--format dotenv|json] [--only A,B] [--identity FILE]
       git vault export --github

Print secrets for another tool: dotenv (ENV='value', or ENV="…" with
\n, \r, \t, \\, \", \$ and backquote escapes when the value has a quote or a
line break) or a JSON object {"ENV": "value"}. Like 'get', this shows
values: prefer 'git vault run'. A secret under a reserved environment name
(PATH, LD_*, BASH_ENV, ...), which set refuses but another tool may have
written, is refused and nothing is printed.

--github is what the actions/vault action runs inside GitHub Actions. It
reads the inputs INPUT_SECRETS (names, comma or newline separated; empty
means all), INPUT_EXPORT-ENV (true/false) and INPUT_PREFIX, and the
identity from VERDIGRIS_IDENTITY. Every value and each line of it is
masked first; values go to GITHUB_ENV with a random delimiter each,
byte for byte (a value ending in CR, which the runner drops on Windows,
is refused unless RUNNER_OS is Linux or macOS); the step summary and the
"names" output list names only.

Flags:
      --format FORMAT   dotenv (default) or json
      --only A,B        only these secrets (names)
      --github          run as the actions/vault step
` + identityFlagHelp,
	Flags: func(fs *pflag.FlagSet) {
		cli.ChoiceFlag(fs, "format", "dotenv", "dotenv", "json")
		fs.String("only", "", "")
		fs.Bool("github", false, "")
		identityFlag(fs)
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault export", args, 0, 0); err != nil {
			return err
		}
		if gh, _ := fs.GetBool("github"); gh {
			return exportGitHub(ctx, env, fs)
		}
		format, _ := fs.GetString("format")
		only, err := onlyNames(fs)
		if err != nil {
			return err
		}
		r, v, err := openVault(ctx, env)
		if err != nil {
			return err
		}
		kh, err := keyholder(ctx, env, fs)
		if err != nil {
			return err
		}
		defer kh.Close()
		secrets, err := decryptAll(ctx, env, r, kh, v, only)
		if err != nil {
			return err
		}
		defer vault.WipeSecrets(secrets)
		render := vault.Dotenv
		if format == "json" {
			render = vault.JSONObject
		}
		out, err := render(secrets)
		if err != nil {
			return userError(err)
		}
		defer clear(out)
		// cli.Program.Run says why standard output could not take them.
		_, err = env.Stdout.Write(out)
		return err
	},
}

// exportGitHub fails fast with an annotation: in Actions, errors must be
// visible in the run's summary, not only in the log.
func exportGitHub(ctx context.Context, env *cli.Env, fs *pflag.FlagSet) error {
	a := ghaction.New(env.Stdout, env.Env)
	fail := func(err error) error {
		e := cli.AsError(userError(err))
		if e.Code == cli.ExitUsage {
			// cli.Program annotates every --github command's usage
			// errors, in these words.
			return e
		}
		msg := e.Msg
		if e.Hint != "" {
			msg += " (" + e.Hint + ")"
		}
		a.Errorf("git vault: %s", msg)
		return e
	}
	if !a.Enabled() {
		return cli.Usagef("--github runs only inside GitHub Actions (GITHUB_ACTIONS=true)").WithHint("use the actions/vault action, or --format dotenv|json")
	}
	file, _ := fs.GetString("identity")
	if file == "" && env.Env(vault.IdentityEnv) == "" {
		return fail(cli.Failf("the identity input is empty").WithHint("pass identity: ${{ secrets.VAULT_IDENTITY }}; secrets are not available to pull_request runs from forks"))
	}
	exportEnv := true
	switch strings.ToLower(strings.TrimSpace(a.Input("export-env"))) {
	case "", "true":
	case "false":
		exportEnv = false
	default:
		return fail(cli.Usagef("export-env must be true or false, not %q", a.Input("export-env")).
			WithHint("set export-env: to true (export to later steps) or false (only decrypt and mask)"))
	}
	// Empty means every secret; separators alone (an expression that
	// came out empty between its commas) name none, which is not "all",
	// as --only ' , ' is refused.
	names := splitNames(a.Input("secrets"))
	if strings.TrimSpace(a.Input("secrets")) != "" && len(names) == 0 {
		return fail(cli.Usagef("the secrets input names no secret").
			WithHint("name them, comma or newline separated (secrets: db-password, api.token), or leave the input out to export every secret"))
	}
	opts := vault.GitHubOptions{Names: names, ExportEnv: exportEnv, Prefix: strings.TrimSpace(a.Input("prefix"))}
	r, v, err := openVault(ctx, env)
	if err != nil {
		return fail(err)
	}
	kh, err := vault.OpenKeyholder(ctx, vault.IdentityOptions{File: file, Getenv: env.Env, EnvName: "the identity input"})
	if err != nil {
		return fail(err)
	}
	defer kh.Close()
	n, err := vault.ExportGitHub(a, kh, v, opts)
	if err != nil {
		return fail(userErrorIn(ctx, env, r, err))
	}
	fmt.Fprintf(env.Stderr, "git-vault: %s masked%s\n", cli.Count(n, "secret"), map[bool]string{true: " and exported", false: ""}[exportEnv])
	return nil
}
