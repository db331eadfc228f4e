package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestDiffCommitsWhateverPrefix: diff.noprefix=true (or diff.srcPrefix,
// diff.dstPrefix) in a user's config changes the "diff --git" headers
// that the patch's sections are matched to the raw list by, and the line
// counts of a commit with a type change went to the wrong files.
func TestDiffCommitsWhateverPrefix(t *testing.T) {
	ctx := context.Background()
	dir, r := isolatedRepo(t)
	writeFile(t, filepath.Join(dir, "a"), "1\n2\n3\n")
	writeFile(t, filepath.Join(dir, "b"), "x\n")
	writeFile(t, filepath.Join(dir, "c"), "p\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "base")
	os.Remove(filepath.Join(dir, "b"))
	if err := os.Symlink("a", filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "c"), "1\n2\n3\n4\n5\n")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "b becomes a link, c grows")
	head := gitRun(t, dir, "rev-parse", "HEAD")
	gitRun(t, dir, "config", "diff.noprefix", "true")

	got := map[string][2]int{}
	err := r.DiffCommits(ctx, []string{head}, DiffOptions{Patch: true}, func(c *CommitDiff) error {
		for _, f := range c.Files {
			got[f.Path] = [2]int{f.Added, f.Deleted}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"b": {1, 1}, "c": {5, 1}}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: +%d -%d, want +%d -%d", p, got[p][0], got[p][1], w[0], w[1])
		}
	}
}

// EachAddedLine (git vault guard's reader) names the files whatever
// prefixes the user's config gives diffs, as DiffCommits does: one way,
// the prefixes given on the command line.
func TestEachAddedLineWhateverPrefix(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range [][2]string{{"diff.noprefix", "true"}, {"diff.mnemonicPrefix", "true"}} {
		dir, r := isolatedRepo(t)
		gitRun(t, dir, "config", cfg[0], cfg[1])
		writeFile(t, filepath.Join(dir, "dir", "secret.txt"), "token\n")
		gitRun(t, dir, "add", "-A")
		gitRun(t, dir, "commit", "-q", "-m", "add")
		head := gitRun(t, dir, "rev-parse", "HEAD")
		for _, commits := range [][]string{{head}, nil} {
			if commits == nil {
				writeFile(t, filepath.Join(dir, "dir", "staged.txt"), "more\n")
				gitRun(t, dir, "add", "-A")
			}
			var paths []string
			if err := r.EachAddedLine(ctx, commits, func(l *AddedLine) {
				paths = append(paths, l.Path)
			}); err != nil {
				t.Fatal(err)
			}
			want := "dir/secret.txt"
			if commits == nil {
				want = "dir/staged.txt"
			}
			if len(paths) != 1 || paths[0] != want {
				t.Errorf("%s=%s, commits %v: paths %q, want [%s]", cfg[0], cfg[1], commits, paths, want)
			}
		}
	}
}
