package release

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// changelogHeader starts a new changelog file.
const changelogHeader = `# Changelog

All notable changes to this project are documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).
`

// group is one "### Title" list of a release section. noun is what the
// plan's reason counts its commits as ("2 features"): the reason says
// what the section will list, so it reads from the same table.
type group struct {
	title string
	noun  string
	types []string
}

// groups in the order a reader wants them. Breaking changes come first
// whatever their type; then Keep a Changelog's own headings where a
// conventional type maps onto one; then the rest. Types not listed, and
// messages that are not conventional commits, are "Other".
var groups = []group{
	{"Added", "feature", []string{"feat"}},
	{"Fixed", "fix", []string{"fix"}},
	{"Security", "security fix", []string{"security", "sec"}},
	{"Deprecated", "deprecation", []string{"deprecate", "deprecated"}},
	{"Removed", "removal", []string{"remove", "revert"}},
	{"Performance", "performance change", []string{"perf"}},
	{"Changed", "change", []string{"refactor", "style"}},
	{"Documentation", "documentation change", []string{"docs", "doc"}},
	{"Tests", "test change", []string{"test", "tests"}},
	{"Build and CI", "build or CI change", []string{"build", "ci"}},
	{"Chores", "chore", []string{"chore", "deps"}},
}

// hiddenTypes are bookkeeping commits no reader of a changelog needs: the
// release commits themselves and session records.
var hiddenTypes = map[string]bool{"release": true, "session": true}

// headingStyle is how a changelog writes its release headings: the
// version in brackets or not, with a v or not, and what stands between it
// and the date ("## [0.1.0] - 2026-01-01", "## 0.1.0 (2026-01-01)").
type headingStyle struct {
	brackets bool
	v        bool
	sep      string // " - ", " – ", " — ", " ", or " (" with a ")" after the date
	// linked: the label is a link, "[0.1.0](URL)", as release-please
	// writes it; link is that URL of the newest heading. url is the new
	// heading's (linkedTo): "" writes the plain label.
	linked    bool
	link, url string
}

// defaultHeading is Keep a Changelog's: "## [X.Y.Z] - YYYY-MM-DD".
var defaultHeading = headingStyle{brackets: true, sep: " - "}

var (
	// styledHeadingRE is a release heading's version, as headingStyleOf
	// reads it: [v]X.Y.Z in brackets or not (a link after the brackets,
	// "[X.Y.Z](URL)", as release-please writes it).
	styledHeadingRE = regexp.MustCompile(`(?m)^## +(\[)?(v)?\d+\.\d+\.\d+(\])?(\([^)\s]*\))?`)
	// headingDateRE is what follows it: a separator and a date.
	headingDateRE = regexp.MustCompile(`^( +[-–—] +| +\(| +)\d{4}-\d{2}-\d{2}(\))?[ \t]*\r?(\n|$)`)
)

// headingStyleOf is the style of the newest release heading of a
// changelog, which the next one follows: a file whose headings have no
// brackets got "## [0.1.1] - …" above "## 0.1.0 - …". What it cannot read
// (no release heading yet, brackets not closed) is Keep a Changelog's;
// a heading without a date keeps its brackets and v, and gets the date as
// Keep a Changelog writes it.
func headingStyleOf(changelog []byte) headingStyle {
	m := styledHeadingRE.FindSubmatchIndex(changelog)
	if m == nil || (m[2] >= 0) != (m[6] >= 0) {
		return defaultHeading
	}
	s := headingStyle{brackets: m[2] >= 0, v: m[4] >= 0, sep: defaultHeading.sep}
	if m[8] >= 0 {
		s.linked, s.link = true, string(changelog[m[8]+1:m[9]-1])
	}
	if d := headingDateRE.FindSubmatch(changelog[m[1]:]); d != nil {
		switch sep := strings.TrimSpace(string(d[1])); {
		case (sep == "(") != (len(d[2]) > 0):
			// "## 0.1.0 (2026-01-01" or "## 0.1.0 - 2026-01-01)": kept
			// as Keep a Changelog writes it.
		case sep == "(":
			s.sep = " ("
		case sep == "":
			s.sep = " "
		default:
			s.sep = " " + sep + " "
		}
	}
	return s
}

// heading is the "## …" line of version v's section, released on date.
func (s headingStyle) heading(v Version, date string) string {
	label := v.String()
	if s.v {
		label = "v" + label
	}
	if s.brackets {
		label = "[" + label + "]"
		if s.url != "" {
			label += "(" + s.url + ")"
		}
	}
	if s.sep == " (" {
		return "## " + label + " (" + date + ")\n"
	}
	return "## " + label + s.sep + date + "\n"
}

// Section renders the changelog section of a release. changes are in the
// order they were made (oldest first); notes is free text placed under the
// heading (the release message and any hand-written Unreleased notes).
func Section(v Version, date time.Time, notes string, changes []Change) string {
	return sectionIn(defaultHeading, v, date, notes, changes)
}

// sectionIn is Section with its heading in a changelog's style.
func sectionIn(style headingStyle, v Version, date time.Time, notes string, changes []Change) string {
	var b strings.Builder
	b.WriteString(style.heading(v, date.UTC().Format("2006-01-02")))
	notes = strings.TrimSpace(notes)
	free, hand := handGroups(notes)
	if free != "" {
		b.WriteString("\n" + free + "\n")
	}
	var breaking []Change
	byGroup := map[string][]Change{}
	visible := 0
	for _, c := range changes {
		if c.Dropped || (hiddenTypes[c.Type] && !c.Breaking) {
			continue
		}
		visible++
		if c.Breaking {
			breaking = append(breaking, c)
			continue
		}
		byGroup[groupOf(c.Type)] = append(byGroup[groupOf(c.Type)], c)
	}
	writeGroup := func(title string, cs []Change) {
		if len(cs) == 0 && hand[title] == "" {
			return
		}
		b.WriteString("\n### " + title + "\n\n")
		if hand[title] != "" {
			b.WriteString(hand[title] + "\n")
		}
		for _, c := range cs {
			b.WriteString(entry(c))
		}
	}
	writeGroup("Breaking changes", breaking)
	for _, g := range groups {
		writeGroup(g.title, byGroup[g.title])
	}
	writeGroup("Other", byGroup["Other"])
	if visible == 0 && free == "" && len(hand) == 0 {
		b.WriteString("\nNo notable changes.\n")
	}
	return b.String()
}

// groupHeadingRE is a "### Title" line of hand-written notes.
var groupHeadingRE = regexp.MustCompile(`^###[ \t]+(.*?)[ \t]*$`)

// handGroups splits hand-written notes (LF line ends) into the text that
// goes above the groups and the notes under a heading that names one of
// them ("### Added", in any case), by the group's title: Keep a
// Changelog's [Unreleased] is written under the same headings, which the
// section had twice, the hand-written one and then the commits'. A
// heading of the project's own stays in the text, with its notes.
func handGroups(notes string) (free string, hand map[string]string) {
	titles := map[string]string{"breaking changes": "Breaking changes", "other": "Other"}
	for _, g := range groups {
		titles[strings.ToLower(g.title)] = g.title
	}
	hand = map[string]string{}
	var text []string
	group := ""
	for _, l := range strings.Split(notes, "\n") {
		if m := groupHeadingRE.FindStringSubmatch(l); m != nil {
			group = titles[strings.ToLower(m[1])]
		}
		switch {
		case group == "":
			text = append(text, l)
		case !groupHeadingRE.MatchString(l):
			hand[group] += l + "\n"
		}
	}
	for t, body := range hand {
		if body = strings.Trim(body, "\n"); body == "" {
			delete(hand, t)
		} else {
			hand[t] = body
		}
	}
	return strings.TrimSpace(strings.Join(text, "\n")), hand
}

func groupOf(typ string) string {
	for _, g := range groups {
		for _, t := range g.types {
			if t == typ {
				return g.title
			}
		}
	}
	return "Other"
}

// entry is one list item: "- **scope:** summary (sha, session ID)", and for
// a breaking change its note on an indented line below. Commits of a type
// with no group of its own show the type in place of the scope.
func entry(c Change) string {
	var b strings.Builder
	b.WriteString("- ")
	label := c.Scope
	if c.Type != "" && groupOf(c.Type) == "Other" {
		// A type of the project's own ("scry: ...") says what the change
		// is about; under "Other" it would be lost.
		label = c.Type
		if c.Scope != "" {
			label += "(" + c.Scope + ")"
		}
	}
	if label != "" {
		b.WriteString("**" + label + ":** ")
	}
	b.WriteString(c.Summary)
	refs := []string{c.Short}
	switch len(c.Sessions) {
	case 0:
	case 1:
		refs = append(refs, "session "+c.Sessions[0])
	default:
		refs = append(refs, "sessions "+strings.Join(c.Sessions, ", "))
	}
	b.WriteString(" (" + strings.Join(refs, ", ") + ")\n")
	if c.Breaking && c.Note != "" && c.Note != c.Summary {
		b.WriteString("  " + c.Note + "\n")
	}
	return b.String()
}

var (
	// "## [Unreleased]", also as a link ("## [Unreleased](https://…)").
	unreleasedRE = regexp.MustCompile(`(?im)^## +\[?unreleased\]?(\([^)\r\n]*\))?[ \t]*\r?$`)
	anySectionRE = regexp.MustCompile(`(?m)^## `)
	// A link reference definition: "[1.0.0]: https://…".
	linkRefRE = regexp.MustCompile(`^\[[^\]]+\]:[ \t]*\S`)
)

// unreleasedEnd is where the notes under an Unreleased heading that
// starts rest end: at the next "## " heading, else before the link
// reference definitions that end the file (they stay at the bottom).
func unreleasedEnd(rest []byte) (end int, tail bool) {
	if next := anySectionRE.FindIndex(rest); next != nil {
		return next[0], true
	}
	end = len(rest)
	lines := strings.SplitAfter(string(rest), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimRight(lines[i], "\r\n")
		if l != "" && !linkRefRE.MatchString(l) {
			break
		}
		end -= len(lines[i])
	}
	// The blank lines before the definitions stay with them.
	return end, end < len(rest)
}

// UnreleasedNotes returns the text a changelog holds under its
// "## [Unreleased]" heading: notes written by hand since the last release,
// which the new section takes over.
func UnreleasedNotes(old []byte) string {
	_, old = cutBOM(old)
	loc := unreleasedRE.FindIndex(old)
	if loc == nil {
		return ""
	}
	rest := old[loc[1]:]
	end, _ := unreleasedEnd(rest)
	rest = rest[:end]
	// As LF: the section they go into is written with the file's line ends.
	return strings.TrimSpace(strings.ReplaceAll(string(rest), "\r\n", "\n"))
}

// unreleasedPlaced refuses a changelog with two Unreleased headings (a
// merge that kept both): the release takes the notes of the first, and
// the second, notes and all, was left below the new section, where no
// later release reads it. One below a release is refused too.
func unreleasedPlaced(what string, data []byte) error {
	_, text := cutBOM(data)
	locs := unreleasedRE.FindAllIndex(text, 2)
	line := func(at int) int { return bytes.Count(text[:at], []byte("\n")) + 1 }
	switch {
	case len(locs) == 2:
		return refuse("merge them into one ## [Unreleased] section above the releases, commit, then release",
			"%s has two ## [Unreleased] headings (lines %d and %d)", what, line(locs[0][0]), line(locs[1][0]))
	case len(locs) == 1:
		// Appended at the end, it put the new section below the
		// release above it.
		if m := releaseHeadingRE.FindSubmatchIndex(text[:locs[0][0]]); m != nil {
			return refuse("move it and its notes above the releases, commit, then release",
				"%s has its ## [Unreleased] heading (line %d) below the release %s (line %d)", what, line(locs[0][0]), text[m[2]:m[3]], line(m[0]))
		}
	}
	return nil
}

// noNewerSection refuses a changelog with a section for a version above
// next, the one being released (released from elsewhere, its tag not
// fetched, or written ahead): the new section went above it, the
// releases out of order, without a word.
func noNewerSection(what string, data []byte, next Version) error {
	_, text := cutBOM(data)
	for _, m := range releaseHeadingRE.FindAllSubmatchIndex(text, -1) {
		v, err := ParseVersion(string(text[m[2]:m[3]]))
		if err != nil || v.Compare(next) <= 0 {
			continue
		}
		line := bytes.Count(text[:m[0]], []byte("\n")) + 1
		return refuse(fmt.Sprintf("if %s was released, fetch its tag (git fetch --tags) and release after it; if not, move its notes under ## [Unreleased] and remove its heading, commit, then release", v.Tag()),
			"%s has a section for %s (line %d), above the %s being released", what, v, line, next)
	}
	return nil
}

// releaseHeadingRE is the heading of a release's section.
var releaseHeadingRE = regexp.MustCompile(`(?m)^## +\[?v?(\d+\.\d+\.\d+[^\]\s]*)`)

// SectionOf is the changelog's section of version v, heading included, as
// git release wrote it (LF line ends); "" when it has none.
func SectionOf(changelog []byte, v Version) string {
	_, changelog = cutBOM(changelog)
	text := strings.ReplaceAll(string(changelog), "\r\n", "\n")
	heading := regexp.MustCompile(`(?m)^## +\[?v?` + regexp.QuoteMeta(v.String()) + `\]?(\(|[ \t]|$)`)
	loc := heading.FindStringIndex(text)
	if loc == nil {
		return ""
	}
	rest := text[loc[0]:]
	if next := anySectionRE.FindStringIndex(rest[3:]); next != nil {
		rest = rest[:3+next[0]]
	}
	return strings.TrimRight(rest, "\n") + "\n"
}

// ErrSectionExists is returned by InsertSection when the changelog already
// has a section for the version.
type ErrSectionExists struct{ Version Version }

func (e *ErrSectionExists) Error() string {
	return fmt.Sprintf("the changelog already has a section for %s", e.Version)
}

// InsertSection returns the changelog with section placed above the newest
// release: right after an "## [Unreleased]" heading (whose notes the
// section took over, so they are moved, not copied), else before the first
// "## " heading, else at the end. A missing changelog (nil), or one holding
// nothing but blank lines, gets the Keep a Changelog header first. Every other byte of the file is kept, a byte
// order mark included (the first line after it is a line like any other).
func InsertSection(old []byte, v Version, section string) ([]byte, error) {
	if mark, text := cutBOM(old); mark != nil {
		out, err := InsertSection(text, v, section)
		if err != nil {
			return nil, err
		}
		return withBOM(mark, out), nil
	}
	existing := regexp.MustCompile(`(?m)^## +\[?v?` + regexp.QuoteMeta(v.String()) + `\]?(\(|[ \t]|\r?$)`)
	if existing.Match(old) {
		return nil, &ErrSectionExists{v}
	}
	if len(bytes.TrimSpace(old)) == 0 {
		// An empty file (touch CHANGELOG.md) is a changelog not begun,
		// as a missing one is: it got the section without the header.
		return []byte(changelogHeader + "\n" + section), nil
	}
	// A changelog written with CRLF line ends gets the new section (and
	// the lines around it) with them too; its own bytes stay as they are.
	nl := "\n"
	if bytes.Contains(old, []byte("\r\n")) {
		nl = "\r\n"
		section = strings.ReplaceAll(section, "\n", nl)
	}
	var out bytes.Buffer
	if loc := unreleasedRE.FindIndex(old); loc != nil {
		rest := old[loc[1]:]
		tail := []byte(nil)
		if end, ok := unreleasedEnd(rest); ok {
			if t := bytes.TrimLeft(rest[end:], "\r\n"); len(t) > 0 {
				tail = t
			}
		}
		out.Write(old[:loc[1]]) // the heading, its \r included
		out.WriteString("\n" + nl + section)
		if tail != nil {
			out.WriteString(nl)
			out.Write(tail)
		}
		return out.Bytes(), nil
	}
	if loc := anySectionRE.FindIndex(old); loc != nil {
		out.Write(old[:loc[0]])
		out.WriteString(section + nl)
		out.Write(old[loc[0]:])
		return out.Bytes(), nil
	}
	out.Write(old)
	switch {
	case len(old) == 0:
	case bytes.HasSuffix(old, []byte(nl+nl)):
	case bytes.HasSuffix(old, []byte(nl)):
		out.WriteString(nl)
	default:
		out.WriteString(nl + nl)
	}
	out.WriteString(section)
	return out.Bytes(), nil
}
