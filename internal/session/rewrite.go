package session

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/hooks"
)

// Rewrite is one line of what git passes the post-rewrite hook: a commit
// and the commit that replaced it.
type Rewrite struct{ Old, New string }

// RewriteInputError is post-rewrite input that is not "OLD NEW" lines.
type RewriteInputError struct{ Msg string }

func (e *RewriteInputError) Error() string { return e.Msg }

// ParseRewrites reads the post-rewrite hook's input: one "OLD NEW" line
// per rewritten commit (git may add a third field; it is ignored).
func ParseRewrites(r io.Reader) ([]Rewrite, error) {
	var out []Rewrite
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || !isHash(f[0]) || !isHash(f[1]) {
			return nil, &RewriteInputError{fmt.Sprintf("line %d of the input is not \"OLD NEW\" (two commit hashes): %q", n, sc.Text())}
		}
		out = append(out, Rewrite{Old: f[0], New: f[1]})
	}
	return out, sc.Err()
}

func isHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

// AmendLeftToPostRewrite reports whether HEAD was just made by `git commit
// --amend` and the post-rewrite hook, which sees the commit it replaced,
// will deal with it: the post-commit hook then leaves it alone. (Tagging
// the amended commit first would let the old commit's tag, about to be
// deleted, push its id a second on.)
func AmendLeftToPostRewrite(ctx context.Context, repo *gitrepo.Repo) bool {
	msg, ok := repo.HeadReflogMessage()
	return ok && strings.HasPrefix(msg, "commit (amend)") && hooks.Runs(ctx, repo, "post-rewrite")
}

// remoteTimeout bounds the one question the post-rewrite hook may ask the
// remote (whether a tag was pushed): a rebase must not hang on a network.
const remoteTimeout = 15 * time.Second

// rewritten is one rewrite that concerns sessions.
type rewritten struct {
	old, new   *gitrepo.Commit
	oldM, newM Markers
	tags       []gitrepo.Tag   // the session tags on old
	kept       map[string]bool // tags of old that stay there (pushed, or not known)
	deleted    []gitrepo.Tag   // tags of old that were deleted, to follow new
}

// markerMade reports whether t was made from the old commit's markers
// (such tags carry the commit's subject as their message), rather than by
// 'git session start', 'end' or a repair.
func (r *rewritten) markerMade(t gitrepo.Tag) bool {
	return strings.TrimSpace(t.Message) == r.old.Subject
}

// PostRewrite makes the session tags and the active session follow
// commits that `git commit --amend` (kind "amend") or a rebase ("rebase")
// rewrote. A marker commit's copy has a new committer time, so the id CI
// derives from it (from the pushed history) is a new one; the laptop's
// tags and state must say the same. For each rewritten commit:
//
//   - its session tags that were never pushed (the default remote has no
//     tag of that name) are deleted from the old commit; a pushed tag is
//     never moved: it stays, with a warning saying what to do;
//   - the new commit's markers are tagged (as the post-commit hook would
//     have; it skips commits replayed by a rebase) after those deletions,
//     so the names are the ones a clone of the rewritten history derives;
//   - a deleted tag whose name does not depend on the commit (an end tag,
//     a tag made by 'git session start') is made again on the new commit,
//     with its message; a marker's start tag is replaced by the one the
//     new commit's marker derives;
//   - the worktree's active session follows: its starting commit, and its
//     id and start tag when they came from the rewritten marker.
//
// A tag made from a marker that the rewritten commit no longer has is
// warned about, and deleted unless pushed, as any other.
func PostRewrite(ctx context.Context, repo *gitrepo.Repo, kind string, rws []Rewrite) (*HookResult, error) {
	if kind == "amend" && repo.RebaseInProgress() {
		// An amend while a rebase stops: the rebase's own post-rewrite
		// lists the commit it started from and the one it ends with.
		return nil, nil
	}
	all, err := repo.Tags(ctx, TagPrefix)
	if err != nil {
		return nil, err
	}
	tagsOn := map[string][]gitrepo.Tag{}
	for _, t := range all {
		tagsOn[t.Commit] = append(tagsOn[t.Commit], t)
	}
	newOf := make(map[string]string, len(rws))
	var rs []*rewritten
	for _, rw := range rws {
		if rw.Old == rw.New {
			continue // an amend that changed nothing made the same commit
		}
		newOf[rw.Old] = rw.New
		n, err := repo.Commit(ctx, rw.New)
		if err != nil {
			return nil, err
		}
		if len(tagsOn[rw.Old]) == 0 && !MightHaveMarkers(n.Message) {
			continue // most rewritten commits carry no session at all
		}
		o, err := repo.Commit(ctx, rw.Old)
		if err != nil {
			return nil, err
		}
		r := &rewritten{old: o, new: n, oldM: ParseMarkers(o.Message), newM: ParseMarkers(n.Message), tags: tagsOn[rw.Old], kept: map[string]bool{}}
		if len(r.tags) == 0 && !r.newM.Any() && len(r.newM.Problems) == 0 {
			continue
		}
		rs = append(rs, r)
	}
	res := &HookResult{SyncResult: &SyncResult{Range: kind, Tags: []TagResult{}, Warnings: []string{}}}
	if len(rs) > 0 {
		if res, err = retag(ctx, repo, kind, rs, all); err != nil {
			return res, err
		}
	}
	if err := followEnded(ctx, repo, newOf); err != nil {
		return res, err
	}
	return res, followState(ctx, repo, res, rs, newOf)
}

// followEnded moves the sessions that await their record onto the
// rewritten commits: the commit that ended one, amended, holds its end
// tag now (the retagging made it there).
func followEnded(ctx context.Context, repo *gitrepo.Repo, newOf map[string]string) error {
	store := StoreOf(repo)
	ended, err := store.Ended()
	if err != nil || len(ended) == 0 {
		return err
	}
	lock, err := store.Lock(ctx)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	for _, st := range ended {
		changed := false
		for _, h := range []*string{&st.StartingCommit, &st.LastUpdateCommit, &st.EndedBy} {
			if n := newOf[*h]; n != "" {
				*h, changed = n, true
			}
		}
		if !changed {
			continue
		}
		if c, err := repo.Commit(ctx, st.EndedBy); err == nil {
			st.Ended = c.CommitTime.UTC()
		}
		if err := store.SaveEnded(st); err != nil {
			return err
		}
	}
	return nil
}

// retag deletes the unpushed session tags of the rewritten commits, tags
// the new commits' markers and makes the deleted tags that do not depend
// on the commit again on the new one. all are the repository's session
// tags, as PostRewrite read them (they are not read again).
func retag(ctx context.Context, repo *gitrepo.Repo, kind string, rs []*rewritten, all []gitrepo.Tag) (*HookResult, error) {
	dir, err := RecordsDir(repo)
	if err != nil {
		return nil, err
	}
	p := processorOf(repo, dir, taggerOf(repo, all))
	p.res.Range = kind
	res := &HookResult{SyncResult: p.res, archived: p.done}
	by := map[string]string{"amend": "git commit --amend", "rebase": "the rebase"}[kind]
	if by == "" {
		by = "a rewrite"
	}

	// A tag whose marker the copy lost is not kept on the old commit
	// either (unless pushed): a clone of the rewritten history has no
	// such tag, and here it would still hold its id, so that a later
	// marker commit of that second took the next one.
	for _, r := range rs {
		for _, t := range r.tags {
			if r.markerMade(t) && !r.newM.Any() {
				p.warnf("%s, which %s rewrote as %s, no longer has the session marker that made tag %s, so a clone of the rewritten history has no such session: the tag is deleted unless it was pushed; to keep the session, reword %s so that its message ends with the marker (git commit --amend, or reword in a rebase)",
					r.old.Short(), by, r.new.Short(), t.Name, r.new.Short())
			}
		}
	}
	markPushed(ctx, repo, p, rs)
	for _, r := range rs {
		for _, t := range r.tags {
			if r.kept[t.Name] {
				continue
			}
			if err := repo.DeleteTag(ctx, t.Name, r.old.Hash); err != nil {
				r.kept[t.Name] = true
				p.warnf("tag %s could not be moved off %s: %v", t.Name, r.old.Short(), err)
				continue
			}
			delete(p.tags.tags, t.Name)
			r.deleted = append(r.deleted, t)
		}
	}

	// The new commits, oldest first, as a clone of the rewritten history
	// tags them: each one's markers, then the tags of its old commit that
	// no marker made (by 'git session start', 'end', a repair), made again
	// under their names, before a later commit's closing marker looks for
	// them.
	// The records each copy adds or changes are read first, as sync reads
	// them: the copy of an archive commit gets its end tag from the
	// record, with the message CI's repair gives it, not from its closing
	// marker, with the commit's subject.
	copies := make([]string, 0, len(rs))
	for _, r := range rs {
		copies = append(copies, r.new.Hash)
	}
	changes, err := repo.ChangedPathsOf(ctx, copies, dir)
	if err != nil {
		return res, err
	}
	records := make(map[string][]gitrepo.PathChange, len(changes))
	for _, c := range changes {
		records[c.Hash] = c.Changes
	}
	done := map[string]bool{}
	opened := map[string]Opened{} // new commit → the session it opens
	moved := map[string]bool{}
	for _, r := range rs {
		if !done[r.new.Hash] {
			done[r.new.Hash] = true
			n := len(p.res.Opened)
			p.res.Commits++
			if err := p.commit(ctx, r.new, records[r.new.Hash], true); err != nil {
				return res, err
			}
			for _, o := range p.res.Opened[n:] {
				opened[o.Commit] = o
			}
		}
		for _, t := range r.deleted {
			ti, _ := ParseTag(t.Name)
			made := r.markerMade(t)
			if !made && p.tags.commitOf(t.Name) == "" {
				// Made by no marker: made again under its name.
				edge := "start"
				if ti.End {
					edge = "end"
				}
				if err := p.tag(ctx, TagResult{Tag: t.Name, Commit: r.new.Hash, Session: ti.ID, Edge: edge, Source: SourceRewrite, From: "rewritten " + r.old.Short()}, t.Message); err != nil {
					return res, err
				}
			}
			if p.tags.commitOf(t.Name) == r.new.Hash {
				moved[t.Name] = true
				res.Notes = append(res.Notes, fmt.Sprintf("moved tag %s from %s to %s (%s rewrote it; the tag was never pushed)", t.Name, r.old.Short(), r.new.Short(), by))
				continue
			}
			if !made {
				continue
			}
			// Made from the old commit's markers, which the new commit's
			// markers do not make again.
			if o, ok := opened[r.new.Hash]; ok && !ti.End {
				p.renamed[ti.ID] = o.ID
				res.Notes = append(res.Notes, fmt.Sprintf("deleted tag %s from %s (never pushed): %s rewrote it as %s, whose marker opens the session as %s", t.Name, r.old.Short(), by, r.new.Short(), o.ID))
			} else {
				res.Notes = append(res.Notes, fmt.Sprintf("deleted tag %s from %s (never pushed): %s rewrote it as %s, whose markers do not make it", t.Name, r.old.Short(), by, r.new.Short()))
			}
		}
	}
	p.flushUnknownClose()
	// A moved tag is reported as moved, not as a new one.
	for i := range p.res.Tags {
		if t := &p.res.Tags[i]; t.Status == TagCreated && moved[t.Tag] {
			t.Source = SourceRewrite
		}
	}
	// A pushed tag that stays on the old commit takes its name there: the
	// new commit cannot have it, which the warning already says.
	kept := p.res.Tags[:0]
	for _, t := range p.res.Tags {
		if t.Status == TagConflict && keptOn(rs, t.Tag, t.Existing) {
			continue
		}
		kept = append(kept, t)
	}
	p.res.Tags = kept
	return res, nil
}

// SourceRewrite marks a tag moved to a rewritten commit's copy.
const SourceRewrite = "rewrite"

func keptOn(rs []*rewritten, tag, commit string) bool {
	for _, r := range rs {
		if r.old.Hash == commit && r.kept[tag] {
			return true
		}
	}
	return false
}

// markPushed marks the tags of the rewritten commits that the default
// remote has (any commit: the name is published), and all of them when
// the remote cannot be asked: a tag that may be pushed is never moved.
func markPushed(ctx context.Context, repo *gitrepo.Repo, p *processor, rs []*rewritten) {
	n := 0
	for _, r := range rs {
		n += len(r.tags) - len(r.kept)
	}
	if n == 0 {
		return
	}
	remote := repo.DefaultRemote(ctx)
	if remote == "" {
		return // nowhere it could have been pushed
	}
	ctx, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	theirs, err := repo.PublishedTags(ctx, remote, TagPrefix)
	for _, r := range rs {
		for _, t := range r.tags {
			if r.kept[t.Name] {
				continue
			}
			if err != nil {
				r.kept[t.Name] = true
				p.warnf("could not ask %s whether tag %s was pushed (%v): it stays on %s, which was rewritten as %s; if it was never pushed: git tag -d %s, then git session sync --range %s",
					remote, t.Name, err, r.old.Short(), r.new.Short(), t.Name, r.new.Short())
				continue
			}
			if theirs[t.Name] {
				r.kept[t.Name] = true
				p.warnf("tag %s is on %s already: it stays on %s (a pushed tag is never moved), which was rewritten as %s; once %s is gone for good, delete the tag there and here: git push %s :refs/tags/%s && git tag -d %s",
					t.Name, remote, r.old.Short(), r.new.Short(), r.old.Short(), remote, t.Name, t.Name)
			}
		}
	}
}

// followState moves this worktree's active session onto the rewritten
// commits, and opens or ends it as the new commits' markers say (as the
// post-commit hook does for a new commit).
func followState(ctx context.Context, repo *gitrepo.Repo, res *HookResult, rs []*rewritten, newOf map[string]string) error {
	store := StoreOf(repo)
	st, err := store.Load()
	if err != nil || (st == nil && len(res.Opened) == 0) {
		return err
	}
	if st != nil && newOf[st.StartingCommit] == "" && newOf[st.LastUpdateCommit] == "" && len(res.Opened)+len(res.Closed) == 0 {
		return nil
	}
	lock, err := store.Lock(ctx)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if st, err = store.Load(); err != nil {
		return err
	}
	// A copy of a commit that opened a session reopens nothing. A fixup
	// or squash lists several old commits with one copy: any of them
	// with an opening marker makes it a copy of that marker.
	copiesOpener := map[string]bool{}
	for _, r := range rs {
		if r.oldM.Open != "" {
			copiesOpener[r.new.Hash] = true
		}
	}
	now := time.Now().UTC()
	changed := false
	if st != nil {
		if n := newOf[st.StartingCommit]; n != "" {
			o, reopened := openedBy(res, n)
			if reopened && st.Source == SourceMarker && o.ID != st.ID {
				old, oldTag := st.ID, st.StartTag
				st.ID, st.StartTag, st.StartingCommit, st.Created = o.ID, o.Tag, o.Commit, o.Time
				st.Log = append(st.Log, LogEntry{Time: now, Heading: "Marker Rewritten",
					Text: fmt.Sprintf("The commit that opened session %s was rewritten as %s; the session continues as %s (tag %s).", old, gitrepo.Short(n), o.ID, o.Tag)})
				note := fmt.Sprintf("the commit that opened session %s was rewritten: the session continues as %s, the id a clone of the rewritten history derives", old, o.ID)
				if tagAt(ctx, repo, oldTag) != "" {
					note += fmt.Sprintf(" (tag %s stays where it was)", oldTag)
				}
				res.Notes = append(res.Notes, note)
				changed = true
			} else if at := tagAt(ctx, repo, st.StartTag); at == n {
				st.StartingCommit = n
				st.Log = append(st.Log, LogEntry{Time: now, Heading: "Start Rewritten",
					Text: fmt.Sprintf("The session's starting commit was rewritten as %s; tag %s moved with it.", gitrepo.Short(n), st.StartTag)})
				res.Notes = append(res.Notes, fmt.Sprintf("session %s now starts at %s, the rewritten copy of its starting commit", st.ID, gitrepo.Short(n)))
				changed = true
			} else if at == "" && st.Source == SourceMarker {
				// Its marker is gone from the copy, and so is its start
				// tag: the session stays active on the copy, so that a
				// reword that puts the marker back opens it there again.
				st.StartingCommit = n
				st.Log = append(st.Log, LogEntry{Time: now, Heading: "Marker Lost",
					Text: fmt.Sprintf("The commit that opened the session was rewritten as %s, without its marker; tag %s is deleted.", gitrepo.Short(n), st.StartTag)})
				res.Notes = append(res.Notes, fmt.Sprintf("session %s stays active, but its start marker is gone from %s: reword it to end with the marker again, or a clone of this history has no such session", st.ID, gitrepo.Short(n)))
				changed = true
			}
			if reopened && st.Source == SourceMarker && o.Title != st.Title {
				res.Notes = append(res.Notes, retitle(st, o.Title, now))
				changed = true
			}
		}
		if n := newOf[st.LastUpdateCommit]; n != "" {
			st.LastUpdateCommit = n
			changed = true
		}
	}
	for _, id := range res.Closed {
		if st != nil && st.ID == id {
			if err := store.Clear(); err != nil {
				return err
			}
			if res.archived[id] {
				res.Notes = append(res.Notes, fmt.Sprintf("session %s ended by the rewritten commit, which archives its record", id))
			} else if c := closedBy(rs, res.Tags, id); c != nil {
				note, err := keepEnded(store, st, c, res.Tags, "the rewritten commit")
				if err != nil {
					return err
				}
				res.Notes = append(res.Notes, note)
			} else {
				res.Notes = append(res.Notes, fmt.Sprintf("session %s ended by the rewritten commit (no record written)", id))
			}
			st, changed = nil, false
		}
	}
	for _, o := range res.Opened {
		if st != nil || copiesOpener[o.Commit] {
			continue // active already, or reopened by its own copy
		}
		branch, err := repo.CurrentBranch(ctx)
		if err != nil {
			return err
		}
		st, changed = markerState(o, branch), true
		res.Notes = append(res.Notes, fmt.Sprintf("session %s is now active in this worktree ('git session end' archives it)", o.ID))
	}
	if changed && st != nil {
		return store.Save(st)
	}
	return nil
}

// retitle gives the active session st, which a marker opened, the title
// its rewritten marker gives: the record 'end' writes, and CI's view of
// the marker commit, must not disagree on it. The goal the marker made
// from the old title follows too; the change is logged, and the note
// that says it is returned.
func retitle(st *State, title string, now time.Time) string {
	old := st.Title
	st.Title = title
	for i := range st.Goals {
		if st.Goals[i].Text == old {
			st.Goals[i].Text = title
		}
	}
	st.Log = append(st.Log, LogEntry{Time: now, Heading: "Title Changed",
		Text: fmt.Sprintf("The rewritten marker retitled the session from %q to %q.", old, title)})
	return fmt.Sprintf("session %s is now titled '%s' (was '%s'), as its rewritten marker says", st.ID, title, old)
}

func openedBy(res *HookResult, commit string) (Opened, bool) {
	for _, o := range res.Opened {
		if o.Commit == commit {
			return o, true
		}
	}
	return Opened{}, false
}

// tagAt is the commit tag name leads to, "" when there is none.
func tagAt(ctx context.Context, repo *gitrepo.Repo, name string) string {
	if name == "" {
		return ""
	}
	t, ok, err := repo.LookupTag(ctx, name)
	if err != nil || !ok {
		return ""
	}
	return t.Commit
}

// closedBy is the rewritten commit whose closing marker gave session id
// its end tag.
func closedBy(rs []*rewritten, tags []TagResult, id string) *gitrepo.Commit {
	for _, t := range tags {
		if t.Session != id || t.Edge != "end" {
			continue
		}
		for _, r := range rs {
			if r.new.Hash == t.Commit {
				return r.new
			}
		}
	}
	return nil
}
