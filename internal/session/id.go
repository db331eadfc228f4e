// Package session implements `git session`: working sessions bounded by
// two annotated tags and described by a markdown record, opened and closed
// from the command line or from markers in commit messages, and repaired
// from the records a history already holds.
package session

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/verdigris-dev/verdigris/internal/fold"
)

// IDLayout is the time layout of a session id: YYYYMMDD-HHMMSS in UTC.
const IDLayout = "20060102-150405"

// TagPrefix starts every session tag name.
const TagPrefix = "session-"

// NewID is the id of a session that starts at t.
func NewID(t time.Time) string { return t.UTC().Format(IDLayout) }

// IsID reports whether s is a session id (YYYYMMDD-HHMMSS).
func IsID(s string) bool {
	_, err := time.Parse(IDLayout, s)
	return err == nil && len(s) == len(IDLayout)
}

// NextID is the id one second after id, the next candidate when id is
// taken. It panics on a malformed id, which callers never pass.
func NextID(id string) string {
	t, err := time.Parse(IDLayout, id)
	if err != nil {
		panic(fmt.Sprintf("session: NextID(%q): %v", id, err))
	}
	return NewID(t.Add(time.Second))
}

// StartTag and EndTag name a session's tags: session-<id>-<agent>-start
// and -end. An empty agent gives the older session-<id>-start form.
func StartTag(id, agent string) string { return tagName(id, agent, "start") }

// EndTag names the tag on a session's last commit.
func EndTag(id, agent string) string { return tagName(id, agent, "end") }

func tagName(id, agent, edge string) string {
	if agent == "" {
		return TagPrefix + id + "-" + edge
	}
	return TagPrefix + id + "-" + agent + "-" + edge
}

// TagInfo is what a session tag's name says.
type TagInfo struct {
	ID    string
	Agent string // "" for the older session-<id>-start form
	End   bool
}

// ParseTag reads a session tag name; ok is false for any other tag.
func ParseTag(name string) (TagInfo, bool) {
	rest, ok := strings.CutPrefix(name, TagPrefix)
	if !ok || len(rest) < len(IDLayout) || !IsID(rest[:len(IDLayout)]) {
		return TagInfo{}, false
	}
	ti := TagInfo{ID: rest[:len(IDLayout)]}
	rest = rest[len(IDLayout):]
	switch {
	case strings.HasSuffix(rest, "-start"):
		rest = strings.TrimSuffix(rest, "-start")
	case strings.HasSuffix(rest, "-end"):
		rest, ti.End = strings.TrimSuffix(rest, "-end"), true
	default:
		return TagInfo{}, false
	}
	if rest != "" {
		// The agent part is what Slug makes: anything else (spaces,
		// "..") is not a name this tool would make or could create.
		if rest[0] != '-' || len(rest) == 1 || Slug(rest[1:]) != rest[1:] {
			return TagInfo{}, false
		}
		ti.Agent = rest[1:]
	}
	return ti, true
}

// Slug turns a name (an agent, a person) into the form used in tag names:
// lower case letters, digits and single dashes, at most 40 characters.
// Anything git forbids in a ref name ("..", "@{", spaces, ".lock") cannot
// survive it. Latin letters are spelled in ASCII first (fold.LatinASCII:
// "Zoë Müller" is "zoe-muller", not "zo-m-ller"), by a rule without
// locale, so a laptop and CI make the same name from the same marker.
// A name whose letters are all of other scripts is otherScriptSlug's.
func Slug(s string) string {
	folded := fold.LatinASCII(s)
	var b strings.Builder
	dash, letter := false, false
	for _, r := range folded {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			letter = letter || r >= 'a'
			b.WriteRune(r)
			if b.Len() >= 40 {
				break
			}
			continue
		}
		dash = true
	}
	if !letter && hasOtherScript(folded) {
		return otherScriptSlug(folded)
	}
	return b.String()
}

// otherScriptSlug is the agent part of a name written in letters that
// have no ASCII spelling ("克劳德", "Алиса"): dropping them made an empty
// part, or "2" of both "Алиса 2" and "Борис 2". It is "u-" and the first
// 8 hex digits of the SHA-256 of the name as Slug reads it (lower case,
// NFC, each run of other characters one dash): never empty, the same in
// every clone, and different for different names. folded is the name
// through fold.LatinASCII.
func otherScriptSlug(folded string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFC.String(folded) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	sum := sha256.Sum256([]byte(b.String()))
	return "u-" + hex.EncodeToString(sum[:4])
}

// hasOtherScript reports whether s holds a letter or digit beyond ASCII.
func hasOtherScript(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return true
		}
	}
	return false
}
