package release

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// gitRepo makes an empty repository with an isolated git configuration
// and returns a function that runs git in it.
func gitRepo(t *testing.T) (string, func(args ...string) string) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gitconfig")
	os.WriteFile(cfg, []byte("[user]\nname = T\nemail = t@example.com\n[init]\ndefaultBranch = main\n[tag]\ngpgSign = false\n[commit]\ngpgSign = false\n"), 0o644)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	repo := filepath.Join(dir, "r")
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	os.MkdirAll(repo, 0o755)
	git("init", "-q")
	return repo, git
}

func TestSessionsOf(t *testing.T) {
	repo, git := gitRepo(t)
	commit := func(msg string) string {
		git("commit", "-q", "--allow-empty", "-m", msg)
		return git("rev-parse", "HEAD")
	}
	// Session 0 ended before the previous release: none of its commits
	// are this release's, even though its tags are in the history.
	git("commit", "-q", "--allow-empty", "-m", "root")
	git("tag", "-a", "-m", "Session start: old", "session-20250101-000000-bot-start")
	commit("feat: old work")
	git("tag", "-a", "-m", "end", "session-20250101-000000-bot-end")
	git("tag", "-a", "-m", "release", "v0.1.0")

	// Session A, started from the command line: the start tag sits on the
	// commit before its work, which is not the session's even when its
	// message quotes a marker (in a fenced block, not a trailer).
	prep := commit("chore: prep\n\nA session opens with:\n\n```\nSession-Start: TITLE\n```")
	git("tag", "-a", "-m", "Session start: A", "session-20260101-100000-alice-start")
	a1 := commit("feat: a1")
	a2 := commit("session: archive 20260101-100000 (A)")
	git("tag", "-a", "-m", "end", "session-20260101-100000-alice-end")
	outside := commit("fix: outside any session")

	// Session B, opened by a marker commit: the start tag is on the marker
	// commit, which is part of it. It is still open.
	m1 := commit("feat: begin\n\nSession-Start: B")
	git("tag", "-a", "-m", "feat: begin", "session-20260102-000000-claude-start")

	// Session C began on a branch HEAD does not contain.
	git("switch", "-q", "-c", "side")
	commit("side work")
	git("tag", "-a", "-m", "Session start: C", "session-20260103-000000-start")
	commit("more side work")
	git("switch", "-q", "main")
	m2 := commit("fix: b2")

	ctx := context.Background()
	r, err := gitrepo.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	inRange := map[string]string{}
	for _, h := range []string{prep, a1, a2, outside, m1, m2} {
		inRange[h] = git("log", "-1", "--format=%B", h)
	}
	got, err := SessionsOf(ctx, r, "v0.1.0", inRange)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		a1: {"20260101-100000"},
		a2: {"20260101-100000"},
		m1: {"20260102-000000"},
		m2: {"20260102-000000"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sessions = %v\nwant %v\n(prep %s, outside %s)", got, want, prep[:7], outside[:7])
	}
}

// A session whose end tag HEAD does not reach (it went on on a branch that
// was merged part-way) still claims the commits of it that HEAD has.
func TestSessionsOfEndOutsideHead(t *testing.T) {
	repo, git := gitRepo(t)
	commit := func(msg string) string {
		git("commit", "-q", "--allow-empty", "-m", msg)
		return git("rev-parse", "HEAD")
	}
	commit("root")
	git("tag", "-a", "-m", "Session start: x", "session-20260105-000000-bob-start")
	a1 := commit("feat: a1")
	git("switch", "-q", "-c", "side")
	b1 := commit("fix: b1")
	commit("fix: b2")
	git("tag", "-a", "-m", "end", "session-20260105-000000-bob-end")
	git("switch", "-q", "main")
	git("merge", "-q", "--no-ff", "-m", "merge b1", b1)
	after := commit("docs: after")

	ctx := context.Background()
	r, err := gitrepo.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	got, err := SessionsOf(ctx, r, "", map[string]string{a1: "feat: a1", b1: "fix: b1", after: "docs: after"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{a1: {"20260105-000000"}, b1: {"20260105-000000"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sessions = %v, want %v", got, want)
	}
}
