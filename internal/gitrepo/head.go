package gitrepo

import (
	"os"
	"path/filepath"
	"strings"
)

// HeadMessage reads the message of HEAD's commit entirely in-process, for
// hooks on the `git commit` latency path that only need to know whether
// there is anything to do: it finds the git directory the way git does for
// a hook ($GIT_DIR, else the nearest .git above dir, a directory or a
// "gitdir:" file; the refs and objects $GIT_COMMON_DIR's when it is set)
// and never starts a git process. ok is false whenever it
// cannot be sure (an unusual layout, no in-process reader in this program,
// objects it cannot read); the caller then opens the repository with Open.
func HeadMessage(dir string, getenv func(string) string) (msg string, ok bool) {
	if openObjects == nil {
		return "", false
	}
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return "", false
		}
	}
	gitDir, common, _ := locate(dir, getenv)
	if gitDir == "" {
		return "", false
	}
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return "", false
	}
	// HEAD is this worktree's; the refs and objects are the common
	// directory's, read as a bare repository would be.
	o := (&Repo{GitDir: common, CommonDir: common, Bare: true}).objects()
	if o == nil {
		return "", false
	}
	rev := strings.TrimSpace(string(head))
	if ref, isRef := strings.CutPrefix(rev, "ref: "); isRef {
		rev = ref
	}
	c, ok := o.Commit(rev)
	if !ok {
		return "", false
	}
	return c.Message, true
}

// locate finds the git directory the way git does ($GIT_DIR, else the
// nearest .git above dir, a directory or a "gitdir:" file), its common
// directory ($GIT_COMMON_DIR, else the one the git directory's commondir
// file names, else itself), and the top of the worktree ("" when
// $GIT_DIR named it). Relative variables are relative to dir.
func locate(dir string, getenv func(string) string) (gitDir, common, root string) {
	gitDir = getenv("GIT_DIR")
	if gitDir != "" && !filepath.IsAbs(gitDir) {
		gitDir = filepath.Join(dir, gitDir)
	}
	if gitDir == "" {
		if gitDir, root = findGitDir(dir, filepath.SplitList(getenv("GIT_CEILING_DIRECTORIES"))); gitDir == "" {
			return "", "", ""
		}
	}
	common = gitDir
	if c := getenv("GIT_COMMON_DIR"); c != "" {
		common = c
		if !filepath.IsAbs(common) {
			common = filepath.Join(dir, common)
		}
	} else if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	}
	return filepath.Clean(gitDir), filepath.Clean(common), root
}

// Discover opens the repository containing dir without starting git, for
// commands on a latency budget (a search). ok is false whenever the
// layout is one it cannot be sure of ($GIT_DIR, $GIT_WORK_TREE, a bare
// repository, core.worktree); the caller then uses Open.
func Discover(dir string, getenv func(string) string) (r *Repo, ok bool) {
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, false
		}
	}
	if getenv("GIT_DIR") != "" || getenv("GIT_WORK_TREE") != "" || getenv("GIT_COMMON_DIR") != "" {
		return nil, false
	}
	gitDir, common, root := locate(dir, getenv)
	if gitDir == "" || root == "" {
		return nil, false
	}
	if cfg, err := os.ReadFile(filepath.Join(common, "config")); err != nil || strings.Contains(strings.ToLower(string(cfg)), "worktree") {
		return nil, false
	}
	if _, err := os.Stat(filepath.Join(common, "objects")); err != nil {
		return nil, false
	}
	return &Repo{Root: root, GitDir: gitDir, CommonDir: common}, true
}

// findGitDir walks up from dir to the nearest .git, as git's discovery
// does: never up into one of the ceiling directories. top is the
// directory holding the .git. A git directory met on the way (a bare
// clone kept in a worktree, the worktree's .git, a submodule's
// .git/modules/NAME) is what git opens, as a bare repository: none is
// found, so that callers ask git (the enclosing worktree's index was
// searched).
func findGitDir(dir string, ceilings []string) (gitDir, top string) {
	for d := filepath.Clean(dir); ; {
		p := filepath.Join(d, ".git")
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				return p, d
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return "", ""
			}
			g, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
			if !ok {
				return "", ""
			}
			g = strings.TrimSpace(g)
			if !filepath.IsAbs(g) {
				g = filepath.Join(d, g)
			}
			return g, d
		}
		if isGitDir(d) {
			return "", ""
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", ""
		}
		for _, c := range ceilings {
			if c != "" && filepath.Clean(c) == parent {
				return "", ""
			}
		}
		d = parent
	}
}

// isGitDir: d looks like a git directory as git's discovery tests one
// (a HEAD, and objects or the commondir file of a linked worktree's).
// A false yes only costs the caller a git process.
func isGitDir(d string) bool {
	if fi, err := os.Stat(filepath.Join(d, "HEAD")); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if fi, err := os.Stat(filepath.Join(d, "objects")); err == nil && fi.IsDir() {
		return true
	}
	_, err := os.Stat(filepath.Join(d, "commondir"))
	return err == nil
}
