// Package doctor checks that verdigris is set up and healthy in a
// repository: binaries, hooks, and each feature's own state. Every feature
// contributes its checks from its own file here, registered at init.
package doctor

import (
	"context"
	"sort"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Status of one finding.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip" // the feature is not in use here
)

// Finding is one line of the doctor's report.
type Finding struct {
	Area   string `json:"area"`
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Hint   string `json:"hint,omitempty"`
}

// Context is what checks may look at. Repo is nil outside a repository,
// and in one that could not be opened: Unopened then says why.
type Context struct {
	Repo    *gitrepo.Repo
	Getenv  func(string) string
	LookEnv func(string) (string, bool)
	// Unopened is the repository the command runs in that could not be
	// opened (git refuses it, its git directory is gone): what is wrong
	// and what fixes it, as the other commands say it. Nil outside any
	// repository.
	Unopened *Unopened
}

// Unopened is a repository that could not be opened.
type Unopened struct{ Detail, Hint string }

// noRepo is the detail of a repository check skipped for want of Repo:
// outside a repository, or in one the hooks area reports unopened.
func (c *Context) noRepo() string {
	if c.Unopened != nil {
		return "the repository could not be opened (see hooks)"
	}
	return "not inside a git repository"
}

type provider struct {
	order int
	area  string
	run   func(context.Context, *Context) []Finding
}

var providers []provider

// register adds an area's checks; order sorts the report.
func register(order int, area string, run func(context.Context, *Context) []Finding) {
	providers = append(providers, provider{order, area, run})
}

// Run runs every registered check.
func Run(ctx context.Context, c *Context) []Finding {
	ps := append([]provider(nil), providers...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].order < ps[j].order })
	var out []Finding
	for _, p := range ps {
		for _, f := range p.run(ctx, c) {
			if f.Area == "" {
				f.Area = p.area
			}
			out = append(out, f)
		}
	}
	return out
}

// Failed reports whether any finding failed.
func Failed(fs []Finding) bool {
	for _, f := range fs {
		if f.Status == Fail {
			return true
		}
	}
	return false
}
