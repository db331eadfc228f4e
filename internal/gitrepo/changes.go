package gitrepo

import (
	"context"
	"io"
	"strings"
)

// PathChange is one file a commit added (A), modified (M) or deleted (D),
// or, where rename detection is on, renamed (R) or copied (C) to Path.
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
	// --root: a root commit's files whatever log.showRoot says; a
	// gitlink's change whatever diff.ignoreSubmodules says.
	return r.changedPaths(ctx, nil, revArgs, pathspec)
}

// ChangedPathsOf is ChangedPaths of the commits named, each alone
// (--no-walk), handed to git on its stdin: a rebase's thousands of
// copies would not fit on one command line.
func (r *Repo) ChangedPathsOf(ctx context.Context, commits []string, pathspec ...string) ([]CommitChanges, error) {
	if len(commits) == 0 {
		return nil, nil
	}
	return r.changedPaths(ctx, strings.NewReader(strings.Join(commits, "\n")+"\n"), []string{"--no-walk", "--stdin"}, pathspec)
}

func (r *Repo) changedPaths(ctx context.Context, stdin io.Reader, revArgs, pathspec []string) ([]CommitChanges, error) {
	args := append([]string{"log", "--no-show-signature", "--no-merges", "--no-renames", "--root", "--ignore-submodules=none", "--format=%x01%H", "--name-status", "-z"}, revArgs...)
	args = append(append(args, "--"), pathspec...)
	out, err := r.run(ctx, stdin, args...)
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
		case len(res) > 0 && (t[0] == 'R' || t[0] == 'C') && i+2 < len(toks):
			// A rename or copy (with -M): the path it has now follows the old one.
			c := &res[len(res)-1]
			c.Changes = append(c.Changes, PathChange{Status: t[0], Path: toks[i+2]})
			i += 2
		case len(res) > 0 && i+1 < len(toks):
			c := &res[len(res)-1]
			c.Changes = append(c.Changes, PathChange{Status: t[0], Path: toks[i+1]})
			i++
		}
	}
	return res
}

// PathVersion is a commit that changed a file and the file's path in it.
type PathVersion struct {
	Hash string
	Path string
}

// FileHistory lists the non-merge commits reachable from rev that changed
// path, following the file across renames (git log --follow), newest
// first, each with the path the file had in that commit. A moved file's
// history is what tells its first version apart from its move.
func (r *Repo) FileHistory(ctx context.Context, rev, path string) ([]PathVersion, error) {
	out, err := r.GitBytes(ctx, "log", "--no-show-signature", "--no-merges", "--follow", "-M", "--root", "--ignore-submodules=none", "--format=%x01%H", "--name-status", "-z", rev, "--", path)
	if err != nil {
		return nil, err
	}
	var res []PathVersion
	for _, c := range parseNameStatusZ(string(out)) {
		v := PathVersion{Hash: c.Hash}
		if len(c.Changes) > 0 {
			v.Path = c.Changes[0].Path
		}
		res = append(res, v)
	}
	return res, nil
}

// Renames maps each file that commit renamed (against its first parent,
// git's rename detection) to the path it had before.
func (r *Repo) Renames(ctx context.Context, commit string) (map[string]string, error) {
	out, err := r.GitBytes(ctx, "diff-tree", "-r", "-M", "--no-commit-id", "--name-status", "--diff-filter=R", "-z", commit+"^", commit)
	if err != nil {
		return nil, err
	}
	res := map[string]string{}
	toks := strings.Split(string(out), "\x00")
	for i := 0; i+2 < len(toks); i += 3 {
		if strings.HasPrefix(toks[i], "R") {
			res[toks[i+2]] = toks[i+1]
		}
	}
	return res, nil
}

// Rename is a file a commit moved: the path it had before and the one
// it has after.
type Rename struct{ From, To string }

// RenamesOf lists the renames git's rename detection sees in each of the
// commits (against their first parent; a root commit has none), by
// commit hash. Nothing is fetched: where a partial clone lacks the
// blobs that similar files are compared by, the renames are those of
// unchanged content (the same blob under another name), which need none.
// A hash given more than once is asked once: git would diff the commit
// again for each, and a directory's move lists every file it moved.
// Every commit git read has an entry, nil when it renamed nothing; one
// it could not read (rewritten and pruned since it was asked about) has
// none: git skips it without an error, and its renames would read as
// none.
func (r *Repo) RenamesOf(ctx context.Context, hashes []string) (map[string][]Rename, error) {
	if len(hashes) == 0 {
		return map[string][]Rename{}, nil
	}
	seen := make(map[string]bool, len(hashes))
	var in strings.Builder
	for _, h := range hashes {
		if !seen[h] {
			seen[h] = true
			in.WriteString(h + "\n")
		}
	}
	// --always: a commit without renames is named too, so that one git
	// skipped is told from it.
	args := []string{"diff-tree", "--stdin", "--always", "-r", "--root", "--name-status", "-z", "--diff-filter=R"}
	out, err := r.gitNoFetch(ctx, strings.NewReader(in.String()), append(args, "-M")...)
	if err != nil && ctx.Err() == nil {
		out, err = r.gitNoFetch(ctx, strings.NewReader(in.String()), append(args, "-M100%")...)
	}
	if err != nil {
		return nil, err
	}
	return parseRenamesZ(string(out)), nil
}

// parseRenamesZ reads diff-tree --stdin --name-status -z output: each
// commit's hash, then a status, old path and new path per rename. A
// status starts with R; a hash never does, so a path that looks like a
// hash is never taken for one.
func parseRenamesZ(out string) map[string][]Rename {
	res := map[string][]Rename{}
	toks := strings.Split(out, "\x00")
	cur := ""
	for i := 0; i < len(toks); i++ {
		t := strings.TrimLeft(toks[i], "\n")
		switch {
		case t == "":
		case t[0] == 'R' && i+2 < len(toks):
			res[cur] = append(res[cur], Rename{From: toks[i+1], To: toks[i+2]})
			i += 2
		default:
			cur = t
			if _, ok := res[cur]; !ok {
				res[cur] = nil
			}
		}
	}
	return res
}
