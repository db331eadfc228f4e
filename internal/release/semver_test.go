package release

import "testing"

func TestParseVersion(t *testing.T) {
	for _, s := range []string{"1.2.3", "v0.0.0", "10.20.30"} {
		if _, err := ParseVersion(s); err != nil {
			t.Errorf("ParseVersion(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "1.2", "1.2.3.4", "01.2.3", "1.2.3-rc.1", "1.2.x", "vv1.2.3", "1..3"} {
		if v, err := ParseVersion(s); err == nil {
			t.Errorf("ParseVersion(%q) = %v, want an error", s, v)
		}
	}
}

func TestApplyAndCompare(t *testing.T) {
	v := Version{1, 2, 3}
	for b, want := range map[Bump]string{BumpPatch: "1.2.4", BumpMinor: "1.3.0", BumpMajor: "2.0.0", BumpNone: "1.2.3"} {
		if got := v.Apply(b).String(); got != want {
			t.Errorf("%s bump of 1.2.3 = %s, want %s", b, got, want)
		}
	}
	if (Version{1, 10, 0}).Compare(Version{1, 9, 9}) != 1 || (Version{0, 1, 0}).Compare(Version{0, 1, 0}) != 0 || (Version{0, 0, 9}).Compare(Version{0, 1, 0}) != -1 {
		t.Fatal("Compare orders numerically, field by field")
	}
}

func TestParseChange(t *testing.T) {
	cases := []struct {
		subject, body       string
		typ, scope, summary string
		breaking            bool
		note                string
	}{
		{"feat(api): add search", "", "feat", "api", "add search", false, ""},
		{"Fix: typo", "", "fix", "", "typo", false, ""},
		{"refactor!: drop v1", "", "refactor", "", "drop v1", true, ""},
		{"feat(cli)!: rename flags", "BREAKING CHANGE: --foo is now --bar", "feat", "cli", "rename flags", true, "--foo is now --bar"},
		{"chore: deps", "Some text.\n\nBREAKING-CHANGE: needs go 1.26\n  on every machine\n\nRefs: #1", "chore", "", "deps", true, "needs go 1.26 on every machine"},
		// The note stops at the next footer (it took them all in).
		{"feat: new api", "Body.\n\nBREAKING-CHANGE: old endpoint gone\nReviewed-by: Z\nRefs #133\nSigned-off-by: T <t@e.x>", "feat", "", "new api", true, "old endpoint gone"},
		{"Merge branch 'x'", "", "", "", "Merge branch 'x'", false, ""},
		{"feat:no space", "", "", "", "feat:no space", false, ""},
		{"fix: mention of BREAKING CHANGE: in the subject only", "", "fix", "", "mention of BREAKING CHANGE: in the subject only", false, ""},
	}
	for _, c := range cases {
		got := ParseChange("0123456789abcdef", c.subject, c.body)
		if got.Type != c.typ || got.Scope != c.scope || got.Summary != c.summary || got.Breaking != c.breaking || got.Note != c.note || got.Short != "0123456" {
			t.Errorf("ParseChange(%q, %q) = %+v", c.subject, c.body, got)
		}
	}
}

func TestAutoBump(t *testing.T) {
	feat := ParseChange("a", "feat: x", "")
	fix := ParseChange("b", "fix: y", "")
	other := ParseChange("c", "update readme", "")
	brk := ParseChange("d", "fix!: z", "")
	cases := []struct {
		current Version
		changes []Change
		want    Bump
	}{
		{Version{1, 0, 0}, []Change{fix, other}, BumpPatch},
		{Version{1, 0, 0}, []Change{other}, BumpPatch},
		{Version{1, 0, 0}, []Change{fix, feat}, BumpMinor},
		{Version{1, 4, 2}, []Change{feat, brk, fix}, BumpMajor},
		// Before 1.0.0 a breaking change bumps the minor version.
		{Version{0, 3, 1}, []Change{brk}, BumpMinor},
		{Version{0, 3, 1}, []Change{fix}, BumpPatch},
		{Version{0, 0, 0}, nil, BumpNone},
	}
	for _, c := range cases {
		if got := AutoBump(c.current, c.changes); got != c.want {
			t.Errorf("AutoBump(%s, %d changes) = %q, want %q", c.current, len(c.changes), got, c.want)
		}
	}
}

// Build metadata is no part of the version (SemVer 2.0.0 §10): a tag
// carrying it is that release; pre-releases and malformed metadata are not.
func TestTagVersion(t *testing.T) {
	for name, want := range map[string]struct {
		v     Version
		build bool
	}{
		"v0.1.1":                     {Version{0, 1, 1}, false},
		"v0.1.1+build.5":             {Version{0, 1, 1}, true},
		"v1.0.0+20130313144700":      {Version{1, 0, 0}, true},
		"v1.0.0+exp.sha.5114f85":     {Version{1, 0, 0}, true},
		"v1.0.0+21AF26D3----117B344": {Version{1, 0, 0}, true},
	} {
		v, build, ok := TagVersion(name)
		if !ok || v != want.v || build != want.build {
			t.Errorf("TagVersion(%q) = %v, %v, %v; want %v, %v", name, v, build, ok, want.v, want.build)
		}
	}
	for _, name := range []string{"0.1.1", "v0.1.1+", "v0.1.1+a..b", "v0.1.1+a_b", "v0.1.1-rc.1", "v0.1.1-rc.1+b", "v0.1.1+b+c", "v01.1.1+b"} {
		if v, _, ok := TagVersion(name); ok {
			t.Errorf("TagVersion(%q) = %v, want not a release tag", name, v)
		}
	}
}
