package gitrepo

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PickaxeCommit is a commit git log -S listed, with its first parent.
type PickaxeCommit struct {
	Hash string
	// Parent is "" for a root commit, and for one at the edge of a
	// shallow clone, whose parents are not in it.
	Parent string
}

// Pickaxe lists the non-merge commits that change how many times s
// occurs in path (git log -S, a fixed string): those that add it and
// those that remove it, newest first. It walks from HEAD, and from
// MERGE_HEAD too while a merge is under way (the other side's commits
// are not reachable from HEAD until the merge is committed). s goes to
// git in argv, so it must be public text. Nothing is fetched in a partial
// clone: a missing object is an error.
func (r *Repo) Pickaxe(ctx context.Context, s, path string) ([]PickaxeCommit, error) {
	args := []string{"log", "--no-show-signature", "--no-merges", "--no-ext-diff", "--no-textconv", "--format=%H %P", "-S" + s, "HEAD"}
	if _, err := os.Stat(filepath.Join(r.GitDir, "MERGE_HEAD")); err == nil {
		args = append(args, "MERGE_HEAD")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	out, err := r.gitNoFetch(ctx, nil, append(args, "--", path)...)
	if err != nil {
		return nil, err
	}
	var res []PickaxeCommit
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		c := PickaxeCommit{Hash: f[0]}
		if len(f) > 1 {
			c.Parent = f[1]
		}
		res = append(res, c)
	}
	return res, nil
}
