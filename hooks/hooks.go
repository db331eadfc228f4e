// Package hooks holds the POSIX sh shims that `verdigris install` places in
// a repository's hooks directory. They are plain files here so they can be
// read and reviewed as shell, and embedded so the binary carries them.
package hooks

import "embed"

// FS holds the shims, one file per git hook name.
//
//go:embed pre-push post-commit
var FS embed.FS

// Names are the git hooks verdigris installs.
var Names = []string{"pre-push", "post-commit"}

// Marker is the line that identifies a file as a verdigris shim; the number
// after it is the shim's version, so doctor can tell a stale one.
const Marker = "# verdigris-shim: "

// ChainedSuffix is appended to a hook's path to keep the user's own hook,
// which the shim runs first.
const ChainedSuffix = ".verdigris-chained"
