package vault

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// IdentityOptions say where a command looks for its identity.
type IdentityOptions struct {
	File   string // --identity FILE
	Getenv func(string) string
	// EnvName is what messages call VERDIGRIS_IDENTITY: actions/vault's
	// user gives the identity input and never sees the variable.
	// Empty: the variable's name.
	EnvName string
}

// IdentityError is a missing or unusable identity, with what to do.
type IdentityError struct {
	Msg  string
	Hint string
	Err  error // the cause, when callers tell one from another
}

func (e *IdentityError) Error() string { return e.Msg }

func (e *IdentityError) Unwrap() error { return e.Err }

// OpenKeyholder finds the identity, in order: --identity FILE, the
// VERDIGRIS_IDENTITY variable (key text, for CI), a running unlocked agent,
// the default identity file. A passphrase-protected identity is used
// through the agent only: FILE, when the agent holds the identity of
// the public key FILE tells without its passphrase (EncryptedPublicKey).
// The agent's requests end when ctx is cancelled, with ctx's error.
func OpenKeyholder(ctx context.Context, opts IdentityOptions) (Keyholder, error) {
	if opts.File != "" {
		kh, err := openIdentityFile(opts.File)
		if errors.Is(err, ErrEncryptedIdentity) {
			return agentFor(ctx, opts.File, AgentSocket(opts.Getenv))
		}
		return kh, explicitIdentityError(opts, err)
	}
	if text := opts.Getenv(IdentityEnv); text != "" {
		data := []byte(text)
		defer clear(data)
		id, err := ParseIdentity(data)
		name, verb := IdentityEnv, "set it to"
		if opts.EnvName != "" {
			name, verb = opts.EnvName, "give it"
		}
		if errors.Is(err, ErrEncryptedIdentity) {
			return nil, &IdentityError{Msg: name + " holds a passphrase-protected identity", Hint: "CI cannot answer a passphrase prompt: store an unencrypted identity in the secret"}
		}
		if err != nil {
			return nil, &IdentityError{Msg: fmt.Sprintf("%s: %v", name, err), Hint: verb + " the text of an age identity (AGE-SECRET-KEY-1…) or an SSH private key"}
		}
		id.Source = IdentityEnv
		return NewLocalKeys(id), nil
	}
	sock := AgentSocket(opts.Getenv)
	ac, err := DialAgent(ctx, sock)
	if err == nil {
		return ac, nil
	}
	if ctx.Err() != nil {
		// Interrupted while the agent had not answered: not a reason to
		// go on with the identity file.
		return nil, err
	}
	path, err := DefaultIdentityPath(opts.Getenv)
	if err != nil {
		return nil, &IdentityError{Msg: err.Error(), Hint: "set HOME or XDG_CONFIG_HOME, pass --identity FILE, or set " + IdentityEnv}
	}
	return openIdentityFile(path)
}

func openIdentityFile(path string) (Keyholder, error) {
	data, id, err := readIdentity(path)
	var pe *PermissionError
	if err != nil && !errors.Is(err, ErrEncryptedIdentity) && !errors.As(err, &pe) && identityBeingWritten(path) {
		// Read between another init's lock and its write of the key
		// (GenerateIdentity), the file not there yet or empty: read it
		// again once that one is done.
		clear(data)
		data, id, err = readIdentity(path)
	}
	defer clear(data)
	if data == nil && err != nil {
		return nil, ExplainIdentityError(path, err)
	}
	if errors.Is(err, ErrEncryptedIdentity) {
		return nil, &IdentityError{Msg: fmt.Sprintf("identity %s is passphrase-protected and no agent holds it", path),
			Hint: "unlock it with 'git vault agent start'", Err: ErrEncryptedIdentity}
	}
	if err != nil {
		return nil, &IdentityError{Msg: fmt.Sprintf("identity %s: %v", path, err), Hint: "an identity is an age key (AGE-SECRET-KEY-1…) or an SSH ed25519/RSA private key"}
	}
	id.Source = path
	return NewLocalKeys(id), nil
}

// explicitIdentityError rewords what is wrong with an identity named by
// --identity FILE: 'git vault init' writes the default identity, not
// FILE, and a plain 'agent start' unlocks the default identity, not FILE.
// Key text given for FILE (the CI secret, pasted) is told where it goes.
func explicitIdentityError(opts IdentityOptions, err error) error {
	var ie *IdentityError
	if !errors.As(err, &ie) {
		return err
	}
	switch {
	case errors.Is(ie.Err, fs.ErrNotExist) && cli.LooksLikeKey(opts.File):
		name := opts.EnvName
		if name == "" {
			name = "the " + IdentityEnv + " environment variable"
		}
		return &IdentityError{Msg: ie.Msg, Hint: "--identity takes the path of an identity file; give the key text itself in " + name, Err: ie.Err}
	case errors.Is(ie.Err, fs.ErrNotExist):
		return &IdentityError{Msg: ie.Msg, Hint: "check the path given to --identity", Err: ie.Err}
	}
	return err
}

// agentFor is the agent, when it holds the passphrase-protected identity
// at path: the one whose public key the file tells without its
// passphrase. Anything else is refused, saying which case it is: the
// agent started with another identity is not used in its place.
func agentFor(ctx context.Context, path, sock string) (Keyholder, error) {
	pub, perr := EncryptedPublicKey(path)
	ac, aerr := DialAgent(ctx, sock)
	switch {
	case aerr != nil && ctx.Err() != nil:
		return nil, aerr
	case aerr != nil:
		hint := fmt.Sprintf("unlock it with 'git vault agent start --identity %s'", path)
		if perr != nil {
			hint += fmt.Sprintf(", then run the command without --identity (with its public key in %s.pub, --identity finds it in the agent)", path)
		}
		return nil, &IdentityError{Msg: fmt.Sprintf("identity %s is passphrase-protected and no agent holds it", path), Hint: hint, Err: ErrEncryptedIdentity}
	case perr != nil:
		return nil, &IdentityError{Msg: fmt.Sprintf("identity %s is passphrase-protected, and without its public key (in it, or in %s.pub) git vault cannot tell whether the agent holds it", path, path),
			Hint: fmt.Sprintf("run the command without --identity to use the agent's identity (%s), or put the public key in %s.pub", ac.Recipient().Short(), path), Err: ErrEncryptedIdentity}
	case ac.Recipient().Key != pub.Key:
		return nil, &IdentityError{Msg: fmt.Sprintf("identity %s is passphrase-protected and the agent holds another identity (%s)", path, ac.Recipient().Short()),
			Hint: fmt.Sprintf("stop the agent with 'git vault agent stop', then unlock this one with 'git vault agent start --identity %s'", path), Err: ErrEncryptedIdentity}
	}
	return ac, nil
}

// readIdentity reads and parses an identity file; data is nil when the
// read failed, the key text (to clear) when the parse did.
func readIdentity(path string) (data []byte, id *Identity, err error) {
	data, err = ReadIdentityFile(path)
	if err != nil {
		return nil, nil, err
	}
	id, err = ParseIdentity(data)
	return data, id, err
}

// ExplainIdentityError turns a failure to read an identity file into an
// IdentityError with what to do.
func ExplainIdentityError(path string, err error) error {
	var pe *PermissionError
	switch {
	case errors.As(err, &pe):
		return &IdentityError{Msg: pe.Error(), Hint: fmt.Sprintf("make it private with 'chmod 600 %s'", path)}
	case errors.Is(err, ErrEmptyIdentity):
		return &IdentityError{Msg: fmt.Sprintf("identity file %s is empty, probably left by an interrupted 'git vault init'", path),
			Hint: "if 'git vault init' made it, run 'git vault init' again to write a new key to it; otherwise put your identity's key in it",
			Err:  ErrEmptyIdentity}
	case errors.Is(err, fs.ErrNotExist):
		return &IdentityError{Msg: fmt.Sprintf("no identity at %s", path),
			Hint: "create one with 'git vault init', pass --identity FILE, or set " + IdentityEnv, Err: fs.ErrNotExist}
	}
	return &IdentityError{Msg: fmt.Sprintf("reading identity: %v", err), Hint: "check the file's path and permissions"}
}
