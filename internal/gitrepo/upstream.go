package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// PushTarget returns where git push with no arguments sends branch: to
// the remote branch.<b>.pushRemote names, else remote.pushDefault, else
// the one the branch tracks, else the default remote. There, what
// remote.<name>.push maps the branch to when it has refspecs (they win
// over push.default, as in git push); else, by push.default: current,
// the branch of the same name; matching, the branch of the same name when
// the remote has one (matching pushes only this one branch here, not
// every one both sides have), as a refspec ":" does; upstream (or
// tracking), the branch it tracks; simple or unset, the branch it tracks
// when that is the remote it tracks and the branch there has the same
// name, else the branch of the same name, as simple does pulling from one
// remote and pushing to another. ok is false when the repository has no
// remote at all; a NoPushTargetError when git push would not push the
// branch (push.default=nothing, upstream with no upstream there, simple
// with an upstream of another name there, matching with no branch of the
// name there, refspecs that leave it out) or sends it where this does not
// follow (a refspec to a ref that is no branch, a negative one).
func (r *Repo) PushTarget(ctx context.Context, branch string) (RemoteBranch, bool, error) {
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
	case remote != "":
	case tracked:
		remote = up.Remote
	default:
		if remote = r.DefaultRemote(ctx); remote == "" {
			return RemoteBranch{}, false, nil
		}
	}
	target := func(ref string) (RemoteBranch, bool, error) {
		if tracked && up.Remote == remote && up.Ref == ref {
			return up, true, nil
		}
		return RemoteBranch{Remote: remote, Ref: ref}, true, nil
	}
	refuse := func(why string, a ...any) (RemoteBranch, bool, error) {
		return RemoteBranch{}, false, &NoPushTargetError{Branch: branch, Remote: remote, Why: fmt.Sprintf(why, a...)}
	}
	// matching pushes the branches the remote has too, and no other:
	// one made here is not pushed, which git push reports as everything
	// up to date. Where the push goes is asked, each push URL; a remote
	// that cannot be asked is left to the push to report.
	matching := func(why string, byDefault bool) (RemoteBranch, bool, error) {
		ref := "refs/heads/" + branch
		each, err := askPushURLs(ctx, r, remote, func(target string) (string, error) {
			return r.RemoteRef(ctx, target, ref)
		})
		if err == nil && slices.Contains(each, "") {
			return RemoteBranch{}, false, &NoPushTargetError{Branch: branch, Remote: remote, Matching: byDefault,
				Why: fmt.Sprintf("%s and %s has no branch %s", why, remote, branch)}
		}
		return target(ref)
	}
	if out, err := r.Git(ctx, "config", "--get-all", "remote."+remote+".push"); err == nil && out != "" {
		ref, match, why := refspecTarget(strings.Split(out, "\n"), branch)
		switch {
		case why != "":
			return refuse("remote.%s.push %s", remote, why)
		case match:
			return matching(fmt.Sprintf("remote.%s.push is ':' (matching)", remote), false)
		}
		return target(ref)
	}
	mode := r.Config(ctx, "push.default")
	switch mode {
	case "nothing":
		return refuse("push.default is nothing")
	case "current":
		return target("refs/heads/" + branch)
	case "matching":
		return matching("push.default is matching", true)
	case "upstream", "tracking":
		switch {
		case !tracked:
			return refuse("push.default is %s and it tracks no remote branch", mode)
		case up.Remote != remote:
			return refuse("push.default is %s and it is pushed to %s, not to %s, the remote it tracks", mode, remote, up.Remote)
		}
		return up, true, nil
	}
	if tracked && remote == up.Remote {
		// simple refuses an upstream of another name ("does not match the
		// name of your current branch"): topic made from origin/main
		// tracks it, and its release or session pushed onto main.
		if up.Ref != "refs/heads/"+branch {
			simple, name := "simple", strings.TrimPrefix(up.Ref, "refs/heads/")
			if mode == "" {
				simple = "simple (git's default)"
			}
			return RemoteBranch{}, false, &NoPushTargetError{Branch: branch, Remote: remote, Tracked: name,
				Why: fmt.Sprintf("push.default is %s and its upstream %s/%s has another name", simple, remote, name)}
		}
		return up, true, nil
	}
	return target("refs/heads/" + branch)
}

// NoPushTargetError: git push with no arguments would not push Branch to
// Remote, or would send it where PushTarget does not follow; Why says
// which setting makes it so.
type NoPushTargetError struct {
	Branch, Remote, Why string
	// Tracked is the upstream's branch name on Remote when push.default
	// is simple and refuses it for not being Branch: a push could go to
	// either (push.default=upstream there, current to Branch).
	Tracked string
	// Matching: push.default is matching, which pushes only the branches
	// Remote has too, and Remote has no Branch, so a push makes none.
	// push.default=current makes one, as does git push -u once, after
	// which matching pushes it. (A remote.<name>.push of ":" is matching
	// too, where push.default changes nothing.)
	Matching bool
}

func (e *NoPushTargetError) Error() string {
	return fmt.Sprintf("git push names no branch of %s to push %s to: %s", e.Remote, e.Branch, e.Why)
}

// refspecTarget is the ref that the push refspecs send branch to; why,
// when none does ("names no refspec for it") or one is of a kind not
// followed here, says so. Refspecs are matched as git push matches them:
// a source of HEAD, the branch's short or full name, or a glob with one *;
// ":" is matching (the same name, where the remote has it: match says
// that only ":" sends it); a destination not under refs/ is a branch's
// short name.
func refspecTarget(specs []string, branch string) (ref string, match bool, why string) {
	full := "refs/heads/" + branch
	var found []string
	colon, named := false, false
	for _, spec := range specs {
		spec = strings.TrimPrefix(strings.TrimSpace(spec), "+")
		if strings.HasPrefix(spec, "^") {
			return "", false, fmt.Sprintf("has a negative refspec, which is not followed here: %s", spec)
		}
		src, dst, hasDst := strings.Cut(spec, ":")
		if spec == ":" {
			colon = true
			found = append(found, full)
			continue
		}
		if !hasDst || dst == "" {
			dst = src
		}
		switch {
		case strings.Count(src, "*") == 1 && strings.Count(dst, "*") == 1:
			pre, suf, _ := strings.Cut(src, "*")
			if strings.HasPrefix(full, pre) && strings.HasSuffix(full, suf) && len(full) >= len(pre)+len(suf) {
				found = append(found, strings.Replace(dst, "*", full[len(pre):len(full)-len(suf)], 1))
				named = true
			}
			continue
		case strings.Contains(src, "*"):
			return "", false, fmt.Sprintf("has a refspec not followed here: %s", spec)
		case src != "HEAD" && src != branch && src != full:
			continue
		}
		if !strings.HasPrefix(dst, "refs/") {
			dst = "refs/heads/" + dst
		}
		found = append(found, dst)
		named = true
	}
	switch {
	case len(found) == 0:
		return "", false, "names no refspec for it"
	case len(found) > 1 && slices.ContainsFunc(found, func(f string) bool { return f != found[0] }):
		return "", false, "sends it to more than one ref: " + strings.Join(found, ", ")
	case !strings.HasPrefix(found[0], "refs/heads/"):
		return "", false, "sends it to " + found[0] + ", which is not a branch"
	}
	// A refspec that names the branch pushes it whatever the remote has.
	return found[0], colon && !named, ""
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
	return askPushURLs(ctx, r, remote, func(target string) (string, error) {
		return r.RemoteCommit(ctx, target, ref)
	})
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
