package release

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var day = time.Date(2026, 3, 4, 23, 59, 0, 0, time.UTC)

func TestSectionGroupsBreakingFirst(t *testing.T) {
	changes := []Change{
		ParseChange("1111111aaaa", "fix(io): close files", ""),
		ParseChange("2222222bbbb", "feat: search", ""),
		ParseChange("3333333cccc", "docs: readme", ""),
		ParseChange("4444444dddd", "feat(api)!: new routes", "BREAKING CHANGE: /v1 is gone"),
		ParseChange("5555555eeee", "tidy things up", ""),
		ParseChange("6666666ffff", "session: archive 20260101-000000 (x)", ""),
		ParseChange("7777777aaaa", "perf: faster", ""),
		ParseChange("8888888bbbb", "ci: pin actions", ""),
		ParseChange("9999999cccc", "scry(index): resume after kill", ""),
	}
	changes[1].Sessions = []string{"20260301-101010"}
	changes[4].Sessions = []string{"20260301-101010", "20260302-000000"}
	got := Section(Version{2, 0, 0}, day, "The big one.", changes)
	want := `## [2.0.0] - 2026-03-04

The big one.

### Breaking changes

- **api:** new routes (4444444)
  /v1 is gone

### Added

- search (2222222, session 20260301-101010)

### Fixed

- **io:** close files (1111111)

### Performance

- faster (7777777)

### Documentation

- readme (3333333)

### Build and CI

- pin actions (8888888)

### Other

- tidy things up (5555555, sessions 20260301-101010, 20260302-000000)
- **scry(index):** resume after kill (9999999)
`
	if got != want {
		t.Fatalf("section:\n%s\nwant:\n%s", got, want)
	}
	if got := Section(Version{0, 0, 1}, day, "", []Change{ParseChange("6666666", "session: archive x", "")}); got != "## [0.0.1] - 2026-03-04\n\nNo notable changes.\n" {
		t.Fatalf("empty section = %q", got)
	}
}

func TestInsertSection(t *testing.T) {
	sec := "## [1.1.0] - 2026-03-04\n\n### Added\n\n- x (abc)\n"
	v := Version{1, 1, 0}
	cases := []struct {
		name, old, want string
	}{
		{"above the newest release",
			"# Changelog\n\nIntro.\n\n## [1.0.0] - 2025-01-01\n\n- old\n",
			"# Changelog\n\nIntro.\n\n" + sec + "\n## [1.0.0] - 2025-01-01\n\n- old\n"},
		{"after Unreleased, whose notes move",
			"# Changelog\n\n## [Unreleased]\n\nHand notes.\n\n## [1.0.0] - 2025-01-01\n- old\n",
			"# Changelog\n\n## [Unreleased]\n\n" + sec + "\n## [1.0.0] - 2025-01-01\n- old\n"},
		{"Unreleased as the only section",
			"# Changelog\n\n## Unreleased\n\n- pending\n",
			"# Changelog\n\n## Unreleased\n\n" + sec},
		{"no section yet, no final newline",
			"# Changelog",
			"# Changelog\n\n" + sec},
		// CRLF: the new section is written with CRLF too (it was LF), and
		// an Unreleased heading ending in \r is found (the section went
		// above it and its notes stayed).
		{"CRLF and trailing bytes kept",
			"# Log\r\n\r\n## 1.0.0\r\nold\r\n[1.0.0]: https://example.com\r\n",
			"# Log\r\n\r\n" + crlf(sec) + "\r\n## 1.0.0\r\nold\r\n[1.0.0]: https://example.com\r\n"},
		{"CRLF with an Unreleased heading",
			"# Log\r\n\r\n## [Unreleased]\r\n\r\n- hand note\r\n\r\n## 1.0.0\r\nold\r\n",
			"# Log\r\n\r\n## [Unreleased]\r\n\r\n" + crlf(sec) + "\r\n## 1.0.0\r\nold\r\n"},
		{"mixed line ends: only the new lines are CRLF",
			"# Log\r\n\n## 1.0.0\nold\n",
			"# Log\r\n\n" + crlf(sec) + "\r\n## 1.0.0\nold\n"},
	}
	for _, c := range cases {
		got, err := InsertSection([]byte(c.old), v, sec)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %q, %v\nwant %q", c.name, got, err, c.want)
		}
	}
	// An empty file, or one of blank lines, is a changelog not begun, as
	// a missing one is: it got the section without the header.
	for _, old := range [][]byte{nil, {}, []byte("\n"), []byte("\r\n\r\n")} {
		fresh, err := InsertSection(old, v, sec)
		if err != nil || string(fresh) != changelogHeader+"\n"+sec {
			t.Errorf("new file over %q = %q, %v", old, fresh, err)
		}
	}
	for _, old := range []string{"## [1.1.0] - 2026-01-01\n", "# C\n\n## v1.1.0\n", "## 1.1.0\n"} {
		_, err := InsertSection([]byte(old), v, sec)
		var se *ErrSectionExists
		if !errors.As(err, &se) {
			t.Errorf("InsertSection over %q = %v, want ErrSectionExists", old, err)
		}
	}
	if _, err := InsertSection([]byte("## [1.1.01]\n## 11.1.0\n"), v, sec); err != nil {
		t.Errorf("other versions are not this one: %v", err)
	}
}

func TestUnreleasedNotes(t *testing.T) {
	got := UnreleasedNotes([]byte("# C\n\n## [Unreleased]\n\n### Added\n- hand written\n\n## [1.0.0]\n- old\n"))
	if got != "### Added\n- hand written" {
		t.Fatalf("UnreleasedNotes = %q", got)
	}
	if UnreleasedNotes([]byte("# C\n\n## [1.0.0]\n")) != "" {
		t.Fatal("no Unreleased heading, no notes")
	}
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestUnreleasedNotesOfACRLFChangelog(t *testing.T) {
	got := UnreleasedNotes([]byte("# Log\r\n\r\n## [Unreleased]\r\n\r\n- one\r\n- two\r\n\r\n## 1.0.0\r\n"))
	if got != "- one\n- two" {
		t.Fatalf("got %q", got)
	}
}

// Keep a Changelog's link references stay at the bottom when Unreleased
// is the last section (they were moved into the new section and its tag
// message), and headings written as links are recognised (the section
// went above "## [Unreleased](…)", and an existing "## [1.1.0](…)" was
// not seen).
func TestChangelogLinks(t *testing.T) {
	v := Version{1, 1, 0}
	sec := "## [1.1.0] - 2026-03-04\n\n### Added\n\n- x (abc)\n"
	old := "# Changelog\n\n## [Unreleased]\n\n- hand note\n\n[Unreleased]: https://example.com/compare/v1.0.0...HEAD\n[1.0.0]: https://example.com/v1.0.0\n"
	if got := UnreleasedNotes([]byte(old)); got != "- hand note" {
		t.Errorf("notes %q", got)
	}
	got, err := InsertSection([]byte(old), v, sec)
	want := "# Changelog\n\n## [Unreleased]\n\n" + sec + "\n[Unreleased]: https://example.com/compare/v1.0.0...HEAD\n[1.0.0]: https://example.com/v1.0.0\n"
	if err != nil || string(got) != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
	linked := "# Changelog\n\n## [Unreleased](https://x/compare/v1.0.0...HEAD)\n\n- note\n\n## [1.0.0](https://x/v1.0.0) (2020-01-02)\n"
	if got := UnreleasedNotes([]byte(linked)); got != "- note" {
		t.Errorf("linked notes %q", got)
	}
	got, err = InsertSection([]byte(linked), v, sec)
	want = "# Changelog\n\n## [Unreleased](https://x/compare/v1.0.0...HEAD)\n\n" + sec + "\n## [1.0.0](https://x/v1.0.0) (2020-01-02)\n"
	if err != nil || string(got) != want {
		t.Errorf("linked: got %q, %v\nwant %q", got, err, want)
	}
	var exists *ErrSectionExists
	if _, err := InsertSection([]byte("## [1.1.0](https://x/v1.1.0) (2020-01-02)\n"), v, sec); !errors.As(err, &exists) {
		t.Errorf("a linked heading of 1.1.0: %v", err)
	}
}

// Notes written by hand under Keep a Changelog's own headings ("### Added"
// in [Unreleased]) are merged into the group of that name, above its
// commits: the section had "### Added" twice, the hand-written one and
// then the commits'. A heading no commit fills stays, in the groups'
// order; one of the project's own stays with the text above the groups.
func TestSectionMergesHandWrittenGroups(t *testing.T) {
	changes := []Change{
		ParseChange("1111111aaaa", "feat: search", ""),
		ParseChange("2222222bbbb", "fix: crash", ""),
	}
	notes := "The big one.\n\n### Highlights\n\n- faster everything\n\n### added\n\n- a thing by hand\n- another\n\n### Security\n\n- CVE-2026-1\n\n### Fixed\n- a fix by hand"
	got := Section(Version{1, 1, 0}, day, notes, changes)
	want := `## [1.1.0] - 2026-03-04

The big one.

### Highlights

- faster everything

### Added

- a thing by hand
- another
- search (1111111)

### Fixed

- a fix by hand
- crash (2222222)

### Security

- CVE-2026-1
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A Keep a Changelog file's link definitions at the bottom stayed as they
// were: [Unreleased] compared from the previous tag and the new version
// had none. They are updated as Keep a Changelog does, for compare URLs
// of GitHub and GitLab form; other forms are left alone, and said so.
func TestUpdateLinks(t *testing.T) {
	cases := []struct {
		name, prev, old, want string
		left                  bool
	}{
		{"github", "v0.1.0",
			"## [0.2.0] - d\n\n## [0.1.0] - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n[0.1.0]: https://github.com/o/r/releases/tag/v0.1.0\n",
			"## [0.2.0] - d\n\n## [0.1.0] - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n[0.1.0]: https://github.com/o/r/releases/tag/v0.1.0\n", false},
		{"gitlab, lower-case label, CRLF", "v0.1.0",
			"## [0.2.0] - d\r\n\r\n[unreleased]: https://gitlab.com/g/s/r/-/compare/v0.1.0...HEAD\r\n",
			"## [0.2.0] - d\r\n\r\n[unreleased]: https://gitlab.com/g/s/r/-/compare/v0.2.0...HEAD\r\n[0.2.0]: https://gitlab.com/g/s/r/-/compare/v0.1.0...v0.2.0\r\n", false},
		{"first release: from the link's own start", "",
			"## [0.2.0] - d\n\n[Unreleased]: https://github.com/o/r/compare/abc1234...HEAD\n",
			"## [0.2.0] - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/o/r/compare/abc1234...v0.2.0\n", false},
		{"no Unreleased link: from the newest version's", "v0.1.0",
			"## [0.2.0] - d\n\n[0.1.0]: https://github.com/o/r/compare/v0.0.1...v0.1.0\n[0.0.1]: https://github.com/o/r/releases/tag/v0.0.1\n",
			"## [0.2.0] - d\n\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n[0.1.0]: https://github.com/o/r/compare/v0.0.1...v0.1.0\n[0.0.1]: https://github.com/o/r/releases/tag/v0.0.1\n", false},
		{"no line end at the end", "v0.1.0",
			"## [0.2.0] - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD",
			"## [0.2.0] - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0", false},
		// A heading without brackets, or a link itself, uses no
		// definition: none is added; the user's own stay.
		{"heading without brackets", "v0.1.0",
			"## 0.2.0 - d\n\n## 0.1.0 - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n[0.1.0]: https://github.com/o/r/compare/v0.0.1...v0.1.0\n",
			"## 0.2.0 - d\n\n## 0.1.0 - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.1.0]: https://github.com/o/r/compare/v0.0.1...v0.1.0\n", false},
		{"heading a link", "v0.1.0",
			"## [0.2.0](https://github.com/o/r/compare/v0.1.0...v0.2.0) (d)\n\n[0.1.0]: https://github.com/o/r/compare/v0.0.1...v0.1.0\n",
			"## [0.2.0](https://github.com/o/r/compare/v0.1.0...v0.2.0) (d)\n\n[0.1.0]: https://github.com/o/r/compare/v0.0.1...v0.1.0\n", false},
		{"already defined", "v0.1.0",
			"[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n[0.2.0]: https://example.com/x\n",
			"[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://example.com/x\n", false},
		{"unknown form", "v0.1.0",
			"## [0.2.0] - d\n\n[Unreleased]: https://example.com/diff?from=v0.1.0\n",
			"## [0.2.0] - d\n\n[Unreleased]: https://example.com/diff?from=v0.1.0\n", true},
		{"no link definitions", "v0.1.0",
			"## [0.2.0] - d\n\nSee [the docs](https://x).\n\n[the docs]: https://example.com\n",
			"## [0.2.0] - d\n\nSee [the docs](https://x).\n\n[the docs]: https://example.com\n", false},
	}
	for _, c := range cases {
		got, left := UpdateLinks([]byte(c.old), Version{0, 2, 0}, c.prev)
		if string(got) != c.want || (left != "") != c.left {
			t.Errorf("%s: UpdateLinks =\n%s\n(left: %q)\nwant\n%s\n(left: %v)", c.name, got, left, c.want, c.left)
		}
	}
	// A byte order mark stays where it is.
	got, _ := UpdateLinks([]byte("\uFEFF## [0.2.0]\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n"), Version{0, 2, 0}, "v0.1.0")
	if want := "\uFEFF## [0.2.0]\n[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n"; string(got) != want {
		t.Errorf("with a BOM: %q, want %q", got, want)
	}
}

// A changelog whose release headings have no brackets ("## 0.1.0 -
// 2026-01-01") got "## [0.1.1] - …" above them: the new heading follows
// the newest one's brackets, v and date separator.
func TestHeadingStyleOf(t *testing.T) {
	v := Version{0, 2, 0}
	for old, want := range map[string]string{
		"":                              "## [0.2.0] - 2026-03-04\n",
		"# Changelog\n\nNothing yet.\n": "## [0.2.0] - 2026-03-04\n",
		"## [Unreleased]\n\n## 0.1.0 - 2026-01-01\n\n## [0.0.1] - 2025-01-01\n": "## 0.2.0 - 2026-03-04\n",
		"## [0.1.0] - 2026-01-01\r\n":                                           "## [0.2.0] - 2026-03-04\n",
		"## v0.1.0 – 2026-01-01\n":                                              "## v0.2.0 – 2026-03-04\n",
		"## [v0.1.0]  —  2026-01-01\n":                                          "## [v0.2.0] — 2026-03-04\n",
		"## 0.1.0 (2026-01-01)\n":                                               "## 0.2.0 (2026-03-04)\n",
		"## [0.1.0](https://x/compare/a...b) (2026-01-01)\n":                    "## [0.2.0] (2026-03-04)\n",
		"## 0.1.0 2026-01-01\n":                                                 "## 0.2.0 2026-03-04\n",
		// No date, or one not read: the date as Keep a Changelog writes it.
		"## 0.1.0\n":               "## 0.2.0 - 2026-03-04\n",
		"## 0.1.0 (2026-01-01\n":   "## 0.2.0 - 2026-03-04\n",
		"## 0.1.0 on 1 Jan 2026\n": "## 0.2.0 - 2026-03-04\n",
		// Brackets not closed: not a style to follow.
		"## [0.1.0 - 2026-01-01\n": "## [0.2.0] - 2026-03-04\n",
	} {
		got := sectionIn(headingStyleOf([]byte(old)), v, day, "", nil)
		if first, _, _ := strings.Cut(got, "\n"); first+"\n" != want {
			t.Errorf("after %q: heading %q, want %q", old, first, want)
		}
		// The section is found again by what reads it back (a resumed
		// release, the refusal of a second one).
		if SectionOf([]byte(got), v) == "" {
			t.Errorf("after %q: SectionOf does not find %q", old, got)
		}
		if _, err := InsertSection([]byte(got), v, got); err == nil {
			t.Errorf("after %q: InsertSection does not see the section %q", old, got)
		}
	}
	// The link definition is labelled as the heading that uses it.
	old := "## [v0.2.0] - d\n\n## [v0.1.0] - d\n\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n[v0.1.0]: https://github.com/o/r/releases/tag/v0.1.0\n"
	got, _ := UpdateLinks([]byte(old), v, "v0.1.0")
	if !strings.Contains(string(got), "\n[v0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n") {
		t.Errorf("v-labelled links: got\n%s", got)
	}
}
