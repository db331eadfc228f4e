package release

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/jsonfile"
)

// jsonString is where a string value sits in a JSON document.
type jsonString struct {
	start, end int // the contents, between the quotes
	value      string
}

// findJSONString finds the string at path (object keys from the root).
// encoding/json reports where each token ends; the value's opening quote
// is the first one after its key's colon.
func findJSONString(data []byte, path ...string) ([]jsonString, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []jsonString
	var walk func(depth int) error
	walk = func(depth int) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return fmt.Errorf("expected an object")
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			afterKey := int(dec.InputOffset())
			if key != path[depth] {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return err
				}
				continue
			}
			if depth < len(path)-1 {
				// Peek: only an object can lead further down the path.
				rest := bytes.TrimLeft(data[afterKey:], " \t\r\n:")
				if len(rest) > 0 && rest[0] == '{' {
					if err := walk(depth + 1); err != nil {
						return err
					}
					continue
				}
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return err
				}
				continue
			}
			vt, err := dec.Token()
			if err != nil {
				return err
			}
			end := int(dec.InputOffset())
			s, ok := vt.(string)
			if !ok {
				return fmt.Errorf("%s is not a string", strings.Join(path, "."))
			}
			q := bytes.IndexByte(data[afterKey:end], '"')
			if q < 0 || string(data[afterKey+q+1:end-1]) != s {
				// Escapes in a version string: too unusual to rewrite safely.
				return fmt.Errorf("%s is written in an unexpected form", strings.Join(path, "."))
			}
			out = append(out, jsonString{start: afterKey + q + 1, end: end - 1, value: s})
		}
		_, err = dec.Token() // the closing brace
		return err
	}
	if err := walk(0); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, jsonError(data, errors.New("data after the top-level object"))
	}
	return out, nil
}

// jsonError says where data is not valid JSON. A Decoder's offsets are
// not exact (one is before the white space it skipped, another at the
// start of the literal it refused), so the whole document is decoded
// again for the place of the character refused; err, from the walk, is
// the words when it decodes (the walk wanted something else of it).
func jsonError(data []byte, err error) error {
	var v any
	if uerr := json.Unmarshal(data, &v); uerr != nil {
		if line, col, problem, ok := jsonfile.Syntax(data, uerr); ok {
			return &parseError{Line: line, Col: col, Msg: "not valid JSON: " + problem}
		}
	}
	return fmt.Errorf("not valid JSON: %v", err)
}

// updateJSONVersions sets the version strings at paths (each must exist
// exactly once) and checks the result reads as before with only those
// values changed.
func updateJSONVersions(data []byte, to Version, paths ...[]string) ([]byte, string, error) {
	var edits []edit
	from := ""
	for _, p := range paths {
		vs, err := findJSONString(data, p...)
		if err != nil {
			return nil, "", err
		}
		if len(vs) != 1 {
			return nil, "", fmt.Errorf("expected one %s, found %d", jsonPathName(p), len(vs))
		}
		edits = append(edits, edit{vs[0].start, vs[0].end, spelt(vs[0].value, to)})
		if from == "" {
			from = vs[0].value
		}
	}
	out := applyEdits(data, edits)
	var before, after any
	if err := json.Unmarshal(data, &before); err != nil {
		return nil, "", jsonError(data, err)
	}
	if err := json.Unmarshal(out, &after); err != nil {
		return nil, "", fmt.Errorf("the rewritten file does not parse: %v", err)
	}
	for _, p := range paths {
		m := before.(map[string]any)
		for _, k := range p[:len(p)-1] {
			m = m[k].(map[string]any)
		}
		old, _ := m[p[len(p)-1]].(string)
		m[p[len(p)-1]] = spelt(old, to)
	}
	if !reflect.DeepEqual(before, after) {
		return nil, "", fmt.Errorf("rewriting the version would change more than the version; left alone")
	}
	return out, from, nil
}

func jsonPathName(p []string) string {
	var b strings.Builder
	for _, k := range p {
		if k == "" || strings.ContainsAny(k, ". ") {
			fmt.Fprintf(&b, "[%q]", k)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(k)
	}
	return b.String()
}

// updatePackageJSON sets package.json's top-level "version".
func updatePackageJSON(data []byte, to Version) ([]byte, string, error) {
	return updateJSONVersions(data, to, []string{"version"})
}

// updatePackageLock sets a package-lock.json's (or npm-shrinkwrap.json's)
// root "version" and, from lockfile version 2 on, packages[""].version: the
// two places npm records the root package's own version. Dependencies are
// never touched.
func updatePackageLock(data []byte, to Version) ([]byte, string, error) {
	paths := [][]string{{"version"}}
	root, err := findJSONString(data, "packages", "", "version")
	if err != nil {
		return nil, "", err
	}
	if len(root) > 0 {
		paths = append(paths, []string{"packages", "", "version"})
	}
	return updateJSONVersions(data, to, paths...)
}
