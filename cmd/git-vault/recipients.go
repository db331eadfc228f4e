package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var recipientsCmd = &cli.Command{
	Name: "recipients",
	Usage: `Usage: git vault recipients ls [--json]
       git vault recipients add KEY [COMMENT...] [--identity FILE]
       git vault recipients rm KEY|COMMENT [--identity FILE]

Who can read the vault. KEY is an age public key (age1…), an SSH public key
line ("ssh-ed25519 AAAA… comment", quoted), or the path of a file holding
one (such as ~/.ssh/id_ed25519.pub). COMMENT names its owner.

add seals the data key to the new recipient too. rm drops one and rotates
the data key: every secret is re-encrypted under a key the removed
recipient never had. They may have kept the old values, so rotate the
secrets themselves where they are issued. Both write nothing unless the
whole change succeeds.

Flags:
      --json            (ls) print the recipients as JSON
` + identityFlagHelp,
	Flags: func(fs *pflag.FlagSet) {
		fs.Bool("json", false, "")
		identityFlag(fs)
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if len(args) == 0 {
			return cli.Usagef("git vault recipients: missing ls, add or rm").WithHint("run 'git vault recipients --help' for usage")
		}
		switch args[0] {
		case "ls":
			if err := cli.NArgs("git vault recipients ls", args[1:], 0, 0); err != nil {
				return err
			}
			return recipientsLs(ctx, env, fs)
		case "add":
			if err := cli.NArgs("git vault recipients add", args[1:], 1, -1); err != nil {
				return err
			}
			return recipientsAdd(ctx, env, fs, args[1], strings.Join(args[2:], " "))
		case "rm":
			if err := cli.NArgs("git vault recipients rm", args[1:], 1, 1); err != nil {
				return err
			}
			return recipientsRm(ctx, env, fs, args[1])
		}
		return cli.Usagef("git vault recipients: unknown subcommand %q", args[0]).WithHint("use ls, add or rm")
	},
}

func recipientsLs(ctx context.Context, env *cli.Env, fs *pflag.FlagSet) error {
	_, v, err := openVault(ctx, env)
	if err != nil {
		return err
	}
	verr := v.Verify()
	type row struct {
		Key     string `json:"key"`
		Type    string `json:"type"`
		Comment string `json:"comment"`
		Signer  bool   `json:"signer"`
	}
	rows := []row{}
	for _, r := range v.Recipients {
		rows = append(rows, row{r.Key, string(r.Kind), r.Comment, r.Key == v.Key.Signer})
	}
	if asJSON, _ := fs.GetBool("json"); asJSON {
		if err := cli.WriteJSON(env.Stdout, map[string]any{"generation": v.Key.Generation, "verified": verr == nil, "recipients": rows}); err != nil {
			return err
		}
	} else {
		t := &cli.Table{}
		t.Row("TYPE", "KEY", "COMMENT", "")
		for _, r := range rows {
			mark := ""
			if r.Signer {
				mark = "(signed the data key)"
			}
			key := r.Key
			if rc, err := vault.ParseRecipient(r.Key); err == nil {
				key = rc.Short()
			}
			t.Row(r.Type, key, cli.Printable(r.Comment), mark)
		}
		if err := t.Write(env.Stdout); err != nil {
			return err
		}
	}
	return userError(verr)
}

// parseRecipientArg accepts a key or the path of a file holding one.
func parseRecipientArg(arg, comment string) (*vault.Recipient, error) {
	if err := vault.CheckComment(comment); err != nil {
		return nil, cli.Usagef("%v", err).WithHint("give the comment as one line, e.g. \"alice@laptop\"")
	}
	text := arg
	if data, err := os.ReadFile(arg); err == nil {
		text = ""
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				text = l
				break
			}
		}
	} else if vault.LooksPrivate(arg) {
		return nil, cli.Usagef("%v", vault.ErrPrivateKey).WithHint("give the public key: 'age-keygen -y' prints an age identity's, 'ssh-keygen -y -f KEY' an SSH key's")
	} else if !strings.ContainsAny(arg, " \t") && !strings.HasPrefix(arg, "age1") {
		return nil, cli.Usagef("%q is neither a public key nor a readable file", abbreviate(arg)).
			WithHint("give an age1… key, a quoted 'ssh-ed25519 AAAA…' line, or a .pub file")
	}
	r, err := vault.ParseRecipient(text)
	if err != nil {
		return nil, cli.Usagef("%v", err).WithHint("give an age1… key, a quoted 'ssh-ed25519 AAAA…' line, or a .pub file")
	}
	if comment != "" {
		r.Comment = comment
	}
	return r, nil
}

func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:36] + "…"
	}
	return s
}

func recipientsAdd(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, arg, comment string) error {
	rc, err := parseRecipientArg(arg, comment)
	if err != nil {
		return err
	}
	r, kh, err := openForWrite(ctx, env, fs)
	if err != nil {
		return err
	}
	defer kh.Close()
	if err := vault.AddRecipients(ctx, r.Root, r.GitDir, kh, []*vault.Recipient{rc}); err != nil {
		return userError(err)
	}
	fmt.Fprintf(env.Stderr, "git-vault: added %s; commit .verdigris/vault so they can read it\n", rc.Label())
	return nil
}

func recipientsRm(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, which string) error {
	r, kh, err := openForWrite(ctx, env, fs)
	if err != nil {
		return err
	}
	defer kh.Close()
	if _, statErr := os.Stat(which); statErr == nil {
		rc, err := parseRecipientArg(which, "")
		if err != nil {
			return err
		}
		which = rc.Key
	}
	removed, err := vault.RemoveRecipient(ctx, r.Root, r.GitDir, kh, which)
	if err != nil {
		return userError(err)
	}
	sf, _ := vault.LoadSecrets(r.Root)
	fmt.Fprintf(env.Stderr, "git-vault: removed %s and rotated the data key\n", removed.Label())
	if sf != nil && len(sf.Entries) > 0 {
		what := fmt.Sprintf("the %d current values", len(sf.Entries))
		if len(sf.Entries) == 1 {
			what = "the current value"
		}
		fmt.Fprintf(env.Stderr, "git-vault: %s may have kept %s: rotate each secret where it is issued, then 'git vault set' it\n", removed.Label(), what)
	}
	return nil
}

// ownerComment names the owner of a new recipient: git's user.email, else
// user@host.
func ownerComment(ctx context.Context, env *cli.Env, r *gitrepo.Repo) string {
	if e := r.Config(ctx, "user.email"); e != "" {
		return e
	}
	name := env.Env("USER")
	if u, err := user.Current(); err == nil && name == "" {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}
