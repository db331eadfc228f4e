package gitrepo

import (
	"context"
	"testing"
)

// TestLogInUTF8: i18n.logOutputEncoding in a user's config made git log
// write messages in that encoding, and Log handed on its bytes (Latin-1
// "caf\xe9" in session records, release notes, and the index's commits
// whose diff could not be read), where CommitsOf and DiffCommits asked
// for UTF-8.
func TestLogInUTF8(t *testing.T) {
	ctx := context.Background()
	dir, r := isolatedRepo(t)
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", "café au lait")
	gitRun(t, dir, "config", "i18n.logOutputEncoding", "ISO-8859-1")
	cs, err := r.Log(ctx, "-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Subject != "café au lait" {
		t.Errorf("Log: %+v, want the subject café au lait", cs)
	}
}
