package main

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

var getCmd = &cli.Command{
	Name: "get",
	Usage: `Usage: git vault get NAME [--identity FILE]

Print one secret's value on stdout, byte for byte (on a terminal, a
newline is added when the value does not end with one). This is the one
command that shows a value: prefer 'git vault run', which hands secrets
to a command without printing them.

Flags:
` + identityFlagHelp,
	Flags: identityFlag,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault get", args, 1, 1); err != nil {
			return err
		}
		r, v, err := openVault(ctx, env)
		if err != nil {
			return err
		}
		e, err := v.Entry(args[0])
		if err != nil {
			return userError(err)
		}
		kh, err := keyholder(ctx, env, fs)
		if err != nil {
			return err
		}
		defer kh.Close()
		val, err := kh.Decrypt(v, e)
		if err != nil {
			return userErrorIn(ctx, env, r, err)
		}
		defer clear(val)
		// cli.Program.Run says why standard output could not take it.
		if _, err := env.Stdout.Write(val); err != nil {
			return err
		}
		// On a terminal the shell's prompt goes on a line of its own:
		// a value without a line break at its end is given one.
		if cli.IsTerminal(env.Stdout) && (len(val) == 0 || val[len(val)-1] != '\n') {
			env.Stdout.Write([]byte("\n"))
		}
		return nil
	},
}
