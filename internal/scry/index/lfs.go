package index

import (
	"bytes"
	"slices"
)

// Git LFS commits, in place of a large file's content, a pointer of a
// few lines (git-lfs's docs/spec.md):
//
//	version https://git-lfs.github.com/spec/v1
//	oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
//	size 12345
//
// Every commit that added or updated such a file (a texture, a model's
// weights) gave their words as its diff terms: version, https, git,
// lfs, github, com, spec, oid, sha256, size; in a repository of LFS
// assets, any question about a version or a size found those commits.
// A pointer's lines give no terms, whether or not .gitattributes says
// filter=lfs (a mirror or an export without the attributes still holds
// pointers); the file is still listed, with its line counts and its
// path's terms. A pointer replaced by the content (git lfs migrate
// export) or the reverse gives the content's terms.
//
// The pointer is known from its lines as git's -U0 patch gives them, a
// file at a time: a new or deleted pointer whole; an updated one as its
// changed oid and size lines (and ext lines), after the hunk header's
// section, its unchanged version line; one replaced by content, or
// replacing it, as a run of the whole pointer beside the content's
// lines. So the lines shaped as a pointer's are held back until the
// file's end (or the first line that is not): a file whose lines all
// are, one of them its oid, is a pointer; beside other lines, only a
// whole pointer is (version, ext lines, oid, size). A real file's
// "size 4096" keeps its terms.

// pointerVersions are the version lines' values git-lfs reads as its
// pointer's, compared as strings, as the spec says: the public one,
// the pre-release's (Hawser) and the alpha's (Git Media).
var pointerVersions = []string{
	"https://git-lfs.github.com/spec/v1",
	"https://hawser.github.com/spec/v1",
	"http://git-media.io/v/2",
}

// maxPointerBytes bounds the held-back lines of one file: both sides of
// an updated pointer and their sections. git-lfs takes no blob of 1 KiB
// or more for a pointer; a file of more such lines is some other text
// (a fixture listing pointers), whose words are taken.
const maxPointerBytes = 2 << 10

// Kinds of a pointer's lines.
const (
	notPointerLine int8 = iota
	pointerVersion
	pointerExt
	pointerOID
	pointerSize
)

// pointerLine says which of a pointer's lines l is, if any.
func pointerLine(l []byte) int8 {
	if len(l) < 6 || len(l) > 200 {
		return notPointerLine
	}
	switch l[0] {
	case 'v', 'o', 's', 'e':
	default:
		return notPointerLine
	}
	k, v, ok := bytes.Cut(l, []byte(" "))
	if !ok {
		return notPointerLine
	}
	switch {
	case string(k) == "version":
		if slices.Contains(pointerVersions, string(v)) {
			return pointerVersion
		}
	case string(k) == "oid":
		if sha256Value(v) {
			return pointerOID
		}
	case string(k) == "size":
		if len(v) <= 20 && allDigits(v) {
			return pointerSize
		}
	case extKey(k):
		if sha256Value(v) {
			return pointerExt
		}
	}
	return notPointerLine
}

// extKey: ext-{priority}-{name}, an extension's key (a digit, then the
// name, in a key's characters [a-z0-9.-]).
func extKey(k []byte) bool {
	name, ok := bytes.CutPrefix(k, []byte("ext-"))
	if !ok || len(name) < 3 || name[0] < '0' || name[0] > '9' || name[1] != '-' {
		return false
	}
	for _, c := range name[2:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// sha256Value: "sha256:" and 64 lowercase hex digits.
func sha256Value(v []byte) bool {
	h, ok := bytes.CutPrefix(v, []byte("sha256:"))
	if !ok || len(h) != 64 {
		return false
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func allDigits(v []byte) bool {
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(v) > 0
}

// heldLine is a line shaped as a pointer's, held back (diffTerms.held).
type heldLine struct {
	kind int8
	text string
}

// holdPointerLine holds l back when it is shaped as a pointer's line;
// false: it is not, or the file's held lines would be more than a
// pointer's, and they were taken.
func (d *diffTerms) holdPointerLine(l []byte) bool {
	if d.heldOff {
		return false
	}
	kind := pointerLine(l)
	if kind == notPointerLine {
		// Beside other lines, only a whole pointer is one.
		d.releaseHeld(true)
		d.notPointer = true
		return false
	}
	if d.heldBytes+len(l) > maxPointerBytes {
		for _, h := range d.held {
			d.take([]byte(h.text))
		}
		d.clearHeld()
		d.heldOff = true
		return false
	}
	d.held = append(d.held, heldLine{kind, string(l)})
	d.heldBytes += len(l)
	return true
}

// flushPointer ends the current file's held lines: dropped when they
// are a pointer's, else taken.
func (d *diffTerms) flushPointer() {
	d.releaseHeld(d.notPointer)
}

// releaseHeld takes the held lines' terms but those of a pointer's:
// all of them when every line of the file was held and one is an oid
// (an update shows only its changed lines), else (mixed: the file has
// other lines) each run of a whole pointer's.
func (d *diffTerms) releaseHeld(mixed bool) {
	if len(d.held) == 0 {
		return
	}
	if !mixed && slices.ContainsFunc(d.held, func(h heldLine) bool { return h.kind == pointerOID }) {
		d.clearHeld()
		return
	}
	for i := 0; i < len(d.held); {
		if n := wholePointer(d.held[i:]); n > 0 {
			i += n
			continue
		}
		d.take([]byte(d.held[i].text))
		i++
	}
	d.clearHeld()
}

// wholePointer is the number of lines of the whole pointer that the
// held lines start with (version, ext lines, oid, size), or 0.
func wholePointer(h []heldLine) int {
	if len(h) < 3 || h[0].kind != pointerVersion {
		return 0
	}
	i := 1
	for i < len(h) && h[i].kind == pointerExt {
		i++
	}
	if i+1 < len(h) && h[i].kind == pointerOID && h[i+1].kind == pointerSize {
		return i + 2
	}
	return 0
}

func (d *diffTerms) clearHeld() {
	clear(d.held)
	d.held, d.heldBytes = d.held[:0], 0
}
