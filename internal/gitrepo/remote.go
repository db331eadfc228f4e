package gitrepo

import (
	"context"
	"strings"
)

// DefaultRemote is the remote pushes go to: the current branch's pushRemote
// or remote, remote.pushDefault, else "origin" when it exists, else the only
// remote; "" when the repository has none.
func (r *Repo) DefaultRemote(ctx context.Context) string {
	if b, _ := r.CurrentBranch(ctx); b != "" {
		for _, k := range []string{"branch." + b + ".pushRemote", "remote.pushDefault", "branch." + b + ".remote"} {
			// "." is this repository (a branch tracking a local one), not
			// a remote to push to.
			if v := r.Config(ctx, k); v != "" && v != "." {
				return v
			}
		}
	}
	remotes, err := r.Remotes(ctx)
	if err != nil || len(remotes) == 0 {
		return ""
	}
	for _, rm := range remotes {
		if rm == "origin" {
			return rm
		}
	}
	return remotes[0]
}

// Remotes lists the names of the repository's remotes.
func (r *Repo) Remotes(ctx context.Context) ([]string, error) {
	out, err := r.Git(ctx, "remote")
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Fields(out), nil
}

// TrackingRefArgs are the rev-list arguments that name the tracking refs
// of the remote called remote, refs/remotes/NAME/*, and no other's; none
// when no remote has that name (a URL). --remotes=NAME is not that: its
// glob's * matches across slashes, and a remote's name may hold one, so
// refs/remotes/origin/* is also the refs of a remote named origin/mirror.
// Those are excluded; a branch of origin's with a slash in its name
// (refs/remotes/origin/release/v1) is kept. A name cannot hold a glob
// character ('*', '?', '[' or '\\' are not allowed in a ref).
func (r *Repo) TrackingRefArgs(ctx context.Context, remote string) ([]string, error) {
	remotes, err := r.Remotes(ctx)
	if err != nil {
		return nil, err
	}
	found := false
	var args []string
	for _, rm := range remotes {
		if rm == remote {
			found = true
		} else if strings.HasPrefix(rm, remote+"/") {
			args = append(args, "--exclude=refs/remotes/"+rm+"/*")
		}
	}
	if !found {
		return nil, nil
	}
	return append(args, "--glob=refs/remotes/"+remote+"/*"), nil
}

// Push pushes refspecs to remote; with atomic, all of them land or none do.
func (r *Repo) Push(ctx context.Context, remote string, atomic bool, refspecs ...string) error {
	args := []string{"push", "--quiet"}
	if atomic {
		args = append(args, "--atomic")
	}
	// Hooks are not skipped: our own pre-push guard must see this push too.
	args = append(args, "--", remote)
	_, err := r.Git(ctx, append(args, refspecs...)...)
	return err
}

// RemoteTags lists the tags a remote has (name → peeled commit), asking the
// remote itself rather than trusting local remote-tracking state.
func (r *Repo) RemoteTags(ctx context.Context, remote, prefix string) (map[string]string, error) {
	out, err := r.Git(ctx, "ls-remote", "--tags", "--", remote, "refs/tags/"+prefix+"*")
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		hash, ref, ok := strings.Cut(l, "\t")
		if !ok {
			continue
		}
		name := strings.TrimPrefix(ref, "refs/tags/")
		if p, found := strings.CutSuffix(name, "^{}"); found {
			tags[p] = hash // the peeled commit wins over the tag object
			continue
		}
		if _, seen := tags[name]; !seen {
			tags[name] = hash
		}
	}
	return tags, nil
}
