package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// RemoteBranch is where a branch is pushed to and compared with: a remote
// and the branch ref there.
type RemoteBranch struct {
	Remote string // remote name
	Ref    string // full ref on the remote: refs/heads/main
	// Configured is true when the branch tracks it (branch.<b>.remote and
	// .merge); false when it is the default remote's branch of the same name.
	Configured bool
}

// PushTarget returns where git push sends branch: to the remote
// branch.<b>.pushRemote names, else remote.pushDefault, else the one the
// branch tracks, else the default remote; there, to the branch it tracks
// when that is the remote it tracks, else to the branch of the same name,
// as push.default simple does when pulling from one remote and pushing to
// another. ok is false when the repository has no remote at all.
func (r *Repo) PushTarget(ctx context.Context, branch string) (RemoteBranch, bool) {
	up, tracked := r.TrackedBranch(ctx, branch)
	remote := ""
	for _, k := range []string{"branch." + branch + ".pushRemote", "remote.pushDefault"} {
		// "." is this repository, not a remote to push to.
		if v := r.Config(ctx, k); v != "" && v != "." {
			remote = v
			break
		}
	}
	switch {
	case tracked && (remote == "" || remote == up.Remote):
		return up, true
	case remote == "":
		if remote = r.DefaultRemote(ctx); remote == "" {
			return RemoteBranch{}, false
		}
	}
	return RemoteBranch{Remote: remote, Ref: "refs/heads/" + branch}, true
}

// TrackedBranch returns the remote branch that branch tracks (Upstream);
// ok is false when it tracks none, or a local branch (remote ".").
func (r *Repo) TrackedBranch(ctx context.Context, branch string) (RemoteBranch, bool) {
	remote, name := r.Upstream(ctx, branch)
	if remote == "" || remote == "." || name == "" {
		return RemoteBranch{}, false
	}
	return RemoteBranch{Remote: remote, Ref: "refs/heads/" + name, Configured: true}, true
}

// RemoteRef asks the remote for the commit ref points at there; "" when the
// remote has no such ref. Nothing local changes.
func (r *Repo) RemoteRef(ctx context.Context, remote, ref string) (string, error) {
	out, err := r.Git(ctx, "ls-remote", "--", remote, ref)
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(out, "\n") {
		if hash, name, ok := strings.Cut(l, "\t"); ok && name == ref {
			return hash, nil
		}
	}
	return "", nil
}

// RemoteCommit is the commit ref points at on the remote, asked there
// directly, with its commits fetched when this repository lacks them (no
// ref moves): "" when the remote has no such ref; ErrUnfetched when its
// commits could not be fetched; any other error when the remote could not
// be asked. It asks the fetch URL, where the branch is pulled from;
// PushedCommits asks where it is pushed.
func (r *Repo) RemoteCommit(ctx context.Context, remote, ref string) (string, error) {
	theirs, err := r.RemoteRef(ctx, remote, ref)
	if err != nil || theirs == "" {
		return "", err
	}
	if !r.HasObject(ctx, theirs) {
		if err := r.FetchObjects(ctx, remote, ref); err != nil || !r.HasObject(ctx, theirs) {
			return theirs, ErrUnfetched
		}
	}
	return theirs, nil
}

// PushedCommits is RemoteCommit asked of each URL git push sends remote's
// pushes to (PushURLs; the remote by name when it has none of its own):
// with remote.NAME.pushurl or url.*.pushInsteadOf set, the fetch URL is
// another repository, and a branch even with it can be behind the one a
// push goes to. One commit per URL, in PushURLs' order, "" where that URL
// has no such ref; the first error stops it.
func (r *Repo) PushedCommits(ctx context.Context, remote, ref string) ([]string, error) {
	urls := r.PushURLs(ctx, remote)
	if urls == nil {
		urls = []string{remote}
	}
	commits := make([]string, len(urls))
	for i, u := range urls {
		// A URL in argv is no new exposure: git passes it to its remote
		// helper's command line for every ls-remote and push.
		c, err := r.RemoteCommit(ctx, u, ref)
		if err != nil {
			return nil, err
		}
		commits[i] = c
	}
	return commits, nil
}

// ErrUnfetched: a remote commit's history could not be fetched.
var ErrUnfetched = errors.New("the remote's commits could not be fetched")

// FetchTags copies the remote's tags matching pattern (refs/tags/session-*)
// that this repository lacks; a tag it has is never changed (git refuses
// to clobber one, and that is the error returned).
func (r *Repo) FetchTags(ctx context.Context, remote, pattern string) error {
	_, err := r.Git(ctx, "fetch", "--quiet", "--no-write-fetch-head", "--no-tags", "--", remote, pattern+":"+pattern)
	return err
}

// FetchObjects downloads ref's commits from remote without updating any
// ref: no remote-tracking branch, no FETCH_HEAD (an empty --refmap turns
// off the configured mapping), so a caller can compare histories and still
// leave every ref as it was.
func (r *Repo) FetchObjects(ctx context.Context, remote, ref string) error {
	_, err := r.Git(ctx, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--refmap=", "--", remote, ref)
	return err
}

// AheadBehind counts the commits of a not in b (ahead) and of b not in a
// (behind).
func (r *Repo) AheadBehind(ctx context.Context, a, b string) (ahead, behind int, err error) {
	out, err := r.Git(ctx, "rev-list", "--left-right", "--count", a+"..."+b)
	if err != nil {
		return 0, 0, err
	}
	if _, err := fmt.Sscanf(out, "%d\t%d", &ahead, &behind); err != nil {
		return 0, 0, fmt.Errorf("git rev-list --count: unexpected output %q", out)
	}
	return ahead, behind, nil
}
