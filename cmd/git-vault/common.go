package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

const identityFlagHelp = "      --identity FILE   use this identity file\n"

func identityFlag(fs *pflag.FlagSet) { fs.String("identity", "", "") }

// emptyFlagHints say what to give each flag that takes a value, or what
// leaving it out does (cli.RefuseEmptyFlags).
var emptyFlagHints = map[string]string{
	"identity": "give the identity file's path, or leave --identity out to use $" + vault.IdentityEnv + ", the agent or your default identity file",
	"env":      "give the variable's name, e.g. --env SERVICE_TOKEN, or leave --env out to use the secret's name upper-cased",
	"ssh":      "give a host name or user@host, as you would to ssh, or leave --ssh out to run the command here",
	"range":    "give two revisions, e.g. --range origin/main..HEAD",
	"ttl":      "give how long to hold the identity, e.g. --ttl 30m, or leave --ttl out to hold it for 1h",
}

// keyholder opens the identity the command should use.
func keyholder(ctx context.Context, env *cli.Env, fs *pflag.FlagSet) (vault.Keyholder, error) {
	file, _ := fs.GetString("identity")
	kh, err := vault.OpenKeyholder(ctx, vault.IdentityOptions{File: file, Getenv: env.Env})
	return kh, userError(err)
}

// openForWrite finds the repository, checks that it has a vault, and
// opens the identity that a change to the vault is made with. The caller
// closes the keyholder.
func openForWrite(ctx context.Context, env *cli.Env, fs *pflag.FlagSet) (*gitrepo.Repo, vault.Keyholder, error) {
	r, err := cli.OpenWorktree(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	if !vault.Pending(r.Root, r.GitDir) { // a killed init: the write repairs it
		return nil, nil, userError(vault.ErrNoVault)
	}
	kh, err := keyholder(ctx, env, fs)
	if err != nil {
		return nil, nil, err
	}
	return r, kh, nil
}

// openVault finds the repository and loads its vault.
func openVault(ctx context.Context, env *cli.Env) (*gitrepo.Repo, *vault.Vault, error) {
	r, err := cli.OpenWorktree(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	v, err := vault.Open(ctx, r.Root, r.GitDir)
	if err != nil {
		return r, nil, userError(err)
	}
	if stale := v.Stale(); len(stale) > 0 {
		cli.Warnf(env.Stderr, "git-vault", "%s also %s a line from before the last key rotation, which a merged branch brought; nobody can read those lines, so they are ignored (the next change to the vault drops them): if that branch changed one of these secrets, set it again", strings.Join(stale, ", "), map[bool]string{true: "has", false: "have"}[len(stale) == 1])
	}
	return r, v, nil
}

const notRecipientMsg = "your identity is not a recipient of this vault"

// sendKeyHint is what someone who is not a recipient does when their
// public key cannot be told here.
const sendKeyHint = "send your public key to a recipient of the vault, who adds it with 'git vault recipients add'"

// userErrorIn is userError for a command that has the repository at hand:
// the hint for an identity that is not a recipient is the command to ask
// a recipient for, with the identity's public key and the name init
// gives a recipient (as verdigris doctor's hint is); it said 'git vault
// recipients add KEY'. The identity itself is never shown.
func userErrorIn(ctx context.Context, env *cli.Env, r *gitrepo.Repo, err error) error {
	var nr *vault.NotRecipientError
	if errors.As(err, &nr) && nr.Recipient != nil {
		return cli.Failf("%s", notRecipientMsg).WithHint("%s", vault.JoinHint(nr.Recipient, vault.OwnerComment(ctx, r, env.Env)))
	}
	return userError(err)
}

// userError turns the vault package's errors into one-line errors with
// hints; none of them carries a secret value.
func userError(err error) error {
	if err == nil {
		return nil
	}
	var re *vault.ReadError
	var ne *vault.NameError
	var ie *vault.IdentityError
	var ce *vault.CommandError
	var fe *ghaction.FileError
	var nr *vault.NotRecipientError
	switch {
	case errors.Is(err, vault.ErrNoVault):
		return cli.Failf("this repository has no vault").WithHint("create one with 'git vault init'")
	case errors.As(err, &nr) && nr.Recipient != nil:
		// The key, without its owner's name: userErrorIn, which has the
		// repository, names them too.
		return cli.Failf("%s", notRecipientMsg).WithHint("%s", vault.JoinHint(nr.Recipient, ""))
	case errors.Is(err, vault.ErrNotRecipient):
		return cli.Failf("%s", notRecipientMsg).WithHint("%s", sendKeyHint)
	case errors.As(err, &re) && re.Interrupted:
		return cli.Interruptedf("%s", re.Msg).WithHint("%s", re.Hint)
	case errors.As(err, &re):
		return cli.Failf("%s", re.Msg).WithHint("%s", re.Hint)
	case errors.As(err, &ne):
		return cli.Usagef("%s", ne.Msg).WithHint("%s", ne.Hint)
	case errors.As(err, &ie):
		return cli.Failf("%s", ie.Msg).WithHint("%s", ie.Hint)
	case errors.As(err, &ce):
		return &cli.Error{Code: ce.Code, Msg: ce.Msg, Hint: "check the command name and your PATH"}
	case errors.As(err, &fe):
		return cli.Failf("%v", err).WithHint("%s", fe.Hint())
	}
	return err
}

// onlyNames reads --only: nil (every secret) when it is not given, and
// a usage error when it is given but names none: --only "$NEEDED" with
// an empty variable must not hand over every secret.
func onlyNames(fs *pflag.FlagSet) ([]string, error) {
	only, _ := fs.GetString("only")
	names := splitNames(only)
	if fs.Changed("only") && len(names) == 0 {
		return nil, cli.Usagef("--only names no secret").WithHint("name them, e.g. --only db-password,api.token, or leave --only out to pass every secret")
	}
	return names, nil
}

// splitNames parses --only A,B.
func splitNames(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' }) {
		out = append(out, strings.TrimSpace(f))
	}
	return out
}

// decryptAll decrypts the selected entries one by one.
func decryptAll(ctx context.Context, env *cli.Env, r *gitrepo.Repo, kh vault.Keyholder, v *vault.Vault, names []string) ([]vault.Secret, error) {
	es, err := v.Selection(names)
	if err != nil {
		return nil, userError(err)
	}
	out := make([]vault.Secret, 0, len(es))
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			vault.WipeSecrets(out)
			return nil, err
		}
		val, err := kh.Decrypt(v, e)
		if err != nil {
			vault.WipeSecrets(out)
			return nil, userErrorIn(ctx, env, r, err)
		}
		out = append(out, vault.Secret{Name: e.Name, Env: e.Env, Value: val})
	}
	return out, nil
}
