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
// to the commits they point at, in one git process. Tags reads each tag
// object in-process, which is cheaper for a few tags; for hundreds of
// loose annotated tags this is several times faster.
func (r *Repo) PeeledTags(ctx context.Context, pattern string) (map[string]string, error) {
	out, err := r.Git(ctx, "for-each-ref", "--format=%(refname:strip=2) %(objecttype) %(objectname) %(*objecttype) %(*objectname)", "--", "refs/tags/"+pattern)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 3 && f[1] == "commit":
			tags[f[0]] = f[2]
		case len(f) == 5 && f[3] == "commit":
			tags[f[0]] = f[4]
		}
		// Anything else (a tag of a tree, a tag of a tag) is not a commit
		// marker and is left out.
	}
	return tags, nil
}
