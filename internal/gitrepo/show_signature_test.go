package gitrepo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLogWhateverShowSignature: with log.showSignature=true git log prints
// the check of a signed commit's signature on stdout, before the commit,
// and it became the beginning of the commit's hash in every reader of
// git log -z (a treeless clone's index, sessions, releases).
func TestLogWhateverShowSignature(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is not installed: no way to sign a commit")
	}
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	key := filepath.Join(dir, "key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "allowed"), "t@example.com "+string(pub))
	repo := filepath.Join(dir, "r")
	gitRun(t, dir, "init", "-q", repo)
	for _, kv := range [][2]string{
		{"user.name", "T"}, {"user.email", "t@example.com"},
		{"gpg.format", "ssh"}, {"user.signingKey", key + ".pub"},
		{"gpg.ssh.allowedSignersFile", filepath.Join(dir, "allowed")},
	} {
		gitRun(t, repo, "config", kv[0], kv[1])
	}
	gitRun(t, repo, "commit", "-q", "-S", "--allow-empty", "-m", "signed")
	gitRun(t, repo, "config", "log.showSignature", "true")
	head := gitRun(t, repo, "rev-parse", "HEAD")
	r := &Repo{Root: repo, GitDir: filepath.Join(repo, ".git"), CommonDir: filepath.Join(repo, ".git")}

	cs, err := r.Log(ctx, "-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Hash != head || cs[0].Subject != "signed" {
		t.Errorf("Log: %+v, want %s signed", cs, head)
	}
	var got []string
	if err := r.CommitsOf(ctx, []string{head}, func(c *Commit) error { got = append(got, c.Hash); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != head {
		t.Errorf("CommitsOf: %q, want [%s]", got, head)
	}
	changes, err := r.ChangedPaths(ctx, []string{"-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Hash != head || len(changes[0].Changes) != 0 {
		t.Errorf("ChangedPaths: %+v, want %s changing nothing", changes, head)
	}
	if trees, err := r.RootTrees(ctx, []string{head}); err != nil || len(trees) != 1 || trees[head] == "" {
		t.Errorf("RootTrees: %v, %v; want the tree of %s alone", trees, err, head)
	}
	if _, err := r.LocalObjectsOf(ctx, []string{head}); err != nil {
		t.Errorf("LocalObjectsOf: %v", err)
	}
	var diffed []string
	if err := r.DiffCommits(ctx, []string{head}, DiffOptions{Patch: true}, func(c *CommitDiff) error { diffed = append(diffed, c.Hash); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(diffed) != 1 || diffed[0] != head {
		t.Errorf("DiffCommits: %q, want [%s]", diffed, head)
	}
}
