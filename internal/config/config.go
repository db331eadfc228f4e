// Package config reads toolchain.toml, the one committed file that
// configures verdigris for a repository: pinned tools, checks and the sets
// that run them, and the [release] and [session] settings. Every error names
// the file, the line and the key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/pelletier/go-toml/v2"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// FileName is the configuration file at the repository root.
const FileName = "toolchain.toml"

// File is a parsed toolchain.toml.
type File struct {
	Path    string
	Tools   []Tool // in file order
	Checks  map[string]*Check
	Sets    map[string][]string
	Release Release
	Session Session

	lines   map[string]int    // dotted key → line it was defined on
	numbers map[string]string // dotted key → a number value as written
}

// Tool is one pinned tool.
type Tool struct {
	Name    string
	Version string
	// Probe is a shell command whose output contains the version; empty for
	// the built-in tools, which know how to ask.
	Probe string
	Line  int
}

// Check is one named check command.
type Check struct {
	Name     string
	Run      string
	After    []string // checks that must finish first
	Parallel bool     // false: runs alone, after every other running check
	Line     int
}

// Release configures `git release`.
type Release struct {
	VersionFiles []string
	Branch       string
	Changelog    string
}

// Session configures `git session`.
type Session struct {
	Dir string // where records are written, relative to the repository root
}

// Error is a problem in the file, located by line and key.
type Error struct {
	Path string
	Line int
	Key  string
	Msg  string
	// Hint, when set, says what was meant ("did you mean [checks.fmt]?"),
	// which a generic "fix the line" hint cannot.
	Hint string
}

func (e *Error) Error() string {
	loc := e.Path
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.Path, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

// ErrNotFound is returned by Load when the repository has no toolchain.toml.
var ErrNotFound = errors.New("no " + FileName)

// Load reads root/toolchain.toml.
func Load(root string) (*File, error) {
	path := filepath.Join(root, FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		// A link to a missing file is a broken configuration, not none:
		// taken for none, the pre-push checks were skipped.
		if _, lerr := os.Lstat(path); lerr == nil {
			target, _ := os.Readlink(path)
			return nil, &Error{Path: FileName, Msg: fmt.Sprintf("is a symbolic link to %s, which does not exist", target)}
		}
		return nil, fmt.Errorf("%w in %s", ErrNotFound, root)
	}
	if err != nil {
		// Go's words named the absolute path ("read /home/…/toolchain.toml:
		// is a directory"), and no command could give a hint for them.
		return nil, &Error{Path: FileName, Msg: "cannot be read: " + cli.FileReason(err),
			Hint: "make " + FileName + " a file you can read, then try again"}
	}
	return Parse(FileName, data)
}

// Defaults applied when a section leaves a value out.
const (
	DefaultSessionDir = "layer/sessions"
	DefaultChangelog  = "CHANGELOG.md"
	DefaultBranch     = "main"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// BuiltinTools names the tools git toolchain knows how to ask for their
// version, with the name a message gives each; any other tool needs a
// probe.
var BuiltinTools = map[string]string{
	"go": "Go", "rust": "Rust", "node": "Node.js", "npm": "npm",
	"python": "Python", "golangci-lint": "golangci-lint",
}

// builtinAliases are the other names a built-in tool goes by (asdf
// plugins, executables). Pinned without a probe, such a name was a tool
// of its own that nothing could find, and the pin files and workflows
// were never compared with its version.
var builtinAliases = map[string]string{
	"golang": "go", "nodejs": "node", "python3": "python", "rustc": "rust",
	"golangci": "golangci-lint", "golangcilint": "golangci-lint",
}

// builtinFor returns the built-in tool that name, pinned without a
// probe, was meant to be; "" if it is one or none.
func builtinFor(name string) string {
	if _, ok := BuiltinTools[name]; ok {
		return ""
	}
	lower := strings.ToLower(name)
	if _, ok := BuiltinTools[lower]; ok {
		return lower
	}
	return builtinAliases[lower]
}

// NearBuiltin returns the built-in tool that name, pinned without a
// probe, is a near miss of (ndoe, pyhton: a letter off, by the rule of
// mistyped commands): "" if none is, or name is one. Not a parse error:
// a tool of a near name may be one of its own (just, pnpm) that env
// names, until it gets its probe.
func NearBuiltin(name string) string {
	if _, ok := BuiltinTools[name]; ok {
		return ""
	}
	// The names first, then the other names: golangci_lint is as near
	// golangcilint as golangci-lint, which is no tie between two tools.
	if near := cli.Nearest(name, slices.Sorted(maps.Keys(BuiltinTools))); near != "" {
		return near
	}
	return builtinAliases[cli.Nearest(name, slices.Sorted(maps.Keys(builtinAliases)))]
}

// releaseLike reports whether a probed tool's pin can name one release.
// What a probe prints is wider than a built-in tool's numbers (r25b,
// 17.0.2+8, 2024.01), but a word with no digit (latest, stable) or a
// range (>=1.2, ^1.2, 3.x) never equals a version it prints.
func releaseLike(v string) bool {
	if v == "" || strings.IndexFunc(v, unicode.IsSpace) >= 0 || strings.IndexFunc(v, unicode.IsDigit) < 0 {
		return false
	}
	if r := rune(v[0]); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '-' || r == '+' }) {
		if part == "x" || part == "X" || strings.ContainsAny(part, "*<>=^~|,") {
			return false
		}
	}
	return true
}

// rangePin returns the release a range pin (1.26.x, 1.26.*, ~1.26,
// ~> 1.26, ^1.26, >=1.26, =1.26) is written around, which as a pin
// accepts any 1.26.x; "" when v is no such range.
func rangePin(v string) string {
	s := strings.TrimLeft(v, "~^>= ")
	for _, suffix := range []string{".x", ".X", ".*"} {
		for strings.HasSuffix(s, suffix) {
			s = strings.TrimSuffix(s, suffix)
		}
	}
	if s == v || !numericPinRE.MatchString(s) {
		return ""
	}
	return s
}

var numericPinRE = regexp.MustCompile(`^\d+(\.\d+)*$`)

// exactVersionRE is what a built-in tool's pin looks like: a release
// number (1.26.8, go1.26.8, v2.1.6, 1.23rc1, 3.13.0b2) or a dated Rust
// nightly.
var exactVersionRE = regexp.MustCompile(`^[a-z]*\d+(\.\d+)*([-+.]?[0-9A-Za-z]+)*$|^nightly-\d{4}-\d{2}-\d{2}$`)

// Parse parses the contents of a toolchain.toml; path is used in errors.
func Parse(path string, data []byte) (*File, error) {
	// A byte order mark, as Windows editors write one, is not part of
	// the first key (the TOML parser took it for one).
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	// CRLF line ends (a Windows editor, core.autocrlf) are kept inside
	// multi-line strings, which TOML lets a parser normalize: a run
	// command's every line ended in a carriage return that sh took as
	// part of the last word. TOML allows a CR nowhere else, so this
	// changes no other value.
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			return nil, decodeError(path, data, de)
		}
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	f := &File{
		Path:    path,
		Checks:  map[string]*Check{},
		Sets:    map[string][]string{},
		Session: Session{Dir: DefaultSessionDir},
		Release: Release{Changelog: DefaultChangelog, Branch: DefaultBranch},
		lines:   KeyLines(data),
		numbers: NumberTexts(data),
	}
	// Top-level keys in file order, so the first problem reported is the
	// first in the file.
	for _, k := range f.sortedKeys(raw, "") {
		v := raw[k]
		var err error
		switch k {
		case "tools":
			err = f.parseTools(v)
		case "checks":
			err = f.parseChecks(v)
		case "sets":
			err = f.parseSets(v)
		case "release":
			err = f.parseRelease(v)
		case "session":
			err = f.parseSession(v)
		default:
			err = f.errorf(tomlKey(k), "unknown section (known: tools, checks, sets, release, session)")
			if meant := f.sectionMeant(k, v); meant != "" {
				err.(*Error).Hint = "did you mean " + meant + "?"
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if err := f.validateChecks(); err != nil {
		return nil, err
	}
	return f, nil
}

// sectionMeant is the known section k is a typo of (cli.Nearest: a
// singular, plural or capitalised form, [check.fmt] for [checks.fmt]),
// written as it would be with v's first entry: [checks.fmt] for a table
// of tables, [sets] for a table of values.
func (f *File) sectionMeant(k string, v any) string {
	known := cli.Nearest(k, []string{"tools", "checks", "sets", "release", "session"})
	if known == "" {
		return ""
	}
	if m, ok := v.(map[string]any); ok {
		if keys := f.sortedKeys(m, tomlKey(k)+"."); len(keys) > 0 && known != "release" && known != "session" {
			if _, sub := m[keys[0]].(map[string]any); sub {
				return "[" + known + "." + tomlKey(keys[0]) + "]"
			}
		}
	}
	return "[" + known + "]"
}

// tomlKey writes name as a TOML key: bare when it can be, else quoted.
func tomlKey(name string) string {
	if bareKeyRE.MatchString(name) {
		return name
	}
	return strconv.Quote(name)
}

// KeyPath writes a key path as toolchain.toml would: checks."go.vet".run,
// sets."pre push". Every key an error names, and every key of Line, is
// written so. Joined bare, checks.go.vet.run read as key run of table vet
// of check go, and a name with a space could not be pasted back.
func KeyPath(parts ...string) string {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = tomlKey(p)
	}
	return strings.Join(quoted, ".")
}

var bareKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// decodeError names the key in full, as the errors found after parsing
// do ("tools.go", not "go"), and says a duplicate is one, with the line
// it was first defined on.
func decodeError(path string, data []byte, de *toml.DecodeError) *Error {
	line, _ := de.Position()
	key := de.Key()
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	if full, first, ok := keyAt(data, line); ok && len(full) > 0 && len(full) >= len(key) && slices.Equal(full[len(full)-len(key):], key) {
		key = full
		last := key[len(key)-1]
		if msg == "key "+last+" is already defined" || msg == "table "+last+" already exists" {
			msg = "already defined"
			if first > 0 {
				msg += fmt.Sprintf(" on line %d", first)
			}
		}
	}
	return &Error{Path: path, Line: line, Key: KeyPath(key...), Msg: msg}
}

// Line returns the line a key path, as KeyPath writes it, was defined on
// (0 if unknown).
func (f *File) Line(key string) int { return f.lines[key] }

func (f *File) errorf(key, format string, args ...any) error {
	return &Error{Path: f.Path, Line: f.lines[key], Key: key, Msg: fmt.Sprintf(format, args...)}
}

// sortedKeys returns m's keys in file order; prefix is the key path of
// m, as KeyPath writes it, followed by a dot.
func (f *File) sortedKeys(m map[string]any, prefix string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		li, lj := f.lines[prefix+tomlKey(keys[i])], f.lines[prefix+tomlKey(keys[j])]
		if li != lj {
			return li < lj
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (f *File) table(key string, v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, f.errorf(key, "must be a table, not %s", typeName(v))
	}
	return m, nil
}

func (f *File) str(key string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", f.errorf(key, "must be a string, not %s", typeName(v))
	}
	return s, nil
}

// version is a tool's pin, which must be a string: a TOML number's hint
// writes it as one, in the digits the user wrote, since the number read
// is another version (1.10 is 1.1).
func (f *File) version(key string, v any) (string, error) {
	s, err := f.str(key, v)
	if err != nil {
		f.numberHint(err, key, "version", v)
	}
	return s, err
}

func (f *File) numberHint(err error, key, name string, v any) {
	var read string
	switch n := v.(type) {
	case int64:
		read = strconv.FormatInt(n, 10)
	case float64:
		read = strconv.FormatFloat(n, 'f', -1, 64)
	default:
		return
	}
	text := f.numbers[key]
	if text == "" {
		text = read
	}
	why := fmt.Sprintf("%s as a number is %s but 1.10 would be 1.1", text, read)
	if text != read {
		why = fmt.Sprintf("%s as a number is %s", text, read)
	}
	err.(*Error).Hint = fmt.Sprintf("write %s = %q (a version is a string: %s)", tomlKey(name), text, why)
}

// name is the key as its line writes it.
func (f *File) strings(key, name string, v any) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		err := f.errorf(key, "must be an array of strings, not %s", typeName(v))
		if s, ok := v.(string); ok {
			// One name is still a list: after = "fmt" reads as meant
			// once it is in brackets.
			err.(*Error).Hint = fmt.Sprintf("write %s = [%q]", tomlKey(name), s)
		}
		return nil, err
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, f.errorf(key, "must be an array of strings; found %s", typeName(e))
		}
		out = append(out, s)
	}
	return out, nil
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func (f *File) parseTools(v any) error {
	m, err := f.table("tools", v)
	if err != nil {
		return err
	}
	for _, name := range f.sortedKeys(m, "tools.") {
		key := KeyPath("tools", name)
		t := Tool{Name: name, Line: f.lines[key]}
		versionKey := key
		switch tv := m[name].(type) {
		case string:
			t.Version = tv
		case map[string]any:
			for _, k := range f.sortedKeys(tv, key+".") {
				switch k {
				case "version":
					versionKey = key + ".version"
					if t.Version, err = f.version(versionKey, tv[k]); err != nil {
						return err
					}
				case "probe":
					if t.Probe, err = f.str(key+".probe", tv[k]); err != nil {
						return err
					}
					// Taken for no probe, "" ran the built-in one, or
					// none at all for a tool without one.
					if strings.TrimSpace(t.Probe) == "" {
						return f.errorf(key+".probe", "is empty: give a command that prints the version, such as %q, or leave probe out for a built-in tool", name+" --version")
					}
				default:
					return dottedName(keyMeant(f.errorf(key+"."+tomlKey(k), "unknown key (known: version, probe)"), k, "version", "probe"), "tool", name, k, tv[k])
				}
			}
		default:
			err := f.errorf(key, "must be a version string or a table with version and probe, not %s", typeName(tv))
			f.numberHint(err, key, name, tv)
			return err
		}
		// Spaces around a pin are no part of it; kept, the table and
		// --json showed "1.26.8 " where env printed 1.26.8.
		t.Version = strings.Trim(t.Version, " \t")
		if strings.TrimSpace(t.Version) == "" {
			return f.errorf(key, "has no version")
		}
		if b := builtinFor(name); b != "" && t.Probe == "" {
			return f.errorf(key, "is not a tool name git toolchain knows; the %s pin is %s = %q (or give [%s] a probe)", BuiltinTools[b], b, t.Version, key)
		}
		// The version is printed as a name=value line and a step output,
		// where a newline would start another.
		if strings.IndexFunc(t.Version, unicode.IsControl) >= 0 {
			return f.errorf(versionKey, "%q has a control character (a version is one line of printable text)", t.Version)
		}
		// Printed as it is, a bidirectional override would reorder the
		// rest of the line on a terminal, as it would no repository text
		// that verdigris prints.
		if cli.Printable(t.Version) != t.Version {
			return f.errorf(versionKey, "%q has a bidirectional override (a version is one line of printable text)", t.Version)
		}
		// A range, as setup actions, npm and mise take one, is refused
		// with the shorter pin meant: "1.26.x" matched exactVersionRE,
		// and check then found every 1.26.x a mismatch.
		if short := rangePin(t.Version); short != "" {
			err := f.errorf(versionKey, "%q is a range, not a release version", t.Version)
			k := name
			if versionKey != key {
				k = "version"
			}
			err.(*Error).Hint = fmt.Sprintf("write %s = %q, which accepts any %s.x (%s pins a release, not a range)", tomlKey(k), short, short, FileName)
			return err
		}
		// A built-in tool's pin goes to setup actions and version files
		// as it is written: "banana" or "latest" is no pin.
		if t.Probe == "" && (!exactVersionRE.MatchString(t.Version) || !releaseLike(t.Version)) {
			return f.errorf(key, "%q is not a release version (such as 1.26.8, or nightly-2025-01-31 for rust)", t.Version)
		}
		if t.Probe != "" && !releaseLike(t.Version) {
			return f.errorf(versionKey, "%q is not a release version (such as 1.9.5)", t.Version)
		}
		if !nameRE.MatchString(name) {
			return f.errorf(key, "invalid tool name")
		}
		f.Tools = append(f.Tools, t)
	}
	return nil
}

// keyMeant gives err, an unknown key or check name k, the hint to write
// the one of known it is a typo of (cli.Nearest), where the generic hint
// to fix the line left the reader to spot "rnu" for run or "fmtt" for fmt.
func keyMeant(err error, k string, known ...string) error {
	if meant := cli.Nearest(k, known); meant != "" {
		err.(*Error).Hint = "did you mean " + meant + "?"
	}
	return err
}

// dottedName gives err, an unknown key k of the check or tool name (what),
// the hint to write a name with a dot when k's value is a table:
// [checks.a.b] is a table b inside check a, not a check named a.b, which
// nameRE allows (for tools too).
func dottedName(err error, what, name, k string, v any) error {
	if _, sub := v.(map[string]any); sub {
		section := what + "s"
		err.(*Error).Hint = fmt.Sprintf("a %s named %s.%s is written [%s]; [%s] is key %s of %s %s", what, name, k, KeyPath(section, name+"."+k), KeyPath(section, name, k), k, what, name)
	}
	return err
}

func (f *File) parseChecks(v any) error {
	m, err := f.table("checks", v)
	if err != nil {
		return err
	}
	for _, name := range f.sortedKeys(m, "checks.") {
		key := KeyPath("checks", name)
		if !nameRE.MatchString(name) {
			return f.errorf(key, "invalid check name: use letters, digits, '-', '_' and '.'")
		}
		tv, ok := m[name].(map[string]any)
		if !ok {
			// checks.a = "go test": the command given where its table
			// goes, which the generic "must be a table" left to the README.
			run := "COMMAND"
			if s, isStr := m[name].(string); isStr && strings.TrimSpace(s) != "" && !strings.ContainsAny(s, "\"\\\n") {
				run = s
			}
			err := f.errorf(key, "a check is a table with run = \"...\", not %s", typeName(m[name]))
			err.(*Error).Hint = fmt.Sprintf("write [%s] and under it run = %q", key, run)
			return err
		}
		c := &Check{Name: name, Parallel: true, Line: f.lines[key]}
		for _, k := range f.sortedKeys(tv, key+".") {
			switch k {
			case "run":
				if c.Run, err = f.str(key+".run", tv[k]); err != nil {
					return err
				}
			case "after":
				if c.After, err = f.strings(key+".after", "after", tv[k]); err != nil {
					return err
				}
			case "parallel":
				b, ok := tv[k].(bool)
				if !ok {
					return f.errorf(key+".parallel", "must be true or false, not %s", typeName(tv[k]))
				}
				c.Parallel = b
			default:
				return dottedName(keyMeant(f.errorf(key+"."+tomlKey(k), "unknown key (known: run, after, parallel)"), k, "run", "after", "parallel"), "check", name, k, tv[k])
			}
		}
		if strings.TrimSpace(c.Run) == "" {
			return f.errorf(key, "has no run command")
		}
		f.Checks[name] = c
	}
	return nil
}

func (f *File) parseSets(v any) error {
	m, err := f.table("sets", v)
	if err != nil {
		return err
	}
	for _, name := range f.sortedKeys(m, "sets.") {
		names, err := f.strings(KeyPath("sets", name), name, m[name])
		if err != nil {
			return err
		}
		f.Sets[name] = names
	}
	return nil
}

func (f *File) parseRelease(v any) error {
	m, err := f.table("release", v)
	if err != nil {
		return err
	}
	for _, k := range f.sortedKeys(m, "release.") {
		key := KeyPath("release", k)
		switch k {
		case "version-files":
			f.Release.VersionFiles, err = f.strings(key, k, m[k])
		case "branch":
			f.Release.Branch, err = f.str(key, m[k])
		case "changelog":
			f.Release.Changelog, err = f.str(key, m[k])
		default:
			err = keyMeant(f.errorf(key, "unknown key (known: version-files, branch, changelog)"), k, "version-files", "branch", "changelog")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (f *File) parseSession(v any) error {
	m, err := f.table("session", v)
	if err != nil {
		return err
	}
	for _, k := range f.sortedKeys(m, "session.") {
		key := KeyPath("session", k)
		switch k {
		case "dir":
			if f.Session.Dir, err = f.str(key, m[k]); err != nil {
				return err
			}
			if !insideRepository(f.Session.Dir) {
				return f.errorf(key, "must be a path inside the repository")
			}
			// The root would hold the records among the repository's own
			// files; an empty value is more likely a mistake than a wish.
			switch {
			case strings.TrimSpace(f.Session.Dir) == "":
				return f.errorf(key, "is empty, which is the repository root: omit the key for the default, %s", DefaultSessionDir)
			case path.Clean(strings.ReplaceAll(f.Session.Dir, "\\", "/")) == ".":
				return f.errorf(key, "%q is the repository root: omit the key for the default, %s", f.Session.Dir, DefaultSessionDir)
			}
		default:
			return keyMeant(f.errorf(key, "unknown key (known: dir)"), k, "dir")
		}
	}
	return nil
}

// insideRepository reports whether dir, relative to the repository root,
// stays inside it. A backslash counts as a slash, as session.RecordsDir
// reads it (a toolchain.toml written on Windows), so `..\x` leaves the
// repository on every system; a name that only starts with dots
// ("..notes") does not.
func insideRepository(dir string) bool {
	if filepath.IsAbs(dir) {
		return false
	}
	d := path.Clean(strings.ReplaceAll(dir, "\\", "/"))
	return !path.IsAbs(d) && d != ".." && !strings.HasPrefix(d, "../")
}

// validateChecks checks references between checks and sets, and cycles.
func (f *File) validateChecks() error {
	for _, name := range f.CheckNames() {
		c := f.Checks[name]
		for _, a := range c.After {
			if _, ok := f.Checks[a]; !ok {
				return keyMeant(f.errorf(KeyPath("checks", name, "after"), "unknown check %q", a), a, f.CheckNames()...)
			}
			if a == name {
				return f.errorf(KeyPath("checks", name, "after"), "a check cannot run after itself")
			}
		}
	}
	setNames := make([]string, 0, len(f.Sets))
	for s := range f.Sets {
		setNames = append(setNames, s)
	}
	sort.Strings(setNames)
	for _, s := range setNames {
		listed := map[string]bool{}
		for _, c := range f.Sets[s] {
			if _, ok := f.Checks[c]; !ok {
				return keyMeant(f.errorf(KeyPath("sets", s), "unknown check %q", c), c, f.CheckNames()...)
			}
			// A check runs once in a run: listed twice, it ran once
			// without a word, where another check was likely meant.
			if listed[c] {
				err := f.errorf(KeyPath("sets", s), "lists check %q twice", c)
				err.(*Error).Hint = fmt.Sprintf("list %q once in %s", c, KeyPath("sets", s))
				return err
			}
			listed[c] = true
		}
	}
	// Cycle detection by depth-first search.
	state := map[string]int{}
	var visit func(string, []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return f.errorf(KeyPath("checks", n, "after"), "cycle: %s", strings.Join(append(path, n), " → "))
		case 2:
			return nil
		}
		state[n] = 1
		for _, a := range f.Checks[n].After {
			if err := visit(a, append(path, n)); err != nil {
				return err
			}
		}
		state[n] = 2
		return nil
	}
	for _, n := range f.CheckNames() {
		if err := visit(n, nil); err != nil {
			return err
		}
	}
	return nil
}

// CheckNames returns check names in file order.
func (f *File) CheckNames() []string {
	names := make([]string, 0, len(f.Checks))
	for n := range f.Checks {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := f.Checks[names[i]], f.Checks[names[j]]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return names[i] < names[j]
	})
	return names
}

// Tool returns the pinned tool called name.
func (f *File) Tool(name string) (Tool, bool) {
	for _, t := range f.Tools {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
}
