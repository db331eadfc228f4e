package gitrepo

import (
	"context"
	"strings"
)

// PathChange is one file a commit added (A), modified (M) or deleted (D).
type PathChange struct {
	Status byte
	Path   string
}

// CommitChanges is a commit and the files it changed.
type CommitChanges struct {
	Hash    string
	Changes []PathChange
}

// ChangedPaths lists, for each non-merge commit that git log selects with
// revArgs and touches pathspec, the files it changed against its parent
// (renames reported as a delete and an add), in git log's order.
func (r *Repo) ChangedPaths(ctx context.Context, revArgs []string, pathspec ...string) ([]CommitChanges, error) {
	args := append([]string{"log", "--no-merges", "--no-renames", "--format=%x01%H", "--name-status", "-z"}, revArgs...)
	args = append(append(args, "--"), pathspec...)
	out, err := r.GitBytes(ctx, args...)
	if err != nil {
		return nil, err
	}
	return parseNameStatusZ(string(out)), nil
}

func parseNameStatusZ(out string) []CommitChanges {
	var res []CommitChanges
	toks := strings.Split(out, "\x00")
	for i := 0; i < len(toks); i++ {
		t := strings.TrimLeft(toks[i], "\n")
		switch {
		case t == "":
		case t[0] == '\x01':
			res = append(res, CommitChanges{Hash: t[1:]})
		case len(res) > 0 && i+1 < len(toks):
			c := &res[len(res)-1]
			c.Changes = append(c.Changes, PathChange{Status: t[0], Path: toks[i+1]})
			i++
		}
	}
	return res
}
