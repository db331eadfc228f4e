package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

const recipientsUsage = `Usage: git vault recipients ls [--json]
       git vault recipients add KEY [COMMENT...] [--identity FILE]
       git vault recipients rm KEY|COMMENT [--identity FILE]

Who can read the vault. KEY is an age public key (age1…), an SSH public key
line ("ssh-ed25519 AAAA… comment", quoted), or the path of a file holding
one (such as ~/.ssh/id_ed25519.pub) or several (an authorized_keys file, a
list of age keys: add adds every one, as age -R reads such a file, and
skips with a warning the SSH keys age cannot encrypt to). COMMENT names
its owner (with several keys, each keeps the comment beside it).

add seals the data key to the new recipient too. rm drops one and rotates
the data key: every secret is re-encrypted under a key the removed
recipient never had. They may have kept the old values, so rotate the
secrets themselves where they are issued. Both write nothing unless the
whole change succeeds.

Flags:
      --json            (ls) print the recipients as JSON
` + identityFlagHelp

var recipientsCmd = &cli.Command{
	Name:     "recipients",
	Usage:    recipientsUsage,
	Commands: []*cli.Command{recipientsLsCmd, recipientsAddCmd, recipientsRmCmd},
}

var recipientsLsCmd = &cli.Command{
	Name:  "ls",
	Usage: recipientsUsage,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault recipients ls", args, 0, 0); err != nil {
			return err
		}
		return recipientsLs(ctx, env, fs)
	},
}

var recipientsAddCmd = &cli.Command{
	Name:  "add",
	Usage: recipientsUsage,
	Flags: identityFlag,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault recipients add", args, 1, -1); err != nil {
			return err
		}
		return recipientsAdd(ctx, env, fs, args[0], strings.Join(args[1:], " "))
	},
}

var recipientsRmCmd = &cli.Command{
	Name:  "rm",
	Usage: recipientsUsage,
	Flags: identityFlag,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault recipients rm", args, 1, 1); err != nil {
			return err
		}
		return recipientsRm(ctx, env, fs, args[0])
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
			// The TYPE column names an SSH key's type, which its short
			// form begins with too.
			key = strings.TrimPrefix(key, r.Type+" ")
			t.Row(r.Type, key, cli.Printable(r.Comment), mark)
		}
		if err := t.Write(env.Stdout); err != nil {
			return err
		}
	}
	return userError(verr)
}

const recipientHint = "give an age1… key, a quoted 'ssh-ed25519 AAAA…' line, or a .pub file"

// parseRecipientArg accepts a key, or the path of a file holding one or
// more (a .pub file, an authorized_keys file, a list of age keys): every
// key in it, as age -R FILE reads a file. skipped are the file's keys of
// a type age cannot encrypt to, which age -R skips too.
func parseRecipientArg(arg, comment string) (keys []*vault.Recipient, skipped []string, err error) {
	if err := vault.CheckComment(comment); err != nil {
		return nil, nil, cli.Usagef("%v", err).WithHint("give the comment as one line, e.g. \"alice@laptop\"")
	}
	data, rerr := os.ReadFile(arg)
	if rerr != nil {
		if vault.LooksPrivate(arg) {
			return nil, nil, privateKeyError()
		} else if !strings.ContainsAny(arg, " \t") && !strings.HasPrefix(strings.ToLower(arg), "age1") {
			return nil, nil, cli.Usagef("%q is neither a public key nor a readable file", abbreviate(arg)).WithHint("%s", recipientHint)
		}
		r, err := vault.ParseRecipient(arg)
		if err != nil {
			return nil, nil, recipientError(err)
		}
		if comment != "" {
			r.Comment = comment
		}
		return []*vault.Recipient{r}, nil, nil
	}
	defer clear(data) // a private key given by mistake
	var unsupported error
	for i, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		r, err := vault.ParseRecipient(l)
		var ue *vault.UnsupportedKeyError
		switch {
		case errors.Is(err, vault.ErrPrivateKey):
			return nil, nil, privateKeyError()
		case errors.As(err, &ue):
			unsupported = err
			skipped = append(skipped, fmt.Sprintf("%s, line %d: skipped an %s key: age can encrypt only to ssh-ed25519 and ssh-rsa keys", arg, i+1, ue.Type))
			continue
		case errors.Is(err, vault.ErrUnrecognised):
			// The file may be anything (a .env given by mistake): the
			// line is not shown, as age -R does not show it.
			return nil, nil, cli.Usagef("%s, line %d: not a public key (the line is not shown)", arg, i+1).WithHint("%s", recipientHint)
		case err != nil:
			e := recipientError(err)
			e.Msg = fmt.Sprintf("%s, line %d: %s", arg, i+1, e.Msg)
			return nil, nil, e
		}
		if !slices.ContainsFunc(keys, func(k *vault.Recipient) bool { return k.Key == r.Key }) {
			keys = append(keys, r)
		}
	}
	switch {
	case len(keys) == 0 && unsupported != nil:
		return nil, nil, recipientError(unsupported)
	case len(keys) == 0:
		return nil, nil, cli.Usagef("%s holds no public key", arg).WithHint("%s", recipientHint)
	case comment != "" && len(keys) > 1:
		return nil, nil, cli.Usagef("%s holds %d keys, and the comment %q names one owner", arg, len(keys), comment).
			WithHint("leave the comment out (each key keeps the one beside it in the file), or add the keys one by one")
	case comment != "":
		keys[0].Comment = comment
	}
	return keys, skipped, nil
}

func privateKeyError() *cli.Error {
	return cli.Usagef("%v", vault.ErrPrivateKey).WithHint("give the public key: 'age-keygen -y' prints an age identity's, 'ssh-keygen -y -f KEY' an SSH key's")
}

// recipientError is a key ParseRecipient refused, with what to give.
func recipientError(err error) *cli.Error {
	var uc *vault.UpperCaseError
	if errors.As(err, &uc) {
		return cli.Usagef("%v", err).WithHint("write it in lower case: %s", uc.Lower)
	}
	if errors.Is(err, vault.ErrPrivateKey) {
		return privateKeyError()
	}
	return cli.Usagef("%v", err).WithHint("%s", recipientHint)
}

func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:36] + "…"
	}
	return s
}

func recipientsAdd(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, arg, comment string) error {
	keys, skipped, err := parseRecipientArg(arg, comment)
	if err != nil {
		return err
	}
	r, kh, err := openForWrite(ctx, env, fs)
	if err != nil {
		return err
	}
	defer kh.Close()
	if err := vault.AddRecipients(ctx, r.Root, r.GitDir, kh, keys); err != nil {
		return userErrorIn(ctx, env, r, err)
	}
	for _, w := range skipped {
		cli.Warnf(env.Stderr, "git-vault", "%s", w)
	}
	var labels []string
	for _, k := range keys {
		labels = append(labels, k.Label())
	}
	what := labels[0]
	if len(keys) > 1 {
		what = fmt.Sprintf("%d recipients (%s)", len(keys), strings.Join(labels, ", "))
	}
	fmt.Fprintf(env.Stderr, "git-vault: added %s; commit .verdigris/vault so they can read it\n", what)
	return nil
}

func recipientsRm(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, which string) error {
	r, kh, err := openForWrite(ctx, env, fs)
	if err != nil {
		return err
	}
	defer kh.Close()
	if _, statErr := os.Stat(which); statErr == nil {
		keys, _, err := parseRecipientArg(which, "")
		if err != nil {
			return err
		}
		if len(keys) > 1 {
			return cli.Usagef("%s holds %d keys; recipients rm removes one", which, len(keys)).WithHint("give the key to remove, or its comment, as 'git vault recipients ls' shows them")
		}
		which = keys[0].Key
	}
	removed, err := vault.RemoveRecipient(ctx, r.Root, r.GitDir, kh, which)
	if err != nil {
		return userErrorIn(ctx, env, r, err)
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
