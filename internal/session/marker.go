package session

import (
	"regexp"
	"strings"
)

// Markers are what a commit message says about sessions.
type Markers struct {
	// Open is the title of the session the commit opens ("" for none).
	Open string
	// Close lists the ids of the sessions the commit closes.
	Close []string
	// Agent is the Session-Agent trailer, "" when absent.
	Agent string
	// Problems are marker-like lines that could not be used (a close
	// without a valid id), for the caller to report.
	Problems []string
	// CloseWithoutID is a closing marker that names no id ("session: end",
	// "Session-End:" without a valid id): the hook says which id the
	// active session has.
	CloseWithoutID bool
}

// Any reports whether the message opens or closes a session.
func (m Markers) Any() bool { return m.Open != "" || len(m.Close) > 0 }

var (
	subjectStartRE   = regexp.MustCompile(`(?i)^session:\s+start\s+(.+)$`)
	subjectEndRE     = regexp.MustCompile(`(?i)^session:\s+end\s+(\S+)\s*$`)
	subjectArchiveRE = regexp.MustCompile(`(?i)^session:\s+archive\s+(\S+)(\s+\(.*\))?\s*$`)
	trailerRE        = regexp.MustCompile(`(?i)^session-(start|end|agent)\s*:\s*(.*?)\s*$`)
	// subjectBareRE is a subject marker missing its title or id, which
	// the author meant as a marker: reported, not silently ignored.
	subjectBareRE = regexp.MustCompile(`(?i)^session:\s*(start|end)$`)
)

// MightHaveMarkers is a cheap test run before parsing: false means the
// message certainly has no marker.
func MightHaveMarkers(msg string) bool {
	return strings.Contains(strings.ToLower(msg), "session")
}

// ParseMarkers reads the session markers of a commit message,
// case-insensitively: the subject "session: start TITLE", "session: end ID"
// or "session: archive ID (…)", and the trailers "Session-Start: TITLE",
// "Session-End: ID" and "Session-Agent: NAME" in the message's last
// paragraph (git's trailer block). A subject such as "session: archive
// notes" that names no id is not a marker: repair from the record it adds
// covers those.
func ParseMarkers(msg string) Markers {
	var m Markers
	if !MightHaveMarkers(msg) {
		return m
	}
	msg = strings.ReplaceAll(strings.TrimSpace(msg), "\r\n", "\n")
	subject, _, _ := strings.Cut(msg, "\n")
	subject = strings.TrimSpace(subject)
	if g := subjectStartRE.FindStringSubmatch(subject); g != nil {
		m.Open = strings.TrimSpace(g[1])
	} else if g := subjectEndRE.FindStringSubmatch(subject); g != nil {
		m.addClose(g[1], subject)
	} else if g := subjectArchiveRE.FindStringSubmatch(subject); g != nil && IsID(g[1]) {
		m.Close = append(m.Close, g[1])
	} else if g := subjectBareRE.FindStringSubmatch(subject); g != nil {
		if strings.EqualFold(g[1], "start") {
			m.Problems = append(m.Problems, "\""+subject+"\" does not name a title")
		} else {
			m.Problems = append(m.Problems, "\""+subject+"\" does not name a session id (YYYYMMDD-HHMMSS)")
			m.CloseWithoutID = true
		}
	}
	block := trailers(msg)
	if block == nil {
		// A marker line among other lines ("Closes #12") opens or
		// closes nothing, as git reads no trailer there: said, as a
		// marker without its id is. An indented one is quoted.
		for _, line := range lastParagraph(msg) {
			if g := trailerRE.FindStringSubmatch(line); g != nil && !strings.EqualFold(g[1], "agent") {
				m.Problems = append(m.Problems, "\""+strings.TrimSpace(line)+"\" is not read as a marker: the last paragraph holds lines that are not trailers (Key: value), so git reads no trailer block there; put the trailers in a paragraph of their own, last")
			}
		}
	}
	for _, line := range block {
		g := trailerRE.FindStringSubmatch(line)
		if g == nil {
			continue
		}
		switch strings.ToLower(g[1]) {
		case "start":
			if g[2] == "" {
				m.Problems = append(m.Problems, "Session-Start trailer without a title")
			} else if m.Open == "" {
				m.Open = g[2]
			}
		case "end":
			m.addClose(g[2], line)
		case "agent":
			m.Agent = g[2]
		}
	}
	return m
}

var (
	// trailerLineRE is a line git reads as a trailer: a token of letters,
	// digits and dashes at the start of the line, then the separator.
	trailerLineRE = regexp.MustCompile(`^[A-Za-z0-9-]+[ \t]*:`)
	// gitTrailerRE is a line git itself writes into a trailer block
	// (commit -s, cherry-pick -x), which lets the block hold other lines.
	gitTrailerRE = regexp.MustCompile(`^(Signed-off-by: |\(cherry picked from commit )`)
)

// trailers returns the trailers of msg (LF line ends) as git reads them
// (git interpret-trailers --parse, %(trailers)), each with its
// continuation lines joined by a space: those of the last paragraph when
// every line of it is a trailer or, indented, continues one, or when git
// wrote one of them and trailers are at least a quarter of its lines.
// Anything else is prose, a quoted message or a code block ("Use a
// trailer:" then "    Session-Start: TITLE", or a fenced one, as the
// last paragraph), which marks no session here, in git or in CI. Unlike
// git, a message of one paragraph may be trailers ("Session-Start: T" as
// the whole message), as markers always allowed.
func trailers(msg string) []string {
	lines := lastParagraph(msg)
	var out []string
	git, nonTrailer, continued := false, 0, false
	for _, line := range lines {
		switch {
		case line[0] == ' ' || line[0] == '\t':
			if !continued {
				nonTrailer++
				continue
			}
			out[len(out)-1] += " " + strings.TrimSpace(line)
		case gitTrailerRE.MatchString(line):
			git = true
			out = append(out, strings.TrimSpace(line))
			continued = true
		case trailerLineRE.MatchString(line):
			out = append(out, strings.TrimSpace(line))
			continued = true
		default:
			nonTrailer++
			continued = false
		}
	}
	if len(out) == 0 || (nonTrailer > 0 && !(git && 3*len(out) >= nonTrailer)) {
		return nil
	}
	return out
}

// lastParagraph is the lines of msg (trimmed, LF line ends) after its
// last line of blanks: git ends a paragraph there, not only at an empty
// line.
func lastParagraph(msg string) []string {
	lines := strings.Split(msg, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) == "" {
			return lines[i+1:]
		}
	}
	return lines
}

func (m *Markers) addClose(id, line string) {
	if !IsID(id) {
		m.Problems = append(m.Problems, "\""+line+"\" does not name a session id (YYYYMMDD-HHMMSS)")
		m.CloseWithoutID = true
		return
	}
	for _, c := range m.Close {
		if c == id {
			return
		}
	}
	m.Close = append(m.Close, id)
}
