package gitrepo

import (
	"context"
	"strings"
)

// TagsMerged lists the names of tags matching the glob pattern whose
// commits are reachable from rev (git tag --merged): one process for the
// whole set, however many tags there are.
func (r *Repo) TagsMerged(ctx context.Context, rev, pattern string) ([]string, error) {
	out, err := r.Git(ctx, "tag", "--merged", rev, "--list", "--", pattern)
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Split(out, "\n"), nil
}

// PeeledTags maps the tags matching the glob pattern (e.g. "session-*")
// to the commits they mark, in one git process whatever the program's
// reader: for hundreds of loose annotated tags that is several times
// faster than reading each tag object in-process. Tags of trees and blobs
// are left out.
func (r *Repo) PeeledTags(ctx context.Context, pattern string) (map[string]string, error) {
	tags, err := r.tagsFromGit(ctx, "refs/tags/"+pattern, func(string) bool { return true })
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Name] = t.Commit
	}
	return m, nil
}
