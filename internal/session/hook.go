package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	// The hooks read HEAD, tags and records in-process: a git process
	// for each would be most of a commit's hook time.
	_ "github.com/verdigris-dev/verdigris/internal/gitrepo/inprocess"
)

// EndingEnv is set by `end` for the commit it makes, so the post-commit
// hook leaves that commit's closing marker to `end`, which tags it itself.
const EndingEnv = "VERDIGRIS_SESSION_ENDING"

// HookResult is what the post-commit hook did.
type HookResult struct {
	*SyncResult
	// Notes tell the user how the worktree's active session changed.
	Notes []string
	// Hints say what to do about a warning.
	Hints []string
	// archived are the ids whose archived records the commits add or
	// change: a session they close was not ended without a record.
	archived map[string]bool
}

// PostCommit creates the tags that HEAD's markers call for. It is on the
// `git commit` latency budget, so a commit without markers costs one
// in-process read of HEAD: no git process, no configuration read. A
// session that HEAD opens becomes this worktree's active session when it
// has none; one that HEAD closes stops being active. Commits being
// replayed by a rebase are left alone, and so is an amended commit when
// the post-rewrite hook runs: PostRewrite deals with both, knowing which
// commit each one replaced.
func PostCommit(ctx context.Context, repo *gitrepo.Repo, getenv func(string) string) (*HookResult, error) {
	if repo.RebaseInProgress() {
		return nil, nil
	}
	c, err := repo.Commit(ctx, "HEAD")
	if err != nil {
		return nil, nil // no HEAD: nothing was committed
	}
	m := ParseMarkers(c.Message)
	if !m.Any() && len(m.Problems) == 0 {
		return nil, nil
	}
	if AmendLeftToPostRewrite(ctx, repo) {
		return nil, nil
	}
	dir, err := RecordsDir(repo)
	if err != nil {
		return nil, err
	}
	p, err := newProcessor(ctx, repo, dir)
	if err != nil {
		return nil, err
	}
	if id := getenv(EndingEnv); id != "" {
		// 'end' tags its archive commit and the record in it itself.
		p.skipClose, p.done[id] = id, true
	}
	p.res.Range = c.Hash
	p.res.Commits = 1
	// The records HEAD adds or changes are read first, as sync reads
	// them: a commit that archives one by hand ("session: archive ID
	// (TITLE)", or any subject with a Session-End trailer) gets the
	// record's end tag with the message 'end' and CI's repair give it,
	// not its closing marker's subject, else CI's tag of that name is
	// another object and git fetch --tags refuses it.
	changes, err := repo.ChangedPathsOf(ctx, []string{c.Hash}, dir)
	if err != nil {
		return nil, err
	}
	var records []gitrepo.PathChange
	for _, ch := range changes {
		if ch.Hash == c.Hash {
			records = ch.Changes
		}
	}
	if err := p.commit(ctx, c, records, true); err != nil {
		return nil, err
	}
	p.flushUnknownClose()
	res := &HookResult{SyncResult: p.res}
	store := StoreOf(repo)
	if m.CloseWithoutID && len(p.res.Closed) == 0 {
		// "session: end" without its id closes nothing, here or in CI:
		// the id to write is the active session's.
		if st, err := store.Load(); err == nil && st != nil {
			res.Hints = append(res.Hints, fmt.Sprintf("the active session is %s: end it with 'git session end', or amend this commit to say 'session: end %s'", st.ID, st.ID))
		}
	}
	if len(p.res.Opened) == 0 && len(p.res.Closed) == 0 {
		return res, nil
	}
	lock, err := store.Lock(ctx)
	if err != nil {
		return res, err
	}
	defer lock.Unlock()
	st, err := store.Load()
	if err != nil {
		return res, err
	}
	for _, id := range p.res.Closed {
		if st != nil && st.ID == id {
			if err := store.Clear(); err != nil {
				return res, err
			}
			if p.done[id] {
				res.Notes = append(res.Notes, fmt.Sprintf("session %s ended by this commit, which archives its record", id))
			} else {
				note, err := keepEnded(store, st, c, p.res.Tags, "this commit")
				if err != nil {
					return res, err
				}
				res.Notes = append(res.Notes, note)
			}
			st = nil
		}
	}
	for _, o := range p.res.Opened {
		if st != nil && st.ID == o.ID {
			continue
		}
		if st != nil && rewrote(ctx, repo, st, o) {
			// git commit --amend of the commit whose marker opened the
			// active session: CI derives the session from the new commit
			// (its committer time is the id), so the session follows it
			// rather than stay on a commit no branch has.
			old, oldTag := st.ID, st.StartTag
			st.ID, st.StartTag, st.StartingCommit, st.Created = o.ID, o.Tag, o.Commit, o.Time
			st.LastUpdateCommit = "" // from the marker commit's parent: it is the session's first
			st.Log = append(st.Log, LogEntry{Time: o.Time, Heading: "Marker Rewritten",
				Text: fmt.Sprintf("The commit that opened session %s was rewritten as %s; the session continues as %s (tag %s).", old, gitrepo.Short(o.Commit), o.ID, o.Tag)})
			if err := store.Save(st); err != nil {
				return res, err
			}
			res.Notes = append(res.Notes, fmt.Sprintf("the commit that opened session %s was rewritten: the session continues as %s; tag %s stays on the old commit (if it was never pushed: git tag -d %s)", old, o.ID, oldTag, oldTag))
			continue
		}
		if st != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("session %s opened; this worktree's active session stays %s", o.ID, st.ID))
			continue
		}
		branch, err := repo.CurrentBranch(ctx)
		if err != nil {
			return res, err
		}
		st = markerState(o, branch)
		if err := store.Save(st); err != nil {
			return res, err
		}
		res.Notes = append(res.Notes, fmt.Sprintf("session %s is now active in this worktree ('git session end' archives it)", o.ID))
	}
	return res, nil
}

// PostMerge does for a merge commit that `git merge` or `git pull` just
// made what PostCommit does for a commit: git runs post-merge for it, not
// post-commit. A fast-forward is left alone: the commits it brings were
// made elsewhere, where the post-commit hook (or CI's `git session sync`
// of the pushed range) tagged them, and a session they open is not this
// worktree's.
func PostMerge(ctx context.Context, repo *gitrepo.Repo, getenv func(string) string) (*HookResult, error) {
	if !MergeCommitted(repo) {
		return nil, nil
	}
	return PostCommit(ctx, repo, getenv)
}

// MergeCommitted reports whether HEAD is a merge commit that `git merge`
// or `git pull` has just made, from the newest HEAD reflog entry, which git
// writes before it runs post-merge: "merge topic: Merge made by the 'ort'
// strategy." (or "In-index merge"), where a fast-forward says
// "Fast-forward". git does not translate these; the post-merge shim
// reads the entry the same way before it starts git-session. Without a reflog nothing
// tells a merge made here from a fast-forward to one made elsewhere: it
// is left to `git session sync`.
func MergeCommitted(repo *gitrepo.Repo) bool {
	msg, ok := repo.HeadReflogMessage()
	merged := strings.Contains(msg, ": Merge made by the '") && strings.HasSuffix(msg, "' strategy.")
	return ok && (merged || strings.HasSuffix(msg, ": In-index merge"))
}

// markerState is the active session a marker opened.
func markerState(o Opened, branch string) *State {
	return &State{
		ID: o.ID, Title: o.Title, Agent: o.Agent, Created: o.Time, Branch: branch,
		StartingCommit: o.Commit, StartTag: o.Tag, Source: SourceMarker,
		Goals: []Goal{{Text: o.Title}},
		Log:   []LogEntry{{Time: o.Time, Heading: "Session Start", Text: fmt.Sprintf("Opened by the marker in %s (tag %s).", gitrepo.Short(o.Commit), o.Tag)}},
		// No update commit yet: the first update starts before the
		// marker commit, the session's first commit.
		LastUpdate: o.Time,
	}
}

// rewrote reports whether the session HEAD opens replaces the active one:
// both opened by a marker with the same title, and the active one's
// commit is no longer in HEAD's history (amended away).
func rewrote(ctx context.Context, repo *gitrepo.Repo, st *State, o Opened) bool {
	if st.Source != SourceMarker || st.Title != o.Title || st.StartingCommit == o.Commit {
		return false
	}
	in, err := repo.IsAncestor(ctx, st.StartingCommit, "HEAD")
	return err == nil && !in
}

// keepEnded keeps the active session st, which commit c's closing marker
// has just ended without a record, for 'git session end' to archive: its
// notes and decisions would otherwise be lost with the state. A session
// that markers opened and closed with nothing noted is kept in its tags
// alone, as CI knows it. by names c in the note ("this commit").
func keepEnded(store Store, st *State, c *gitrepo.Commit, tags []TagResult, by string) (string, error) {
	if st.Source == SourceMarker && len(st.Log) <= 1 && len(st.Decisions) == 0 {
		return fmt.Sprintf("session %s ended by %s (no notes to record: its tags mark it)", st.ID, by), nil
	}
	st.EndedBy, st.EndTag, st.Ended = c.Hash, endTagFor(st.StartTag), c.CommitTime.UTC()
	for _, t := range tags {
		if t.Session == st.ID && t.Edge == "end" && t.Commit == c.Hash {
			st.EndTag = t.Tag
		}
	}
	if err := store.SaveEnded(st); err != nil {
		return "", err
	}
	return fmt.Sprintf("session %s ended by %s; its record is not written yet: 'git session end' writes it, with its notes (the end tag stays on %s)", st.ID, by, by), nil
}
