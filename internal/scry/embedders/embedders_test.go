package embedders

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

func TestRepoOptionsPlaceTheMachineTextCache(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
		none bool
	}{
		{env: map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}, want: "/x/cache/verdigris/scry-machine-text.bin"},
		{env: map[string]string{"HOME": "/home/u"}, want: "/home/u/.cache/verdigris/scry-machine-text.bin"},
		{env: map[string]string{}, want: ""},
		{env: map[string]string{"HOME": "/home/u", MachineTextEnv: "0"}, want: "/home/u/.cache/verdigris/scry-machine-text.bin", none: true},
	} {
		s := &Source{Getenv: func(k string) string { return c.env[k] }}
		opt := s.repoOptions()
		if opt.MachineCache != c.want || opt.NoMachine != c.none {
			t.Errorf("env %v: cache %q, no machine text %v; want %q, %v", c.env, opt.MachineCache, opt.NoMachine, c.want, c.none)
		}
	}
}

// Documents reads the repository's documents at HEAD when no training
// gathered them (an index that has its model, or an ONNX model in use),
// and hands over the training's when it did, without reading again.
func TestDocumentsWithAndWithoutTraining(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(dir, "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.WriteFile(filepath.Join(dir, "gitconfig"), []byte("[user]\nname = T\nemail = t@example.com\n"), 0o644)
	repo := filepath.Join(dir, "repo")
	os.MkdirAll(repo, 0o755)
	os.WriteFile(filepath.Join(repo, "README.md"), []byte("The courier hands each reminder to the postbox relay.\n"), 0o644)
	for _, args := range [][]string{{"init", "-q", repo}, {"-C", repo, "add", "README.md"}, {"-C", repo, "commit", "-qm", "docs"}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	ctx := context.Background()
	r, err := gitrepo.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{MachineTextEnv: "0"}
	s := &Source{Getenv: func(k string) string { return env[k] }}
	docs, err := s.Documents(ctx, r)
	if err != nil || len(docs) != 1 || !strings.Contains(docs[0], "postbox relay") {
		t.Fatalf("Documents without training = %q, %v", docs, err)
	}
	s.start(ctx, r)
	// Changed after the gathering: what it read is what is handed over.
	<-s.gathered
	os.WriteFile(filepath.Join(repo, "README.md"), []byte("changed\n"), 0o644)
	exec.Command("git", "-C", repo, "commit", "-qam", "change").Run()
	docs, err = s.Documents(ctx, r)
	if err != nil || len(docs) != 1 || !strings.Contains(docs[0], "postbox relay") {
		t.Fatalf("Documents after gathering = %q, %v", docs, err)
	}
}
