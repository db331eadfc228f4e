package session

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "records", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Every record of the fixture directory, one per historical format.
func TestParseEveryFixture(t *testing.T) {
	cases := []struct {
		file                                      string
		format, id, title, agent, created, branch string
		starting, startTag, endTag, workType      string
		goals, entries                            int
	}{
		{"20250728-182427.md", FormatHeader, "20250728-182427", "this is the first run of the new session commands", "claude", "2025-07-28T22:24:27Z", "feature/hook-based-sessions",
			"377bd54658b5c5626b55b0a6b12c52c4b1ea8d0d", "", "", "", 5, 6},
		{"20250806-140740.md", FormatHeader, "20250806-140740", "continue with new init update and doctor commands", "claude", "2025-08-06T18:07:40Z", "",
			"", "", "", "", 1, 2},
		{"20250812-123323-init.md", FormatInit, "20250812-123323-init", ". Initialization", "claude", "2025-08-12T12:33:23Z", "",
			"", "", "", "", 0, 0},
		{"20250818-140534.md", FormatHeader, "20250818-140534", "testing new commands", "claude", "2025-08-18T18:05:34Z", "",
			"", "", "session-20250818-140534-end", "unknown", 3, 4},
		{"20250909-090913.md", FormatHeader, "20250909-090913", "scrape", "claude", "2025-09-09T13:09:13Z", "work",
			"bf29d82f3405edc4369f8c3a9072b200068b3940", "session-20250909-090913-start", "session-20250909-090913-end", "pattern-work", 3, 2},
		{"20260118-054352.md", FormatHeader, "20260118-054352", "claude.md changes", "claude", "2026-01-18T10:43:53Z", "patina",
			"19fd423817c09a3144bcc82e3ff76ce177edec46", "session-20260118-054352-claude-start", "session-20260118-054352-claude-end", "exploration", 1, 3},
		{"20260202-104403.md", FormatFrontMatter, "20260202-104403", "spec-drift-fix + E4.6 semantic grounding", "claude", "2026-02-02T15:44:03Z", "patina",
			"a295ac0e238a0437d5989ed2124ab7a40103d3a4", "session-20260202-104403-claude-start", "session-20260202-104403-claude-end", "pattern-work", 4, 4},
	}
	for _, c := range cases {
		r, err := Parse("layer/sessions/"+c.file, readFixture(t, c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		got := []string{r.Format, r.ID, r.Title, r.Agent, r.Created, r.Git.Branch, r.Git.StartingCommit, r.Git.StartTag, r.Git.EndTag, r.Status}
		want := []string{c.format, c.id, c.title, c.agent, c.created, c.branch, c.starting, c.startTag, c.endTag, StatusArchived}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", c.file, got, want)
		}
		wt := ""
		if r.Classification != nil {
			wt = r.Classification.WorkType
		}
		if wt != c.workType || len(r.Goals) != c.goals || len(r.Activity) != c.entries {
			t.Errorf("%s: work type %q, %d goals, %d entries", c.file, wt, len(r.Goals), len(r.Activity))
		}
	}
	// All ten read, whatever their format.
	entries, _ := os.ReadDir(filepath.Join("testdata", "records"))
	for _, e := range entries {
		if _, err := Parse(e.Name(), readFixture(t, e.Name())); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
	if len(entries) != 10 {
		t.Errorf("%d fixtures", len(entries))
	}
}

func TestTagNamesFromRecords(t *testing.T) {
	for file, want := range map[string][2]string{
		// Named by the record.
		"20250909-090913.md": {"session-20250909-090913-start", "session-20250909-090913-end"},
		"20260202-104403.md": {"session-20260202-104403-claude-start", "session-20260202-104403-claude-end"},
		// Derived from id and agent.
		"20250728-182427.md": {"session-20250728-182427-claude-start", "session-20250728-182427-claude-end"},
	} {
		r, err := Parse(file, readFixture(t, file))
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]string{r.StartTagName(), r.EndTagName()}; got != want {
			t.Errorf("%s: %v, want %v", file, got, want)
		}
	}
}

func TestRenderParseRoundTrip(t *testing.T) {
	rec := &Record{
		Type: "session", ID: "20260101-120000", Title: `Fix "quotes": and # hashes`, Status: StatusArchived, Agent: "claude",
		Created: "2026-01-01T12:00:00Z", Ended: "2026-01-01T13:30:00Z",
		Git:   GitInfo{Branch: "main", StartingCommit: strings.Repeat("a", 40), StartTag: StartTag("20260101-120000", "claude"), EndTag: EndTag("20260101-120000", "claude")},
		Goals: []Goal{{Text: "one"}, {Text: "two", Done: true}},
		Activity: []Entry{
			{Time: "12:00", Heading: "Session Start", Text: "started"},
			{Time: "12:30", Heading: "Note", Text: "## not a section\n### not an entry\nplain"},
		},
		Decisions:      []string{"use tags"},
		Classification: &Classification{WorkType: WorkBugfix, Commits: 3, Files: 2, Added: 10, Deleted: 4, Types: map[string]int{"fix": 2, "docs": 1}, TagRange: "a..b"},
	}
	data, err := Render(rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("x.md", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	back.Path = ""
	rec.Format = FormatFrontMatter
	if !reflect.DeepEqual(back.Classification, rec.Classification) {
		t.Errorf("classification %+v", back.Classification)
	}
	back.Classification, rec.Classification = nil, nil
	if len(back.Activity) != 2 || !strings.Contains(back.Activity[1].Text, `\## not a section`) {
		t.Errorf("activity %+v", back.Activity)
	}
	back.Activity, rec.Activity = nil, nil
	if !reflect.DeepEqual(back, rec) {
		t.Errorf("round trip:\n got %+v\nwant %+v\n%s", back, rec, data)
	}
}

func TestParseRejectsWhatIsNotARecord(t *testing.T) {
	for name, text := range map[string]string{
		"notes.md":              "just notes\n",
		"20260101-000000.md":    "---\nid: [unclosed\n---\n",
		"20260101-000001.md":    "---\nid: x\nno end of front matter\n",
		"readme.md":             "# Session: no id anywhere\n",
		"empty.md":              "",
		"20260101-000002.md":    "---\n- a list\n---\n",
		"20260101-000003.md":    "---\ngit: 5\n---\n",
		"binary-ish.md":         "\x00\x01\x02",
		"20260101-000004-x.md":  "# Session:\n",
		"front-matter-no-id.md": "---\ntitle: t\n---\n",
	} {
		r, err := Parse(name, []byte(text))
		switch name {
		case "20260101-000004-x.md":
			// The id comes from the file name when the header has none.
			if err != nil || r.ID != "20260101-000004-x" {
				t.Errorf("%s: %+v %v", name, r, err)
			}
		default:
			if err == nil {
				t.Errorf("%s: parsed as %+v", name, r)
			}
		}
	}
}

func TestParseLenientHeaders(t *testing.T) {
	r, err := Parse("x.md", []byte("\n  \n# Session 42: odd title\n**ID**: 20250101-010101\n**LLM**: gemini\n\n## Goals\n- [x] done\n"))
	if err != nil || r.ID != "20250101-010101" || r.Title != "Session 42: odd title" || r.Agent != "gemini" || len(r.Goals) != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = Parse("x.md", []byte("# Work log\n**ID**: 20250101-010101\n"))
	if err != nil || r.Format != FormatHeader || r.Title != "Work log" {
		t.Fatalf("%+v %v", r, err)
	}
	for status, archived := range map[string]bool{"archived": true, "completed": true, "": true, "active": false, "In Progress": false} {
		r := &Record{Status: status}
		if r.Archived() != archived {
			t.Errorf("status %q archived = %v", status, !archived)
		}
	}
}

func FuzzParse(f *testing.F) {
	entries, _ := os.ReadDir(filepath.Join("testdata", "records"))
	for _, e := range entries {
		f.Add(readFixture(f, e.Name()))
	}
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("20260101-000000.md", data)
		if err == nil && r.ID == "" {
			t.Fatalf("parsed without an id")
		}
	})
}
