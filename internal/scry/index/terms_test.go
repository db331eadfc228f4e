package index

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

func TestDiffTerms(t *testing.T) {
	d := newDiffTerms(text.NewAnalyzer())
	d.line(0, []byte(`func parseHTTPHeader(maxRetryCount int) error { // retries`))
	d.line(0, []byte(`	sum := "9f86d081884c7d659a2feaa0c55ad015" + deadbeef + x1 + _private_name`))
	got := strings.Fields(d.terms())
	sort.Strings(got)
	want := []string{"count", "deadbeef", "error", "func", "header", "http", "int", "max", "name", "pars", "privat", "retri", "retri", "sum"}
	want = uniqSorted(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("terms = %q\nwant    %q", got, want)
	}
	d.reset()
	if d.terms() != "" {
		t.Fatal("reset kept terms")
	}
	// Past the byte cap, lines are not read for terms and the commit is
	// marked capped.
	line := []byte(strings.Repeat("alpha ", 1000))
	for i := 0; i < maxDiffBytes/len(line)+2; i++ {
		d.line(0, line)
	}
	d.line(0, []byte("omega"))
	if strings.Contains(d.terms(), "omega") || !d.capped {
		t.Fatal("the cap did not hold")
	}
}

// TestCappedDiffTermsAreTheFirstSeen pins a bug: past maxDiffTerms the
// terms kept were the map's random pick, so one huge commit indexed twice
// got different diff terms, and lexical rankings moved between two
// indexes of the same history.
func TestCappedDiffTermsAreTheFirstSeen(t *testing.T) {
	var lines [][]byte
	for i := range 3 * maxDiffTerms {
		code := string([]byte{byte('a' + i/676), byte('a' + i/26%26), byte('a' + i%26)})
		lines = append(lines, []byte(fmt.Sprintf("zq%sw = 1", code)))
	}
	var first string
	for run := range 5 {
		d := newDiffTerms(text.NewAnalyzer())
		for _, l := range lines {
			d.line(0, l)
		}
		got := d.terms()
		if !d.capped || len(strings.Fields(got)) != maxDiffTerms {
			t.Fatalf("capped %v with %d terms", d.capped, len(strings.Fields(got)))
		}
		if run == 0 {
			first = got
			if f := strings.Fields(got); f[0] != "zqaaaw" || f[len(f)-1] != "zqcfrw" {
				t.Fatalf("kept %q … %q, want the first %d seen: zqaaaw … zqcfrw", f[0], f[len(f)-1], maxDiffTerms)
			}
			continue
		}
		if got != first {
			t.Fatal("two readings of one diff kept different terms")
		}
	}
}

func uniqSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func TestSplitTrailers(t *testing.T) {
	for _, c := range []struct{ body, text, trailers string }{
		{"Fixes the loop.\n\nRefs: #12\nSigned-off-by: A <a@b>", "Fixes the loop.", "Refs: #12\nSigned-off-by: A <a@b>"},
		{"Just text.\n\nMore text: with a colon and spaces in key", "Just text.\n\nMore text: with a colon and spaces in key", ""},
		{"Session-Start: Wings", "", "Session-Start: Wings"},
		{"", "", ""},
	} {
		text, trailers := splitTrailers(c.body)
		if text != c.text || trailers != c.trailers {
			t.Errorf("splitTrailers(%q) = %q, %q", c.body, text, trailers)
		}
	}
	if got := searchableTrailers("Refs: JIRA-1\nSigned-off-by: A\nCo-authored-by: B\nSession-Start: Wings"); got != "Refs JIRA-1\nSession-Start Wings" {
		t.Errorf("searchableTrailers = %q", got)
	}
}

// AI coding agents sign every commit with the same lines; indexedBody
// leaves out the known ones, exact shapes only, and names the agents.
func TestIndexedBodyLeavesOutAgentSignatures(t *testing.T) {
	const line = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
	for _, c := range []struct {
		body, text, trailers string
		agents               []string
	}{
		// Claude Code's line and trailer, as it writes them.
		{"Fix the loop.\n\n" + line + "\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "Fix the loop.", "", []string{"Claude"}},
		// Its older address, a model in the trailer, another trailer
		// kept, the two on consecutive lines.
		{"Fix.\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\nSigned-off-by: A <a@example.com>",
			"Fix.", "Signed-off-by: A <a@example.com>", []string{"Claude"}},
		// A squash merge: its commits' signatures within the body.
		{"* first\n\n" + line + "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n\n* second\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
			"* first\n\n* second", "", []string{"Claude", "Copilot"}},
		{"Add x.\n\nCo-authored-by: Codex <noreply@openai.com>", "Add x.", "", []string{"Codex"}},
		{"Add x.\n\nCo-authored-by: aider (anthropic/claude-sonnet-4-20250514) <aider@aider.chat>", "Add x.", "", []string{"aider"}},
		{"Add x.\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>", "Add x.", "", []string{"aider"}},
		{"Add x.\n\nMade-with: Cursor", "Add x.", "", []string{"Cursor"}},
		{"Add x.\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\nMade-with: Cursor", "Add x.", "", []string{"Cursor"}},
		// opencode's line (with or without its robot, its name in
		// either case) and trailer, its model in the trailer's name, or
		// its GitHub app's; Amp's and Devin's; Codex CLI's address.
		{"Fix the loop.\n\n🤖 Generated with [opencode](https://opencode.ai)\n\nCo-Authored-By: opencode <noreply@opencode.ai>", "Fix the loop.", "", []string{"opencode"}},
		{"Fix.\n\nGenerated with [OpenCode](https://opencode.ai)\nCo-authored-by: opencode (DeepSeek V4.1 Flash) <noreply@opencode.ai>", "Fix.", "", []string{"opencode"}},
		{"Fix.\n\nCo-authored-by: opencode-agent[bot] <219766164+opencode-agent[bot]@users.noreply.github.com>", "Fix.", "", []string{"opencode"}},
		{"Fix.\n\n🤖 Generated with [Amp](https://ampcode.com)\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>", "Fix.", "Amp-Thread-ID: https://ampcode.com/threads/T-1", []string{"Amp"}},
		{"Fix.\n\nGenerated with [Devin](https://cli.devin.ai/docs)\n\nCo-Authored-By: Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "Fix.", "", []string{"Devin"}},
		{"Add x.\n\nCo-authored-by: Codex <codex@openai.com>", "Add x.", "", []string{"Codex"}},
		// A site generated with a tool is no agent's signature, nor is a
		// line that says more after the link.
		{"Add x.\n\nGenerated with [Hugo](https://gohugo.io)", "Add x.\n\nGenerated with [Hugo](https://gohugo.io)", "", nil},
		{"Add x.\n\n🤖 Generated with [opencode](https://opencode.ai) and by hand", "Add x.\n\n🤖 Generated with [opencode](https://opencode.ai) and by hand", "", nil},
		// People are not agents, and prose quoting the line is prose.
		{"Add x.\n\nCo-authored-by: Claude Shannon <claude@example.com>", "Add x.", "Co-authored-by: Claude Shannon <claude@example.com>", nil},
		{"Stop writing \"" + line + "\" into messages.", "Stop writing \"" + line + "\" into messages.", "", nil},
		{"Add x.\n\nMade-with: love", "Add x.", "Made-with: love", nil},
	} {
		text, trailers, agents, _ := indexedBody(c.body)
		if text != c.text || trailers != c.trailers || !reflect.DeepEqual(agents, c.agents) {
			t.Errorf("indexedBody(%q) = %q, %q, %q; want %q, %q, %q", c.body, text, trailers, agents, c.text, c.trailers, c.agents)
		}
	}
}
