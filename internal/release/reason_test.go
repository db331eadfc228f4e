package release

import "testing"

// The plan's reason counted every commit that was not a feat or a fix as
// an "other change", a docs: commit included, above a section that lists
// it under Documentation. It counts each commit under the group the
// changelog lists it in, and every type a group takes is here, so a type
// added to a group is counted as that group is.
func TestAutoReasonCountsAsTheChangelogGroups(t *testing.T) {
	want := map[string]string{
		"feat":       "1 feature",
		"fix":        "1 fix",
		"security":   "1 security fix",
		"sec":        "1 security fix",
		"deprecate":  "1 deprecation",
		"deprecated": "1 deprecation",
		"remove":     "1 removal",
		"revert":     "1 removal",
		"perf":       "1 performance change",
		"refactor":   "1 change",
		"style":      "1 change",
		"docs":       "1 documentation change",
		"doc":        "1 documentation change",
		"test":       "1 test change",
		"tests":      "1 test change",
		"build":      "1 build or CI change",
		"ci":         "1 build or CI change",
		"chore":      "1 chore",
		"deps":       "1 chore",
		"scry":       "1 other change",
		"":           "1 other change",
	}
	for _, g := range groups {
		for _, typ := range g.types {
			if _, ok := want[typ]; !ok {
				t.Errorf("type %q (%s) has no expected count here", typ, g.title)
			}
		}
	}
	for typ, count := range want {
		p := &Plan{Changes: []Change{{Type: typ, Summary: "s"}}}
		if got := p.autoReason(Version{Minor: 1}); got != "auto: "+count {
			t.Errorf("%q commit: reason %q, want %q", typ, got, "auto: "+count)
		}
	}

	// In the changelog's order, breaking changes first, and the
	// bookkeeping it leaves out left out here too.
	p := &Plan{Changes: []Change{
		{Type: "chore"}, {Type: "docs"}, {Type: "docs"}, {Type: "fix"}, {Type: "feat", Breaking: true},
		{Type: "session"}, {Type: "release"}, {Type: "wip"}, {Type: "feat"}, {Type: "perf"},
	}}
	got := p.autoReason(Version{Major: 1})
	if w := "auto: 1 breaking change, 1 feature, 1 fix, 1 performance change, 2 documentation changes, 1 chore, 1 other change"; got != w {
		t.Errorf("reason %q, want %q", got, w)
	}
}
