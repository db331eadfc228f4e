package gitrepo

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// HeadMessage reads the message of HEAD's commit entirely in-process, for
// hooks on the `git commit` latency path that only need to know whether
// there is anything to do: it finds the git directory the way git does for
// a hook ($GIT_DIR, else the nearest .git above dir, a directory or a
// "gitdir:" file) and never starts a git process. ok is false whenever it
// cannot be sure (an unusual layout, objects go-git cannot read); the
// caller then opens the repository with Open.
func HeadMessage(dir string, getenv func(string) string) (msg string, ok bool) {
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return "", false
		}
	}
	gitDir := getenv("GIT_DIR")
	if gitDir != "" && !filepath.IsAbs(gitDir) {
		gitDir = filepath.Join(dir, gitDir)
	}
	if gitDir == "" {
		if gitDir = findGitDir(dir, filepath.SplitList(getenv("GIT_CEILING_DIRECTORIES"))); gitDir == "" {
			return "", false
		}
	}
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	}
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return "", false
	}
	gg, err := git.PlainOpen(common)
	if err != nil {
		return "", false
	}
	h := plumbing.NewHash(strings.TrimSpace(string(head)))
	if ref, isRef := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: "); isRef {
		r, err := gg.Reference(plumbing.ReferenceName(ref), true)
		if err != nil {
			return "", false
		}
		h = r.Hash()
	}
	c, err := gg.CommitObject(h)
	if err != nil {
		return "", false
	}
	return c.Message, true
}

// findGitDir walks up from dir to the nearest .git, as git's discovery
// does: never up into one of the ceiling directories.
func findGitDir(dir string, ceilings []string) string {
	for d := filepath.Clean(dir); ; {
		p := filepath.Join(d, ".git")
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				return p
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return ""
			}
			g, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
			if !ok {
				return ""
			}
			g = strings.TrimSpace(g)
			if !filepath.IsAbs(g) {
				g = filepath.Join(d, g)
			}
			return g
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		for _, c := range ceilings {
			if c != "" && filepath.Clean(c) == parent {
				return ""
			}
		}
		d = parent
	}
}
