// Tests of actions/session under the runner emulator: the pushed range is
// synced and its tags pushed, with real binaries and real repositories.

package actions_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/clitest"
)

// actionEnv is a runner's process environment: the verdigris binaries on
// PATH (as the root action leaves them), a git without a user identity
// (as on a fresh runner), nothing of the test machine's git config.
type actionEnv struct {
	t         *testing.T
	dir       string
	env       map[string]string
	remote    string
	workspace string
}

func newActionEnv(t *testing.T) *actionEnv {
	dir := t.TempDir()
	env := actiontest.HostEnv()
	cfg := filepath.Join(dir, "gitconfig")
	os.WriteFile(cfg, []byte("[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n"), 0o644)
	env["GIT_CONFIG_GLOBAL"] = cfg
	env["GIT_CONFIG_NOSYSTEM"] = "1"
	env["HOME"] = dir
	env["GIT_CEILING_DIRECTORIES"] = dir
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL", "VERDIGRIS_AGENT"} {
		delete(env, k)
	}
	env["PATH"] = clitest.Binaries(t) + string(os.PathListSeparator) + env["PATH"]
	a := &actionEnv{t: t, dir: dir, env: env, remote: filepath.Join(dir, "remote.git"), workspace: filepath.Join(dir, "workspace")}
	a.git(dir, "init", "-q", "--bare", a.remote)
	return a
}

// git runs git in dir as a developer (with an identity) would.
func (a *actionEnv) git(dir string, args ...string) string {
	a.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	for k, v := range a.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.com", "GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		a.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// pushEmptyCommits is a developer's laptop, a clone of the remote in
// a.dir/laptop, committing msgs (empty commits) and pushing them: the
// pushed head. A test that goes on committing there uses that clone.
func (a *actionEnv) pushEmptyCommits(msgs ...string) string {
	a.t.Helper()
	laptop := filepath.Join(a.dir, "laptop")
	a.git(a.dir, "clone", "-q", a.remote, laptop)
	for _, m := range msgs {
		a.git(laptop, "commit", "-q", "--allow-empty", "-m", m)
	}
	a.git(laptop, "push", "-q", "origin", "main")
	return a.git(laptop, "rev-parse", "HEAD")
}

// checkout is what actions/checkout with fetch-depth 0 leaves: a full
// clone of the remote at sha, with its tags.
func (a *actionEnv) checkout(sha string) {
	os.RemoveAll(a.workspace)
	a.git(a.dir, "clone", "-q", a.remote, a.workspace)
	a.git(a.workspace, "checkout", "-q", "--detach", sha)
}

func (a *actionEnv) run(inputs map[string]string, event map[string]any) *actiontest.Result {
	a.t.Helper()
	return a.runAction("session", inputs, map[string]any{"event_name": "push", "sha": event["after"], "event": event}, nil)
}

// runAction runs actions/NAME in the workspace with the runner's
// environment, uses standing in for the remote actions it calls.
func (a *actionEnv) runAction(name string, inputs map[string]string, github map[string]any, uses map[string]actiontest.UsesFunc) *actiontest.Result {
	a.t.Helper()
	act, err := actiontest.Load(filepath.Join(clitest.ModuleRoot(), "actions", name, "action.yml"))
	if err != nil {
		a.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := actiontest.Run(ctx, act, actiontest.Options{
		Inputs: inputs, ProcessEnv: a.env, Workspace: a.workspace, Github: github, Uses: uses,
	})
	if err != nil {
		a.t.Fatalf("run: %v\n%s", err, res.Log)
	}
	return res
}

func (a *actionEnv) remoteTags() string {
	return a.git(a.dir, "--git-dir", a.remote, "for-each-ref", "--sort=refname", "--format=%(refname:short) %(*objectname)", "refs/tags/session-*")
}

// On push, the action tags the pushed range's markers and records, pushes
// the tags, names them in its outputs and in a step summary; the tags are
// the ones the laptop's hook would have made; a re-run creates nothing.
func TestSessionActionTagsAndPushesThePushedRange(t *testing.T) {
	a := newActionEnv(t)
	before := a.pushEmptyCommits("root")
	laptop := filepath.Join(a.dir, "laptop") // the clone pushEmptyCommits made
	date := func(s string) { a.env["GIT_COMMITTER_DATE"], a.env["GIT_AUTHOR_DATE"] = s, s }
	date("2026-03-04T08:20:30Z")
	a.git(laptop, "commit", "-q", "--allow-empty", "-m", "feat: begin\n\nSession-Start: Parser\nSession-Agent: claude")
	date("2026-03-04T09:00:00Z")
	a.git(laptop, "commit", "-q", "--allow-empty", "-m", "session: end 20260304-082030")
	delete(a.env, "GIT_COMMITTER_DATE")
	delete(a.env, "GIT_AUTHOR_DATE")
	a.git(laptop, "push", "-q", "origin", "main")
	after := a.git(laptop, "rev-parse", "HEAD")

	a.checkout(after)
	res := a.run(nil, map[string]any{"before": before, "after": after})
	if res.Failed {
		t.Fatalf("failed:\n%s", res.Log)
	}
	want := "session-20260304-082030-claude-start session-20260304-082030-claude-end"
	if res.Outputs["created"] != want || res.Outputs["count"] != "2" {
		t.Fatalf("outputs %v\n%s", res.Outputs, res.Log)
	}
	if got := a.remoteTags(); !strings.Contains(got, "session-20260304-082030-claude-start "+a.git(laptop, "rev-parse", "HEAD~1")) ||
		!strings.Contains(got, "session-20260304-082030-claude-end "+after) {
		t.Fatalf("remote tags:\n%s", got)
	}
	if !strings.Contains(res.Summary, "| <code>session-20260304-082030-claude-start</code> | created |") {
		t.Fatalf("summary:\n%s", res.Summary)
	}
	// The tagger is the marker commit's committer, not the runner's bot:
	// the tag is the object the laptop's hook makes.
	tagger := a.git(a.workspace, "for-each-ref", "--format=%(taggername) %(taggeremail) %(taggerdate:raw)", "refs/tags/session-20260304-082030-claude-end")
	if want := a.git(laptop, "log", "-1", "--date=raw", "--format=%cn <%ce> %cd", after); tagger != want {
		t.Fatalf("tagger %q, want the committer %q", tagger, want)
	}

	// Run again on a fresh checkout (which now has the tags): nothing new.
	a.checkout(after)
	res = a.run(nil, map[string]any{"before": before, "after": after})
	if res.Failed || res.Outputs["created"] != "" || res.Outputs["count"] != "0" {
		t.Fatalf("second run: %v %v\n%s", res.Failed, res.Outputs, res.Log)
	}
}

// A new branch (before all zeros) reads the whole branch; a force-push
// (before unknown here) too, with a warning; push: "false" keeps the tags
// local; a bad push input and a missing git-session fail the step.
func TestSessionActionRanges(t *testing.T) {
	a := newActionEnv(t)
	a.env["GIT_COMMITTER_DATE"] = "2026-05-01T10:00:00Z"
	head := a.pushEmptyCommits("session: start First")
	delete(a.env, "GIT_COMMITTER_DATE")

	a.checkout(head)
	res := a.run(map[string]string{"push": "false"}, map[string]any{"before": strings.Repeat("0", 40), "after": head})
	if res.Failed || res.Outputs["created"] != "session-20260501-100000-dev-start" {
		t.Fatalf("new branch: %v %v\n%s", res.Failed, res.Outputs, res.Log)
	}
	if tags := a.remoteTags(); tags != "" {
		t.Fatalf("push false pushed %s", tags)
	}

	a.checkout(head)
	res = a.run(nil, map[string]any{"before": strings.Repeat("ab", 20), "after": head})
	if res.Failed || res.Outputs["count"] != "1" {
		t.Fatalf("force-push: %v %v\n%s", res.Failed, res.Outputs, res.Log)
	}
	warned := false
	for _, an := range res.Annotations {
		warned = warned || strings.Contains(an.Message, "is not in this repository's history")
	}
	if !warned {
		t.Fatalf("no warning annotation: %+v\n%s", res.Annotations, res.Log)
	}

	res = a.run(map[string]string{"push": "yes"}, map[string]any{"before": "", "after": head})
	if !res.Failed || !strings.Contains(res.Log, `input push must be true or false, not "yes"`) {
		t.Fatalf("bad push input: %v\n%s", res.Failed, res.Log)
	}
	// The bad value is quoted in the error annotation: a line break in it
	// started a workflow command of its own.
	res = a.run(map[string]string{"push": "yes\n::warning::injected"}, map[string]any{"before": "", "after": head})
	injectedInput(t, res, "push")

	// Drop every PATH entry that holds a git-session, wherever the test
	// runner put one.
	var keep []string
	for _, d := range filepath.SplitList(a.env["PATH"]) {
		if _, err := os.Stat(filepath.Join(d, "git-session")); err != nil {
			keep = append(keep, d)
		}
	}
	a.env["PATH"] = strings.Join(keep, string(os.PathListSeparator))
	res = a.run(nil, map[string]any{"before": "", "after": head})
	if !res.Failed || !strings.Contains(res.Log, "git-session is not on PATH") {
		t.Fatalf("missing binary: %v\n%s", res.Failed, res.Log)
	}
}

// A tag name taken on another commit fails the step with an error
// annotation and leaves the tag alone.
func TestSessionActionConflictFails(t *testing.T) {
	a := newActionEnv(t)
	laptop := filepath.Join(a.dir, "laptop")
	a.git(a.dir, "clone", "-q", a.remote, laptop)
	a.git(laptop, "commit", "-q", "--allow-empty", "-m", "root")
	a.env["GIT_COMMITTER_DATE"] = "2026-05-01T10:00:00Z"
	a.git(laptop, "commit", "-q", "--allow-empty", "-m", "session: start A")
	a.env["GIT_COMMITTER_DATE"] = "2026-05-01T11:00:00Z"
	a.git(laptop, "commit", "-q", "--allow-empty", "-m", "session: end 20260501-100000")
	delete(a.env, "GIT_COMMITTER_DATE")
	a.git(laptop, "tag", "-a", "-m", "by hand", "session-20260501-100000-dev-end", "HEAD~2")
	a.git(laptop, "push", "-q", "origin", "main", "--tags")
	head := a.git(laptop, "rev-parse", "HEAD")
	a.checkout(head)
	res := a.run(nil, map[string]any{"before": strings.Repeat("0", 40), "after": head})
	if !res.Failed {
		t.Fatalf("conflict did not fail:\n%s", res.Log)
	}
	found := false
	for _, an := range res.Annotations {
		found = found || (an.Level == "error" && strings.Contains(an.Message, "session-20260501-100000-dev-end"))
	}
	if !found {
		t.Fatalf("no error annotation: %+v", res.Annotations)
	}
	if got := a.git(a.dir, "--git-dir", a.remote, "rev-parse", "session-20260501-100000-dev-end^{commit}"); got != a.git(laptop, "rev-parse", "HEAD~2") {
		t.Fatalf("the tag moved to %s", got)
	}
}

// On a pull request the commits are on no branch yet: tags pushed from
// the PR's head or merge commit (the session's markers, before review)
// would stay on commits a squash or rebase merge never puts on the
// branch, and take the names the merged commits then need. The action
// pushes nothing there and says to run it on push; with push: "false" it
// only makes the tags here, as anywhere.
func TestSessionActionPushesNoTagsFromAPullRequest(t *testing.T) {
	a := newActionEnv(t)
	base := a.pushEmptyCommits("root")
	laptop := filepath.Join(a.dir, "laptop") // the clone pushEmptyCommits made
	a.git(laptop, "checkout", "-q", "-b", "feature")
	a.env["GIT_COMMITTER_DATE"] = "2026-05-01T10:00:00Z"
	a.git(laptop, "commit", "-q", "--allow-empty", "-m", "feat: parser\n\nSession-Start: Parser")
	delete(a.env, "GIT_COMMITTER_DATE")
	a.git(laptop, "push", "-q", "origin", "feature")
	head := a.git(laptop, "rev-parse", "HEAD")

	for _, event := range []string{"pull_request", "pull_request_target", "merge_group"} {
		t.Run(event, func(t *testing.T) {
			a.checkout(head)
			res := a.runAction("session", nil, map[string]any{"event_name": event, "sha": head,
				"event": map[string]any{"before": base, "after": head, "number": 7}}, nil)
			if !res.Failed {
				t.Fatalf("a %s run passed:\n%s", event, res.Log)
			}
			found := false
			for _, an := range res.Annotations {
				found = found || an.Level == "error" && strings.Contains(an.Message, "pushes session tags on push only, not on "+event) &&
					strings.Contains(an.Message, "if: github.event_name == 'push'")
			}
			if !found {
				t.Errorf("no error annotation with the hint: %+v\n%s", res.Annotations, res.Log)
			}
			if tags := a.remoteTags(); tags != "" {
				t.Errorf("a %s run pushed %s", event, tags)
			}
			if tags := a.git(a.workspace, "tag", "-l", "session-*"); tags != "" {
				t.Errorf("a %s run made %s", event, tags)
			}
		})
	}

	a.checkout(head)
	res := a.runAction("session", map[string]string{"push": "false"}, map[string]any{"event_name": "pull_request", "sha": head,
		"event": map[string]any{"before": base, "after": head, "number": 7}}, nil)
	if res.Failed || res.Outputs["created"] != "session-20260501-100000-dev-start" || a.remoteTags() != "" {
		t.Fatalf("push false on a pull request: %v %v %q\n%s", res.Failed, res.Outputs, a.remoteTags(), res.Log)
	}
}
