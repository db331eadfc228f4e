package session

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseMarkers(t *testing.T) {
	cases := []struct {
		msg  string
		want Markers
	}{
		{"feat: x", Markers{}},
		{"feat: x\n\nSession-Start: Refactor the parser\nSession-Agent: Claude\n", Markers{Open: "Refactor the parser", Agent: "Claude"}},
		{"Session-Start: one-line message", Markers{Open: "one-line message"}},
		{"session: start Write the docs", Markers{Open: "Write the docs"}},
		{"SESSION: START Loud", Markers{Open: "Loud"}},
		{"session: end 20260304-082030", Markers{Close: []string{"20260304-082030"}}},
		{"session: archive 20260304-082030 (Refactor (v2))", Markers{Close: []string{"20260304-082030"}}},
		{"fix: y\n\nsession-end: 20260304-082030\nsession-agent: gemini", Markers{Close: []string{"20260304-082030"}, Agent: "gemini"}},
		// Real archive commits without an id are not markers (repair reads
		// their records instead).
		{"session: archive spec-drift-fix + E4.6 semantic grounding", Markers{}},
		{"docs: session notes", Markers{}},
		// A trailer only counts in the last paragraph.
		{"feat: x\n\nSession-Start: not a trailer\n\nSigned-off-by: A <a@b>", Markers{}},
		// A marker quoted in a code block, or in prose, as the last
		// paragraph is no trailer, for git as here.
		{"docs: markers\n\nUse a trailer:\n\n    Session-Start: Refactor the parser", Markers{}},
		{"docs: markers\n\n```\nSession-Start: Fenced\n```", Markers{}},
		{"docs: markers\n\nSession-Start: is how a session opens, and\nthe title follows it.", Markers{}},
		{"fix: x\n\n\tSession-End: 20260304-082030", Markers{}},
		// A line of blanks ends a paragraph.
		{"fix: x\n\nSession-Start: Quoted\n   \nsee above", Markers{}},
		// Lines git writes let the block hold others (a quarter trailers).
		{"fix: x\n\nSession-Start: T\nSigned-off-by: A <a@b>\nsee above", Markers{Open: "T"}},
		{"fix: x\n\nSession-Start: T\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)", Markers{Open: "T"}},
		// A folded trailer value is one line, as git unfolds it.
		{"fix: x\n\nSession-Start: Refactor the\n  parser\nSession-Agent: claude", Markers{Open: "Refactor the parser", Agent: "claude"}},
		{"fix: x\r\n\r\nCo-authored-by: B <b@c>\r\nSession-End: 20260304-082030\r\n", Markers{Close: []string{"20260304-082030"}}},
		// Both ends in one commit.
		{"session: start Next\n\nSession-End: 20260101-000000", Markers{Open: "Next", Close: []string{"20260101-000000"}}},
		// The same close twice counts once.
		{"session: end 20260101-000000\n\nSession-End: 20260101-000000", Markers{Close: []string{"20260101-000000"}}},
	}
	for _, c := range cases {
		got := ParseMarkers(c.msg)
		got.Problems = nil
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseMarkers(%q) = %+v, want %+v", c.msg, got, c.want)
		}
	}
}

func TestMarkerProblemsAreReported(t *testing.T) {
	m := ParseMarkers("chore: x\n\nSession-End: yesterday\nSession-Start:")
	if m.Any() || len(m.Problems) != 2 {
		t.Fatalf("got %+v", m)
	}
	m = ParseMarkers("session: end soon")
	if m.Any() || len(m.Problems) != 1 || !m.CloseWithoutID {
		t.Fatalf("got %+v", m)
	}
	// A marker among lines that are not trailers is said to be none; a
	// quoted (indented) one is not.
	m = ParseMarkers("feat: x\n\nSession-Start: Mixed\nCloses #12")
	if m.Any() || len(m.Problems) != 1 || !strings.Contains(m.Problems[0], "is not read as a marker") {
		t.Fatalf("got %+v", m)
	}
	if m = ParseMarkers("docs: x\n\nUse:\n    Session-Start: T"); len(m.Problems) != 0 {
		t.Fatalf("got %+v", m)
	}
	// A subject marker without its id or title was meant as one.
	for _, msg := range []string{"session: end", "Session: END", "session: start", "session:start"} {
		if m := ParseMarkers(msg); m.Any() || len(m.Problems) != 1 {
			t.Errorf("ParseMarkers(%q) = %+v, want one problem", msg, m)
		}
	}
}
