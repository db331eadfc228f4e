// Command git-vault keeps a team's secrets in the repository, encrypted
// with age, and hands them to the one process that needs them.
package main

import (
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

const usage = `Usage: git vault <command> [flags]

Team secrets, encrypted with age and committed under .verdigris/vault/,
injected into commands without landing in argv, logs or temp files.

Commands:
  init                   create the vault (and your identity if you have none)
  set NAME               store a secret: prompt on a terminal, or --stdin
  get NAME               print one secret's value
  rm NAME...             delete secrets
  ls                     list names and environment names (no key needed)
  recipients ls|add|rm   who can read the vault (rm rotates the data key)
  export                 print secrets as dotenv or JSON; --github for Actions
  run -- CMD...          run CMD with secrets in its environment
  guard                  refuse to push secrets (pre-push, --staged, --range)
  agent start|stop|status
                         hold an unlocked identity for a while
  lock                   make the agent forget its identity and keys

Identity (first found): --identity FILE, $VERDIGRIS_IDENTITY (key text, for
CI), a running agent, $XDG_CONFIG_HOME/verdigris/identity.txt
(~/.config/verdigris/identity.txt). It must not be readable by others.

Run 'git vault <command> --help' for a command's flags.
`

func main() {
	// Before anything is read: the identity, data keys and values must
	// never reach a core file. Failing to is no reason not to run.
	_ = vault.ProtectProcess()
	program().Main()
}

// program is the binary: its usage texts and commands, which main runs
// and the tests read.
func program() *cli.Program {
	commands := []*cli.Command{
		initCmd, setCmd, getCmd, rmCmd, lsCmd, recipientsCmd, exportCmd, runCmd, guardCmd, agentCmd, lockCmd,
	}
	for _, c := range commands {
		// --only has its own check, which also refuses " , ".
		cli.RefuseEmptyFlags(c, emptyFlagHints, "only")
	}
	return &cli.Program{
		Name:     "git vault",
		Binary:   "git-vault",
		Usage:    usage,
		Commands: commands,
		// The identity's key text is read by this process only: no git
		// it runs, nor anything git starts, inherits it.
		Private:  []string{vault.IdentityEnv},
		Annotate: ghaction.AnnotateError, // for the usage errors of its --github commands
	}
}
