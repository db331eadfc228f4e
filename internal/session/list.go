package session

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Unreadable is a record that could not be read, and why.
type Unreadable struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// ReadDir reads every record (*.md) in dir, sorted by id. Records that
// cannot be read are returned apart, never fatal; a missing directory is
// an empty one. root is stripped from the paths records are given.
func ReadDir(root, dir string) ([]*Record, []Unreadable, error) {
	abs := filepath.Join(root, filepath.FromSlash(dir))
	entries, err := os.ReadDir(abs)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		reason, _ := fileReason(root, dir, true, err)
		return nil, nil, &FileError{Op: "read the sessions directory", Path: dir, Reason: reason, Dir: dir}
	}
	recs := make([]*Record, 0, len(entries))
	var bad []Unreadable
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") {
			continue
		}
		rel := dir + "/" + name
		data, err := os.ReadFile(filepath.Join(abs, name))
		if err != nil {
			reason, _ := fileReason(root, rel, false, err)
			bad = append(bad, Unreadable{Path: rel, Error: "cannot be read: " + reason})
			continue
		}
		rec, err := Parse(rel, data)
		if err != nil {
			bad = append(bad, Unreadable{Path: rel, Error: err.Error()})
			continue
		}
		recs = append(recs, rec)
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].ID < recs[j].ID })
	return recs, bad, nil
}

// Summary is a record as `list --json` prints it: everything but the
// activity log, goals and decisions.
type Summary struct {
	ID             string          `json:"id"`
	Title          string          `json:"title"`
	Status         string          `json:"status"`
	Type           string          `json:"type"`
	Agent          string          `json:"agent,omitempty"`
	Created        string          `json:"created,omitempty"`
	Ended          string          `json:"ended,omitempty"`
	Git            GitInfo         `json:"git"`
	Classification *Classification `json:"classification,omitempty"`
	Format         string          `json:"format"`
	Path           string          `json:"path,omitempty"`
	// EndedBy is the commit whose closing marker ended a session that
	// awaits its record.
	EndedBy string `json:"ended_by,omitempty"`
}

// Summary returns the record's summary.
func (r *Record) Summary() Summary {
	return Summary{
		ID: r.ID, Title: r.Title, Status: r.Status, Type: r.Type, Agent: r.Agent,
		Created: r.Created, Ended: r.Ended, Git: r.Git, Classification: r.Classification,
		Format: r.Format, Path: r.Path,
	}
}

// Summary describes the active session, or one a closing marker ended
// that awaits its record, like a record's summary.
func (st *State) Summary() Summary {
	s := Summary{
		ID: st.ID, Title: st.Title, Status: StatusActive, Type: "session", Agent: st.Agent,
		Created: formatTime(st.Created),
		Git:     GitInfo{Branch: st.Branch, StartingCommit: st.StartingCommit, StartTag: st.StartTag},
		Format:  "state",
	}
	if st.EndedBy != "" {
		s.Status, s.Ended, s.Git.EndTag, s.EndedBy = StatusAwaitingRecord, formatTime(st.Ended), st.EndTag, st.EndedBy
	}
	return s
}
