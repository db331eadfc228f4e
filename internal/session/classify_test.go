package session

import "testing"

func TestCommitType(t *testing.T) {
	for subject, want := range map[string]string{
		"feat: a": "feat", "Fix(parser)!: b": "fix", "spec(feat): c": "spec",
		"feat:no space": "", "Merge branch 'x'": "", "WIP": "",
	} {
		if got := CommitType(subject); got != want {
			t.Errorf("CommitType(%q) = %q, want %q", subject, got, want)
		}
	}
}

func TestClassifyWorkType(t *testing.T) {
	c := func(subject string, files ...string) ClassifiedCommit { return ClassifiedCommit{subject, files} }
	cases := []struct {
		name    string
		commits []ClassifiedCommit
		want    string
	}{
		{"no commits", nil, WorkExploration},
		{"features win ties by priority", []ClassifiedCommit{c("feat: a", "a.go"), c("fix: b", "b.go")}, WorkFeature},
		{"mostly fixes", []ClassifiedCommit{c("feat: a", "a.go"), c("fix: b", "b.go"), c("fix: c", "c.go")}, WorkBugfix},
		{"docs", []ClassifiedCommit{c("docs: a", "README.md")}, WorkDocumentation},
		{"untyped, docs only", []ClassifiedCommit{c("update readme", "README.md", "docs/x.go")}, WorkDocumentation},
		{"untyped, tests only", []ClassifiedCommit{c("more tests", "a_test.go", "testdata/x.txt")}, WorkTesting},
		{"untyped, ci only", []ClassifiedCommit{c("bump", ".github/workflows/ci.yml", "go.sum")}, WorkMaintenance},
		{"untyped code", []ClassifiedCommit{c("stuff", "main.go", "README.md")}, WorkDevelopment},
		{"unknown type falls back to files", []ClassifiedCommit{c("spec(feat): x", "SPEC.md")}, WorkDocumentation},
		{"chores", []ClassifiedCommit{c("chore: a"), c("ci: b"), c("build: c"), c("feat: d")}, WorkMaintenance},
		{"refactor", []ClassifiedCommit{c("refactor: a"), c("refactor: b"), c("perf: c")}, WorkRefactor},
	}
	for _, tc := range cases {
		got := Classify(tc.commits, 10, 2, 3)
		if got.WorkType != tc.want {
			t.Errorf("%s: work type %q, want %q", tc.name, got.WorkType, tc.want)
		}
		if got.Commits != len(tc.commits) || got.Added != 10 || got.Deleted != 2 || got.Files != 3 {
			t.Errorf("%s: counts %+v", tc.name, got)
		}
	}
	got := Classify([]ClassifiedCommit{c("feat: a"), c("feat(x): b"), c("fix: c"), c("wip")}, 0, 0, 0)
	if got.TypesString() != "feat 2, fix 1, other 1" {
		t.Errorf("types %q", got.TypesString())
	}
	if back := parseTypes(got.TypesString()); len(back) != 3 || back["feat"] != 2 || back["other"] != 1 {
		t.Errorf("parseTypes = %v", back)
	}
}
