// Package version says which release and commit a binary was built from.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the release this source tree will be published as; `git
// release` bumps it.
const Version = "0.1.0"

// Commit is set at build time with
// -ldflags "-X github.com/verdigris-dev/verdigris/internal/version.Commit=SHA".
// When empty, the VCS stamp in the build info is used if there is one.
var Commit = ""

// Info is a binary's version as `--version` and doctor report it.
type Info struct {
	Binary  string `json:"binary"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
	Dirty   bool   `json:"dirty,omitempty"`
	Go      string `json:"go"`
}

// Get returns the version information of the running binary.
func Get(binary string) Info {
	info := Info{Binary: binary, Version: Version, Commit: Commit, Go: runtime.Version()}
	if info.Commit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					info.Commit = s.Value
				case "vcs.modified":
					info.Dirty = s.Value == "true"
				}
			}
		}
	}
	if len(info.Commit) > 12 {
		info.Commit = info.Commit[:12]
	}
	return info
}

// String is the one-line form: "git-scry 0.1.0 (commit 1a2b3c4d5e6f, go1.26.8)".
func (i Info) String() string {
	c := i.Commit
	if c == "" {
		c = "unknown"
	}
	if i.Dirty {
		c += "-dirty"
	}
	return fmt.Sprintf("%s %s (commit %s, %s)", i.Binary, i.Version, c, i.Go)
}

// String returns Get(binary).String().
func String(binary string) string { return Get(binary).String() }
