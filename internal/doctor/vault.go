package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

func init() { register(50, "vault", checkVault) }

// checkVault: the identity (present, private), the vault (well-formed,
// signature verified, readable with that identity) and the agent.
func checkVault(ctx context.Context, c *Context) []Finding {
	var out []Finding
	// A git vault command writing right now has a journal and temp files
	// that would read as an interrupted write's: its lock is waited for,
	// and held while the vault is read.
	release, busy := waitForVaultWriter(ctx, c)
	defer release()
	if busy {
		return append(out, checkIdentity(c, true), Finding{Name: "vault", Status: Warn,
			Detail: fmt.Sprintf("a git vault command has been writing the vault for over %v: not checked", vaultWriterWait),
			Hint:   "run verdigris doctor again when it has finished"}, checkAgent(ctx, c))
	}
	// A vault, or a git vault init killed before its key file was renamed
	// into place, which the next git vault command finishes.
	inUse := c.Repo != nil && c.Repo.Root != "" && vault.Pending(c.Repo.Root, c.Repo.GitDir)
	out = append(out, checkIdentity(c, inUse))
	if !inUse {
		detail := "no .verdigris/vault in this repository"
		if c.Repo == nil {
			// As the other checks say it: outside a repository there is
			// no "this repository" to have one.
			detail = c.noRepo()
		}
		out = append(out, Finding{Name: "vault", Status: Skip, Detail: detail})
		return out
	}
	files := checkVaultFiles(ctx, c)
	out = append(out, files)
	if files.Status != Fail {
		out = append(out, checkDoubledSecrets(ctx, c)...)
	}
	if f, ok := checkStrayTempFiles(c); ok {
		out = append(out, f)
	}
	out = append(out, checkAgent(ctx, c))
	return out
}

// vaultWriterWait is how long doctor waits for a git vault command that
// is writing the vault (a write takes milliseconds; one waiting for a
// passphrase or a key agent may take longer).
var vaultWriterWait = 3 * time.Second

// waitForVaultWriter takes the vault's write lock, waiting up to
// vaultWriterWait; busy when a command held it all that time. Where no
// git vault command has made the lock file, none is writing (and doctor
// makes no file).
func waitForVaultWriter(ctx context.Context, c *Context) (release func(), busy bool) {
	release = func() {}
	if c.Repo == nil || c.Repo.Root == "" {
		return release, false
	}
	path := vault.LockPath(c.Repo.GitDir)
	if _, err := os.Stat(path); err != nil {
		return release, false
	}
	ctx, cancel := context.WithTimeout(ctx, vaultWriterWait)
	defer cancel()
	l, err := filelock.Acquire(ctx, path)
	if err != nil {
		// ErrBusy when the wait ran out; any other error (a lock file
		// doctor cannot open) leaves the vault to be read unlocked.
		return release, errors.Is(err, filelock.ErrBusy)
	}
	return func() { l.Unlock() }, false
}

// checkDoubledSecrets warns of each secret a merge left with two
// values, which get, run, export and the CI step refuse until someone
// sets it again: doctor said nothing of them, and the first to learn of
// one was the command that needed it. The vault is read as the next git
// vault command will find it (an interrupted write finished).
func checkDoubledSecrets(ctx context.Context, c *Context) []Finding {
	w, err := vault.InspectRepair(c.Repo.Root, c.Repo.GitDir)
	if err != nil {
		return nil
	}
	var v *vault.Vault
	if w == nil {
		v, err = vault.Load(c.Repo.Root)
	} else {
		v, err = w.Load()
	}
	if err != nil {
		return nil // the vault finding says why
	}
	doubled, err := v.Doubled(ctx)
	if err != nil {
		return []Finding{{Name: "secrets", Status: Warn, Detail: "cannot tell whether a merge left a secret with two values: " + err.Error(), Hint: "run 'git vault ls'"}}
	}
	var out []Finding
	for _, d := range doubled {
		out = append(out, Finding{Name: "secrets", Status: Warn,
			Detail: fmt.Sprintf("secret %s has %d values from a merge (%s): get, run and export refuse it", cli.Printable(d.Name), d.Values, d.Why),
			Hint:   vault.ChooseHint(d.Name, d.Shallow)})
	}
	return out
}

// checkStrayTempFiles reports the temp files that git vault writes killed
// before their journal left in the vault directory: nothing reads them,
// but they are untracked files a 'git add -A' commits. The next git vault
// command removes them.
func checkStrayTempFiles(c *Context) (Finding, bool) {
	stray := vault.StrayTempFiles(c.Repo.Root, c.Repo.GitDir)
	if len(stray) == 0 {
		return Finding{}, false
	}
	return Finding{
		Name:   "temp files",
		Status: Warn,
		Detail: fmt.Sprintf("%s left by killed git vault writes: %s (untracked: 'git add -A' would commit them)", cli.Count(len(stray), "temporary file"), cli.Printable(strings.Join(stray, ", "))),
		Hint:   "run: git vault ls (the next git vault command removes them)",
	}, true
}

func checkIdentity(c *Context, inUse bool) Finding {
	f := Finding{Name: "identity"}
	if c.Getenv(vault.IdentityEnv) != "" {
		f.Status, f.Detail = OK, "from $"+vault.IdentityEnv
		return f
	}
	path, err := vault.DefaultIdentityPath(c.Getenv)
	if err != nil {
		f.Status, f.Detail, f.Hint = Warn, err.Error(), "set HOME or XDG_CONFIG_HOME"
		return f
	}
	data, err := vault.ReadIdentityFile(path)
	defer clear(data)
	var pe *vault.PermissionError
	switch {
	case errors.As(err, &pe):
		f.Status, f.Detail, f.Hint = Fail, pe.Error(), "chmod 600 "+path
	case errors.Is(err, vault.ErrEmptyIdentity):
		var ie *vault.IdentityError
		errors.As(vault.ExplainIdentityError(path, err), &ie)
		f.Status, f.Detail, f.Hint = Fail, ie.Msg, ie.Hint
	case errors.Is(err, os.ErrNotExist):
		f.Status, f.Detail, f.Hint = Skip, "no identity at "+path, "create one with 'git vault init' (git vault commands also take another with --identity FILE)"
		if inUse {
			f.Status = Warn
		}
	case err != nil:
		f.Status, f.Detail, f.Hint = Fail, err.Error(), "put your identity in "+path+" as a regular file (mode 600), or give git vault commands another with --identity FILE"
	case vault.IsEncryptedIdentity(data):
		f.Status, f.Detail = OK, path+" (passphrase-protected; unlock with 'git vault agent start')"
	default:
		id, err := vault.ParseIdentity(data)
		if err != nil {
			f.Status, f.Detail, f.Hint = Fail, fmt.Sprintf("%s: %v", path, err), "an identity is an age key or an SSH ed25519/RSA private key"
			return f
		}
		f.Status, f.Detail = OK, path+" ("+id.Recipient.Short()+")"
		id.Wipe()
	}
	return f
}

// checkVaultFiles checks the vault as the next git vault command will
// find it: a write a killed command left half made (a mix of old and new
// files every read refuses) is finished by that command's repair, so it is
// a warning saying so when the vault the repair leaves is sound. The
// journal is only read: doctor changes nothing.
func checkVaultFiles(ctx context.Context, c *Context) Finding {
	w, err := vault.InspectRepair(c.Repo.Root, c.Repo.GitDir)
	if err != nil {
		f := Finding{Name: "vault", Status: Fail, Detail: err.Error(), Hint: vault.DiscardHint(c.Repo.GitDir)}
		var re *vault.ReadError
		if errors.As(err, &re) {
			f.Hint = re.Hint
		}
		return f
	}
	if w == nil {
		v, err := vault.Load(c.Repo.Root)
		return checkLoadedVault(ctx, c, v, err)
	}
	v, err := w.Load()
	if w.Discarded() && errors.Is(err, vault.ErrNoVault) {
		return Finding{Name: "vault", Status: Warn,
			Detail: "a git vault init killed before its first rename, whose temporary files are gone: there is no vault (the next git vault command discards what is left of that init)",
			Hint:   "create one with 'git vault init'"}
	}
	f := checkLoadedVault(ctx, c, v, err)
	pending := ""
	if files := w.Files(); len(files) > 0 {
		pending = " (" + strings.Join(files, ", ") + " not yet replaced)"
	}
	if f.Status == Fail {
		f.Detail = "an interrupted write" + pending + ", and the vault it leaves is not readable: " + f.Detail
		f.Hint = vault.DiscardHint(c.Repo.GitDir)
		return f
	}
	f.Status = Warn
	if w.Discarded() {
		f.Detail = "an interrupted write killed before its first rename, whose temporary files are gone; the next git vault command discards it, leaving " + f.Detail
	} else {
		f.Detail = "an interrupted write; the next git vault command finishes it" + pending + ", leaving " + f.Detail
	}
	hint := "run: git vault ls"
	if f.Hint != "" {
		hint += "; then " + f.Hint
	}
	f.Hint = hint
	return f
}

// checkLoadedVault checks a loaded vault: its signature, and that the
// identity opens it.
func checkLoadedVault(ctx context.Context, c *Context, v *vault.Vault, err error) Finding {
	f := Finding{Name: "vault"}
	if err == nil {
		err = v.Verify()
	}
	var re *vault.ReadError
	if errors.As(err, &re) {
		f.Status, f.Detail, f.Hint = Fail, re.Msg, re.Hint
		return f
	}
	if err != nil {
		f.Status, f.Detail, f.Hint = Fail, err.Error(), "restore .verdigris/vault from a trusted commit (git log -- .verdigris/vault)"
		return f
	}
	f.Status = OK
	// The lines that count, as reading counts them: a line a merge
	// doubled byte for byte is one secret, and one from before a key
	// rotation beside a current one is ignored, not tried and failed.
	lines := v.Lines()
	names := map[string]bool{}
	for _, e := range lines {
		names[e.Name] = true
	}
	f.Detail = fmt.Sprintf("%s, %s, key generation %d, signature verified", cli.Count(len(names), "secret"), cli.Count(len(v.Recipients), "recipient"), v.Key.Generation)
	kh, err := vault.OpenKeyholder(ctx, vault.IdentityOptions{Getenv: c.Getenv})
	if err != nil {
		f.Status = Warn
		f.Detail += "; not readable here: " + err.Error()
		var ie *vault.IdentityError
		if errors.As(err, &ie) {
			f.Hint = ie.Hint
		}
		return f
	}
	defer kh.Close()
	if len(lines) == 0 {
		return f
	}
	val, err := kh.Decrypt(v, lines[0])
	clear(val)
	switch {
	case errors.Is(err, vault.ErrNotRecipient):
		// The identity's public key, and the name init would give it,
		// make the command to ask for: 'add KEY' left the user to find
		// their key.
		f.Status, f.Hint = Warn, vault.JoinHint(kh.Recipient(), vault.OwnerComment(ctx, c.Repo, c.Getenv))
		f.Detail += "; your identity is not a recipient"
	case errors.As(err, &re):
		f.Status, f.Hint = Fail, re.Hint
		f.Detail += "; " + re.Msg
	case err != nil:
		f.Status, f.Hint = Fail, "run 'git vault ls' for what is wrong with it"
		f.Detail += "; " + err.Error()
	default:
		f.Detail += "; readable with your identity"
	}
	return f
}

func checkAgent(ctx context.Context, c *Context) Finding {
	f := Finding{Name: "agent"}
	st, err := vault.AgentStatusAt(ctx, vault.AgentSocket(c.Getenv))
	switch {
	case errors.Is(err, vault.ErrNoAgent):
		f.Status, f.Detail = Skip, "not running (only needed for passphrase-protected identities)"
	case err != nil:
		f.Status, f.Detail, f.Hint = Fail, err.Error(), "stop it with 'git vault agent stop' and fix the directory's permissions"
	case st.Locked:
		f.Status, f.Detail = OK, fmt.Sprintf("running (pid %d), locked", st.PID)
	default:
		f.Status, f.Detail = OK, fmt.Sprintf("running (pid %d), holding %s until %s", st.PID, st.Recipient, st.Expires.Format("15:04 MST"))
	}
	return f
}
