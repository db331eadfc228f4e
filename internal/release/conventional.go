package release

import (
	"regexp"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Change is one commit as the changelog sees it.
type Change struct {
	Hash     string   `json:"commit"`
	Short    string   `json:"short"`
	Type     string   `json:"type"` // lower case; "" for a message that is not a conventional commit
	Scope    string   `json:"scope,omitempty"`
	Summary  string   `json:"summary"`
	Breaking bool     `json:"breaking"`
	Note     string   `json:"breaking_note,omitempty"` // the BREAKING CHANGE footer's text
	Sessions []string `json:"sessions,omitempty"`
	// Reverts is the commit git revert's body names ("This reverts
	// commit <sha>"); Dropped, that the release does not ship this
	// commit: reverted in it, or a revert of one of its commits.
	Reverts string `json:"reverts,omitempty"`
	Dropped bool   `json:"dropped,omitempty"`
}

// header: type(scope)!: summary — the Conventional Commits 1.0 header.
var commitHeaderRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*)(?:\(([^()]*)\))?(!)?: +(\S.*)$`)

// breakingRE finds the BREAKING CHANGE footer (either spelling) at the start
// of a line of the body.
var breakingRE = regexp.MustCompile(`(?m)^BREAKING[ -]CHANGE: *(.*)$`)

// footerRE finds a footer line after the first line of a note:
// "Reviewed-by: Z", "Refs #133", "Signed-off-by: …".
var footerRE = regexp.MustCompile(`\n[A-Za-z][A-Za-z0-9-]*(: | #)`)

// ParseChange reads a commit's subject and body as a conventional commit.
// A message that does not follow the convention keeps its subject as the
// summary and an empty type.
func ParseChange(hash, subject, body string) Change {
	c := Change{Hash: hash, Short: gitrepo.Short(hash), Summary: subject}
	if m := commitHeaderRE.FindStringSubmatch(subject); m != nil {
		c.Type = strings.ToLower(m[1])
		c.Scope = strings.TrimSpace(m[2])
		c.Breaking = m[3] == "!"
		c.Summary = m[4]
	} else {
		parseGitRevert(&c, subject)
	}
	if m := revertBodyRE.FindStringSubmatch(body); m != nil {
		c.Reverts = m[1]
	}
	if m := breakingRE.FindStringSubmatchIndex(body); m != nil {
		c.Breaking = true
		// The note runs to a blank line, the next footer ("Token: " or
		// "Token #", as Conventional Commits writes them) or the end.
		note := body[m[2]:]
		if i := strings.Index(note, "\n\n"); i >= 0 {
			note = note[:i]
		}
		if loc := footerRE.FindStringIndex(note); loc != nil {
			note = note[:loc[0]]
		}
		c.Note = strings.Join(strings.Fields(note), " ")
	}
	return c
}

// Bump is what this change alone asks of the version, given the current
// major version: breaking → major (minor before 1.0.0, as Cargo and npm
// read 0.x versions), feat → minor, anything else → patch.
func (c Change) Bump(current Version) Bump {
	switch {
	case c.Breaking && current.Major == 0:
		return BumpMinor
	case c.Breaking:
		return BumpMajor
	case c.Type == "feat":
		return BumpMinor
	}
	return BumpPatch
}

// AutoBump is the highest bump any of changes asks for; a dropped change
// (reverted in the release) asks for none.
func AutoBump(current Version, changes []Change) Bump {
	b := BumpNone
	for _, c := range changes {
		if c.Dropped {
			continue
		}
		if cb := c.Bump(current); cb.rank() > b.rank() {
			b = cb
		}
	}
	return b
}
