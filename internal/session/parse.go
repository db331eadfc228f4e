package session

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// frontMatter is the YAML block of a record: the fields `end` writes, and
// llm:, which older records use for the agent. Unknown keys are ignored.
type frontMatter struct {
	Type    string  `yaml:"type"`
	ID      string  `yaml:"id"`
	Title   string  `yaml:"title"`
	Status  string  `yaml:"status"`
	Agent   string  `yaml:"agent,omitempty"`
	LLM     string  `yaml:"llm,omitempty"`
	Created string  `yaml:"created"`
	Ended   string  `yaml:"ended,omitempty"`
	Git     GitInfo `yaml:"git"`
}

// Parse reads a record in any format sessions were ever written in: YAML
// front matter (with agent: or the older llm:), the older "# Session:"
// header with **ID**:, **Session Tag**:, **Starting Commit**: (or the
// oldest **Branch**: and **Commit**:) lines, and "-init" project notes.
// path names the record in errors and supplies the id of a record that
// names none.
func Parse(path string, data []byte) (*Record, error) {
	text := string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	text = strings.ReplaceAll(text, "\r\n", "\n")
	r := &Record{Path: path, Type: "session"}
	var body string
	var err error
	text = strings.TrimLeft(text, " \t\n")
	first := firstLine(text)
	switch {
	case first == "---":
		body, err = parseFrontMatter(r, text)
	case strings.HasPrefix(first, "# Session") || (strings.HasPrefix(first, "# ") && hasIDLine(text)):
		body = parseHeader(r, text)
	case strings.HasPrefix(first, "# ") && strings.HasSuffix(first, "Initialization"):
		body = parseInit(r, text)
	default:
		return nil, errors.New(`not a session record: no front matter and no "# Session:" header`)
	}
	if err != nil {
		return nil, err
	}
	parseSections(r, body)
	if r.ID == "" {
		stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		if len(stem) < len(IDLayout) || !IsID(stem[:len(IDLayout)]) {
			return nil, errors.New("the record names no session id")
		}
		r.ID = stem
	}
	if r.Status == "" {
		// The older formats were only written when a session ended.
		r.Status = StatusArchived
	}
	return r, nil
}

func firstLine(text string) string {
	l, _, _ := strings.Cut(text, "\n")
	return strings.TrimSpace(l)
}

// hasIDLine reports whether the header block (up to the first "## ")
// has an **ID**: line.
func hasIDLine(text string) bool {
	head, _, _ := strings.Cut(text, "\n## ")
	for _, line := range strings.Split(head, "\n") {
		if k, _, ok := boldField(strings.TrimSpace(line)); ok && strings.EqualFold(k, "id") {
			return true
		}
	}
	return false
}

func parseFrontMatter(r *Record, text string) (string, error) {
	rest := text[strings.Index(text, "\n")+1:]
	var yml, body string
	found := false
	for off := 0; off < len(rest); {
		end := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		next := len(rest)
		if end >= 0 {
			line, next = rest[off:off+end], off+end+1
		}
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			yml, body, found = rest[:off], rest[next:], true
			break
		}
		off = next
	}
	if !found {
		return "", errors.New("front matter is not closed by a --- line")
	}
	var fm frontMatter
	if err := yaml.Unmarshal([]byte(yml), &fm); err != nil {
		return "", fmt.Errorf("front matter: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	r.Format = FormatFrontMatter
	if fm.Type != "" {
		r.Type = fm.Type
	}
	r.ID, r.Title, r.Status = strings.TrimSpace(fm.ID), fm.Title, strings.ToLower(fm.Status)
	r.Agent = fm.Agent
	if r.Agent == "" {
		r.Agent = fm.LLM
	}
	r.Created, r.Ended = normTime(fm.Created), normTime(fm.Ended)
	r.Git = fm.Git
	return body, nil
}

// parseHeader reads "# Session: TITLE" and the **Key**: value lines that
// follow it, up to the first "## " section.
func parseHeader(r *Record, text string) string {
	r.Format = FormatHeader
	lines := strings.Split(text, "\n")
	title := strings.TrimPrefix(strings.TrimSpace(lines[0]), "# ")
	if t, ok := strings.CutPrefix(title, "Session:"); ok {
		title = t
	}
	r.Title = strings.TrimSpace(title)
	i := 1
	for ; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if strings.HasPrefix(line, "## ") {
			break
		}
		key, val, ok := boldField(line)
		if !ok {
			continue
		}
		switch strings.ToLower(key) {
		case "id":
			r.ID = val
		case "title":
			r.Title = val
		case "status":
			r.Status = strings.ToLower(val)
		case "started", "created":
			r.Created = normTime(val)
		case "ended":
			r.Ended = normTime(val)
		case "llm", "agent":
			r.Agent = val
		case "branch", "git branch":
			r.Git.Branch = val
		case "commit", "starting commit":
			r.Git.StartingCommit = val
		case "session tag", "start tag":
			r.Git.StartTag = val
		case "end tag":
			r.Git.EndTag = val
		}
	}
	return strings.Join(lines[i:], "\n")
}

// boldField splits "**Key**: value".
func boldField(line string) (key, val string, ok bool) {
	rest, ok := strings.CutPrefix(line, "**")
	if !ok {
		return "", "", false
	}
	key, val, ok = strings.Cut(rest, "**:")
	if !ok {
		return "", "", false
	}
	return strings.TrimSpace(key), strings.TrimSpace(val), true
}

// parseInit reads a project initialisation note: "# NAME Initialization",
// then "Initialized on: TIME" and "LLM: NAME" lines.
func parseInit(r *Record, text string) string {
	r.Format, r.Type = FormatInit, "init"
	lines := strings.Split(text, "\n")
	r.Title = strings.TrimSpace(strings.TrimPrefix(lines[0], "# "))
	i := 1
	for ; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if strings.HasPrefix(line, "## ") {
			break
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "initialized on":
			r.Created = normTime(strings.TrimSpace(val))
		case "llm":
			r.Agent = strings.TrimSpace(val)
		}
	}
	return strings.Join(lines[i:], "\n")
}

// parseSections reads the markdown sections every format shares: Goals,
// Activity Log, Key Decisions and Session Classification.
func parseSections(r *Record, body string) {
	section := ""
	var entry *Entry
	var text []string
	flush := func() {
		if entry != nil {
			entry.Text = strings.TrimSpace(strings.Join(text, "\n"))
			r.Activity = append(r.Activity, *entry)
			entry, text = nil, text[:0]
		}
	}
	for _, line := range strings.Split(body, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			flush()
			section = strings.ToLower(strings.TrimSpace(h))
			continue
		}
		switch section {
		case "goals":
			t := strings.TrimSpace(line)
			if g, ok := strings.CutPrefix(t, "- [ ]"); ok {
				r.Goals = append(r.Goals, Goal{Text: strings.TrimSpace(g)})
			} else if g, ok := cutAnyPrefix(t, "- [x]", "- [X]"); ok {
				r.Goals = append(r.Goals, Goal{Text: strings.TrimSpace(g), Done: true})
			}
		case "activity log":
			if h, ok := strings.CutPrefix(line, "### "); ok {
				flush()
				entry = &Entry{Heading: strings.TrimSpace(h)}
				if hm, rest, ok := strings.Cut(entry.Heading, " - "); ok && len(hm) == 5 && hm[2] == ':' {
					entry.Time, entry.Heading = hm, strings.TrimSpace(rest)
				}
				continue
			}
			if entry != nil {
				text = append(text, line)
			}
		case "key decisions":
			t := strings.TrimSpace(line)
			if d, ok := strings.CutPrefix(t, "- "); ok && d != "" {
				r.Decisions = append(r.Decisions, strings.TrimSpace(d))
			}
		case "session classification":
			parseClassificationLine(r, line)
		}
	}
	flush()
	if c := r.Classification; c != nil && c.TagRange != "" {
		// "Session Tags: A..B" names the tags when the header did not.
		a, b, _ := strings.Cut(c.TagRange, "..")
		if r.Git.StartTag == "" && a != "" {
			r.Git.StartTag = a
		}
		if r.Git.EndTag == "" && b != "" {
			r.Git.EndTag = b
		}
	}
}

func cutAnyPrefix(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if r, ok := strings.CutPrefix(s, p); ok {
			return r, true
		}
	}
	return s, false
}

func parseClassificationLine(r *Record, line string) {
	t, ok := strings.CutPrefix(strings.TrimSpace(line), "- ")
	if !ok {
		return
	}
	key, val, ok := strings.Cut(t, ":")
	if !ok {
		return
	}
	val = strings.TrimSpace(val)
	if r.Classification == nil {
		r.Classification = &Classification{}
	}
	c := r.Classification
	atoi := func(s string) int {
		n, _ := strconv.Atoi(strings.Fields(s + " 0")[0])
		return n
	}
	switch strings.ToLower(strings.TrimSpace(key)) {
	case "work type":
		c.WorkType = val
	case "commits":
		c.Commits = atoi(val)
	case "files changed":
		c.Files = atoi(val)
	case "lines":
		for _, f := range strings.Fields(val) {
			if n, err := strconv.Atoi(f[1:]); err == nil && f[0] == '+' {
				c.Added = n
			} else if err == nil && f[0] == '-' {
				c.Deleted = n
			}
		}
	case "commit types":
		c.Types = parseTypes(val)
	case "tag range", "session tags":
		c.TagRange = val
	}
}
