package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var initCmd = &cli.Command{
	Name: "init",
	Usage: `Usage: git vault init [--identity FILE]

Create the vault in .verdigris/vault/ with your key as its first recipient.
Without an identity, a new age X25519 identity is created at
$XDG_CONFIG_HOME/verdigris/identity.txt (~/.config/verdigris/identity.txt),
mode 0600. Prints your public key on stdout: teammates add it with
'git vault recipients add'.

Flags:
` + identityFlagHelp,
	Flags: identityFlag,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault init", args, 0, 0); err != nil {
			return err
		}
		r, err := cli.OpenWorktree(ctx, env)
		if err != nil {
			return err
		}
		if vault.Exists(r.Root) {
			return cli.Failf("this repository already has a vault").WithHint("list it with 'git vault ls'; add people with 'git vault recipients add'")
		}
		file, _ := fs.GetString("identity")
		if file == "" && env.Env(vault.IdentityEnv) == "" {
			path := vault.DefaultIdentityPath(env.Env)
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				if _, running := agentRunning(env); !running {
					id, err := vault.GenerateIdentity(path, time.Now())
					if err != nil {
						return cli.Failf("creating identity: %v", err)
					}
					id.Wipe()
					fmt.Fprintf(env.Stderr, "git-vault: created identity %s (keep it private; back it up)\n", path)
				}
			}
		}
		kh, err := keyholder(env, fs)
		if err != nil {
			return err
		}
		defer kh.Close()
		self := *kh.Recipient()
		self.Comment = ownerComment(ctx, env, r)
		if _, err := vault.Create(ctx, r.Root, r.GitDir, kh, &self); err != nil {
			return userError(err)
		}
		fmt.Fprintf(env.Stderr, "git-vault: created %s/ with %s as its only recipient\n", vault.Dir, self.Label())
		fmt.Fprintf(env.Stderr, "git-vault: commit it with: git add %s && git commit -m 'vault: init'\n", vault.Dir)
		fmt.Fprintln(env.Stdout, self.Key)
		return nil
	},
}
