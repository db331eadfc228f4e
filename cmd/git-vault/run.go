package main

import (
	"bytes"
	"context"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var runCmd = &cli.Command{
	Name: "run",
	Usage: `Usage: git vault run [--only A,B] [--mask] [--identity FILE] -- CMD [ARG...]
       git vault run --ssh HOST [--only A,B] [--mask] -- CMD [ARG...]

Run CMD with secrets in its environment (all of them, or those --only
names). The child gets nothing else from the vault: $VERDIGRIS_IDENTITY is
removed from its environment, and no value is ever in its argv. git vault
prints nothing on stdout, so the output is the child's own.

Without --mask, git vault replaces itself with CMD (exec): exit code and
signals are the child's. With --mask, every value (and each line of a
multi-line value) in the child's stdout and stderr is replaced by ***;
signals are forwarded to the child and its exit status is passed on.

With --ssh, 'ssh -T -- HOST sh' runs with a script on its stdin (-T: no
remote terminal, which would echo it, whatever ssh_config says): one
'export ENV=…' line per secret, quoted for sh, then the command line (CMD
and its arguments joined by spaces, as ssh itself would send them). The
remote command's stdin is therefore not yours.

Flags:
      --only A,B        only these secrets (names)
      --mask            mask secret values in the child's output
      --ssh HOST        run CMD on HOST through ssh
` + identityFlagHelp,
	Flags: func(fs *pflag.FlagSet) {
		fs.SetInterspersed(false)
		fs.String("only", "", "")
		fs.Bool("mask", false, "")
		fs.String("ssh", "", "")
		identityFlag(fs)
	},
	Run: runRun,
}

func runRun(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
	if len(args) == 0 {
		return cli.Usagef("git vault run: missing the command to run").WithHint("git vault run -- CMD [ARG...]")
	}
	only, err := onlyNames(fs)
	if err != nil {
		return err
	}
	mask, _ := fs.GetBool("mask")
	host, _ := fs.GetString("ssh")
	var sshArgv []string
	if fs.Changed("ssh") {
		if sshArgv, err = vault.SSHArgv(host); err != nil {
			return userError(err)
		}
	}
	r, v, err := openVault(ctx, env)
	if err != nil {
		return err
	}
	notStarted := func() error {
		return cli.Interruptedf("interrupted; the command was not started").WithHint("run 'git vault run' again")
	}
	kh, err := keyholder(ctx, env, fs)
	if err != nil {
		if ctx.Err() != nil { // the agent had not answered yet
			return notStarted()
		}
		return err
	}
	secrets, err := decryptAll(ctx, env, r, kh, v, only)
	kh.Close()
	defer vault.WipeSecrets(secrets)
	if err != nil && ctx.Err() == nil {
		return err
	}
	// Ctrl-C or SIGTERM while the secrets were read (an agent slow to
	// answer) was caught by Main, and the command started once they
	// came, as if nobody had asked to stop. The deferred wipe clears
	// what was decrypted.
	if ctx.Err() != nil {
		return notStarted()
	}
	var patterns [][]byte
	if mask {
		var values [][]byte
		for _, s := range secrets {
			values = append(values, s.Value)
			if len(s.Value) < vault.MinMaskLen {
				cli.Warnf(env.Stderr, "git-vault", "%s is too short to mask", s.Name)
			}
		}
		patterns = vault.MaskPatterns(values)
	}

	if sshArgv != nil {
		script, err := vault.RemoteScript(secrets, args)
		if err != nil {
			return userError(err)
		}
		defer clear(script)
		childEnv, _ := vault.ChildEnv(os.Environ(), nil)
		return supervise(env, sshArgv, childEnv, bytes.NewReader(script), patterns)
	}
	childEnv, err := vault.ChildEnv(os.Environ(), secrets)
	if err != nil {
		return userError(err)
	}
	if !mask {
		vault.WipeSecrets(secrets)
		return userError(vault.Exec(args, childEnv))
	}
	return supervise(env, args, childEnv, env.Stdin, patterns)
}

func supervise(env *cli.Env, argv, childEnv []string, stdin io.Reader, patterns [][]byte) error {
	code, sig, err := vault.Supervise(argv, childEnv, stdin, env.Stdout, env.Stderr, patterns)
	if err != nil {
		return userError(err)
	}
	if sig != 0 {
		cli.DieOfSignal(sig)
	}
	if code != 0 {
		return cli.Exit(code)
	}
	return nil
}
