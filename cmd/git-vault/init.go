package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var initCmd = &cli.Command{
	Name: "init",
	Usage: `Usage: git vault init [--identity FILE]

Create the vault in .verdigris/vault/ with your key as its first recipient.
Without an identity, a new age X25519 identity is created at
$XDG_CONFIG_HOME/verdigris/identity.txt (~/.config/verdigris/identity.txt),
mode 0600 in a 0700 directory. Prints your public key on stdout.

In a repository that already has a vault, init only creates your identity
(when you have none) and prints its public key, for a recipient to add with
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
		file, _ := fs.GetString("identity")
		var created *vault.Identity
		if file == "" && env.Env(vault.IdentityEnv) == "" {
			path, err := vault.DefaultIdentityPath(env.Env)
			if err != nil {
				return cli.Failf("%v", err).WithHint("set HOME or XDG_CONFIG_HOME, or pass --identity FILE")
			}
			if vault.NoIdentityAt(path) {
				if _, running := agentRunning(ctx, env); !running {
					created, err = vault.GenerateIdentity(path, time.Now())
					switch {
					case errors.Is(err, os.ErrExist):
						// Another init made it since the Stat above
						// (and has finished writing it): it is yours.
						created = nil
					case err != nil:
						return identityCreateError(path, err)
					default:
						defer created.Wipe()
						fmt.Fprintf(env.Stderr, "git-vault: created identity %s (keep it private; back it up)\n", path)
					}
				}
			}
		}
		// An init killed between its renames left no key file: finish it
		// (the next git vault command would), rather than say there is
		// no vault and write another over its journal.
		finished := false
		if !vault.Exists(r.Root) {
			if err := vault.Repair(ctx, r.Root, r.GitDir); err != nil {
				return userError(err)
			}
			finished = vault.Exists(r.Root)
		}
		if vault.Exists(r.Root) {
			if finished && created == nil {
				return finishedInit(ctx, env, fs, r)
			}
			if created != nil {
				// A teammate joining an existing vault: they need an
				// identity, and a recipient to add its public key.
				fmt.Fprintln(env.Stdout, created.Recipient.Key)
				fmt.Fprintf(env.Stderr, "git-vault: this repository already has a vault: ask a recipient to run 'git vault recipients add %s %s'\n", created.Recipient.Key, vault.OwnerComment(ctx, r, env.Env))
				return nil
			}
			return cli.Failf("this repository already has a vault").WithHint("%s", joinHint(ctx, env, fs, r))
		}
		kh, err := keyholder(ctx, env, fs)
		if err != nil {
			return err
		}
		defer kh.Close()
		self := *kh.Recipient()
		self.Comment = vault.OwnerComment(ctx, r, env.Env)
		if _, err := vault.Create(ctx, r.Root, r.GitDir, kh, &self); err != nil {
			return userError(err)
		}
		fmt.Fprintf(env.Stderr, "git-vault: created %s/ with %s as its only recipient\n", vault.Dir, self.Label())
		fmt.Fprintf(env.Stderr, "git-vault: commit it with: git add %s && git commit -m 'vault: init'\n", vault.Dir)
		fmt.Fprintln(env.Stdout, self.Key)
		return nil
	},
}

// joinHint is what init says to do in a repository that already has a
// vault: a recipient uses it; someone who is not asks a recipient for
// the command with their identity's public key and name (it said
// 'git vault recipients add KEY'). An identity that cannot be read here
// (passphrase-protected, with no agent holding it) is no reason for
// another error: its public key, where the file tells it without its
// passphrase (FILE.pub beside an age -p file, an OpenSSH key's own),
// says which of the two it is, as the agent finds it by; a recipient is
// told to unlock it too. One that tells none gets what to send instead.
func joinHint(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, r *gitrepo.Repo) string {
	file, _ := fs.GetString("identity")
	var self *vault.Recipient
	unlock := ""
	kh, err := vault.OpenKeyholder(ctx, vault.IdentityOptions{File: file, Getenv: env.Env})
	if err == nil {
		defer kh.Close()
		self = kh.Recipient()
	} else if self = lockedPublicKey(env, file, err); self != nil {
		unlock = "; to read its secrets, unlock your identity with 'git vault agent start'"
		if file != "" {
			unlock = "; to read its secrets, unlock your identity with 'git vault agent start --identity " + file + "'"
		}
	}
	if self == nil {
		return "list it with 'git vault ls'; to join it, " + sendKeyHint
	}
	v, err := vault.Load(r.Root)
	if err == nil && slices.ContainsFunc(v.Recipients, func(rc *vault.Recipient) bool { return rc.Key == self.Key }) {
		return "you are one of its recipients: list it with 'git vault ls'" + unlock
	}
	join := "to join it, " + vault.JoinHint(self, vault.OwnerComment(ctx, r, env.Env))
	if err != nil {
		return "list it with 'git vault ls'; " + join
	}
	return join
}

// lockedPublicKey is the public key of the passphrase-protected identity
// that OpenKeyholder could not use (err: no agent holds it), told without
// its passphrase; nil for any other error, or a file that tells none.
func lockedPublicKey(env *cli.Env, file string, err error) *vault.Recipient {
	if !errors.Is(err, vault.ErrEncryptedIdentity) || (file == "" && env.Env(vault.IdentityEnv) != "") {
		return nil
	}
	path := file
	if path == "" {
		if path, err = vault.DefaultIdentityPath(env.Env); err != nil {
			return nil
		}
	}
	pub, err := vault.EncryptedPublicKey(path)
	if err != nil {
		return nil
	}
	return pub
}

// identityCreateError says why the identity could not be created, with
// what to do.
func identityCreateError(path string, err error) error {
	var ie *vault.IdentityError
	if errors.As(err, &ie) {
		return userError(err)
	}
	return cli.Failf("creating identity %s: %v", path, err).WithHint("make %s writable, or pass --identity FILE", filepath.Dir(path))
}

// finishedInit reports a vault an interrupted 'git vault init' left half
// made, which this one finished, as init reports the vault it creates.
func finishedInit(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, r *gitrepo.Repo) error {
	v, err := vault.Load(r.Root)
	if err == nil {
		err = v.Verify()
	}
	if err != nil {
		return userError(err)
	}
	fmt.Fprintf(env.Stderr, "git-vault: finished creating %s/, which an interrupted 'git vault init' left half made\n", vault.Dir)
	kh, err := keyholder(ctx, env, fs)
	if err != nil {
		return err
	}
	defer kh.Close()
	self := kh.Recipient()
	if !slices.ContainsFunc(v.Recipients, func(rc *vault.Recipient) bool { return rc.Key == self.Key }) {
		return cli.Failf("your identity is not a recipient of this vault").WithHint("it was created with another identity; pass that one with --identity FILE")
	}
	fmt.Fprintf(env.Stderr, "git-vault: commit it with: git add %s && git commit -m 'vault: init'\n", vault.Dir)
	fmt.Fprintln(env.Stdout, self.Key)
	return nil
}
