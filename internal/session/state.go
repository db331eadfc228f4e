package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/jsonfile"
)

// State is the active session of one worktree, kept in that worktree's git
// directory (<git-dir>/verdigris/session.json) so two worktrees of a
// repository can each have their own session, and nothing of it is
// committed until `end` writes the record.
type State struct {
	Version        int        `json:"version"`
	ID             string     `json:"id"`
	Title          string     `json:"title"`
	Agent          string     `json:"agent"`
	Created        time.Time  `json:"created"`
	Branch         string     `json:"branch"`
	StartingCommit string     `json:"starting_commit"`
	StartTag       string     `json:"start_tag"`
	Source         string     `json:"source"` // SourceCommand or SourceMarker
	Goals          []Goal     `json:"goals,omitempty"`
	Log            []LogEntry `json:"log,omitempty"`
	Decisions      []string   `json:"decisions,omitempty"`
	// LastUpdate and LastUpdateCommit are where the next `update` starts
	// counting git activity.
	LastUpdate       time.Time `json:"last_update"`
	LastUpdateCommit string    `json:"last_update_commit"`
	// EndedBy, EndTag and Ended are set on a session that a commit's
	// closing marker ended before 'git session end' wrote its record: the
	// commit, the end tag it got, and its committer time.
	EndedBy string    `json:"ended_by,omitempty"`
	EndTag  string    `json:"end_tag,omitempty"`
	Ended   time.Time `json:"ended,omitzero"`
}

// Where a session came from.
const (
	SourceCommand = "command" // git session start
	SourceMarker  = "marker"  // a commit message's Session-Start marker
)

// LogEntry is one activity log entry of the active session.
type LogEntry struct {
	Time    time.Time `json:"time"`
	Heading string    `json:"heading"`
	Text    string    `json:"text,omitempty"`
}

const stateVersion = 1

// Store is where a worktree's active session is kept.
type Store struct {
	Dir string
	// Kept is where a linked worktree's active session is copied, in the
	// common git dir ("" in the main worktree): 'git worktree remove'
	// deletes the worktree's git dir, and its session with it, without a
	// word. The copy outlives it, and Orphans finds it.
	Kept     string
	Worktree string // the worktree's top folder, for the copy to name
}

// NewStore returns the store in dir (gitrepo's WorktreeStateDir), with
// no copy kept elsewhere.
func NewStore(dir string) Store { return Store{Dir: dir} }

// StoreOf returns the store of repo's worktree: a linked worktree's keeps
// a copy of its active session in the common git dir.
func StoreOf(repo *gitrepo.Repo) Store {
	s := NewStore(repo.WorktreeStateDir())
	if filepath.Clean(repo.GitDir) != filepath.Clean(repo.CommonDir) {
		s.Kept, s.Worktree = KeptDir(repo), repo.Root
	}
	return s
}

// KeptDir holds the copies of the linked worktrees' sessions: the active
// one, and the ones awaiting their record (session-ended/).
func KeptDir(repo *gitrepo.Repo) string { return filepath.Join(repo.StateDir(), "session-kept") }

// kept is the copy of a linked worktree's active session: the state as
// the state file has it, so that the copy moved to a worktree's state
// file is its active session, and whose it is.
type kept struct {
	State
	GitDir   string `json:"kept_git_dir"`  // the worktree's git dir (<common>/worktrees/NAME)
	Worktree string `json:"kept_worktree"` // its top folder
}

// keptPath is the copy of this worktree's active session id, and
// keptEndedPath of its session id that awaits its record. The name holds
// the worktree's (its git dir's, unique among the live worktrees), so
// that one worktree's copy never replaces, or clears, another's.
func (s Store) keptPath(id string) string { return filepath.Join(s.Kept, id+s.keptOwner()+".json") }

func (s Store) keptEndedPath(id string) string {
	return filepath.Join(s.Kept, id+s.keptOwner()+keptEndedSuffix+".json")
}

// keptEndedSuffix marks the copy of a session awaiting its record.
const keptEndedSuffix = ".ended"

func (s Store) keptOwner() string { return "@" + filepath.Base(filepath.Dir(s.Dir)) }

// writeKept writes the copy of st to path, naming the worktree it is in.
func (s Store) writeKept(path string, st *State) error {
	gitDir, _ := filepath.Abs(filepath.Dir(s.Dir))
	k, err := json.MarshalIndent(kept{State: *st, GitDir: gitDir, Worktree: s.Worktree}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Kept, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, append(k, '\n'), 0o644)
}

// Path is the state file.
func (s Store) Path() string { return filepath.Join(s.Dir, "session.json") }

// Lock serialises the commands that change the state of this worktree.
func (s Store) Lock(ctx context.Context) (*filelock.Lock, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	l, err := filelock.Acquire(ctx, filepath.Join(s.Dir, "session.lock"))
	if errors.Is(err, filelock.ErrBusy) {
		return nil, errors.New("another git session command is running in this worktree")
	}
	return l, err
}

// lockIDs serialises choosing a new session id and tagging it across
// every worktree of the repository.
func lockIDs(ctx context.Context, r *gitrepo.Repo) (*filelock.Lock, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := os.MkdirAll(r.StateDir(), 0o755); err != nil {
		return nil, err
	}
	l, err := filelock.Acquire(ctx, filepath.Join(r.StateDir(), "session-ids.lock"))
	if errors.Is(err, filelock.ErrBusy) {
		return nil, errors.New("another git session start is still choosing its id in this repository")
	}
	return l, err
}

// Load returns the active session, or nil when there is none.
func (s Store) Load() (*State, error) {
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, unreadableState(s.Dir, "session.json", false, err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, damaged(s.Path(), data, err)
	}
	if st.Version != stateVersion || st.ID == "" {
		return nil, &StateError{Path: s.Path(), Msg: fmt.Sprintf("%s has an unknown format (version %d)", s.Path(), st.Version)}
	}
	return &st, nil
}

// damaged says where a state file is not valid JSON, as file:line:col,
// or why it does not decode.
func damaged(path string, data []byte, err error) *StateError {
	if line, col, problem, ok := jsonfile.Syntax(data, err); ok {
		return &StateError{Path: path, Msg: fmt.Sprintf("%s:%d:%d: the file is damaged, not valid JSON: %s", path, line, col, problem)}
	}
	return &StateError{Path: path, Msg: fmt.Sprintf("%s is damaged (%v)", path, err)}
}

// unreadableState is the state file (or directory, isDir) name in dir
// that could not be read: Go's words were "read /…/session.json: is a
// directory", with no way on.
func unreadableState(dir, name string, isDir bool, err error) *StateError {
	p := filepath.Join(dir, name)
	reason, _ := fileReason(dir, name, isDir, err)
	return &StateError{Path: p, Msg: fmt.Sprintf("cannot read %s: %s", p, reason)}
}

// StateError is an active-session file that cannot be read.
type StateError struct{ Path, Msg string }

func (e *StateError) Error() string { return e.Msg }

// Save writes the active session atomically, then its copy. A copy is
// never there without its state (Orphans would report it lost): the
// copy of a session this one replaces goes first, the new one last.
func (s Store) Save(st *State) error {
	st.Version = stateVersion
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if s.Kept != "" {
		if id := s.activeID(); id != "" && id != st.ID {
			if err := removeIfThere(s.keptPath(id)); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(s.Path(), append(data, '\n'), 0o644); err != nil {
		return err
	}
	if s.Kept == "" {
		return nil
	}
	return s.writeKept(s.keptPath(st.ID), st)
}

// activeID is the id the state file holds, "" when none can be read.
func (s Store) activeID() string {
	data, err := os.ReadFile(s.Path())
	if err != nil {
		return ""
	}
	var st struct{ ID string }
	if json.Unmarshal(data, &st) != nil || !IsID(st.ID) {
		return ""
	}
	return st.ID
}

// Clear removes the active session, its copy first.
func (s Store) Clear() error {
	if s.Kept != "" {
		if id := s.activeID(); id != "" {
			if err := removeIfThere(s.keptPath(id)); err != nil {
				return err
			}
		}
	}
	return removeIfThere(s.Path())
}

func removeIfThere(path string) error {
	err := os.Remove(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Orphan is the copy of a session whose worktree's git dir no longer
// holds it: 'git worktree remove' (or rm and 'git worktree prune') took
// the worktree while the session was active, or while it awaited its
// record (AwaitingRecord: a closing marker ended it, 'git session end'
// had not written its record).
type Orphan struct {
	State          *State `json:"session"`
	Worktree       string `json:"worktree"` // the worktree it was in
	Path           string `json:"path"`     // the copy, which holds all of its state
	AwaitingRecord bool   `json:"awaiting_record,omitempty"`
}

// Orphans lists the kept sessions of repo whose worktree lost them,
// oldest first. A copy that cannot be read is skipped: it is a report,
// and the files are the user's to look at.
func Orphans(repo *gitrepo.Repo) ([]Orphan, error) {
	dir := KeptDir(repo)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Orphan
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		name, awaiting := strings.CutSuffix(name, keptEndedSuffix)
		if len(name) < len(IDLayout) || !IsID(name[:len(IDLayout)]) || (len(name) > len(IDLayout) && name[len(IDLayout)] != '@') {
			ok = false
		}
		if !ok {
			continue // an atomic write's leftover, or not ours
		}
		id := name[:len(IDLayout)]
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var k kept
		if json.Unmarshal(data, &k) != nil || k.Version != stateVersion || k.ID != id || k.GitDir == "" {
			continue
		}
		// A worktree whose folder was deleted but not yet pruned still
		// has its git dir and its session: not lost yet.
		there := linkedStore(repo, filepath.Base(k.GitDir))
		if there.holds(id, awaiting) {
			there.refreshKept(p, &k, awaiting)
			continue
		}
		st := k.State
		out = append(out, Orphan{State: &st, Worktree: k.Worktree, Path: p, AwaitingRecord: awaiting})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].State.ID != out[j].State.ID {
			return out[i].State.ID < out[j].State.ID
		}
		return out[i].Path < out[j].Path
	})
	return out, nil
}

// linkedStore is the store of the linked worktree whose git dir is
// <common>/worktrees/<name>, and its folder as that git dir names it now.
// A kept copy's worktree is looked for so, by the name its file holds,
// not at the paths it recorded: a repository moved (mv, then git
// worktree repair) had every live session reported lost, and a worktree
// moved (git worktree move) kept the name, but not the folder, the copy
// recorded.
func linkedStore(repo *gitrepo.Repo, name string) Store {
	gitDir := filepath.Join(repo.CommonDir, "worktrees", name)
	return Store{Dir: filepath.Join(gitDir, "verdigris"), Kept: KeptDir(repo), Worktree: gitrepo.LinkedWorktreeTop(gitDir)}
}

// holds reports whether the worktree still holds session id: as its
// active session, or awaiting its record.
func (s Store) holds(id string, awaiting bool) bool {
	if !awaiting {
		return s.activeID() == id
	}
	_, err := os.Stat(s.endedPath(id))
	return err == nil
}

// refreshKept writes the copy at path of a session this worktree holds
// again, when the folder or git dir it names is not the worktree's now:
// after 'git worktree move' it named the old folder until the next save,
// and a worktree removed after it was reported lost where it had not
// been for a while. The copy is written from the worktree's own state,
// under its lock, not waited for: a command holding it saves the copy
// itself. Nothing is said when it cannot be written: this is a report,
// and the copy is written again on the next save.
func (s Store) refreshKept(path string, k *kept, awaiting bool) {
	gitDir := filepath.Dir(s.Dir)
	if s.Worktree == "" || gitrepo.SameDir(k.Worktree, s.Worktree) && gitrepo.SameDir(k.GitDir, gitDir) {
		return
	}
	l, err := filelock.TryLock(filepath.Join(s.Dir, "session.lock"))
	if err != nil {
		return
	}
	defer l.Unlock()
	var st *State
	if awaiting {
		ended, _ := s.Ended()
		for _, e := range ended {
			if e.ID == k.ID {
				st = e
			}
		}
	} else if active, _ := s.Load(); active != nil && active.ID == k.ID {
		st = active
	}
	if st != nil {
		_ = s.writeKept(path, st)
	}
}

// endedDir holds the sessions a closing marker ended while their record
// was still to be written: their notes are not lost with the active
// session's state, and 'git session end' archives them.
func (s Store) endedDir() string { return filepath.Join(s.Dir, "session-ended") }

func (s Store) endedPath(id string) string { return filepath.Join(s.endedDir(), id+".json") }

// SaveEnded keeps st, which a commit's closing marker ended, until 'git
// session end' writes its record; in a linked worktree, with a copy in
// the common git dir, as Save keeps the active session's: the worktree's
// git dir, and session-ended/ with it, goes with 'git worktree remove'.
func (s Store) SaveEnded(st *State) error {
	st.Version = stateVersion
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.endedDir(), 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(s.endedPath(st.ID), append(data, '\n'), 0o644); err != nil {
		return err
	}
	if s.Kept == "" {
		return nil
	}
	return s.writeKept(s.keptEndedPath(st.ID), st)
}

// Ended returns the sessions that await their record, oldest first.
func (s Store) Ended() ([]*State, error) {
	ents, err := os.ReadDir(s.endedDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, unreadableState(s.Dir, filepath.Base(s.endedDir()), true, err)
	}
	var out []*State
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !IsID(id) {
			continue // an atomic write's leftover, or not ours
		}
		p := filepath.Join(s.endedDir(), e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, unreadableState(s.endedDir(), e.Name(), false, err)
		}
		var st State
		if err := json.Unmarshal(data, &st); err != nil {
			return nil, damaged(p, data, err)
		}
		if st.Version != stateVersion || st.ID != id {
			return nil, &StateError{Path: p, Msg: fmt.Sprintf("%s is damaged or of an unknown format", p)}
		}
		out = append(out, &st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ClearEnded removes an ended session once its record is committed, its
// copy first (a copy without its file is an orphan).
func (s Store) ClearEnded(id string) error {
	if s.Kept != "" {
		if err := removeIfThere(s.keptEndedPath(id)); err != nil {
			return err
		}
	}
	return removeIfThere(s.endedPath(id))
}

// Message says what was lost and where it is kept, on one line.
func (o Orphan) Message() string {
	if o.AwaitingRecord {
		return fmt.Sprintf("session %s (%q), ended by %s in worktree %s and awaiting its record, lost it with that worktree (git worktree remove): its state is kept in %s", o.State.ID, o.State.Title, gitrepo.Short(o.State.EndedBy), o.Worktree, o.Path)
	}
	return fmt.Sprintf("session %s (%q) was active in worktree %s, which is gone (git worktree remove): its state is kept in %s", o.State.ID, o.State.Title, o.Worktree, o.Path)
}

// Hint says how to carry the session on in the worktree of store (moved
// there, it is that worktree's active session, which 'git session end'
// archives), or drop it; busy: that worktree has a session already.
func (o Orphan) Hint(store Store, busy bool) string {
	rm := fmt.Sprintf("rm %s", cli.ShellWord(o.Path))
	if o.AwaitingRecord {
		// Moved into this worktree's session-ended/, it awaits its record
		// here; it takes no worktree's active place, so busy is no matter.
		mv := fmt.Sprintf("mkdir -p %s && mv %s %s", cli.ShellWord(store.endedDir()), cli.ShellWord(o.Path), cli.ShellWord(store.endedPath(o.State.ID)))
		return fmt.Sprintf("'%s' carries it on in this worktree ('git session end' writes its record); or '%s' drops it (its tags %s and %s stay)", mv, rm, o.State.StartTag, o.State.EndTag)
	}
	mv := fmt.Sprintf("mv %s %s", cli.ShellWord(o.Path), cli.ShellWord(store.Path()))
	if _, err := os.Stat(store.Dir); err != nil {
		// A linked worktree that never had a session has no verdigris/
		// folder in its git dir: the mv alone failed there.
		mv = fmt.Sprintf("mkdir -p %s && %s", cli.ShellWord(store.Dir), mv)
	}
	if busy {
		return fmt.Sprintf("end this worktree's session, then '%s' carries it on here ('git session end' archives it); or '%s' drops it (its start tag %s stays)", mv, rm, o.State.StartTag)
	}
	return fmt.Sprintf("'%s' carries it on in this worktree ('git session end' archives it); or '%s' drops it (its start tag %s stays)", mv, rm, o.State.StartTag)
}
