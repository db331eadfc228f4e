package release

import (
	"strings"
	"testing"
)

// git revert's default subject was no conventional commit: it went under
// Other. A revert is a revert; the revert of a revert (git 2.43 writes
// Reapply) is the original change again.
func TestParseChangeGitRevert(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	for _, c := range []struct {
		subject, body       string
		typ, scope, summary string
		reverts             string
	}{
		{`Revert "fix(io): close files"`, "This reverts commit " + sha + ".", "revert", "", `Revert "fix(io): close files"`, sha},
		{`Revert "Revert "feat(api): search""`, "This reverts commit " + sha + ".", "feat", "api", "search", sha},
		{`Reapply "feat: search"`, "This reverts commit " + sha + ".", "feat", "", "search", sha},
		{`Revert "Reapply "feat: search""`, "", "revert", "", `Revert "Reapply "feat: search""`, ""},
		// git revert --reference names the commit abbreviated.
		{"revert: fix: x", "This reverts commit abcdef1 (fix: x, 2026-01-01).", "revert", "", "fix: x", "abcdef1"},
		{`Revert "Merge branch 'x'"`, "This reverts commit " + sha + ", reversing\nchanges made to " + strings.Repeat("cd", 20) + ".", "revert", "", `Revert "Merge branch 'x'"`, sha},
		// The line must start the body's line, as git writes it.
		{"fix: y", "As noted, this reverts commit " + sha + ".", "fix", "", "y", ""},
		{`Revert the "fast" path`, "", "", "", `Revert the "fast" path`, ""},
	} {
		got := ParseChange("0123456789abcdef", c.subject, c.body)
		if got.Type != c.typ || got.Scope != c.scope || got.Summary != c.summary || got.Reverts != c.reverts {
			t.Errorf("ParseChange(%q, %q) = %+v", c.subject, c.body, got)
		}
	}
}

func TestDropReverted(t *testing.T) {
	h := func(c byte) string { return strings.Repeat(string(c), 40) }
	rev := func(hash, subject, of string) Change {
		return ParseChange(hash, subject, "This reverts commit "+of+".")
	}
	for name, c := range map[string]struct {
		changes []Change
		dropped string // the first letters of the dropped hashes
	}{
		"pair": {[]Change{ParseChange(h('a'), "fix: x", ""), ParseChange(h('b'), "feat: y", ""), rev(h('c'), `Revert "fix: x"`, h('a'))}, "ac"},
		// The reverted commit released before: the revert is this
		// release's change.
		"earlier release": {[]Change{rev(h('c'), `Revert "fix: x"`, h('9'))}, ""},
		"revert of revert": {[]Change{
			ParseChange(h('a'), "feat: z", ""), rev(h('b'), `Revert "feat: z"`, h('a')), rev(h('c'), `Revert "Revert "feat: z""`, h('b')),
		}, "bc"},
		"reverted three times": {[]Change{
			ParseChange(h('a'), "feat: z", ""), rev(h('b'), `Revert "feat: z"`, h('a')), rev(h('c'), `Reapply "feat: z"`, h('b')), rev(h('d'), `Revert "Reapply "feat: z""`, h('c')),
		}, "abcd"},
		// A revert of a revert of an earlier release's commit: both in
		// this release, nothing changed.
		"revert of earlier revert": {[]Change{rev(h('b'), `Revert "fix: x"`, h('9')), rev(h('c'), `Revert "Revert "fix: x""`, h('b'))}, "bc"},
		"abbreviated sha":          {[]Change{ParseChange(h('a'), "fix: x", ""), rev(h('c'), "revert: fix: x", "aaaaaaa")}, "ac"},
		// A subject that only looks like a revert is not one.
		"subject only": {[]Change{ParseChange(h('a'), "fix: x", ""), ParseChange(h('c'), `Revert "fix: x"`, "")}, ""},
	} {
		dropReverted(c.changes)
		got := ""
		for _, ch := range c.changes {
			if ch.Dropped {
				got += ch.Hash[:1]
			}
		}
		if got != c.dropped {
			t.Errorf("%s: dropped %q, want %q", name, got, c.dropped)
		}
	}
	changes := []Change{ParseChange(h('a'), "fix: x", ""), rev(h('c'), "revert: fix: x", "aaaaaaa")}
	dropReverted(changes)
	if changes[1].Reverts != h('a') {
		t.Errorf("abbreviated sha: reverts %q, want the full %q", changes[1].Reverts, h('a'))
	}
	if b := AutoBump(Version{Minor: 1}, []Change{ParseChange(h('a'), "feat: x", ""), rev(h('c'), `Revert "feat: x"`, h('a'))}); b != BumpMinor {
		t.Fatalf("setup: %s", b)
	}
	changes = []Change{ParseChange(h('a'), "feat: x", ""), rev(h('c'), `Revert "feat: x"`, h('a')), ParseChange(h('d'), "fix: y", "")}
	dropReverted(changes)
	if b := AutoBump(Version{Minor: 1}, changes); b != BumpPatch {
		t.Errorf("a feat reverted in the release bumped %s, want patch", b)
	}
	if s := Section(Version{0, 1, 1}, day, "", changes); strings.Contains(s, "x (") || !strings.Contains(s, "- y (ddddddd)") {
		t.Errorf("section lists a dropped change, or not the one kept:\n%s", s)
	}
}

// A revert of a merge drops the commits the merge brought over the parent
// the revert kept (git revert -m), which its body names: with -m 2 that is
// the side branch, and the mainline's commits are what it undid.
func TestDropRevertedMergesMainline(t *testing.T) {
	h := func(c byte) string { return strings.Repeat(string(c), 40) }
	// a (main) and b (side) merged as c; d reverts c.
	hist := &history{parents: map[string][]string{
		h('a'): nil, h('b'): nil, h('c'): {h('a'), h('b')}, h('d'): {h('c')},
	}}
	body := func(mainline string) string {
		return "This reverts commit " + h('c') + ", reversing\nchanges made to " + mainline + "."
	}
	for _, c := range []struct {
		mainline, dropped string
	}{{h('b')[:7], "a"}, {h('a'), "b"}, {"", "b"}} {
		changes := []Change{ParseChange(h('a'), "feat: a", ""), ParseChange(h('b'), "feat: b", ""), ParseChange(h('d'), `Revert "Merge"`, body(h('a')))}
		ml := map[string]string{}
		if c.mainline != "" {
			ml[h('d')] = c.mainline
		}
		got := dropRevertedMerges(changes, hist, ml)
		if len(got) != 3 || !got[2].Dropped || got[0].Dropped != (c.dropped == "a") || got[1].Dropped != (c.dropped == "b") {
			t.Errorf("mainline %q: dropped a=%v b=%v revert=%v (%d changes), want %s and the revert", c.mainline, got[0].Dropped, got[1].Dropped, got[2].Dropped, len(got), c.dropped)
		}
	}
}
