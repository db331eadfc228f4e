// Package release implements `git release`: the next version from the
// conventional commits since the last release tag, a Keep a Changelog
// section, the version fields of the configured manifests and lockfiles,
// the release commit, its annotated tag and an atomic push.
package release

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a release version MAJOR.MINOR.PATCH. Pre-releases are not
// release versions: tags carrying them are ignored when finding the
// current version. Build metadata (v1.2.3+build.5) is, as SemVer has it,
// no part of the version: such a tag is release 1.2.3 (TagVersion).
type Version struct {
	Major, Minor, Patch int
}

// ParseVersion reads "X.Y.Z" or "vX.Y.Z" with no leading zeros.
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(s, "v")
	parts := strings.Split(t, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("%q is not a version X.Y.Z", s)
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || (len(p) > 1 && p[0] == '0') || strings.TrimLeft(p, "0123456789") != "" {
			return Version{}, fmt.Errorf("%q is not a version X.Y.Z", s)
		}
		v, err := strconv.Atoi(p)
		if err != nil {
			return Version{}, fmt.Errorf("%q is not a version X.Y.Z", s)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

// TagVersion reads a release tag: vX.Y.Z, or vX.Y.Z+BUILD with SemVer
// build metadata (dot-separated identifiers of [0-9A-Za-z-]), which is
// the same release; build reports whether it had some.
func TagVersion(name string) (v Version, build bool, ok bool) {
	if !strings.HasPrefix(name, "v") {
		return Version{}, false, false
	}
	core, meta, build := strings.Cut(name, "+")
	if build && !validBuild(meta) {
		return Version{}, false, false
	}
	v, err := ParseVersion(core)
	return v, build, err == nil
}

func validBuild(meta string) bool {
	for _, id := range strings.Split(meta, ".") {
		if id == "" || strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" {
			return false
		}
	}
	return true
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Tag is the release tag name: vX.Y.Z.
func (v Version) Tag() string { return "v" + v.String() }

// Compare returns -1, 0 or 1 as v is lower than, equal to or higher than w.
func (v Version) Compare(w Version) int {
	for _, d := range [][2]int{{v.Major, w.Major}, {v.Minor, w.Minor}, {v.Patch, w.Patch}} {
		switch {
		case d[0] < d[1]:
			return -1
		case d[0] > d[1]:
			return 1
		}
	}
	return 0
}

// Bump is a kind of version increase.
type Bump string

// The bumps, lowest first.
const (
	BumpNone  Bump = ""
	BumpPatch Bump = "patch"
	BumpMinor Bump = "minor"
	BumpMajor Bump = "major"
)

func (b Bump) rank() int {
	switch b {
	case BumpPatch:
		return 1
	case BumpMinor:
		return 2
	case BumpMajor:
		return 3
	}
	return 0
}

// Apply returns v increased by b.
func (v Version) Apply(b Bump) Version {
	switch b {
	case BumpMajor:
		return Version{v.Major + 1, 0, 0}
	case BumpMinor:
		return Version{v.Major, v.Minor + 1, 0}
	case BumpPatch:
		return Version{v.Major, v.Minor, v.Patch + 1}
	}
	return v
}
