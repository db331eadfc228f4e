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
type Store struct{ Dir string }

// NewStore returns the store in dir (gitrepo's WorktreeStateDir).
func NewStore(dir string) Store { return Store{Dir: dir} }

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
		return nil, err
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

// StateError is an active-session file that cannot be read.
type StateError struct{ Path, Msg string }

func (e *StateError) Error() string { return e.Msg }

// Save writes the active session atomically.
func (s Store) Save(st *State) error {
	st.Version = stateVersion
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(s.Path(), append(data, '\n'), 0o644)
}

// Clear removes the active session.
func (s Store) Clear() error {
	err := os.Remove(s.Path())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// endedDir holds the sessions a closing marker ended while their record
// was still to be written: their notes are not lost with the active
// session's state, and 'git session end' archives them.
func (s Store) endedDir() string { return filepath.Join(s.Dir, "session-ended") }

// SaveEnded keeps st, which a commit's closing marker ended, until 'git
// session end' writes its record.
func (s Store) SaveEnded(st *State) error {
	st.Version = stateVersion
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.endedDir(), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(s.endedDir(), st.ID+".json"), append(data, '\n'), 0o644)
}

// Ended returns the sessions that await their record, oldest first.
func (s Store) Ended() ([]*State, error) {
	ents, err := os.ReadDir(s.endedDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
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
			return nil, err
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

// ClearEnded removes an ended session once its record is committed.
func (s Store) ClearEnded(id string) error {
	err := os.Remove(filepath.Join(s.endedDir(), id+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
