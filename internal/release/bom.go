package release

import "bytes"

// utf8BOM is the byte order mark Windows editors (Notepad, Visual Studio)
// put at the start of a UTF-8 file. npm, Cargo and Go read past it, so git
// release does too, and keeps it: only the version's bytes change.
var utf8BOM = []byte("\uFEFF")

// cutBOM splits data into its leading byte order mark (nil when it has
// none) and the text after it.
func cutBOM(data []byte) (mark, text []byte) {
	if bytes.HasPrefix(data, utf8BOM) {
		return data[:len(utf8BOM):len(utf8BOM)], data[len(utf8BOM):]
	}
	return nil, data
}

// withBOM puts mark (from cutBOM) back before text, in a new slice.
func withBOM(mark, text []byte) []byte {
	if mark == nil {
		return text
	}
	return append(append(make([]byte, 0, len(mark)+len(text)), mark...), text...)
}

// checkText refuses data that is not UTF-8 text: a UTF-16 or UTF-32 byte
// order mark, or NUL bytes (UTF-16 without a mark). Its formats read such a
// file as stray characters, and a changelog got its new section as UTF-8
// inside UTF-16 text. what names the file ("changelog CHANGELOG.md").
func checkText(what string, data []byte) error {
	const hint = "save it as UTF-8 (with or without a byte order mark), commit it, then release"
	for _, enc := range []struct {
		mark, name string
	}{
		// UTF-32LE's mark starts with UTF-16LE's: longest first.
		{"\xff\xfe\x00\x00", "UTF-32 (little-endian"},
		{"\x00\x00\xfe\xff", "UTF-32 (big-endian"},
		{"\xff\xfe", "UTF-16 (little-endian"},
		{"\xfe\xff", "UTF-16 (big-endian"},
	} {
		if bytes.HasPrefix(data, []byte(enc.mark)) {
			return refuse(hint, "%s is %s, by its byte order mark): git release reads and writes UTF-8", what, enc.name)
		}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return refuse(hint, "%s holds NUL bytes (UTF-16 without a byte order mark, or not text): git release reads and writes UTF-8", what)
	}
	return nil
}

// bomInside refuses a changelog with a byte order mark at the start of a
// line after its first (two files saved with one, joined): the "## "
// heading after it was not seen, so the new section went below that
// release, and a section for the same version behind one was missed.
func bomInside(what string, data []byte) error {
	_, text := cutBOM(data)
	i := bytes.Index(text, append([]byte("\n"), utf8BOM...))
	if i < 0 {
		return nil
	}
	return refuse("delete it (an editor shows it as <U+FEFF> or ZWNBSP), commit, then release",
		"%s has a byte order mark at the start of line %d, which hides the text after it", what, bytes.Count(text[:i+1], []byte("\n"))+1)
}
