package session

import (
	"strings"
	"time"
)

// Record is a session record: the markdown file `end` writes into the
// sessions directory, or one in an older format read back from there.
type Record struct {
	Path   string `json:"path"`
	Format string `json:"format"` // FormatFrontMatter, FormatHeader or FormatInit
	Type   string `json:"type"`   // "session", or "init" for a project initialisation note
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"` // "active" or "archived"
	Agent  string `json:"agent,omitempty"`
	// Created and Ended are RFC 3339 UTC when the record's time could be
	// read, else the record's own text.
	Created string  `json:"created,omitempty"`
	Ended   string  `json:"ended,omitempty"`
	Git     GitInfo `json:"git"`

	Goals          []Goal          `json:"goals,omitempty"`
	Activity       []Entry         `json:"activity,omitempty"`
	Decisions      []string        `json:"decisions,omitempty"`
	Classification *Classification `json:"classification,omitempty"`
}

// Formats a record can be read from.
const (
	FormatFrontMatter = "frontmatter" // YAML front matter (agent: or the older llm:)
	FormatHeader      = "header"      // "# Session: TITLE" and **Key**: value lines
	FormatInit        = "init"        // "# NAME Initialization" project notes
)

// Statuses of a record.
const (
	StatusActive   = "active"
	StatusArchived = "archived"
	// StatusAwaitingRecord: a commit's closing marker ended the session
	// before its record was written; 'git session end' writes it.
	StatusAwaitingRecord = "awaiting-record"
)

// GitInfo is where a session sits in the history.
type GitInfo struct {
	Branch         string `json:"branch,omitempty" yaml:"branch"`
	StartingCommit string `json:"starting_commit,omitempty" yaml:"starting_commit"`
	StartTag       string `json:"start_tag,omitempty" yaml:"start_tag"`
	EndTag         string `json:"end_tag,omitempty" yaml:"end_tag"`
}

// Goal is one "- [ ] goal" line.
type Goal struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
}

// Entry is one "### HH:MM - Heading" entry of the activity log.
type Entry struct {
	Time    string `json:"time,omitempty"` // HH:MM as the record shows it
	Heading string `json:"heading"`
	Text    string `json:"text,omitempty"`
}

// Archived reports whether the session is over: any status but the ones
// of a session still running (older tools wrote "completed", "ended", …).
func (r *Record) Archived() bool {
	switch strings.ToLower(strings.TrimSpace(r.Status)) {
	case StatusActive, "open", "ongoing", "in-progress", "in_progress", "in progress":
		return false
	}
	return true
}

// StartTagName is the start tag the record names, else the one its id and
// agent give.
func (r *Record) StartTagName() string {
	if r.Git.StartTag != "" {
		return r.Git.StartTag
	}
	return StartTag(r.ID, Slug(r.Agent))
}

// EndTagName is the end tag the record names, else the start tag's
// counterpart.
func (r *Record) EndTagName() string {
	if r.Git.EndTag != "" {
		return r.Git.EndTag
	}
	if st := r.StartTagName(); len(st) > len("-start") && st[len(st)-len("-start"):] == "-start" {
		return st[:len(st)-len("-start")] + "-end"
	}
	return EndTag(r.ID, Slug(r.Agent))
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// parseTime reads the timestamps found in records: RFC 3339 with or
// without fractional seconds, "+00:00" offsets included.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// normTime is s as RFC 3339 UTC when it is a timestamp, else s unchanged.
func normTime(s string) string {
	if t, ok := parseTime(s); ok {
		return formatTime(t)
	}
	return s
}
