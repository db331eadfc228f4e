package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

var startCmd = &cli.Command{
	Name: "start",
	Usage: `Usage: git session start TITLE [--agent NAME] [--goal TEXT]... [--json]

Open a working session on HEAD. Its id is the current time in UTC
(YYYYMMDD-HHMMSS; the next free second when a session already holds it),
and HEAD gets the annotated tag session-<id>-<agent>-start with the message
"Session start: TITLE". The session is this worktree's until 'git session
end': another worktree can hold its own. A dirty tree is fine; on a
detached HEAD the session starts, but 'end' needs a branch.

Flags:
  -a, --agent NAME   who works in the session (default: $VERDIGRIS_AGENT;
                     "claude" under Claude Code, "gemini" under Gemini CLI;
                     else your git user.name; else "human")
  -g, --goal TEXT    a goal for the record's Goals (repeatable; default: TITLE)
      --json         print the session as JSON
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.StringP("agent", "a", "", "")
		fs.StringArrayP("goal", "g", nil, "")
		fs.Bool("json", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		title, err := text("git session start", args)
		if err != nil {
			return err
		}
		m, err := manager(ctx, env)
		if err != nil {
			return err
		}
		agentFlag, _ := fs.GetString("agent")
		if agentFlag != "" && session.Slug(agentFlag) == "" {
			return cli.Usagef("--agent %q has no letters or digits", agentFlag).WithHint("name the agent, e.g. --agent claude")
		}
		goals, _ := fs.GetStringArray("goal")
		agent := session.ResolveAgent(agentFlag, env.Env, m.Repo.Config(ctx, "user.name"))
		st, err := m.Start(ctx, session.StartOptions{Title: title, Agent: agent, Goals: goals})
		if err != nil {
			return explain(err)
		}
		if st.Branch == "" {
			warnf(env, "HEAD is detached: check out a branch before 'git session end', which commits the record")
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			return cli.WriteJSON(env.Stdout, st)
		}
		where := st.Branch
		if where == "" {
			where = "detached HEAD"
		}
		fmt.Fprintf(env.Stdout, "session %s started: %s on %s (%s)\n", st.ID, cli.Printable(st.StartTag), gitrepo.Short(st.StartingCommit), cli.Printable(where))
		return nil
	},
}
