package session

import (
	"testing"
	"time"
)

func TestIDsAreUTCSeconds(t *testing.T) {
	loc := time.FixedZone("X", -4*3600)
	if got := NewID(time.Date(2025, 7, 28, 18, 24, 27, 999, loc)); got != "20250728-222427" {
		t.Fatalf("NewID = %s", got)
	}
	if got := NextID("20251231-235959"); got != "20260101-000000" {
		t.Fatalf("NextID = %s", got)
	}
	for s, want := range map[string]bool{
		"20250728-222427": true, "20250728-222460": false, "2025072-2224270": false,
		"20250812-123323-init": false, "": false, "20250728_222427": false,
	} {
		if IsID(s) != want {
			t.Errorf("IsID(%q) = %v", s, !want)
		}
	}
}

func TestTagNamesRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		want TagInfo
		ok   bool
	}{
		{"session-20260118-054352-claude-start", TagInfo{"20260118-054352", "claude", false}, true},
		{"session-20260118-054352-claude-end", TagInfo{"20260118-054352", "claude", true}, true},
		{"session-20250909-090913-start", TagInfo{"20250909-090913", "", false}, true},
		{"session-20250909-090913-x-end-start", TagInfo{"20250909-090913", "x-end", false}, true},
		{"session-20250909-090913-", TagInfo{}, false},
		{"session-20250909-090913-Claude Code-start", TagInfo{}, false},
		{"session-20250909-090913-a..b-start", TagInfo{}, false},
		{"session-20250909-090913--start", TagInfo{}, false},
		{"session-2025-start", TagInfo{}, false},
		{"v1.0.0", TagInfo{}, false},
	}
	for _, c := range cases {
		got, ok := ParseTag(c.name)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseTag(%q) = %+v, %v", c.name, got, ok)
		}
		if ok {
			back := StartTag(got.ID, got.Agent)
			if got.End {
				back = EndTag(got.ID, got.Agent)
			}
			if back != c.name {
				t.Errorf("round trip of %q gave %q", c.name, back)
			}
		}
	}
}

func TestSlugKeepsTagNamesValid(t *testing.T) {
	for in, want := range map[string]string{
		"Claude":             "claude",
		"Test User":          "test-user",
		"  Ünïcode  Person ": "unicode-person",
		"claude-opus-4.5":    "claude-opus-4-5",
		"a..b@{c}.lock":      "a-b-c-lock",
		"---":                "",
		"x/../../refs/heads": "x-refs-heads",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	if n := len(Slug("abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij")); n > 40 {
		t.Errorf("slug of %d characters", n)
	}
}

// Letters with diacritics were dropped from tag names: --agent José made
// "jos", the author Zoë Müller "zo-m-ller". Latin letters are spelled
// without their marks, precomposed or combining (macOS), and the Latin
// letters that are no base letter with a mark in ASCII, with no locale,
// so a laptop and CI derive the same name from the same marker.
func TestSlugFoldsLatinLetters(t *testing.T) {
	for in, want := range map[string]string{
		"José":                   "jose",
		"Zoë Müller":             "zoe-muller",
		"Zoe\u0308 Mu\u0308ller": "zoe-muller",
		"ZOË MÜLLER":             "zoe-muller",
		"Bjørn Ødegård":          "bjorn-odegard",
		"Straße":                 "strasse",
		"Ærøskøbing Œuvre":       "aeroskobing-oeuvre",
		"Łukasz Đoković":         "lukasz-dokovic",
		"Þóra Guðmundsdóttir":    "thora-gudmundsdottir",
		"Nguyễn Thị Ơn":          "nguyen-thi-on",
		"İlkay Iıl":              "ilkay-iil",
		"Ǽsa Ǿ":                  "aesa-o",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if got := Slug(Slug(in)); got != Slug(in) {
			t.Errorf("Slug(Slug(%q)) = %q: a tag's agent must be its own slug", in, got)
		}
	}
	if got := MarkerAgent("Zoë Müller", "Ann"); got != "zoe-muller" {
		t.Errorf("MarkerAgent(trailer) = %q", got)
	}
	if got := MarkerAgent("", "Zoë Müller"); got != "zoe-muller" {
		t.Errorf("MarkerAgent(author) = %q", got)
	}
	if got := ResolveAgent("José", func(string) string { return "" }, "Ann"); got != "jose" {
		t.Errorf("ResolveAgent(--agent) = %q", got)
	}
}

// A name without Latin letters made no agent part: --agent 克劳德 was
// refused as having "no letters or digits", a Session-Agent: 克劳德
// trailer was passed over for the author, an author named so became
// "human", and "Алиса 2" and "Борис 2" were both "2". Such a name's part
// is "u-" and 8 hex digits of its SHA-256: never empty, the same in every
// clone, different for different names.
func TestSlugOfOtherScripts(t *testing.T) {
	for in, want := range map[string]string{
		"克劳德":         "u-1ecf2a7d",
		"  克劳德!":      "u-1ecf2a7d",
		"Алиса":       "u-d346fb5a",
		"АЛИСА":       "u-d346fb5a",
		"Ωμέγα":       "u-f9d47761",
		"ωμε\u0301γα": "u-f9d47761",
		"克劳德 2":       "u-06944247",
		"克劳德--2":      "u-06944247",
		// A Latin letter survives: today's rule, the other letters dropped.
		"Claude 克劳德": "claude",
		"Zoë Алиса":  "zoe",
		// Nothing that is a letter or digit: no part.
		"🤖":   "",
		"---": "",
		"2":   "2",
	} {
		got := Slug(in)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if Slug(got) != got {
			t.Errorf("Slug(%q) = %q, which is not its own slug", in, got)
		}
		if ti, ok := ParseTag(StartTag("20260304-102030", got)); !ok || ti.Agent != got {
			t.Errorf("ParseTag(StartTag(%q)) = %+v, %v", got, ti, ok)
		}
	}
	if Slug("Алиса 2") == Slug("Борис 2") {
		t.Error("Алиса 2 and Борис 2 make the same part")
	}
	if got := MarkerAgent("克劳德", "Ann"); got != "u-1ecf2a7d" {
		t.Errorf("MarkerAgent(trailer 克劳德) = %q", got)
	}
	if got := MarkerAgent("", "克劳德"); got != "u-1ecf2a7d" {
		t.Errorf("MarkerAgent(author 克劳德) = %q", got)
	}
	if got := ResolveAgent("克劳德", func(string) string { return "" }, "Ann"); got != "u-1ecf2a7d" {
		t.Errorf("ResolveAgent(--agent 克劳德) = %q", got)
	}
}

func TestResolveAgent(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cases := []struct {
		flag, user string
		env        map[string]string
		want       string
	}{
		{"Bot", "Ann", map[string]string{AgentEnv: "x", "CLAUDECODE": "1"}, "bot"},
		{"", "Ann", map[string]string{AgentEnv: "Codex", "CLAUDECODE": "1"}, "codex"},
		{"", "Ann", map[string]string{"CLAUDECODE": "1"}, "claude"},
		{"", "Ann", map[string]string{"GEMINI_CLI": "1"}, "gemini"},
		{"", "Ann Lee", map[string]string{"CLAUDECODE": "0"}, "ann-lee"},
		{"", "", nil, "human"},
	}
	for _, c := range cases {
		if got := ResolveAgent(c.flag, env(c.env), c.user); got != c.want {
			t.Errorf("ResolveAgent(%q, %v, %q) = %q, want %q", c.flag, c.env, c.user, got, c.want)
		}
	}
	if got := MarkerAgent("", "Ann Lee"); got != "ann-lee" {
		t.Errorf("MarkerAgent = %q", got)
	}
	if got := MarkerAgent("Gemini", "Ann"); got != "gemini" {
		t.Errorf("MarkerAgent = %q", got)
	}
}
