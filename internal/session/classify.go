package session

import (
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Classification sums up the commits of a session.
type Classification struct {
	WorkType string         `json:"work_type"`
	Commits  int            `json:"commits"`
	Files    int            `json:"files_changed"`
	Added    int            `json:"lines_added"`
	Deleted  int            `json:"lines_deleted"`
	Types    map[string]int `json:"types,omitempty"` // conventional-commit type → commits; "other" for untyped
	TagRange string         `json:"tag_range,omitempty"`
}

// Work types, from the commits of a session.
const (
	WorkExploration   = "exploration" // no commits
	WorkFeature       = "feature"
	WorkBugfix        = "bugfix"
	WorkRefactor      = "refactor"
	WorkPerformance   = "performance"
	WorkTesting       = "testing"
	WorkDocumentation = "documentation"
	WorkMaintenance   = "maintenance"
	WorkDevelopment   = "development" // code changes without a conventional type
)

// workPriority breaks ties between work types with as many commits.
var workPriority = []string{WorkFeature, WorkBugfix, WorkRefactor, WorkPerformance, WorkTesting, WorkDocumentation, WorkMaintenance, WorkDevelopment}

var typeWork = map[string]string{
	"feat": WorkFeature, "feature": WorkFeature,
	"fix": WorkBugfix, "bugfix": WorkBugfix, "hotfix": WorkBugfix,
	"refactor": WorkRefactor,
	"perf":     WorkPerformance,
	"docs":     WorkDocumentation, "doc": WorkDocumentation,
	"test": WorkTesting, "tests": WorkTesting,
	"build": WorkMaintenance, "ci": WorkMaintenance, "chore": WorkMaintenance,
	"style": WorkMaintenance, "revert": WorkMaintenance, "deps": WorkMaintenance,
}

var conventionalRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*)(\([^)]*\))?!?:\s`)

// CommitType is the conventional-commit type of a subject ("feat" for
// "feat(api)!: …"), lower-cased; "" when the subject has none.
func CommitType(subject string) string {
	g := conventionalRE.FindStringSubmatch(subject)
	if g == nil {
		return ""
	}
	return strings.ToLower(g[1])
}

// ClassifiedCommit is what classification needs of one commit.
type ClassifiedCommit struct {
	Subject string
	Files   []string
}

// Classify computes a session's classification from its commits and the
// net line changes of the range. The work type is the kind most commits
// share: a commit's kind comes from its conventional type and, when it has
// none (or one this list does not know), from the files it touched.
func Classify(commits []ClassifiedCommit, added, deleted, files int) Classification {
	c := Classification{Commits: len(commits), Files: files, Added: added, Deleted: deleted, WorkType: WorkExploration}
	if len(commits) == 0 {
		return c
	}
	c.Types = map[string]int{}
	kinds := map[string]int{}
	for _, cm := range commits {
		t := CommitType(cm.Subject)
		if t == "" {
			c.Types["other"]++
		} else {
			c.Types[t]++
		}
		kind, ok := typeWork[t]
		if !ok {
			kind = kindFromFiles(cm.Files)
		}
		kinds[kind]++
	}
	best := -1
	for _, k := range workPriority {
		if kinds[k] > best {
			best, c.WorkType = kinds[k], k
		}
	}
	return c
}

// kindFromFiles guesses the kind of an untyped commit from what it touched.
func kindFromFiles(files []string) string {
	if len(files) == 0 {
		return WorkDevelopment
	}
	counts := map[string]int{}
	for _, f := range files {
		counts[fileKind(f)]++
	}
	for _, k := range []string{WorkDocumentation, WorkTesting, WorkMaintenance} {
		if counts[k] == len(files) {
			return k
		}
	}
	return WorkDevelopment
}

func fileKind(p string) string {
	base := path.Base(p)
	lower := strings.ToLower(p)
	switch {
	case strings.HasSuffix(base, "_test.go"), strings.Contains(base, ".test."), strings.Contains(base, ".spec."),
		strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py"),
		hasDir(lower, "test", "tests", "testdata", "__tests__", "spec"):
		return WorkTesting
	case hasDir(lower, ".github", ".gitlab", ".circleci", ".ci"), base == ".gitlab-ci.yml",
		base == "Makefile", base == "Dockerfile", base == "go.mod", base == "go.sum",
		base == "package.json", base == "package-lock.json", base == "Cargo.toml", base == "Cargo.lock",
		base == "toolchain.toml", base == ".gitignore":
		return WorkMaintenance
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".md", ".markdown", ".rst", ".adoc", ".txt":
		return WorkDocumentation
	}
	if hasDir(lower, "docs", "doc") {
		return WorkDocumentation
	}
	return WorkDevelopment
}

// hasDir reports whether slash-separated p has a directory called one of names.
func hasDir(p string, names ...string) bool {
	parts := strings.Split(p, "/")
	for _, d := range parts[:len(parts)-1] {
		for _, n := range names {
			if d == n {
				return true
			}
		}
	}
	return false
}

// TypesString renders the type counts as "feat 2, fix 1" (most first).
func (c *Classification) TypesString() string {
	if len(c.Types) == 0 {
		return "none"
	}
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	for k, v := range c.Types {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i].v != kvs[j].v {
			return kvs[i].v > kvs[j].v
		}
		return kvs[i].k < kvs[j].k
	})
	parts := make([]string, len(kvs))
	for i, e := range kvs {
		parts[i] = e.k + " " + strconv.Itoa(e.v)
	}
	return strings.Join(parts, ", ")
}

// parseTypes reads TypesString's output back.
func parseTypes(s string) map[string]int {
	if strings.TrimSpace(s) == "none" {
		return nil
	}
	m := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		if len(f) != 2 {
			continue
		}
		if n, err := strconv.Atoi(f[1]); err == nil {
			m[f[0]] = n
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
