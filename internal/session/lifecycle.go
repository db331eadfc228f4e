package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Manager runs the session commands of one worktree.
type Manager struct {
	Repo  *gitrepo.Repo
	Dir   string // the sessions directory, repository-relative, slash-separated
	Store Store
	Now   func() time.Time
}

// NewManager returns the manager of repo's worktree.
func NewManager(repo *gitrepo.Repo) (*Manager, error) {
	dir, err := RecordsDir(repo)
	if err != nil {
		return nil, err
	}
	return &Manager{Repo: repo, Dir: dir, Store: StoreOf(repo), Now: time.Now}, nil
}

func (m *Manager) now() time.Time { return m.Now().UTC().Truncate(time.Second) }

// RecordPath is the repository-relative path of session id's record.
func (m *Manager) RecordPath(id string) string { return m.Dir + "/" + id + ".md" }

func (m *Manager) absPath(rel string) string {
	return filepath.Join(m.Repo.Root, filepath.FromSlash(rel))
}

// StartOptions are the arguments of Start.
type StartOptions struct {
	Title string
	Agent string // already resolved and slugged (ResolveAgent)
	Goals []string
}

// Start opens a session on HEAD: a fresh id (the current second in UTC,
// or the next one no session holds), the annotated start tag, and the
// worktree's active session state.
func (m *Manager) Start(ctx context.Context, o StartOptions) (*State, error) {
	for _, c := range []struct {
		what  string
		texts []string
	}{{"the title", []string{o.Title}}, {"a goal", o.Goals}, {"the agent's name", []string{o.Agent}}} {
		if err := checkText(c.what, c.texts...); err != nil {
			return nil, err
		}
	}
	lock, err := m.Store.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if st, err := m.Store.Load(); err != nil {
		return nil, err
	} else if st != nil {
		return nil, &ActiveError{State: st}
	}
	head, err := m.Repo.ResolveCommit(ctx, "HEAD")
	if err != nil {
		if b, others, ok := m.Repo.UnbornBranch(ctx); ok && len(others) > 0 {
			return nil, &UnbornError{Branch: b, Others: others}
		}
		return nil, ErrNoCommits
	}
	branch, err := m.Repo.CurrentBranch(ctx)
	if err != nil {
		return nil, err
	}
	// The worktree's lock keeps its own commands apart; sessions started
	// at once in other worktrees (agents side by side) chose ids from tag
	// lists taken before either had tagged, and shared one. Choosing the
	// id and tagging it is one step for the whole repository.
	ids, err := lockIDs(ctx, m.Repo)
	if err != nil {
		return nil, err
	}
	defer ids.Unlock()
	tags, err := newTagger(ctx, m.Repo)
	if err != nil {
		return nil, err
	}
	now := m.now()
	// Lstat, not Stat: a symbolic link at the record's path, to nothing
	// or to itself, is something there too, which end would refuse to
	// write over. Any other error (a file where the sessions directory
	// should be) is no entry: each id would read as taken, and end says
	// what is wrong.
	recordExists := func(id string) bool {
		_, err := os.Lstat(m.absPath(m.RecordPath(id)))
		return err == nil
	}
	where := "on branch " + branch
	if branch == "" {
		where = "on a detached HEAD"
	}
	// The title as the state keeps it (JSON turns each byte that is not
	// UTF-8 into U+FFFD), and so as the record gives it to CI's repair:
	// the start tag's message must be the one the repair derives.
	title := strings.ToValidUTF8(o.Title, "\uFFFD")
	st := &State{
		Title: title, Agent: o.Agent, Created: now, Branch: branch,
		StartingCommit: head, Source: SourceCommand,
		LastUpdate: now, LastUpdateCommit: head,
	}
	for _, g := range o.Goals {
		st.Goals = append(st.Goals, Goal{Text: g})
	}
	if len(st.Goals) == 0 {
		st.Goals = []Goal{{Text: title}}
	}
	// The state is saved before the tag is made, not after: a start
	// killed between the two left a start tag no state knew of, a session
	// that never ended and that claimed every later commit. Now the next
	// command finds the state and makes the missing tag (ensureStartTag).
	id := NewID(now)
	for {
		id = tags.freeID(id, recordExists)
		st.ID, st.StartTag = id, StartTag(id, o.Agent)
		st.Log = []LogEntry{{Time: now, Heading: "Session Start", Text: fmt.Sprintf("Started %s at %s (tag %s).", where, gitrepo.Short(head), st.StartTag)}}
		if err := m.Store.Save(st); err != nil {
			return nil, err
		}
		err := m.Repo.CreateCommitTag(ctx, st.StartTag, head, startMessage(st.Title))
		if errors.Is(err, gitrepo.ErrTagExists) {
			// Taken by a tag not made under the ids lock (a marker's).
			tags.tags[st.StartTag] = ""
			continue
		}
		if err != nil {
			m.Store.Clear()
			return nil, err
		}
		return st, nil
	}
}

// remoteMerged checks that HEAD has every commit the remote's branch has
// where the push goes (each push URL, when it has its own).
func (m *Manager) remoteMerged(ctx context.Context, remote, ref string) error {
	commits, err := m.Repo.PushedCommits(ctx, remote, ref)
	if err != nil {
		return nil
	}
	for _, theirs := range commits {
		if theirs == "" {
			continue
		}
		if in, err := m.Repo.IsAncestor(ctx, theirs, "HEAD"); err == nil && !in {
			return &RemoteAheadError{Remote: remote, Ref: strings.TrimPrefix(ref, "refs/heads/"), PushURLs: len(m.Repo.PushURLs(ctx, remote))}
		}
	}
	return nil
}

// startTagToPush reports whether end --push pushes the start tag. Not
// when the remote has it on the same commit already: CI's git session
// sync tags the marker that opened a session with a tag object of its
// own, git refuses to replace a tag, and the atomic push failed with the
// branch and the end tag. Nor when there is none here (a rebase dropped
// the marker that made it): git refused the whole push for it. The
// remote's tag on another commit would be refused as well, so that is an
// error before anything is archived; a remote that cannot be asked is
// left to the push to report.
func (m *Manager) startTagToPush(ctx context.Context, st *State, remote string) (bool, error) {
	if st.StartTag == "" {
		return false, nil
	}
	here, ok, err := m.Repo.LookupTag(ctx, st.StartTag)
	if err != nil || !ok {
		return false, err
	}
	theirs, err := m.Repo.RemoteTags(ctx, remote, st.StartTag)
	if err != nil {
		return true, nil
	}
	there, ok := theirs[st.StartTag]
	switch {
	case !ok:
		return true, nil
	case there == here.Commit:
		return false, nil
	}
	return false, &RemoteTagError{Remote: remote, Tag: st.StartTag, Here: here.Commit, There: there, PushURLs: len(m.Repo.PushURLs(ctx, remote))}
}

// ensureStartTag makes the active session's start tag when it is missing:
// a start killed after saving the state and before tagging.
func (m *Manager) ensureStartTag(ctx context.Context, st *State) error {
	if st.StartTag == "" || st.Source != SourceCommand {
		return nil
	}
	if _, ok, err := m.Repo.LookupTag(ctx, st.StartTag); err != nil || ok {
		return err
	}
	return m.Repo.CreateCommitTag(ctx, st.StartTag, st.StartingCommit, startMessage(st.Title))
}

// change runs fn on the active session under the worktree's lock and
// saves what it did.
func (m *Manager) change(ctx context.Context, fn func(*State) error) (*State, error) {
	lock, err := m.Store.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	st, err := m.Store.Load()
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, ErrNoSession
	}
	if err := m.ensureStartTag(ctx, st); err != nil {
		return nil, err
	}
	if err := fn(st); err != nil {
		return nil, err
	}
	return st, m.Store.Save(st)
}

// Note adds a note to the activity log; a decision also goes under Key
// Decisions.
func (m *Manager) Note(ctx context.Context, text string, decision bool) (*State, error) {
	if err := checkText("the note", text); err != nil {
		return nil, err
	}
	return m.change(ctx, func(st *State) error {
		heading := "Note"
		if decision {
			heading = "Decision"
			st.Decisions = append(st.Decisions, oneLine(text))
		}
		st.Log = append(st.Log, LogEntry{Time: m.now(), Heading: heading, Text: text})
		return nil
	})
}

// Update adds the git activity since the last update (or the start) to
// the activity log: the commits, files and lines changed, and how many
// tracked files have uncommitted changes. text, if any, follows.
func (m *Manager) Update(ctx context.Context, text string) (*LogEntry, error) {
	if err := checkText("the text", text); err != nil {
		return nil, err
	}
	var entry LogEntry
	_, err := m.change(ctx, func(st *State) error {
		head, err := m.Repo.ResolveCommit(ctx, "HEAD")
		if err != nil {
			return err
		}
		from := st.LastUpdateCommit
		if from == "" {
			if from, err = sessionBase(ctx, m.Repo, st.StartingCommit, st.Source == SourceMarker); err != nil {
				return err
			}
		}
		commits, err := m.Repo.Log(ctx, "--no-merges", revRange(from, head))
		if err != nil {
			return err
		}
		stats, err := m.Repo.Numstat(ctx, from, head)
		if err != nil {
			return err
		}
		dirty, err := m.Repo.DirtyTracked(ctx)
		if err != nil {
			return err
		}
		now := m.now()
		var b strings.Builder
		fmt.Fprintf(&b, "Commits: %d\n", len(commits))
		for i := len(commits) - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "- %s %s\n", commits[i].Short(), commits[i].Subject)
		}
		added, deleted := sumLines(stats)
		fmt.Fprintf(&b, "Files changed: %d (+%d -%d)\n", len(stats), added, deleted)
		fmt.Fprintf(&b, "Uncommitted: %s\n", cli.Count(len(dirty), "tracked file"))
		if t := strings.TrimSpace(text); t != "" {
			b.WriteString("\n" + t + "\n")
		}
		entry = LogEntry{Time: now, Heading: "Update (since " + st.LastUpdate.UTC().Format("15:04") + ")", Text: strings.TrimSpace(b.String())}
		st.Log = append(st.Log, entry)
		st.LastUpdate, st.LastUpdateCommit = now, head
		return nil
	})
	return &entry, err
}

func sumLines(stats []gitrepo.FileStat) (added, deleted int) {
	for _, s := range stats {
		if s.Added > 0 {
			added += s.Added
		}
		if s.Deleted > 0 {
			deleted += s.Deleted
		}
	}
	return added, deleted
}

// Status is the active session and how far it has come.
type Status struct {
	State   *State
	Elapsed time.Duration
	Commits int // commits since the start tag's commit
	Dirty   int // tracked files with uncommitted changes
}

// Status returns the active session, or nil when there is none.
func (m *Manager) Status(ctx context.Context) (*Status, error) {
	st, err := m.Store.Load()
	if err != nil || st == nil {
		return nil, err
	}
	s := &Status{State: st, Elapsed: m.now().Sub(st.Created)}
	if base, err := sessionBase(ctx, m.Repo, st.StartingCommit, st.Source == SourceMarker); err == nil {
		if n, err := m.Repo.CountCommits(ctx, "--no-merges", revRange(base, "HEAD")); err == nil {
			s.Commits = n
		}
	}
	if d, err := m.Repo.DirtyTracked(ctx); err == nil {
		s.Dirty = len(d)
	}
	// A git that Ctrl-C killed answered nothing, which the counts above
	// would show as none: no report is better than a wrong one.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// sessionBase is the commit a session's commits are counted after. 'git
// session start' tags HEAD, the commit before the session's first; a
// marker is tagged on the commit that carries it, which is the session's
// first commit (git release counts it in the session too), so its
// session counts from that commit's first parent: "" for a root commit,
// all of its history. marker says whether start may be such a commit
// (false for a session 'start' opened).
func sessionBase(ctx context.Context, repo *gitrepo.Repo, start string, marker bool) (string, error) {
	if !marker {
		return start, nil
	}
	c, err := repo.Commit(ctx, start)
	if err != nil {
		return "", err
	}
	switch {
	case ParseMarkers(c.Message).Open == "":
		return start, nil
	case len(c.Parents) == 0:
		return "", nil
	}
	return c.Parents[0], nil
}

// revRange is the git revision range of the commits after base up to
// to: all of to's history when base is "".
func revRange(base, to string) string {
	if base == "" {
		return to
	}
	return base + ".." + to
}

// ClassifyRange classifies the commits after from up to to (all of to's
// history when from is ""). Session bookkeeping is left out: commits that
// only touch session records or whose subject is a "session: …" marker,
// and the records' lines.
func (m *Manager) ClassifyRange(ctx context.Context, from, to string) (Classification, error) {
	return classifyRange(ctx, m.Repo, m.Dir, from, to)
}

func classifyRange(ctx context.Context, repo *gitrepo.Repo, dir, from, to string) (Classification, error) {
	rng := revRange(from, to)
	commits, err := repo.Log(ctx, "--no-merges", rng)
	if err != nil {
		return Classification{}, err
	}
	changes, err := repo.ChangedPaths(ctx, []string{rng})
	if err != nil {
		return Classification{}, err
	}
	files := map[string][]string{}
	for _, c := range changes {
		for _, ch := range c.Changes {
			files[c.Hash] = append(files[c.Hash], ch.Path)
		}
	}
	var cc []ClassifiedCommit
	for _, c := range commits {
		fs := files[c.Hash]
		if (len(fs) > 0 && allRecords(dir, fs)) || CommitType(c.Subject) == "session" {
			continue
		}
		cc = append(cc, ClassifiedCommit{Subject: c.Subject, Files: fs})
	}
	stats, err := repo.Numstat(ctx, from, to)
	if err != nil {
		return Classification{}, err
	}
	kept := stats[:0]
	for _, s := range stats {
		if !isRecordPath(dir, s.Path) {
			kept = append(kept, s)
		}
	}
	added, deleted := sumLines(kept)
	return Classify(cc, added, deleted, len(kept)), nil
}

func allRecords(dir string, files []string) bool {
	for _, f := range files {
		if !isRecordPath(dir, f) {
			return false
		}
	}
	return true
}

// ArchiveSubject is the subject of the commit that archives a session.
func ArchiveSubject(id, title string) string {
	return fmt.Sprintf("session: archive %s (%s)", id, oneLine(title))
}

// EndOptions are the arguments of End.
type EndOptions struct {
	Push bool
}

// EndResult is an ended session.
type EndResult struct {
	Record   *Record `json:"record"`
	Path     string  `json:"path"`
	Commit   string  `json:"commit"`
	StartTag string  `json:"start_tag"`
	EndTag   string  `json:"end_tag"`
	Remote   string  `json:"remote,omitempty"`
	Pushed   bool    `json:"pushed"`
	// EndedBy is the commit whose closing marker ended the session and
	// holds its end tag, for a session archived after a marker ended it.
	EndedBy string `json:"ended_by,omitempty"`
}

// End archives the active session: it classifies the commits since the
// start, writes the record, commits only the record (other staged and
// unstaged changes stay as they are) as "session: archive ID (TITLE)",
// tags that commit with the end tag so the record is inside its own tag
// range, and clears the active session. With Push, the branch and both
// tags go to the remote in one atomic push. A run interrupted after the
// commit is finished by running End again. With no active session, it
// archives the oldest session a commit's closing marker ended before its
// record was written: the record ends at that commit, whose end tag stays
// where it is.
func (m *Manager) End(ctx context.Context, o EndOptions) (*EndResult, error) {
	lock, err := m.Store.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	st, err := m.Store.Load()
	if err != nil {
		return nil, err
	}
	if st == nil {
		ended, err := m.Store.Ended()
		if err != nil {
			return nil, err
		}
		if len(ended) == 0 {
			return nil, ErrNoSession
		}
		st = ended[0]
	}
	pending := st.EndedBy != ""
	// The archive commit is of the record alone, which git refuses to
	// make during a merge, a cherry-pick or a revert: refused before the
	// start tag and the record are made.
	if e := m.Repo.OperationInProgress(); e != nil {
		return nil, e
	}
	// Asked before anything is made: git add refuses an ignored record
	// only once it is written, after the start tag is, and names
	// neither the rule nor another way.
	if err := m.checkRecordIgnored(ctx, m.RecordPath(st.ID)); err != nil {
		return nil, err
	}
	if err := m.ensureStartTag(ctx, st); err != nil {
		return nil, err
	}
	branch, err := m.Repo.CurrentBranch(ctx)
	if err != nil {
		return nil, err
	}
	if branch == "" {
		return nil, ErrDetached
	}
	remote, refspecs := "", []string(nil)
	endTag := endTagFor(st.StartTag)
	if pending && st.EndTag != "" {
		endTag = st.EndTag
	}
	if o.Push {
		// Where git release pushes too, as git push does (pushRemote,
		// pushDefault, then the tracked branch of a remote),
		// else the same-named branch of the default remote. A branch
		// tracking a local one ("." remote) pushed onto the default
		// remote's branch of *that* name: a feature's work onto main.
		t, ok, err := m.Repo.PushTarget(ctx, branch)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ErrNoRemote
		}
		remote = t.Remote
		pushStart, err := m.startTagToPush(ctx, st, remote)
		if err != nil {
			return nil, err
		}
		refspecs = []string{"refs/heads/" + branch + ":" + t.Ref}
		if pushStart {
			refspecs = append(refspecs, "refs/tags/"+st.StartTag)
		}
		refspecs = append(refspecs, "refs/tags/"+endTag)
		// Asked before anything is archived: a branch the remote has moved
		// would refuse the push after the record, the archive commit and the
		// end tag were made, and rebasing to push it leaves the end tag on
		// a commit the branch no longer has. (A remote that cannot be
		// reached is left to the push to report.)
		if err := m.remoteMerged(ctx, t.Remote, t.Ref); err != nil {
			return nil, err
		}
	}
	head, err := m.Repo.Commit(ctx, "HEAD")
	if err != nil {
		return nil, err
	}
	rel := m.RecordPath(st.ID)
	res := &EndResult{Path: rel, StartTag: st.StartTag, EndTag: endTag, Remote: remote, EndedBy: st.EndedBy}

	if rec := m.archivedAt(ctx, head, st); rec != nil {
		res.Record, res.Commit = rec, head.Hash // finishing an interrupted end
	} else {
		if tg, ok, err := m.Repo.LookupTag(ctx, endTag); err != nil {
			return nil, err
		} else if ok && !(pending && tg.Commit == st.EndedBy) {
			return nil, &ConflictError{Tag: endTag, Existing: tg.Commit}
		}
		if err := m.checkRecordPath(rel, st); err != nil {
			return nil, err
		}
		rec, err := m.buildRecord(ctx, st, head.Hash, branch, endTag)
		if err != nil {
			return nil, err
		}
		data, err := Render(rec)
		if err != nil {
			return nil, err
		}
		abs := m.absPath(rel)
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return nil, err
		}
		atomicfile.RemoveLeftovers(abs) // of an end killed while writing it
		if err := atomicfile.Write(abs, data, 0o644); err != nil {
			return nil, err
		}
		commit, err := m.Repo.CommitPaths(ctx, ArchiveSubject(st.ID, st.Title)+"\n", []string{EndingEnv + "=" + st.ID}, rel)
		if err != nil {
			return nil, fmt.Errorf("committing %s: %w", rel, err)
		}
		rec.Path = rel
		res.Record, res.Commit = rec, commit
	}

	// The end tag goes on the archive commit, or, for a session a closing
	// marker ended, stays on (or is made again on) that commit, as the
	// marker's tag: the one CI makes of it.
	tagOn, tagMsg := res.Commit, endMessage(st.Title)
	if pending {
		closing, err := m.Repo.Commit(ctx, st.EndedBy)
		if err != nil {
			return nil, err
		}
		tagOn, tagMsg = closing.Hash, closing.Subject
	}
	err = m.Repo.CreateCommitTag(ctx, endTag, tagOn, tagMsg)
	if errors.Is(err, gitrepo.ErrTagExists) {
		if tg, ok, _ := m.Repo.LookupTag(ctx, endTag); !ok || tg.Commit != tagOn {
			return nil, &ConflictError{Tag: endTag, Commit: tagOn, Existing: tg.Commit}
		}
	} else if err != nil {
		return nil, err
	}
	clear := m.Store.Clear
	if pending {
		clear = func() error { return m.Store.ClearEnded(st.ID) }
	}
	if err := clear(); err != nil {
		return nil, err
	}
	if o.Push {
		if err := m.Repo.Push(ctx, remote, true, refspecs...); err != nil {
			return res, &PushError{Remote: remote, Refspecs: refspecs, Err: err}
		}
		res.Pushed = true
	}
	return res, nil
}

// archivedAt returns the record of st when commit is its archive commit
// (an end that stopped after committing).
func (m *Manager) archivedAt(ctx context.Context, c *gitrepo.Commit, st *State) *Record {
	if c.Subject != ArchiveSubject(st.ID, st.Title) {
		return nil
	}
	data, ok, err := m.Repo.FileAt(ctx, c.Hash, m.RecordPath(st.ID))
	if err != nil || !ok {
		return nil
	}
	rec, err := Parse(m.RecordPath(st.ID), data)
	if err != nil || rec.ID != st.ID || !rec.Archived() {
		return nil
	}
	return rec
}

// checkRecordIgnored refuses a record path that git ignores and does not
// track (a committed record, of an interrupted end, is tracked).
func (m *Manager) checkRecordIgnored(ctx context.Context, rel string) error {
	ignored, err := m.Repo.Ignored(ctx, rel)
	if err != nil {
		return err
	}
	if rule, ok := ignored[rel]; ok {
		return &IgnoredRecordError{Path: rel, Rule: rule}
	}
	return nil
}

// checkRecordPath refuses to overwrite a file that is not this session's
// record (one left by an interrupted end is), and a symbolic link: the
// record's rename would replace the link, not its target (to nothing, it
// read as no file at all, and was lost quietly), and written through the
// link, git would commit the link, not the record. A link that leads
// back to itself is left to the read below, which says so.
func (m *Manager) checkRecordPath(rel string, st *State) error {
	abs := m.absPath(rel)
	if target, err := os.Readlink(abs); err == nil {
		_, serr := os.Stat(abs)
		switch {
		case serr == nil:
			return &FileError{Op: "write the session record", Path: rel, Reason: "it is a symbolic link to " + target, Link: true}
		case errors.Is(serr, os.ErrNotExist):
			return &FileError{Op: "write the session record", Path: rel, Reason: "it is a symbolic link to " + target + ", which does not exist", Link: true}
		}
	}
	data, err := os.ReadFile(abs)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		// A file where a directory of its path should be is the sessions
		// directory's fault; anything else, the record's.
		reason, above := fileReason(m.Repo.Root, rel, false, err)
		if above {
			return &FileError{Op: "write the session record", Path: rel, Reason: reason, Dir: m.Dir}
		}
		return &FileError{Op: "read the session record", Path: rel, Reason: reason}
	}
	if rec, err := Parse(rel, data); err == nil && rec.ID == st.ID && rec.Git.StartTag == st.StartTag {
		return nil
	}
	return &RecordExistsError{Path: rel}
}

func (m *Manager) buildRecord(ctx context.Context, st *State, head, branch, endTag string) (*Record, error) {
	base, err := sessionBase(ctx, m.Repo, st.StartingCommit, st.Source == SourceMarker)
	if err != nil {
		return nil, err
	}
	now := m.now()
	if st.EndedBy != "" {
		// Ended by a commit's closing marker: the session is what came
		// up to that commit, and ended when it was made.
		head, now = st.EndedBy, st.Ended
	}
	class, err := m.ClassifyRange(ctx, base, head)
	if err != nil {
		return nil, err
	}
	class.TagRange = st.StartTag + ".." + endTag
	if st.Branch != "" {
		branch = st.Branch
	}
	rec := &Record{
		Format: FormatFrontMatter, Type: "session", ID: st.ID, Title: st.Title, Status: StatusArchived,
		Agent: st.Agent, Created: formatTime(st.Created), Ended: formatTime(now),
		Git:   GitInfo{Branch: branch, StartingCommit: st.StartingCommit, StartTag: st.StartTag, EndTag: endTag},
		Goals: st.Goals, Decisions: st.Decisions, Classification: &class,
	}
	for _, e := range st.Log {
		rec.Activity = append(rec.Activity, Entry{Time: e.Time.UTC().Format("15:04"), Heading: e.Heading, Text: e.Text})
	}
	ended := "Ended"
	if st.EndedBy != "" {
		ended = "Ended by the marker in " + gitrepo.Short(st.EndedBy)
	}
	rec.Activity = append(rec.Activity, Entry{
		Time: now.UTC().Format("15:04"), Heading: "Session End",
		Text: fmt.Sprintf("%s after %s: %s, %s.", ended, FormatDuration(now.Sub(st.Created)), cli.Count(class.Commits, "commit"), class.WorkType),
	})
	return rec, nil
}

// FormatDuration renders an elapsed time as "2h05m", "7m" or "30s".
func FormatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
}
