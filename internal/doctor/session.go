package doctor

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

func init() { register(40, "session", checkSession) }

// remoteTagsTimeout bounds the one network call the doctor makes for
// sessions, so a slow or unreachable remote cannot hang it.
const remoteTagsTimeout = 5 * time.Second

func checkSession(ctx context.Context, c *Context) []Finding {
	if c.Repo == nil {
		return []Finding{{Name: "sessions", Status: Skip, Detail: c.noRepo()}}
	}
	fs := []Finding{activeSession(ctx, c)}
	if f, ok := orphanedSessions(c); ok {
		fs = append(fs, f)
	}
	return append(fs, unpushedSessionTags(ctx, c))
}

// orphanedSessions warns of the sessions that were active in a linked
// worktree removed since; none is no finding, as most repositories never
// have one.
func orphanedSessions(c *Context) (Finding, bool) {
	lost, err := session.Orphans(c.Repo)
	if err != nil {
		return Finding{Name: "orphaned", Status: Warn, Detail: err.Error(), Hint: "check that " + session.KeptDir(c.Repo) + " can be read"}, true
	}
	if len(lost) == 0 {
		return Finding{}, false
	}
	store := session.StoreOf(c.Repo)
	st, _ := store.Load()
	f := Finding{Name: "orphaned", Status: Warn, Detail: lost[0].Message(), Hint: lost[0].Hint(store, st != nil)}
	if len(lost) > 1 {
		f.Detail += fmt.Sprintf(" (and %d more: git session status lists them)", len(lost)-1)
	}
	return f, true
}

func activeSession(ctx context.Context, c *Context) Finding {
	store := session.StoreOf(c.Repo)
	st, err := store.Load()
	switch {
	case err != nil:
		return Finding{Name: "active", Status: Fail, Detail: err.Error(),
			Hint: "remove " + store.Path() + " (the session's start tag is kept) and start again"}
	case st == nil:
		return Finding{Name: "active", Status: OK, Detail: "no active session in this worktree"}
	}
	elapsed := time.Since(st.Created)
	commits := ""
	if n, err := c.Repo.CountCommits(ctx, "--no-merges", st.StartingCommit+"..HEAD"); err == nil {
		commits = ", " + cli.Count(n, "commit")
	}
	return Finding{Name: "active", Status: OK,
		Detail: fmt.Sprintf("%s %q (%s, %s elapsed%s)", st.ID, st.Title, st.Agent, session.FormatDuration(elapsed), commits)}
}

// unpushedSessionTags finds the local session tags the default remote
// lacks. It asks the remote only when there is something to compare.
func unpushedSessionTags(ctx context.Context, c *Context) Finding {
	f := Finding{Name: "tags"}
	local, err := c.Repo.Tags(ctx, session.TagPrefix)
	if err != nil {
		f.Status, f.Detail, f.Hint = Fail, err.Error(), "check that 'git tag -l' works in this repository"
		return f
	}
	if len(local) == 0 {
		f.Status, f.Detail = OK, "no session tags"
		return f
	}
	remote := c.Repo.DefaultRemote(ctx)
	if remote == "" {
		f.Status, f.Detail = Skip, fmt.Sprintf("%s, and no remote to compare with", cli.Count(len(local), "session tag"))
		return f
	}
	rctx, cancel := context.WithTimeout(ctx, remoteTagsTimeout)
	defer cancel()
	theirs, err := c.Repo.RemoteTags(rctx, remote, session.TagPrefix)
	var disagree *gitrepo.PushURLsDisagreeError
	if errors.As(err, &disagree) {
		f.Status, f.Detail = Warn, fmt.Sprintf("could not list the tags of %s: %v", remote, err)
		f.Hint = cli.DisagreeHint(disagree, len(c.Repo.PushURLs(ctx, remote)))
		return f
	}
	if err != nil {
		f.Status, f.Detail = Warn, fmt.Sprintf("could not list the tags of %s: %v", remote, err)
		f.Hint = "check the network and your credentials for " + remote
		return f
	}
	var missing, differ []string
	for _, t := range local {
		switch h, ok := theirs[t.Name]; {
		case !ok:
			missing = append(missing, t.Name)
		case h != t.Commit:
			differ = append(differ, t.Name)
		}
	}
	sort.Strings(missing)
	sort.Strings(differ)
	switch {
	case len(differ) > 0:
		f.Status = Warn
		f.Detail = fmt.Sprintf("%s on %s point at other commits than here: %s", cli.Count(len(differ), "session tag"), remote, list(differ))
		ls, each := cli.PushURLCommand("git ls-remote --tags URL", remote, len(c.Repo.PushURLs(ctx, remote)))
		f.Hint = "tags are never moved: compare with '" + ls + "'" + each + " and delete the wrong one"
	case len(missing) > 0:
		f.Status = Warn
		f.Detail = fmt.Sprintf("%s not on %s: %s", cli.Count(len(missing), "session tag"), remote, list(missing))
		f.Hint = fmt.Sprintf("git push %s 'refs/tags/session-*:refs/tags/session-*'", remote)
	default:
		f.Status, f.Detail = OK, fmt.Sprintf("all %s are on %s", cli.Count(len(local), "session tag"), remote)
		if len(local) == 1 {
			f.Detail = "the session tag is on " + remote
		}
	}
	return f
}

func list(names []string) string {
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}
