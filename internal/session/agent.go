package session

// DefaultAgentName is the agent of a session nobody named.
const DefaultAgentName = "human"

// AgentEnv is the environment variable that names the agent of sessions
// started from the command line (an AI coding agent's configuration can
// set it for every command the agent runs).
const AgentEnv = "VERDIGRIS_AGENT"

// knownAgents are variables that AI coding agents set in the environment
// of the commands they run, and the agent each one means.
var knownAgents = []struct{ env, agent string }{
	{"CLAUDECODE", "claude"},
	{"GEMINI_CLI", "gemini"},
}

// ResolveAgent picks the agent of a session started from the command line:
// the --agent flag, else $VERDIGRIS_AGENT, else the AI coding agent whose
// variable is set, else the git user's name, else "human". The result is
// slugged for use in tag names.
func ResolveAgent(flag string, getenv func(string) string, gitUser string) string {
	if s := Slug(flag); s != "" {
		return s
	}
	if s := Slug(getenv(AgentEnv)); s != "" {
		return s
	}
	for _, k := range knownAgents {
		if v := getenv(k.env); v != "" && v != "0" {
			return k.agent
		}
	}
	return MarkerAgent("", gitUser)
}

// MarkerAgent picks the agent of a session opened by a commit marker. It
// depends only on the commit, so every clone derives the same tag names:
// the Session-Agent trailer, else the commit author's name, else "human".
func MarkerAgent(trailer, author string) string {
	if s := Slug(trailer); s != "" {
		return s
	}
	if s := Slug(author); s != "" {
		return s
	}
	return DefaultAgentName
}
