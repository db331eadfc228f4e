package index

import (
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// An AI coding agent's signature in every message gave "generated",
// "claude" and "code" to every commit it wrote, lexically (three times
// "claude" a commit) and in what the embedder learns from and embeds:
// a question about generated code found the signed commits. The agent
// stays findable by its name, once a commit and lexically only.
func TestAgentSignaturesAreNotIndexedButTheAgentIs(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("add the parser\n\nIt reads the configuration file.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	tr.commit("write the completion scripts at build time\n\nThe generated code is not committed.")
	tr.commit("fix the loop\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>")
	tr.commit("tidy the readme")
	e := &builtinEmbedders{}
	tr.index(e)
	for _, m := range e.trains[len(e.trains)-1] {
		if strings.Contains(m, "Generated with") || strings.Contains(m, "Claude") || strings.Contains(m, "Copilot") {
			t.Errorf("the embedder learned from %q", m)
		}
	}
	for word, want := range map[string]int{"generated": 1, "code": 1, "claude": 1, "copilot": 1, "anthropic": 0, "noreply": 0} {
		q := "body: \"" + text.Terms(word)[0] + "\""
		if n := sqlInt(t, tr, `SELECT count(*) FROM fts WHERE fts MATCH ?`, q); n != want {
			t.Errorf("%d commits' bodies hold %q; want %d", n, word, want)
		}
	}
}
