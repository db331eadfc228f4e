package gitrepo

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateCommitTagIsTheCommitsAlone: a tag made by git tag names
// whoever ran it and when, so the hook on a laptop and CI's sync made two
// objects for one marker commit, and a fetch of one refused to clobber
// the other. CreateCommitTag's object is the commit's and the message's
// alone, whatever the configuration and environment of the one making it.
func TestCreateCommitTagIsTheCommitsAlone(t *testing.T) {
	ctx := context.Background()
	dir, r := isolatedRepo(t)
	cmd := exec.Command("git", "-C", dir, "commit", "-q", "--allow-empty", "-m", "feat: begin")
	cmd.Env = append(cmd.Environ(), "GIT_COMMITTER_NAME=Dev One", "GIT_COMMITTER_EMAIL=dev@example.com", "GIT_COMMITTER_DATE=1772612430 +0200")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git commit: %v\n%s", err, out)
	}
	head := gitRun(t, dir, "rev-parse", "HEAD")
	second := gitRun(t, dir, "commit-tree", "-p", head, "-m", "second", "HEAD^{tree}")

	// Whoever tags it, when, with which settings.
	for _, kv := range [][2]string{
		{"user.name", "CI Bot"}, {"user.email", "ci@example.com"},
		{"tag.gpgSign", "true"}, {"tag.forceSignAnnotated", "true"}, {"user.signingKey", "0xDEADBEEF"},
		{"i18n.logOutputEncoding", "ISO-8859-1"}, {"log.mailmap", "true"}, {"log.showSignature", "true"},
	} {
		gitRun(t, dir, "config", kv[0], kv[1])
	}
	writeFile(t, filepath.Join(dir, ".mailmap"), "Someone Else <else@example.com> <dev@example.com>\n")
	t.Setenv("GIT_COMMITTER_NAME", "Env Name")
	t.Setenv("GIT_COMMITTER_EMAIL", "env@example.com")
	t.Setenv("GIT_COMMITTER_DATE", "2030-01-01T00:00:00Z")

	if err := r.CreateCommitTag(ctx, "session-20260304-082030-start", head, "feat: café"); err != nil {
		t.Fatal(err)
	}
	got := gitRun(t, dir, "cat-file", "tag", "session-20260304-082030-start")
	want := "object " + head + "\ntype commit\ntag session-20260304-082030-start\ntagger Dev One <dev@example.com> 1772612430 +0200\n\nfeat: café"
	if got != want {
		t.Fatalf("tag object:\n%s\nwant:\n%s", got, want)
	}

	// Never moved.
	err := r.CreateCommitTag(ctx, "session-20260304-082030-start", second, "again")
	if !errors.Is(err, ErrTagExists) {
		t.Fatalf("second CreateCommitTag = %v, want ErrTagExists", err)
	}
	if c := gitRun(t, dir, "rev-parse", "session-20260304-082030-start^{commit}"); c != head {
		t.Fatalf("the tag moved to %s", c)
	}
	if err := r.CreateCommitTag(ctx, "bad..name", head, "x"); err == nil || errors.Is(err, ErrTagExists) {
		t.Fatalf("a name git refuses: %v", err)
	}
	if strings.Contains(gitRun(t, dir, "tag", "-l"), "bad") {
		t.Fatal("a tag named bad..name was made")
	}
}
