package release

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// goConstRE finds the Version constant of a Go file, alone on its line or
// inside a const block: `const Version = "X.Y.Z"`, `Version = "X.Y.Z"`.
var goConstRE = regexp.MustCompile(`(?m)^[ \t]*(?:const[ \t]+)?Version(?:[ \t]+string)?[ \t]*=[ \t]*"([^"\\\n]*)"`)

// updateGoConst rewrites the string of the file's one Version constant.
func updateGoConst(data []byte, to Version) ([]byte, string, error) {
	m := goConstRE.FindAllSubmatchIndex(data, -1)
	switch len(m) {
	case 0:
		return nil, "", fmt.Errorf(`no const Version = "X.Y.Z" found`)
	case 1:
	default:
		return nil, "", fmt.Errorf("%d Version constants found; keep one", len(m))
	}
	from := string(data[m[0][2]:m[0][3]])
	if _, err := ParseVersion(from); err != nil {
		return nil, "", fmt.Errorf("Version is %q, not X.Y.Z", from)
	}
	return splice(data, m[0][2], m[0][3], spelt(from, to)), from, nil
}

// spelt writes the new version as the old one was written: with its "v"
// when it had one ("v1.2.3" became "1.3.0").
func spelt(old string, to Version) string {
	if strings.HasPrefix(old, "v") {
		return "v" + to.String()
	}
	return to.String()
}

// versionFileRE is a VERSION file: the version, optionally v-prefixed,
// and nothing but white space around it.
var versionFileRE = regexp.MustCompile(`\A\s*v?(\S+?)\s*\z`)

// updatePlain rewrites a VERSION file, keeping a "v" prefix and the white
// space around the version.
func updatePlain(data []byte, to Version) ([]byte, string, error) {
	m := versionFileRE.FindSubmatchIndex(data)
	if m == nil {
		return nil, "", fmt.Errorf("expected only a version X.Y.Z in the file")
	}
	from := string(data[m[2]:m[3]])
	if _, err := ParseVersion(from); err != nil {
		return nil, "", fmt.Errorf("holds %q, not X.Y.Z", from)
	}
	return splice(data, m[2], m[3], to.String()), from, nil
}

// splice returns data with data[start:end] replaced by s.
func splice(data []byte, start, end int, s string) []byte {
	return applyEdits(data, []edit{{start, end, s}})
}

// edit replaces data[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// applyEdits returns data with the (non-overlapping) edits made; every
// byte outside them is kept.
func applyEdits(data []byte, edits []edit) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b bytes.Buffer
	b.Grow(len(data) + 16*len(edits))
	pos := 0
	for _, e := range edits {
		b.Write(data[pos:e.start])
		b.WriteString(e.text)
		pos = e.end
	}
	b.Write(data[pos:])
	return b.Bytes()
}
