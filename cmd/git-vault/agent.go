package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

const agentUsage = `Usage: git vault agent start [--ttl DURATION] [--identity FILE]
       git vault agent status [--json]
       git vault agent stop

Hold your unlocked identity for a while, as ssh-agent does, so a
passphrase-protected identity is typed once. start reads the identity
(prompting for its passphrase on the terminal when it has one: one line;
more typed or pasted there is refused, and read away rather than left for
your shell) and starts the agent in the background; if one runs locked, it
is unlocked instead.
The agent listens only on a unix socket, mode 0600 in a 0700 directory
($XDG_RUNTIME_DIR/verdigris, else $TMPDIR/verdigris-UID or
/tmp/verdigris-UID; relative values are ignored), answers only your
own user (checked on every connection), keeps the data key of each vault
it opened under that vault's id, returns at most one secret per request,
and wipes everything after --ttl (default 1h), on 'git vault lock' and on
stop. status exits 1 when no unlocked agent is running.

Flags:
      --ttl DURATION    how long to hold the identity (e.g. 30m, 8h)
      --json            (status) print the status as JSON
` + identityFlagHelp

var agentCmd = &cli.Command{
	Name:     "agent",
	Usage:    agentUsage,
	Commands: []*cli.Command{agentStartCmd, agentStatusCmd, agentStopCmd, agentServeCmd},
}

func ttlFlag(fs *pflag.FlagSet) { fs.Duration("ttl", vault.DefaultAgentTTL, "") }

var agentStartCmd = &cli.Command{
	Name:  "start",
	Usage: agentUsage,
	Flags: func(fs *pflag.FlagSet) {
		ttlFlag(fs)
		identityFlag(fs)
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault agent start", args, 0, 0); err != nil {
			return err
		}
		return agentStart(ctx, env, fs, vault.AgentSocket(env.Env))
	},
}

var agentStatusCmd = &cli.Command{
	Name:  "status",
	Usage: agentUsage,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault agent status", args, 0, 0); err != nil {
			return err
		}
		return agentStatus(ctx, env, fs, vault.AgentSocket(env.Env))
	},
}

var agentStopCmd = &cli.Command{
	Name:  "stop",
	Usage: agentUsage,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault agent stop", args, 0, 0); err != nil {
			return err
		}
		if err := vault.AgentStop(ctx, vault.AgentSocket(env.Env)); errors.Is(err, vault.ErrNoAgent) {
			fmt.Fprintln(env.Stderr, "git-vault: no agent is running")
			return nil
		} else if err != nil {
			return userError(err)
		}
		fmt.Fprintln(env.Stderr, "git-vault: agent stopped; its memory was wiped")
		return nil
	},
}

// agentServeCmd is the daemon itself, started by 'agent start': the
// identity arrives on stdin, never in argv or the environment.
var agentServeCmd = &cli.Command{
	Name:   "serve",
	Usage:  agentUsage,
	Hidden: true,
	Flags:  ttlFlag,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault agent serve", args, 0, 0); err != nil {
			return err
		}
		ttl, _ := fs.GetDuration("ttl")
		id, err := io.ReadAll(io.LimitReader(env.Stdin, 1<<20))
		if err != nil {
			return err
		}
		return userError(vault.ServeAgent(ctx, env.Env, id, ttl))
	},
}

var lockCmd = &cli.Command{
	Name: "lock",
	Usage: `Usage: git vault lock

Make the agent forget the identity and every data key it holds (memory
wiped). The agent keeps running, locked, until its TTL ends; 'git vault
agent start' unlocks it again.
`,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git vault lock", args, 0, 0); err != nil {
			return err
		}
		err := vault.AgentLock(ctx, vault.AgentSocket(env.Env))
		if errors.Is(err, vault.ErrNoAgent) {
			fmt.Fprintln(env.Stderr, "git-vault: no agent is running; nothing to lock")
			return nil
		}
		if err != nil {
			return userError(err)
		}
		fmt.Fprintln(env.Stderr, "git-vault: agent locked; its memory was wiped")
		return nil
	},
}

// agentRunning reports an agent's status when one answers.
func agentRunning(ctx context.Context, env *cli.Env) (*vault.AgentStatus, bool) {
	st, err := vault.AgentStatusAt(ctx, vault.AgentSocket(env.Env))
	return st, err == nil
}

func agentStatus(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, sock string) error {
	st, err := vault.AgentStatusAt(ctx, sock)
	asJSON, _ := fs.GetBool("json")
	if errors.Is(err, vault.ErrNoAgent) {
		if asJSON {
			cli.WriteJSON(env.Stdout, map[string]any{"running": false, "socket": sock})
		} else {
			fmt.Fprintln(env.Stdout, "not running")
		}
		return cli.Exit(cli.ExitFailed)
	}
	if err != nil {
		return userError(err)
	}
	if asJSON {
		if err := cli.WriteJSON(env.Stdout, map[string]any{"running": true, "status": st}); err != nil {
			return err
		}
	} else if st.Locked {
		fmt.Fprintf(env.Stdout, "running (pid %d), locked\n", st.PID)
	} else {
		fmt.Fprintf(env.Stdout, "running (pid %d), holding %s until %s, %s cached\n",
			st.PID, st.Recipient, st.Expires.Local().Format(time.Kitchen), cli.Count(len(st.Vaults), "vault key"))
	}
	if st.Locked {
		return cli.Exit(cli.ExitFailed)
	}
	return nil
}

func agentStart(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, sock string) error {
	ttl, _ := fs.GetDuration("ttl")
	if ttl <= 0 {
		return cli.Usagef("--ttl must be positive").WithHint("e.g. --ttl 30m")
	}
	st, err := vault.AgentStatusAt(ctx, sock)
	running := err == nil
	if running && !st.Locked {
		fmt.Fprintf(env.Stderr, "git-vault: an agent is already running (pid %d) with %s\n", st.PID, st.Recipient)
		return nil
	}
	file, _ := fs.GetString("identity")
	if file == "" {
		if file, err = vault.DefaultIdentityPath(env.Env); err != nil {
			return cli.Failf("%v", err).WithHint("set HOME or XDG_CONFIG_HOME, or pass --identity FILE")
		}
	}
	plain, pub, err := unlockIdentity(ctx, env, file)
	defer clear(plain)
	if err != nil {
		return err
	}
	if running {
		_, err := vault.AgentUnlock(ctx, sock, plain, ttl)
		if err == nil {
			fmt.Fprintf(env.Stderr, "git-vault: agent unlocked with %s for %s\n", pub, ttl)
			return nil
		}
		if !errors.Is(err, vault.ErrNoAgent) {
			return userError(err)
		}
		// Its TTL ended between the two requests: start a new one.
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	childEnv, _ := vault.ChildEnv(os.Environ(), nil)
	cmd := exec.Command(self, "agent", "serve", "--ttl", ttl.String())
	cmd.Env = childEnv
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return cli.Failf("starting the agent: %v", err)
	}
	_, werr := in.Write(plain)
	in.Close()
	if werr != nil {
		return cli.Failf("handing the identity to the agent: %v", werr)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// The agent holds the identity now: Ctrl-C from here on still waits
	// for it to answer, and says it started.
	started := context.WithoutCancel(ctx)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if st, err := vault.AgentStatusAt(started, sock); err == nil && !st.Locked {
			fmt.Fprintf(env.Stderr, "git-vault: agent started (pid %d) holding %s for %s\n", st.PID, pub, ttl)
			return nil
		}
		select {
		case <-exited:
			return cli.Failf("the agent exited at start").WithHint("check that %s is private (mode 0700) and yours", vault.AgentSocketDir(env.Env))
		case <-time.After(20 * time.Millisecond):
		}
	}
	return cli.Failf("the agent did not answer within 10s").WithHint("run 'git vault agent status'")
}

// unlockIdentity reads an identity file and, when it is
// passphrase-protected, asks for the passphrase on the terminal. It
// returns the plaintext identity for the agent.
func unlockIdentity(ctx context.Context, env *cli.Env, path string) (plain []byte, pub string, err error) {
	data, err := vault.ReadIdentityFile(path)
	defer clear(data)
	if err != nil {
		return nil, "", userError(vault.ExplainIdentityError(path, err))
	}
	if !vault.IsEncryptedIdentity(data) {
		id, err := vault.ParseIdentity(data)
		if err != nil {
			return nil, "", cli.Failf("identity %s: %v", path, err)
		}
		defer id.Wipe()
		return append([]byte(nil), data...), id.Recipient.Key, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, "", cli.Failf("identity %s is passphrase-protected and there is no terminal to ask for the passphrase", path).
			WithHint("run 'git vault agent start' in a terminal")
	}
	defer tty.Close()
	fmt.Fprintf(tty, "Passphrase for %s: ", path)
	pass, err := readHidden(ctx, tty, "interrupted at the passphrase prompt; no agent was started", "run 'git vault agent start' again")
	fmt.Fprintln(tty)
	defer clear(pass)
	if e, ok := err.(*cli.Error); ok {
		return nil, "", e
	}
	if err == errMoreThanALine {
		return nil, "", cli.Failf("more was typed or pasted than the one line the passphrase prompt reads; no agent was started, and the rest was discarded, not left for your shell").
			WithHint("run 'git vault agent start' again and type or paste the passphrase alone, then Enter")
	}
	if err != nil {
		return nil, "", cli.Failf("reading the passphrase: %v", err)
	}
	id, err := vault.ParseIdentityPassphrase(data, pass)
	if err != nil {
		return nil, "", cli.Failf("identity %s: %v", path, err).WithHint("try again")
	}
	defer id.Wipe()
	plain, err = id.Export()
	return plain, id.Recipient.Key, err
}
