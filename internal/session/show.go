package session

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// UnknownSessionError is what show was asked for (an id, the start of
// one, a tag name) when no record, tag or kept state has it.
type UnknownSessionError struct{ ID string }

func (e *UnknownSessionError) Error() string { return fmt.Sprintf("no session with id %q", e.ID) }

// AmbiguousIDError is the start of more than one session's id.
type AmbiguousIDError struct {
	Prefix string
	IDs    []string // sorted
}

func (e *AmbiguousIDError) Error() string {
	list := e.IDs
	more := ""
	if len(list) > 5 {
		list, more = list[:5], fmt.Sprintf(" and %d more", len(list)-5)
	}
	return fmt.Sprintf("%q is the start of %d session ids: %s%s", e.Prefix, len(e.IDs), strings.Join(list, ", "), more)
}

// Shown is one session as `show` prints it.
type Shown struct {
	ID             string          `json:"id"`
	Title          string          `json:"title"`
	Status         string          `json:"status"`
	Agent          string          `json:"agent,omitempty"`
	Created        string          `json:"created,omitempty"`
	Ended          string          `json:"ended,omitempty"`
	StartTag       string          `json:"start_tag,omitempty"`
	EndTag         string          `json:"end_tag,omitempty"`
	Range          string          `json:"range,omitempty"` // from..to commits, when both are known
	Commits        []ShownCommit   `json:"commits"`
	Files          []ShownFile     `json:"files"`
	Classification *Classification `json:"classification,omitempty"`
	Record         *Record         `json:"record,omitempty"`
	Notes          []string        `json:"notes,omitempty"`
}

// ShownCommit is a commit of a session.
type ShownCommit struct {
	Hash    string    `json:"hash"`
	Date    time.Time `json:"date"`
	Author  string    `json:"author"`
	Subject string    `json:"subject"`
}

// ShownFile is a file a session changed; -1 lines for binary files.
type ShownFile struct {
	Path    string `json:"path"`
	From    string `json:"renamed_from,omitempty"`
	Added   int    `json:"added"`
	Deleted int    `json:"deleted"`
}

// Show gathers a session by id ("" for the active one): its record (in any
// format), its tags, the commits between them, the files they changed and
// the classification computed from them. A session known only from its
// tags (opened by a marker) is shown from the tags.
func (m *Manager) Show(ctx context.Context, id string) (*Shown, error) {
	st, err := m.Store.Load()
	if err != nil {
		return nil, err
	}
	tags, err := newTagger(ctx, m.Repo)
	if err != nil {
		return nil, err
	}
	asked := id
	if id == "" {
		if st == nil {
			return nil, ErrNoSession
		}
		id = st.ID
	} else if id, err = m.resolveID(id, st, tags); err != nil {
		return nil, err
	}
	s := &Shown{ID: id, Commits: []ShownCommit{}, Files: []ShownFile{}}
	if data, err := os.ReadFile(m.absPath(m.RecordPath(id))); err == nil {
		rec, err := Parse(m.RecordPath(id), data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.RecordPath(id), err)
		}
		s.Record = rec
		s.Title, s.Status, s.Agent, s.Created, s.Ended = rec.Title, rec.Status, rec.Agent, rec.Created, rec.Ended
		s.Classification = rec.Classification
	}
	active := st != nil && st.ID == id
	if active {
		s.Title, s.Status, s.Agent, s.Created = st.Title, StatusActive, st.Agent, formatTime(st.Created)
	}
	from, to := "", ""
	switch starts := tags.startTags(id); {
	case active:
		s.StartTag, from = st.StartTag, st.StartingCommit
	case s.Record != nil:
		s.StartTag, s.EndTag = s.Record.StartTagName(), s.Record.EndTagName()
		// A record that names no tag, of a session whose tags were made
		// without an agent part (older tools): the tags the id has.
		if s.Record.Git.StartTag == "" && tags.commitOf(s.StartTag) == "" && len(starts) > 0 {
			s.StartTag = starts[0]
			if s.Record.Git.EndTag == "" {
				s.EndTag = endTagFor(s.StartTag)
			}
		}
		from = tags.commitOf(s.StartTag)
		if from == "" && s.Record.Git.StartingCommit != "" {
			from, _ = m.Repo.ResolveCommit(ctx, s.Record.Git.StartingCommit)
		}
		to = tags.commitOf(s.EndTag)
	case len(starts) > 0:
		s.StartTag = starts[0]
		s.EndTag = endTagFor(s.StartTag)
		from, to = tags.commitOf(s.StartTag), tags.commitOf(s.EndTag)
		if ti, ok := ParseTag(s.StartTag); ok {
			s.Agent = ti.Agent
		}
		s.Status = StatusActive
		if to != "" {
			s.Status = StatusArchived
		}
		if c, err := m.Repo.Commit(ctx, from); err == nil {
			s.Title = ParseMarkers(c.Message).Open
			s.Created = formatTime(c.CommitTime)
		}
	default:
		return nil, &UnknownSessionError{ID: asked}
	}
	if s.Record == nil && !active {
		// Ended by a commit's closing marker, its record still to be
		// written: not archived yet, and titled as it was started.
		if ended, err := m.Store.Ended(); err == nil {
			for _, e := range ended {
				if e.ID == id {
					s.Title, s.Status, s.Agent, s.Created, s.Ended = e.Title, StatusAwaitingRecord, e.Agent, formatTime(e.Created), formatTime(e.Ended)
					s.Notes = append(s.Notes, "its record is not written yet: 'git session end' writes it")
				}
			}
		}
	}
	if active {
		to, _ = m.Repo.ResolveCommit(ctx, "HEAD")
	}
	switch {
	case from == "":
		s.Notes = append(s.Notes, "its starting commit is not in this repository: showing the record only")
		return s, nil
	case to == "":
		s.Notes = append(s.Notes, fmt.Sprintf("tag %s is missing (run 'git session sync' to repair it): showing the record only", s.EndTag))
		return s, nil
	}
	// The commits after the start tag's, and the start tag's own when its
	// marker opened the session (a session 'start' opened: never).
	base, err := sessionBase(ctx, m.Repo, from, !active || st.Source == SourceMarker)
	if err != nil {
		return nil, err
	}
	if err := m.fillRange(ctx, s, base, to); err != nil {
		return nil, err
	}
	return s, nil
}

// resolveID reads what show was asked for: a session's id, one of its
// tags' names (as 'git tag -l' lists them), or the start of one id among
// those the records, the session tags and this worktree's kept sessions
// have.
func (m *Manager) resolveID(arg string, st *State, tags *tagger) (string, error) {
	if ti, ok := ParseTag(arg); ok {
		return ti.ID, nil
	}
	if IsID(arg) {
		return arg, nil
	}
	if _, err := os.Stat(m.absPath(m.RecordPath(arg))); err == nil {
		return arg, nil // a record of an older tool, named otherwise
	}
	ids := map[string]bool{}
	for name := range tags.tags {
		if ti, ok := ParseTag(name); ok {
			ids[ti.ID] = true
		}
	}
	// Unreadable records are list's to report; show names the id alone.
	recs, _, _ := ReadDir(m.Repo.Root, m.Dir)
	for _, r := range recs {
		ids[r.ID] = true
	}
	if st != nil {
		ids[st.ID] = true
	}
	if ended, err := m.Store.Ended(); err == nil {
		for _, e := range ended {
			ids[e.ID] = true
		}
	}
	var found []string
	for id := range ids {
		if id != "" && strings.HasPrefix(id, arg) {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return "", &UnknownSessionError{ID: arg}
	case 1:
		return found[0], nil
	}
	sort.Strings(found)
	return "", &AmbiguousIDError{Prefix: arg, IDs: found}
}

// fillRange fills in the commits after from up to to ("" from: all of
// to's history).
func (m *Manager) fillRange(ctx context.Context, s *Shown, from, to string) error {
	s.Range = gitrepo.Short(to)
	if from != "" {
		s.Range = gitrepo.Short(from) + ".." + s.Range
	}
	commits, err := m.Repo.Log(ctx, revRange(from, to))
	if err != nil {
		return err
	}
	for _, c := range commits {
		s.Commits = append(s.Commits, ShownCommit{Hash: c.Hash, Date: c.CommitTime, Author: c.AuthorName, Subject: c.Subject})
	}
	stats, err := m.Repo.Numstat(ctx, from, to)
	if err != nil {
		return err
	}
	for _, f := range stats {
		s.Files = append(s.Files, ShownFile{Path: f.Path, From: f.From, Added: f.Added, Deleted: f.Deleted})
	}
	class, err := classifyRange(ctx, m.Repo, m.Dir, from, to)
	if err != nil {
		return err
	}
	class.TagRange = s.StartTag + ".." + s.EndTag
	if s.EndTag == "" {
		class.TagRange = s.StartTag + "..HEAD"
	}
	s.Classification = &class
	return nil
}
