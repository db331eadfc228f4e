package vault

import (
	"context"
	"fmt"
	"sort"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// Set stores value as name (exported as env). It refuses an env name
// another secret already uses.
func Set(ctx context.Context, root, gitDir string, kh Keyholder, name, env string, value []byte) (replaced bool, err error) {
	if err := CheckName(name); err != nil {
		return false, err
	}
	if env == "" {
		env = EnvName(name)
	}
	if err := CheckEnv(env); err != nil {
		return false, err
	}
	if len(value) == 0 {
		return false, &ReadError{Msg: "refusing to store an empty value", Hint: fmt.Sprintf("to delete the secret, use 'git vault rm %s'", name)}
	}
	err = Update(ctx, root, gitDir, func(v *Vault) error {
		for _, e := range v.Secrets.Entries {
			if e.Env == env && e.Name != name {
				return &NameError{fmt.Sprintf("environment variable %s is already used by secret %s", env, e.Name), "pick another with --env"}
			}
		}
		replaced = len(v.Secrets.Lookup(name)) > 0
		e, err := kh.Encrypt(v, name, env, value)
		if err != nil {
			return err
		}
		v.Secrets.Put(e)
		return nil
	})
	return replaced, err
}

// Remove deletes secrets, all in one write or none when one of them is
// missing. It needs no key.
func Remove(ctx context.Context, root, gitDir string, names ...string) error {
	return Update(ctx, root, gitDir, func(v *Vault) error {
		for _, name := range names {
			if len(v.Secrets.Lookup(name)) == 0 {
				hint := "list the secrets with 'git vault ls'; nothing was removed"
				if meant := v.Secrets.Meant(name); meant != "" {
					hint = "nothing was removed; " + meant
				}
				return &ReadError{Msg: fmt.Sprintf("no secret named %s", nameShown(name)), Hint: hint}
			}
		}
		for _, name := range names {
			v.Secrets.Remove(name)
		}
		return nil
	})
}

// Selection resolves the names a command asked for (all when empty),
// refusing unknown ones, in name order.
func (v *Vault) Selection(names []string) ([]Entry, error) {
	if len(names) == 0 {
		seen := map[string]bool{}
		var out []Entry
		for _, e := range v.Secrets.Entries {
			if !seen[e.Name] {
				seen[e.Name] = true
				names = append(names, e.Name)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			e, err := v.Entry(n)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, envClash(out)
	}
	var out []Entry
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		e, err := v.Entry(n)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, envClash(out)
}

// envClash refuses two secrets that would set one environment variable:
// set refuses it, but two branches can each add one, and a merge joins
// them; run would pass one of them, whichever came last.
func envClash(es []Entry) error {
	by := map[string]string{}
	for _, e := range es {
		if other, ok := by[e.Env]; ok {
			return &ReadError{Msg: fmt.Sprintf("secrets %s and %s both set %s (a merge joined them)", other, e.Name, e.Env),
				Hint: fmt.Sprintf("give one of them another name: git vault set %s --env OTHER_NAME", e.Name)}
		}
		by[e.Env] = e.Name
	}
	return nil
}

// AddRecipients seals the data key to more recipients. The new key file is
// built and signed before anything is written.
func AddRecipients(ctx context.Context, root, gitDir string, kh Keyholder, add []*Recipient) error {
	return Update(ctx, root, gitDir, func(v *Vault) error {
		recips := append([]*Recipient(nil), v.Recipients...)
		for _, r := range add {
			if findRecipient(recips, r.Key) != nil {
				return &ReadError{Msg: fmt.Sprintf("%s is already a recipient", r.Short()), Hint: "see them with 'git vault recipients ls'"}
			}
			recips = append(recips, r)
		}
		kf, entries, err := kh.Rekey(v, recips, false)
		if err != nil {
			return err
		}
		v.Recipients, v.Key, v.Secrets.Entries = recips, kf, entries
		return nil
	})
}

// RemoveRecipient drops a recipient (by key or comment) and rotates the
// data key: every entry is re-encrypted under a new key the removed
// recipient never saw.
func RemoveRecipient(ctx context.Context, root, gitDir string, kh Keyholder, which string) (*Recipient, error) {
	var removed *Recipient
	err := Update(ctx, root, gitDir, func(v *Vault) error {
		var keep []*Recipient
		var matches []*Recipient
		var parsedKey string
		if LooksPrivate(which) {
			return &ReadError{Msg: ErrPrivateKey.Error(), Hint: "name the recipient by its public key or its comment, as 'git vault recipients ls' shows them"}
		}
		if r, err := ParseRecipient(which); err == nil {
			parsedKey = r.Key
		}
		for _, r := range v.Recipients {
			if r.Key == which || r.Key == parsedKey || (r.Comment != "" && r.Comment == which) {
				matches = append(matches, r)
				continue
			}
			keep = append(keep, r)
		}
		switch {
		case len(matches) == 0:
			hint := "name it by its key or its comment as 'git vault recipients ls' shows them"
			if near := nearestRecipient(v.Recipients, which); near != "" {
				hint = "did you mean " + shellWord(near) + "?"
			}
			return &ReadError{Msg: fmt.Sprintf("no recipient matches %q", abbreviate(which)), Hint: hint}
		case len(matches) > 1:
			return &ReadError{Msg: fmt.Sprintf("%d recipients have the comment %q", len(matches), which), Hint: "name the one to remove by its key"}
		case len(keep) == 0:
			return &ReadError{Msg: "refusing to remove the last recipient", Hint: "add the new owner first with 'git vault recipients add'"}
		}
		removed = matches[0]
		if findRecipient(keep, kh.Recipient().Key) == nil {
			return &ReadError{Msg: "refusing to remove your own key: you could not sign the rotated vault", Hint: "ask another recipient to remove you"}
		}
		kf, entries, err := kh.Rekey(v, keep, true)
		if err != nil {
			return err
		}
		v.Recipients, v.Key, v.Secrets.Entries = keep, kf, entries
		return nil
	})
	return removed, err
}

// nearestRecipient is the comment or key of rs that which, matching
// none, is a typo of (cli.Nearest, as for a mistyped command word), or
// "". A private key pasted by mistake never gets here (it is refused
// first), so the guess never echoes one.
func nearestRecipient(rs []*Recipient, which string) string {
	var names []string
	for _, r := range rs {
		if r.Comment != "" {
			names = append(names, r.Comment)
		}
		names = append(names, r.Key)
	}
	return cli.Nearest(which, names)
}
