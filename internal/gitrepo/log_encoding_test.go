package gitrepo

import (
	"context"
	"path/filepath"
	"testing"
)

// TestLogInUTF8: i18n.logOutputEncoding in a user's config made git log
// write messages in that encoding, and Log handed on its bytes (Latin-1
// "caf\xe9" in session records, release notes, and the index's commits
// whose diff could not be read), where CommitsOf and DiffCommits asked
// for UTF-8.
func TestLogInUTF8(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	gitRun(t, dir, "init", "-q")
	gitRun(t, dir, "config", "user.name", "T")
	gitRun(t, dir, "config", "user.email", "t@example.com")
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", "café au lait")
	gitRun(t, dir, "config", "i18n.logOutputEncoding", "ISO-8859-1")
	r := &Repo{Root: dir, GitDir: filepath.Join(dir, ".git"), CommonDir: filepath.Join(dir, ".git")}
	cs, err := r.Log(ctx, "-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Subject != "café au lait" {
		t.Errorf("Log: %+v, want the subject café au lait", cs)
	}
}
