package toolchain

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// containerImages maps official images to the tool they provide.
var containerImages = map[string]string{"golang": "go", "rust": "rust", "node": "node", "python": "python"}

// displayNames are how messages name the built-in tools.
var displayNames = map[string]string{"go": "Go", "rust": "Rust", "node": "Node.js", "python": "Python"}

// container checks a job's container image (golang:1.22, rust:latest),
// which may come from the matrix.
func (l *linter) container(job *yaml.Node, sc scope) {
	c := mapping(job, "container")
	if c != nil && c.Kind == yaml.MappingNode {
		c = mapping(c, "image")
	}
	for _, v := range values(c, sc) {
		l.image(v, "container ", "")
	}
}

// dockerRegistries are the names of Docker Hub, where the official
// images are, that an image reference may start with, and of the
// mirrors that serve those images under their own names (ECR Public's
// docker/library/golang, Google's mirror.gcr.io/library/golang).
var dockerRegistries = []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/", "public.ecr.aws/docker/", "mirror.gcr.io/"}

// osVariantRE matches the words of an official image's tag that name
// the system it is built on (alpine3.20, slim, bookworm,
// windowsservercore, nanoserver), which a tag of the pinned version
// keeps. Any other word before the version is a channel (lts, jod,
// current, tip, rc): it names no release, and the fix drops it.
var osVariantRE = regexp.MustCompile(`^(alpine[0-9.]*|slim|bookworm|bullseye|buster|stretch|jessie|trixie|windowsservercore|nanoserver)$`)

// image checks an official image's tag against the pin: golang:1.22,
// node:18-alpine, python:3.12-slim, rust:latest, with or without a
// digest after it (golang:1.26.8@sha256:…, as Renovate pins them). A
// digest alone names no version that can be read here: it is trusted,
// as an expression in the image (golang:${{ env.GO }}) is. A tag that
// names a line (golang:1.26, node:22) or a channel (node:lts, jod) runs
// whatever release it points to on the day. what and scheme are how the
// workflow names it ("container ", or "step " and "docker://").
func (l *linter) image(v value, what, scheme string) {
	img := strings.TrimSpace(v.s)
	if strings.Contains(img, "${{") {
		return
	}
	ref, digest, _ := strings.Cut(img, "@")
	repo, tag := ref, ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		repo, tag = ref[:i], ref[i+1:]
	}
	name := repo
	for _, r := range dockerRegistries {
		name = strings.TrimPrefix(name, r)
	}
	name = strings.TrimPrefix(name, "library/")
	tool, ok := containerImages[name]
	if !ok || (tag == "" && digest != "") {
		return
	}
	pin, pinned, ok := l.pinned(tool)
	if !ok {
		return
	}
	// The tag is VERSION[-VARIANT], CHANNEL[-VARIANT] or a VARIANT of
	// the latest (alpine, slim-bookworm); the fix keeps the variant. A
	// release (1.26.8, 1.26rc1) is fixed; a line (1.26, python's 3.14-rc
	// pre-releases) or a channel moves.
	version, variant, floats := "", "", false
	if tag != "" && tag != "latest" {
		words := strings.Split(tag, "-")
		switch {
		case words[0] != "" && words[0][0] >= '0' && words[0][0] <= '9':
			version, words = words[0], words[1:]
			floats = isNumeric(version) && !isExact(version)
			if len(words) > 0 && words[0] == "rc" {
				version, words, floats = version+"-rc", words[1:], true
			}
		case words[0] != "" && !osVariantRE.MatchString(words[0]):
			version, words, floats = words[0], words[1:], true
		}
		variant = strings.Join(words, "-")
	}
	if version != "" && Satisfies(pin.Version, version) {
		return
	}
	runs := fmt.Sprintf("the latest %s", displayNames[tool])
	switch {
	case floats:
		runs = fmt.Sprintf("whatever %s %s resolves to on the day", displayNames[tool], version)
	case version != "":
		runs = fmt.Sprintf("%s %s", displayNames[tool], version)
	}
	want := repo + ":" + normalize(pin.Version)
	if variant != "" {
		want += "-" + variant
	}
	fix := "use " + scheme + want
	if digest != "" {
		fix += " (and that tag's digest)"
	}
	if v.via != "" {
		img += " (" + v.via + ")"
	}
	l.addAt(v, tool, fmt.Sprintf("%s%s%s runs %s, not %s", what, scheme, img, runs, pinned), v.fix(fix, want))
}
