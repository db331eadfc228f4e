package toolchain

import (
	"regexp"
	"strconv"
	"strings"
)

// versionRE finds version numbers in a tool's output: 1.26.8, 1.22rc1,
// 1.97.0-nightly, 20.20.2.
var versionRE = regexp.MustCompile(`\d+\.\d+(?:\.\d+)*(?:(?:-|rc|beta|alpha)[0-9A-Za-z.]*)?`)

// versionsIn returns the version numbers found in s, in order.
func versionsIn(s string) []string { return versionRE.FindAllString(s, -1) }

// normalize strips the decorations tools and files put around a version:
// "v20.20.2", "go1.26.8", "1.89.0-x86_64-unknown-linux-gnu".
func normalize(v string) string {
	v = strings.TrimSpace(v)
	v = strings.Trim(v, `"'`)
	switch {
	case strings.HasPrefix(v, "go") && len(v) > 2 && v[2] >= '0' && v[2] <= '9':
		v = v[2:]
	case strings.HasPrefix(v, "v") && len(v) > 1 && v[1] >= '0' && v[1] <= '9':
		v = v[1:]
	}
	// A rustup toolchain name may carry the host triple.
	if i := strings.Index(v, "-"); i > 0 && isNumeric(v[:i]) {
		rest := v[i+1:]
		if strings.Contains(rest, "-unknown-") || strings.Contains(rest, "-apple-") || strings.Contains(rest, "-pc-") {
			v = v[:i]
		}
	}
	return v
}

func isNumeric(v string) bool {
	if v == "" {
		return false
	}
	for _, c := range v {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

// Satisfies reports whether version v is what pin asks for: the same
// version, or, for a shorter pin such as 1.26, any 1.26.x. A looser v
// (1.26 for a pin of 1.26.8, "stable", "lts/*") does not satisfy a
// stricter pin: it can install something else.
func Satisfies(pin, v string) bool {
	p, x := normalize(pin), normalize(v)
	if p == "" || x == "" {
		return false
	}
	if p == x {
		return true
	}
	return isNumeric(p) && strings.HasPrefix(x, p+".")
}

// goVersion is a Go version as the go command orders them:
// 1.21 < 1.21rc1 < 1.21.0 < 1.21.1.
type goVersion struct {
	major, minor int
	kind         int // 0 language version, 1 alpha, 2 beta, 3 rc, 4 release
	n            int // pre-release number or patch
	ok           bool
}

func parseGo(v string) goVersion {
	v = normalize(v)
	var g goVersion
	major, rest, ok := strings.Cut(v, ".")
	if !ok {
		return g
	}
	var err error
	if g.major, err = strconv.Atoi(major); err != nil {
		return g
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if g.minor, err = strconv.Atoi(rest[:i]); err != nil {
		return g
	}
	rest = rest[i:]
	if rest == "" {
		// A language version; before Go 1.21 "1.20" named the release.
		if g.major == 1 && g.minor < 21 {
			g.kind = 4
		}
		g.ok = true
		return g
	}
	// The suffix after the minor version, and the kind it marks.
	for _, k := range []struct {
		prefix string
		kind   int
	}{{".", 4}, {"rc", 3}, {"beta", 2}, {"alpha", 1}} {
		if num, ok := strings.CutPrefix(rest, k.prefix); ok {
			if num != "" {
				if g.n, err = strconv.Atoi(num); err != nil {
					return g
				}
			}
			g.kind, g.ok = k.kind, true
			return g
		}
	}
	return g
}

// compareGo orders two Go versions; unparsable versions compare as
// equal so that nothing is switched on a guess.
func compareGo(a, b string) int {
	x, y := parseGo(a), parseGo(b)
	if !x.ok || !y.ok {
		return 0
	}
	for _, d := range [][2]int{{x.major, y.major}, {x.minor, y.minor}, {x.kind, y.kind}, {x.n, y.n}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// isGoLang reports whether v is a language version (1.22) rather than a
// release (1.22.0).
func isGoLang(v string) bool {
	g := parseGo(v)
	return g.ok && g.kind == 0
}
