package toolchain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/jsonfile"
)

// PinFile is a version that a file other than toolchain.toml pins for a
// tool: the files version managers and CI setup actions read.
type PinFile struct {
	File  string `json:"file"` // relative to the repository root
	Line  int    `json:"line"`
	Tool  string `json:"tool"`
	Key   string `json:"key"` // what in the file: "toolchain", "go", "channel", "golang", …
	Value string `json:"value"`
	// Min marks a minimum rather than a pin (go.mod's go line): it
	// disagrees only when it is newer than the pin.
	Min bool `json:"min,omitempty"`
}

// toolVersionsNames maps .tool-versions (asdf, mise) plugin names to ours.
var toolVersionsNames = map[string]string{
	"golang": "go", "go": "go", "rust": "rust", "nodejs": "node", "node": "node",
	"python": "python", "golangci-lint": "golangci-lint",
}

// ReadPinFiles reads every pin file at root.
func ReadPinFiles(root string) ([]PinFile, error) {
	var pins []PinFile
	for _, name := range []string{"go.mod", "go.work"} {
		m, err := readGoMod(root, name)
		if absent(root, name, err) {
			continue
		}
		if err != nil {
			return nil, fileError(root, filepath.Join(root, name), err, false)
		}
		if m.Toolchain != "" {
			pins = append(pins, PinFile{File: name, Line: m.ToolchainLine, Tool: "go", Key: "toolchain", Value: m.Toolchain})
		}
		if m.Go != "" {
			pins = append(pins, PinFile{File: name, Line: m.GoLine, Tool: "go", Key: "go", Value: m.Go, Min: true})
		}
	}
	for _, name := range []string{"rust-toolchain.toml", "rust-toolchain"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if absent(root, name, err) {
			continue
		}
		if err != nil {
			return nil, fileError(root, filepath.Join(root, name), err, false)
		}
		f, err := parseRustToolchain(name, data)
		if err != nil {
			return nil, err
		}
		if f.Channel != "" {
			pins = append(pins, PinFile{File: name, Line: f.Line, Tool: "rust", Key: "channel", Value: f.Channel})
		}
	}
	for _, pf := range []struct{ name, tool string }{
		{".nvmrc", "node"}, {".node-version", "node"}, {".python-version", "python"}, {".go-version", "go"},
	} {
		line, value, err := firstValueLine(filepath.Join(root, pf.name))
		if absent(root, pf.name, err) {
			continue
		}
		if err != nil {
			return nil, fileError(root, filepath.Join(root, pf.name), err, false)
		}
		if value != "" {
			pins = append(pins, PinFile{File: pf.name, Line: line, Tool: pf.tool, Key: "version", Value: value})
		}
	}
	tv, err := readToolVersions(filepath.Join(root, ".tool-versions"))
	if err != nil && !absent(root, ".tool-versions", err) {
		return nil, fileError(root, filepath.Join(root, ".tool-versions"), err, false)
	}
	pins = append(pins, tv...)
	for _, name := range []string{"mise.toml", ".mise.toml"} {
		mp, err := readMiseToml(root, name)
		if absent(root, name, err) {
			continue
		}
		if err != nil {
			return nil, fileError(root, filepath.Join(root, name), err, false)
		}
		pins = append(pins, mp...)
	}
	return pins, nil
}

// readMiseToml reads the [tools] table of mise's own configuration file,
// which mise prefers to .tool-versions: a tool's version is a string, a
// list (the first is used) or a table with a version key.
func readMiseToml(root, name string) ([]PinFile, error) {
	path := filepath.Join(root, name)
	data, err := readPinFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Tools map[string]any `toml:"tools"`
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ := de.Position()
			err = fmt.Errorf("it is not valid TOML (line %d): %s", line, strings.TrimPrefix(de.Error(), "toml: "))
		}
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	lines := config.KeyLines(data)
	var pins []PinFile
	for key, v := range doc.Tools {
		tool, ok := toolVersionsNames[key]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case []any:
			if len(x) > 0 {
				v = x[0]
			}
		case map[string]any:
			v = x["version"]
		}
		if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
			pins = append(pins, PinFile{File: name, Line: lines[config.KeyPath("tools", key)], Tool: tool, Key: key, Value: strings.TrimSpace(s)})
		}
	}
	sort.Slice(pins, func(i, j int) bool { return pins[i].Line < pins[j].Line })
	return pins, nil
}

// absent reports whether err says the pin file name is not there. A link
// to a missing file is there: taken for no pin file, check passed while
// nvm, rustup or setup-node failed on the link.
func absent(root, name string, err error) bool {
	if !errors.Is(err, os.ErrNotExist) {
		return false
	}
	_, lerr := os.Lstat(filepath.Join(root, name))
	return lerr != nil
}

// FileError is a pin file or workflow that could not be read, named
// relative to the repository root: the error was Go's, with the absolute
// path ("read /home/…/.nvmrc: is a directory").
type FileError struct {
	File     string
	Reason   string
	Workflow bool // a workflow or action file, not a pin file
}

func (e *FileError) Error() string { return "cannot read " + e.File + ": " + e.Reason }

func fileError(root, path string, err error, workflow bool) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	return &FileError{File: filepath.ToSlash(relTo(root, path)), Reason: cli.PathReason(path, err), Workflow: workflow}
}

// readToolVersions reads an asdf/mise .tool-versions file: "tool version
// [fallback…]" lines; the first version is the one used.
func readToolVersions(path string) ([]PinFile, error) {
	data, err := readPinFile(path)
	if err != nil {
		return nil, err
	}
	var pins []PinFile
	for i, line := range strings.Split(string(data), "\n") {
		if j := strings.Index(line, "#"); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if tool, ok := toolVersionsNames[f[0]]; ok {
			pins = append(pins, PinFile{File: ".tool-versions", Line: i + 1, Tool: tool, Key: f[0], Value: f[1]})
		}
	}
	return pins, nil
}

// packageJSONNode returns the Node.js version a package.json pins for
// actions/setup-node: volta.node, else engines.node.
func packageJSONNode(path string) (string, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", 0, err
	}
	var pkg struct {
		Volta struct {
			Node string `json:"node"`
		} `json:"volta"`
		Engines struct {
			Node string `json:"node"`
		} `json:"engines"`
	}
	// Kept, not dropped: setup-node's JSON.parse refuses the file too.
	if bytes.HasPrefix(data, bom) {
		return "", 0, errors.New("it starts with a byte order mark, which setup-node cannot parse as JSON")
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return "", 0, errors.New(jsonfile.Problem(data, err, "it"))
	}
	v := pkg.Volta.Node
	if v == "" {
		v = pkg.Engines.Node
	}
	if v == "" {
		return "", 0, noPinError("no volta.node or engines.node")
	}
	line := 1
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, `"node"`) && strings.Contains(l, v) {
			line = i + 1
			break
		}
	}
	return v, line, nil
}

// firstValueLine returns the first line of a one-value file (.nvmrc,
// .python-version) that is not blank or a comment.
func firstValueLine(path string) (int, string, error) {
	data, err := readPinFile(path)
	if err != nil {
		return 0, "", err
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return i + 1, strings.Fields(line)[0], nil
	}
	return 0, "", nil
}

// bom is the byte order mark a Windows editor (Notepad, PowerShell's
// Out-File) puts in front of a UTF-8 file.
var bom = []byte("\uFEFF")

// readPinFile reads a text pin file without its byte order mark, as
// toolchain.toml and rust-toolchain.toml are read: kept, it made the
// first line's version "\ufeff20.20.2", reported as disagreeing with
// the 20.20.2 it looked like, and hid .tool-versions' first tool.
func readPinFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	return bytes.TrimPrefix(data, bom), err
}

// Drift is a pin file that disagrees with toolchain.toml.
type Drift struct {
	PinFile
	Pinned  string `json:"pinned"`
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
}

// String is the one-line report: "FILE:LINE: problem; fix: …".
func (d Drift) String() string {
	return fmt.Sprintf("%s:%d: %s; fix: %s", d.File, d.Line, d.Problem, d.Fix)
}

// FindDrift compares the pin files with the pins in toolchain.toml.
func FindDrift(cfg *config.File, pins []PinFile) []Drift {
	var out []Drift
	for _, p := range pins {
		t, ok := cfg.Tool(p.Tool)
		if !ok {
			continue
		}
		d := Drift{PinFile: p, Pinned: t.Version}
		switch {
		case p.Min:
			if !goLineAbovePin(p.Value, t.Version) {
				continue
			}
			d.Problem = fmt.Sprintf("%s %s needs Go %s or newer, but toolchain.toml pins go = %q", p.Key, p.Value, p.Value, t.Version)
			d.Fix = fmt.Sprintf("lower the go line to %s or below, or raise the pin in toolchain.toml", normalize(t.Version))
		case Satisfies(t.Version, p.Value):
			continue
		default:
			d.Problem = fmt.Sprintf("%s %s disagrees with toolchain.toml %s = %q", p.Key, p.Value, p.Tool, t.Version)
			d.Fix = fmt.Sprintf("set it to %s", pinFileValue(p, t.Version))
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// goLineAbovePin reports whether a go line, a minimum, asks for a Go
// newer than pin allows. A shorter pin (1.26) allows every 1.26.x, so a
// go line of 1.26.2 or 1.26rc1 is met by one of them; compared with the
// pin as a version, 1.26 (the language version) is older than both.
func goLineAbovePin(line, pin string) bool {
	if compareGo(line, pin) <= 0 {
		return false
	}
	if p := normalize(pin); isNumeric(p) && strings.Count(p, ".") == 1 {
		l, q := parseGo(line), parseGo(p)
		return l.major > q.major || l.major == q.major && l.minor > q.minor
	}
	return true
}

// pinFileValue spells version the way the file p expects it.
func pinFileValue(p PinFile, version string) string {
	v := normalize(version)
	switch {
	case p.Tool == "go" && p.Key == "toolchain":
		return "toolchain go" + v
	case p.File == "rust-toolchain.toml":
		return fmt.Sprintf("channel = %q", v)
	case p.File == ".tool-versions":
		return p.Key + " " + v
	case p.File == "mise.toml" || p.File == ".mise.toml":
		return fmt.Sprintf("%s = %q", p.Key, v)
	}
	return v
}
