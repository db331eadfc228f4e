// Package hooks holds the POSIX sh shims that `verdigris install` places in
// a repository's hooks directory. They are plain files here so they can be
// read and reviewed as shell, and embedded so the binary carries them.
package hooks

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"strings"
)

// FS holds the shims, one file per git hook name.
//
//go:embed pre-push post-commit post-merge post-rewrite post-applypatch
var FS embed.FS

//go:embed shipped.sha256
var shipped string

// Shipped reports whether b is, byte for byte, a shim that some verdigris
// release installed as the hook name.
func Shipped(name string, b []byte) bool {
	sum := sha256.Sum256(b)
	want := hex.EncodeToString(sum[:]) + "  " + name
	sc := bufio.NewScanner(strings.NewReader(shipped))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line == want {
			return true
		}
	}
	return false
}

// IsShim reports whether b carries the shim marker: verdigris's, as
// shipped or edited since.
func IsShim(b []byte) bool {
	return bytes.Contains(b, []byte(Marker))
}

// Names are the git hooks verdigris installs.
var Names = []string{"pre-push", "post-commit", "post-merge", "post-rewrite", "post-applypatch"}

// Marker is the line that identifies a file as a verdigris shim; the number
// after it is the shim's version, so doctor can tell a stale one.
const Marker = "# verdigris-shim: "

// ChainedSuffix is appended to a hook's path to keep the user's own hook,
// which the shim runs first.
const ChainedSuffix = ".verdigris-chained"
