package release

import (
	"regexp"
	"strings"
)

var (
	// A link reference definition line: "[label]: URL".
	linkDefLineRE = regexp.MustCompile(`^\[([^\]]+)\]:[ \t]*(\S+)[ \t]*$`)
	// A compare URL of GitHub form (…/compare/FROM...TO), which GitLab's
	// (…/-/compare/FROM...TO), Gitea's and Forgejo's share.
	compareURLRE = regexp.MustCompile(`^(https?://[^\s?#]+/compare/)([^\s/?#]+?)\.\.\.([^\s/?#]+)$`)
	// A version's label: "0.1.0" or "v0.1.0".
	versionLabelRE = regexp.MustCompile(`^v?\d+\.\d+\.\d+`)
)

// UpdateLinks updates the link reference definitions that end a Keep a
// Changelog file for the release of v, tagged v.Tag(), after prevTag (""
// for the first): [Unreleased] compares from the new tag to HEAD, and
// [X.Y.Z] (the label of the new section's heading, when it uses one) from
// prevTag to the new tag, placed above the older versions' links, as Keep a Changelog keeps
// them. The URLs' form is taken from the [Unreleased] link, else the
// newest version's, and must be a compare URL (…/compare/A...B); in
// another form nothing is changed and left says why. A changelog without
// such definitions is returned as it is, with left "".
func UpdateLinks(changelog []byte, v Version, prevTag string) (out []byte, left string) {
	mark, text := cutBOM(changelog)
	lines := strings.SplitAfter(string(text), "\n")
	// The definitions are the block of them (and blank lines) the file
	// ends with: a line of that shape elsewhere is the text's own.
	start := len(lines)
	for start > 0 {
		l := strings.TrimRight(lines[start-1], "\r\n")
		if l != "" && !linkDefLineRE.MatchString(l) {
			break
		}
		start--
	}
	unreleased, newest, own := -1, -1, false
	for i := start; i < len(lines); i++ {
		m := linkDefLineRE.FindStringSubmatch(strings.TrimRight(lines[i], "\r\n"))
		switch {
		case m == nil:
		case strings.EqualFold(m[1], "unreleased"):
			if unreleased < 0 {
				unreleased = i
			}
		case strings.TrimPrefix(m[1], "v") == v.String():
			own = true
		case versionLabelRE.MatchString(m[1]) && newest < 0:
			newest = i
		}
	}
	anchor := unreleased
	if anchor < 0 {
		anchor = newest
	}
	if anchor < 0 {
		return changelog, ""
	}
	m := linkDefLineRE.FindStringSubmatch(strings.TrimRight(lines[anchor], "\r\n"))
	anchorLabel, url := m[1], m[2]
	c := compareURLRE.FindStringSubmatch(url)
	switch {
	case unreleased >= 0 && (c == nil || c[3] != "HEAD"):
		return changelog, "[" + anchorLabel + "] is not a compare URL of GitHub or GitLab form (…/compare/FROM...HEAD)"
	case unreleased < 0 && c == nil:
		return changelog, "[" + anchorLabel + "], the newest version's, is not a compare URL of GitHub or GitLab form (…/compare/FROM...TO)"
	}
	base, from := c[1], prevTag
	// The new section's heading says [vX.Y.Z] where the changelog's do
	// (it follows them): its definition is labelled so, or it links
	// nowhere. A heading without brackets, or one that is a link itself
	// ("[X.Y.Z](URL)"), uses no definition: none is added, which nothing
	// would read (the user's own stay as they are).
	label := v.String()
	if hm := regexp.MustCompile(`(?m)^## +\[(v?)` + regexp.QuoteMeta(v.String()) + `\]([^(]|$)`).FindSubmatch(text); hm == nil {
		own = true
	} else {
		label = string(hm[1]) + label
	}
	if from == "" && unreleased >= 0 {
		from = c[2] // the first release: from where Unreleased started
	}
	nl := "\n"
	if strings.HasSuffix(lines[anchor], "\r\n") {
		nl = "\r\n"
	}
	var b strings.Builder
	b.Write(mark)
	for i, l := range lines {
		switch {
		case i == unreleased:
			b.WriteString("[" + anchorLabel + "]: " + base + v.Tag() + "...HEAD" + l[len(strings.TrimRight(l, "\r\n")):])
			if !own && from != "" {
				def := "[" + label + "]: " + base + from + "..." + v.Tag()
				if strings.HasSuffix(l, "\n") {
					b.WriteString(def + nl)
				} else {
					b.WriteString(nl + def) // the file ended without a line end
				}
			}
			continue
		case i == newest && unreleased < 0 && !own && from != "":
			b.WriteString("[" + label + "]: " + base + from + "..." + v.Tag() + nl)
		}
		b.WriteString(l)
	}
	return []byte(b.String()), ""
}

// githubRemoteRE is a GitHub remote URL: https://github.com/O/R(.git),
// git@github.com:O/R(.git), ssh://git@github.com/O/R(.git).
var githubRemoteRE = regexp.MustCompile(`^(?:https?://(?:[^@/]+@)?github\.com/|(?:ssh://)?git@github\.com[:/])([\w.-]+)/([\w.-]+?)(?:\.git)?/?$`)

// linkedTo is the URL of a release-please heading ("## [X.Y.Z](URL)")
// for tag, released after prevTag: the compare view of the GitHub remote
// (remoteURL), else of the form of the newest heading's link (link: a
// GitLab or Gitea compare URL); "" (the plain label) for a first release,
// or with neither.
func linkedTo(remoteURL, link, prevTag, tag string) string {
	if prevTag == "" {
		return ""
	}
	if m := githubRemoteRE.FindStringSubmatch(remoteURL); m != nil {
		return "https://github.com/" + m[1] + "/" + m[2] + "/compare/" + prevTag + "..." + tag
	}
	if c := compareURLRE.FindStringSubmatch(link); c != nil {
		return c[1] + prevTag + "..." + tag
	}
	return ""
}
