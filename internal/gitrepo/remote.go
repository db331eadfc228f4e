package gitrepo

import (
	"context"
	"fmt"
	"sort"
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

// RemoteTags lists the tags that git push to remote reaches (name →
// peeled commit), asking the remote itself rather than trusting local
// remote-tracking state. git ls-remote NAME asks the fetch URL; a push
// goes to remote.NAME.pushurl, or the url that url.*.pushInsteadOf
// rewrites, and to each of several: every one is asked, and a tag counts
// as there when all of them have it (one that some lack has still to be
// pushed there). Push URLs that have a tag on different commits are an
// error, naming the tag but no URL (a URL may hold credentials).
func (r *Repo) RemoteTags(ctx context.Context, remote, prefix string) (map[string]string, error) {
	each, err := r.pushTargetTags(ctx, remote, prefix)
	if err != nil {
		return nil, err
	}
	tags := each[0]
	var disagree []string
	for _, theirs := range each[1:] {
		for name, hash := range tags {
			switch h, ok := theirs[name]; {
			case !ok:
				delete(tags, name)
			case h != hash:
				disagree = append(disagree, name)
			}
		}
	}
	if len(disagree) > 0 {
		sort.Strings(disagree)
		return nil, &PushURLsDisagreeError{Remote: remote, Tags: disagree}
	}
	return tags, nil
}

// PushURLsDisagreeError: the push URLs of Remote have Tags on different
// commits. It names no URL (a URL may hold credentials); no retry mends
// it: one of them has the wrong tag, to be deleted there.
type PushURLsDisagreeError struct {
	Remote string
	Tags   []string // sorted
}

func (e *PushURLsDisagreeError) Error() string {
	return fmt.Sprintf("the push URLs of %s have %s on different commits", e.Remote, strings.Join(e.Tags, ", "))
}

// PublishedTags are the names of the tags that any URL git push to
// remote sends to has (RemoteTags asks all of them to): a name one of
// them has is published, whatever the others have.
func (r *Repo) PublishedTags(ctx context.Context, remote, prefix string) (map[string]bool, error) {
	each, err := r.pushTargetTags(ctx, remote, prefix)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, tags := range each {
		for name := range tags {
			names[name] = true
		}
	}
	return names, nil
}

// pushTargetTags lists the tags of each URL git push to remote sends to.
func (r *Repo) pushTargetTags(ctx context.Context, remote, prefix string) ([]map[string]string, error) {
	return askPushURLs(ctx, r, remote, func(target string) (map[string]string, error) {
		return r.lsRemoteTags(ctx, target, prefix)
	})
}

// askPushURLs asks each URL git push to remote sends to (PushURLs), in
// order, or the remote by name when it has no push URL of its own; the
// first error stops it.
func askPushURLs[T any](ctx context.Context, r *Repo, remote string, ask func(target string) (T, error)) ([]T, error) {
	urls := r.PushURLs(ctx, remote)
	if urls == nil {
		urls = []string{remote}
	}
	each := make([]T, len(urls))
	for i, u := range urls {
		// A URL in argv is no new exposure: git passes it to its remote
		// helper's command line for every ls-remote and push.
		v, err := ask(u)
		if err != nil {
			return nil, err
		}
		each[i] = v
	}
	return each, nil
}

// PushURLs are the URLs git push sends to for remote, nil when that is
// only the URL git ls-remote asks for it (no push URL of its own), or
// when remote is not a remote's name (a URL, asked as it is).
func (r *Repo) PushURLs(ctx context.Context, remote string) []string {
	out, err := r.Git(ctx, "remote", "get-url", "--push", "--all", "--", remote)
	if err != nil || out == "" {
		return nil
	}
	urls := strings.Split(out, "\n")
	if fetch, err := r.Git(ctx, "remote", "get-url", "--", remote); err == nil && len(urls) == 1 && urls[0] == fetch {
		return nil
	}
	return urls
}

func (r *Repo) lsRemoteTags(ctx context.Context, remote, prefix string) (map[string]string, error) {
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
