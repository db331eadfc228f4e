package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

var syncCmd = &cli.Command{
	Name: "sync",
	Usage: `Usage: git session sync [--range A..B] [--push [--remote NAME]] [--json]
                        [--github]

Create the session tags that the commits of a range call for, oldest commit
first: the start and end tags of their markers (Session-Start:, Session-End:,
"session: start|end|archive ID" subjects), and the missing tags of the
archived records they add or change (start on the record's starting commit,
end on the commit that archived it, whatever its message says). Running it
again creates nothing; an existing tag is never moved: a marker tag whose
name is taken elsewhere is reported as a conflict (exit 1) and left alone.

--range A..B is the commits of B not in A; B alone (or no --range: HEAD)
is its whole history. An A of all zeros (a new branch) or a commit hash
this clone does not have (a force-push) also means all of B; an A that is
no hash and names nothing here (a typo) is refused.

Flags:
      --range A..B    the commits to read (default: all of HEAD)
      --push          push the range's session tags that the remote lacks
                      (made now or before), in one atomic push; one the
                      remote has on another commit is a conflict (exit 1),
                      reported again by every run until it is resolved
      --remote NAME   where --push goes (default: the default remote);
                      refused without --push
      --json          print the result as JSON
      --github        also write step outputs (created, count) and a step
                      summary table for GitHub Actions
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.String("range", "", "")
		fs.Bool("push", false, "")
		fs.String("remote", "", "")
		fs.Bool("json", false, "")
		fs.Bool("github", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git session sync", args, 0, 0); err != nil {
			return err
		}
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		dir, err := session.RecordsDir(r)
		if err != nil {
			return explain(err)
		}
		rng, _ := fs.GetString("range")
		// The outputs are written last; they are checked first: tags made
		// and pushed, then "cannot write the outputs", told nobody what was
		// done.
		if gh, _ := fs.GetBool("github"); gh {
			if err := ghaction.New(env.Stderr, env.Env).OutputsWritable(); err != nil {
				return ghaction.UserError(err, "run it inside GitHub Actions, or without --github")
			}
		}
		push, _ := fs.GetBool("push")
		remote, _ := fs.GetString("remote")
		if !push && remote != "" {
			// Without --push the remote is never asked, so a misspelled one
			// would pass unseen and the tags stay here.
			return cli.Usagef("--remote %s given without --push: sync pushes nothing without it", remote).
				WithHint("add --push to push the session tags to %s, or leave --remote out", remote)
		}
		if push && remote == "" {
			if remote = r.DefaultRemote(ctx); remote == "" {
				return explain(session.ErrNoRemote)
			}
		} else if push {
			if err := knownRemote(ctx, r, remote); err != nil {
				return err
			}
		}
		var fetchErr error
		if push {
			// A clone made without tags (actions/checkout) would tag again
			// what the remote has tagged (a re-run), and the push would be
			// refused; with the remote's session tags here, sync finds them.
			// A tag of the same name here on another commit is not
			// fetched (git never clobbers a tag); the comparison with the
			// remote below reports it.
			fetchErr = r.FetchTags(ctx, remote, "refs/tags/"+session.TagPrefix+"*")
		}
		res, err := session.Sync(ctx, r, dir, rng)
		if err != nil {
			return explain(err)
		}
		if env.Env("GITHUB_ACTIONS") == "true" {
			// CI's clone has a session's start tag only from the remote:
			// the one every clone fetches, which nothing there can change.
			res.QuietStartTitles(func(string) bool { return true })
		}
		var pushErr error
		pushed := 0
		if push {
			pushed, pushErr = pushTags(ctx, env, r, res, remote, fetchErr)
		}
		if gh, _ := fs.GetBool("github"); gh {
			if err := githubReport(env, res, rng); err != nil {
				return ghaction.UserError(err, "run it inside GitHub Actions, or without --github")
			}
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			out := struct {
				*session.SyncResult
				Pushed bool   `json:"pushed"`
				Remote string `json:"remote,omitempty"`
			}{res, pushed > 0, remote}
			if err := cli.WriteJSON(env.Stdout, out); err != nil {
				return err
			}
		} else {
			printTags(env.Stdout, res.Tags)
		}
		reportSync(env, res)
		if pushed > 0 {
			fmt.Fprintf(env.Stderr, "git-session: pushed %s to %s\n", cli.Count(pushed, "tag"), remote)
		}
		if pushErr != nil {
			return pushErr
		}
		if n := len(res.Failed()); n > 0 {
			return cli.Failf("%d session tags could not be created", n).WithHint("fix what git reports above, then sync again (it only creates what is missing)")
		}
		if theirs := res.RemoteConflicts(); len(theirs) > 0 {
			return remoteConflictError(remote, len(r.PushURLs(ctx, remote)), theirs, len(res.Conflicts())-len(theirs))
		}
		if n := len(res.Conflicts()); n > 0 {
			msg := fmt.Sprintf("%d session tag names are taken by tags on other commits; they were left as they are", n)
			if n == 1 {
				msg = "1 session tag name is taken by a tag on another commit; it was left as it is"
			}
			return cli.Failf("%s", msg).
				WithHint("inspect each with 'git show TAG'; delete a wrong one (git tag -d TAG, and on the remote) and sync again")
		}
		return nil
	},
}

// pushTags pushes, in one atomic push, the tags of the sync that remote
// lacks, after comparing them with the ones it has: a tag it has on
// another commit is marked a conflict and left out (CheckRemote). Asking
// the remote is what makes a re-run report a refused push again rather
// than find the tag here and call it done. fetchErr is why the remote's
// session tags could not all be fetched before the sync, if they could not.
func pushTags(ctx context.Context, env *cli.Env, r *gitrepo.Repo, res *session.SyncResult, remote string, fetchErr error) (int, error) {
	theirs, err := r.RemoteTags(ctx, remote, session.TagPrefix)
	var disagree *gitrepo.PushURLsDisagreeError
	if errors.As(err, &disagree) {
		return 0, cli.Failf("cannot read %s's session tags: %v", remote, err).
			WithHint("%s; nothing was pushed", cli.DisagreeHint(disagree, len(r.PushURLs(ctx, remote))))
	}
	if err != nil {
		if fetchErr != nil {
			warnFetch(env, remote, fetchErr)
		}
		return 0, cli.Failf("cannot read %s's session tags: %v", remote, err).
			WithHint("the tags are made here and nothing was pushed; run 'git session sync --push' again once %s can be reached", remote)
	}
	names := res.CheckRemote(remote, theirs)
	if fetchErr != nil {
		explainFetch(ctx, env, r, res, remote, theirs, fetchErr)
	}
	refs := make([]string, len(names))
	for i, n := range names {
		refs[i] = "refs/tags/" + n
	}
	if len(names) > 0 {
		if err := r.Push(ctx, remote, true, refs...); err != nil {
			return 0, cli.Failf("pushing %s to %s: %v", cli.Count(len(refs), "tag"), remote, err).
				WithHint("the tags are made here; push them once the remote accepts them: git push --atomic %s %s (or run 'git session sync --push' again)", remote, strings.Join(refs, " "))
		}
	}
	// The remote has each tag now that it had or was given; one it has
	// on another commit is a conflict, reported as such.
	res.QuietStartTitles(func(tag string) bool {
		_, ok := theirs[tag]
		return ok || slices.Contains(names, tag)
	})
	return len(refs), nil
}

// warnFetch says that the remote's session tags could not be fetched,
// when no tag here explains it.
func warnFetch(env *cli.Env, remote string, fetchErr error) {
	warnf(env, "could not fetch %s's session tags (%v); tags it has may be made again here", remote, fetchErr)
}

// explainFetch says why the remote's session tags could not be fetched:
// the tags here that the remote has on other commits. Those the sync
// read are reported as conflicts; the others are named here.
func explainFetch(ctx context.Context, env *cli.Env, r *gitrepo.Repo, res *session.SyncResult, remote string, theirs map[string]string, fetchErr error) {
	diverged, err := session.Diverged(ctx, r, theirs)
	if err != nil || len(diverged) == 0 {
		warnFetch(env, remote, fetchErr)
		return
	}
	reported := map[string]bool{}
	for _, t := range res.RemoteConflicts() {
		reported[t.Tag] = true
	}
	for _, d := range diverged {
		if !reported[d.Name] {
			warnf(env, "tag %s is on %s here and on %s at %s, outside the range read; left as it is on both", d.Name, gitrepo.Short(d.Here), gitrepo.Short(d.There), remote)
		}
	}
}

// remoteConflictError is the failure of a sync whose tags the remote has
// on other commits; others counts the conflicts with tags here, pushURLs
// the remote's own push URLs (gitrepo's PushURLs), which its tags were
// read from.
func remoteConflictError(remote string, pushURLs int, theirs []session.TagResult, others int) error {
	names := make([]string, len(theirs))
	for i, t := range theirs {
		names[i] = t.Tag
	}
	tag := "TAG"
	if len(names) == 1 {
		tag = names[0]
	}
	var e *cli.Error
	if len(names) == 1 {
		e = cli.Failf("session tag %s differs from %s's and was not pushed", tag, remote)
	} else {
		e = cli.Failf("%d session tags differ from %s's and were not pushed: %s", len(names), remote, strings.Join(names, ", "))
	}
	if others > 0 {
		e.Msg += fmt.Sprintf("; %d more names are taken by tags here on other commits", others)
	}
	ls, each := cli.PushURLCommand("git ls-remote URL refs/tags/"+tag, remote, pushURLs)
	return e.WithHint("tags are never moved: see which commit is right with 'git show %s' and '%s'%s; if %s's is, delete this one (git tag -d %s), else delete %s's (git push %s :refs/tags/%s); then run 'git session sync --push' again",
		tag, ls, each, remote, tag, remote, remote, tag)
}

// printTags prints the tags a sync made (one line each: status, tag, short
// commit, where it came from) on stdout.
func printTags(w io.Writer, tags []session.TagResult) {
	t := &cli.Table{}
	for _, tg := range tags {
		if tg.Status == session.TagExists {
			continue
		}
		t.Row(tg.Status, cli.Printable(tg.Tag), gitrepo.Short(tg.Commit), cli.Printable(tg.Source+": "+tg.From))
	}
	t.Write(w)
}

// reportSync prints warnings, conflicts and a summary on stderr.
func reportSync(env *cli.Env, res *session.SyncResult) {
	for _, w := range res.Warnings {
		warnf(env, "%s", w)
	}
	for _, t := range res.Tags {
		switch t.Status {
		case session.TagConflict:
			if t.Remote != "" {
				cli.ErrorLinef(env.Stderr, "git-session", "tag %s is on %s at %s, not on %s as here (%s); not pushed", t.Tag, gitrepo.Short(t.Existing), t.Remote, gitrepo.Short(t.Commit), t.From)
				continue
			}
			cli.ErrorLinef(env.Stderr, "git-session", "tag %s is on %s, not on %s (%s); left as it is", t.Tag, gitrepo.Short(t.Existing), gitrepo.Short(t.Commit), t.From)
		case session.TagFailed:
			cli.ErrorLinef(env.Stderr, "git-session", "tag %s on %s (%s) could not be created: %s", t.Tag, gitrepo.Short(t.Commit), t.From, t.Error)
		case session.TagKept:
			warnf(env, "%s names %s, which is already on %s (the record says %s); kept where it is", t.From, t.Tag, gitrepo.Short(t.Existing), gitrepo.Short(t.Commit))
		}
	}
	counts := map[string]int{}
	for _, t := range res.Tags {
		counts[t.Status]++
	}
	fmt.Fprintf(env.Stderr, "git-session: %s read: %s created, %d already there, %s\n",
		cli.Count(res.Commits, "commit"), cli.Count(counts[session.TagCreated], "tag"), res.AlreadyThere(), cli.Count(counts[session.TagConflict], "conflict"))
	if n := counts[session.TagFailed]; n > 0 {
		fmt.Fprintf(env.Stderr, "git-session: %s failed\n", cli.Count(n, "tag"))
	}
}

// githubReport writes the step outputs and the step summary.
func githubReport(env *cli.Env, res *session.SyncResult, rng string) error {
	a := ghaction.New(env.Stderr, env.Env)
	created := res.Created()
	names := make([]string, len(created))
	for i, t := range created {
		names[i] = t.Tag
	}
	if err := a.SetOutput("created", strings.Join(names, " ")); err != nil {
		return err
	}
	if err := a.SetOutput("count", fmt.Sprint(len(created))); err != nil {
		return err
	}
	for _, w := range res.Warnings {
		a.Warningf("%s", w)
	}
	for _, c := range res.Conflicts() {
		if c.Remote != "" {
			a.Errorf("session tag %s is on %s at %s, not on %s as here; not pushed", c.Tag, gitrepo.Short(c.Existing), c.Remote, gitrepo.Short(c.Commit))
			continue
		}
		a.Errorf("session tag %s is on %s, not on %s; left as it is", c.Tag, gitrepo.Short(c.Existing), gitrepo.Short(c.Commit))
	}
	if rng == "" {
		rng = "HEAD"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Session tags\n\n%s read (%s): %d created, %d already there, %s.\n\n", cli.Count(res.Commits, "commit"), ghaction.MarkdownCode(rng), len(created), res.AlreadyThere(), cli.Count(len(res.Conflicts()), "conflict"))
	t := &cli.Table{}
	t.Row("tag", "status", "commit", "session", "from")
	for _, tg := range res.Tags {
		if tg.Status == session.TagExists {
			continue
		}
		// GitHub renders the summary as HTML: a subject's markup would be
		// obeyed, and its pipes would end the cell.
		t.Row(ghaction.MarkdownCode(tg.Tag), tg.Status, ghaction.MarkdownCode(gitrepo.Short(tg.Commit)), ghaction.MarkdownText(tg.Session), ghaction.MarkdownText(tg.Source+": "+tg.From))
	}
	if t.Len() > 1 {
		b.WriteString(t.Markdown())
	}
	return a.Summary(b.String())
}

// knownRemote refuses a --remote that is no remote of r, no URL and no
// path: git would take a typo ("orign") for a path, and the push fail as
// a remote that "cannot be reached", after the tags were made.
func knownRemote(ctx context.Context, r *gitrepo.Repo, remote string) error {
	names, err := r.Remotes(ctx)
	if err != nil || slices.Contains(names, remote) || strings.ContainsAny(remote, `:/\`) {
		return nil
	}
	// git reads a bare name that is no remote as a path, from r.Dir().
	if _, err := os.Stat(filepath.Join(r.Dir(), remote)); err == nil {
		return nil
	}
	hint := "name one of this repository's remotes (" + strings.Join(names, ", ") + "), or give a URL"
	if len(names) == 0 {
		hint = "this repository has no remote: add one (git remote add origin URL), or give a URL"
	} else if near := cli.Nearest(remote, names); near != "" {
		hint = "did you mean " + near + "? (remotes: " + strings.Join(names, ", ") + "); or give a URL"
	}
	return cli.Usagef("no remote named %s", cli.Printable(remote)).WithHint("%s", hint)
}
