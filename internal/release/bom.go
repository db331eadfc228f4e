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
