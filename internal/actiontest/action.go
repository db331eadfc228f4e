package actiontest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Action is a parsed action.yml.
type Action struct {
	Path    string // the action.yml file
	Dir     string // its directory: what ${{ github.action_path }} names
	Name    string
	Inputs  []Input  // in file order
	Outputs []Output // in file order
	Using   string   // runs.using: "composite", "node20", "docker"
	Steps   []Step   // runs.steps of a composite action

	src  []byte
	root *yaml.Node
}

// Input is a declared input.
type Input struct {
	Name        string
	Description string
	Default     string
	HasDefault  bool
	Required    bool
	Line        int
}

// Output is a declared output; Value is the expression a composite action
// maps it from.
type Output struct {
	Name  string
	Value string
	Line  int
}

// Step is one step of a composite action.
type Step struct {
	ID               string
	Name             string
	If               string
	Run              string
	Shell            string
	Uses             string
	With             []KV // in file order
	Env              []KV // in file order
	WorkingDirectory string
	ContinueOnError  string
	Line             int
}

// KV is one key of a mapping, with the line it is on.
type KV struct {
	Key   string
	Value string
	Line  int
}

// Label names the step in messages: its id, name, or position.
func (s Step) Label(i int) string {
	switch {
	case s.ID != "":
		return s.ID
	case s.Name != "":
		return s.Name
	}
	return fmt.Sprintf("step %d", i+1)
}

// Load reads and parses an action.yml.
func Load(path string) (*Action, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse parses the contents of an action.yml found at path.
func Parse(path string, src []byte) (*Action, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	a := &Action{Path: path, Dir: filepath.Dir(abs), src: src, root: &doc}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty document", path)
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: an action must be a mapping", path, top.Line)
	}
	errf := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", path, n.Line, fmt.Sprintf(format, args...))
	}
	for _, kv := range pairs(top) {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "name":
			a.Name = v.Value
		case "inputs":
			for _, in := range pairs(v) {
				i := Input{Name: in[0].Value, Line: in[0].Line}
				for _, f := range pairs(in[1]) {
					switch f[0].Value {
					case "description":
						i.Description = f[1].Value
					case "default":
						i.Default, i.HasDefault = f[1].Value, true
					case "required":
						i.Required = f[1].Value == "true"
					}
				}
				a.Inputs = append(a.Inputs, i)
			}
		case "outputs":
			for _, out := range pairs(v) {
				o := Output{Name: out[0].Value, Line: out[0].Line}
				for _, f := range pairs(out[1]) {
					if f[0].Value == "value" {
						o.Value = f[1].Value
					}
				}
				a.Outputs = append(a.Outputs, o)
			}
		case "runs":
			for _, r := range pairs(v) {
				switch r[0].Value {
				case "using":
					a.Using = r[1].Value
				case "steps":
					if r[1].Kind != yaml.SequenceNode {
						return nil, errf(r[1], "runs.steps must be a list")
					}
					for _, sn := range r[1].Content {
						s, err := parseStep(sn)
						if err != nil {
							return nil, errf(sn, "%v", err)
						}
						a.Steps = append(a.Steps, s)
					}
				}
			}
		}
	}
	return a, nil
}

func parseStep(n *yaml.Node) (Step, error) {
	s := Step{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return s, fmt.Errorf("a step must be a mapping")
	}
	for _, kv := range pairs(n) {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "id":
			s.ID = v.Value
		case "name":
			s.Name = v.Value
		case "if":
			s.If = v.Value
		case "run":
			s.Run = v.Value
		case "shell":
			s.Shell = v.Value
		case "uses":
			s.Uses = v.Value
		case "working-directory":
			s.WorkingDirectory = v.Value
		case "continue-on-error":
			s.ContinueOnError = v.Value
		case "with":
			s.With = kvs(v)
		case "env":
			s.Env = kvs(v)
		}
	}
	if (s.Run == "") == (s.Uses == "") {
		return s, fmt.Errorf("a step needs exactly one of run and uses")
	}
	return s, nil
}

// pairs returns a mapping's key/value node pairs (nothing for other kinds).
func pairs(n *yaml.Node) [][2]*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

func kvs(n *yaml.Node) []KV {
	var out []KV
	for _, kv := range pairs(n) {
		out = append(out, KV{Key: kv[0].Value, Value: kv[1].Value, Line: kv[0].Line})
	}
	return out
}

// Input returns the declared input called name (case-insensitive, as the
// runner matches them).
func (a *Action) Input(name string) (Input, bool) {
	for _, in := range a.Inputs {
		if strings.EqualFold(in.Name, name) {
			return in, true
		}
	}
	return Input{}, false
}
