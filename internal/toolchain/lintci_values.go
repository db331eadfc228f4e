package toolchain

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// scope is what a step's values can refer to.
type scope struct {
	file   string       // the file being read, as reported
	envs   []*yaml.Node // workflow, job, step env: mappings, outermost first
	matrix *yaml.Node   // the job's strategy.matrix, or its strategy when that is an expression
	job    bool         // in a job's own fields, where matrix is the job's
	inputs map[string][]value
	event  map[string][]value // github.event.inputs: the workflow_dispatch defaults
}

func (s scope) with(env *yaml.Node) scope {
	c := s
	c.envs = append(append([]*yaml.Node{}, s.envs...), env)
	return c
}

// base is the scope of values the job and step levels do not change.
func (s scope) base() scope { return scope{file: s.file, inputs: s.inputs, event: s.event} }

// value is one possible value of a workflow field, and its line.
type value struct {
	s       string
	written string // as written, when YAML changes it (1.20 → 1.2)
	file    string // where it is written ("" for the file being read)
	line    int
	via     string // how it reaches the field, when through an input
	key     string // the key to set at its line, when not the field's
	empty   string // how an empty value (s == "") is written: ~, '', or nothing
}

// emptyText names an empty value, which an action reads as no value at
// all ("empty (~)"), as its messages say it.
func (v value) emptyText() string {
	s := "empty"
	if v.empty != "" {
		s += " (" + v.empty + ")"
	}
	if v.via != "" {
		s += " (" + v.via + ")"
	}
	return s
}

var soleExprRE = regexp.MustCompile(`^\$\{\{\s*(env|matrix|inputs|github\.event\.inputs)\.([A-Za-z0-9_-]+)\s*\}\}$`)

// excluded reports whether the matrix's exclude entries remove every
// combination in which key has the value v: an entry naming key: v whose
// other keys each name the only value their key has.
func excluded(matrix *yaml.Node, key string, v *yaml.Node) bool {
	exc := mapping(matrix, "exclude")
	if exc == nil || exc.Kind != yaml.SequenceNode || v.Kind != yaml.ScalarNode {
		return false
	}
	for _, e := range exc.Content {
		if e.Kind != yaml.MappingNode {
			continue
		}
		if ev, ok := scalar(nameIn(e, key)); !ok || ev != v.Value {
			continue
		}
		all := true
		for i := 0; i+1 < len(e.Content) && all; i += 2 {
			k := e.Content[i].Value
			if strings.EqualFold(k, key) {
				continue
			}
			ev, ok := scalar(e.Content[i+1])
			list := nameIn(matrix, k)
			switch {
			case !ok || list == nil:
				all = false
			case list.Kind == yaml.SequenceNode:
				all = len(list.Content) == 1 && list.Content[0].Value == ev
			default:
				all = list.Value == ev
			}
		}
		if all {
			return true
		}
	}
	return false
}

// values resolves a field to its possible values: a literal, or a
// ${{ matrix.X }} / ${{ env.X }} reference to literals. Anything else
// (step outputs, inputs, functions) cannot be known here and yields
// nothing: lint-ci reports only what it can see.
func values(n *yaml.Node, sc scope) []value {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	m := soleExprRE.FindStringSubmatch(strings.TrimSpace(n.Value))
	if m == nil {
		if strings.Contains(n.Value, "${{") {
			return nil
		}
		v := value{s: n.Value, file: sc.file, line: n.Line}
		// ~, null or nothing is YAML's null, and '' the empty string:
		// both reach the action as an empty input, which it reads as
		// none, not as a version named "~".
		switch {
		case n.Tag == "!!null":
			v.s, v.empty = "", n.Value
		case n.Value == "" && n.Style == yaml.DoubleQuotedStyle:
			v.empty = `""`
		case n.Value == "" && n.Style == yaml.SingleQuotedStyle:
			v.empty = "''"
		}
		// An unquoted 1.20 is the number 1.2 to YAML, and to the action.
		if n.Style == 0 && n.Tag == "!!float" {
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
				if s := strconv.FormatFloat(f, 'f', -1, 64); s != n.Value {
					v.s, v.written = s, n.Value
				}
			}
		}
		return []value{v}
	}
	switch m[1] {
	case "env":
		for i := len(sc.envs) - 1; i >= 0; i-- {
			if v := nameIn(sc.envs[i], m[2]); v != nil {
				return values(v, sc.base())
			}
		}
	case "matrix":
		var out []value
		if list := nameIn(sc.matrix, m[2]); list != nil {
			if list.Kind == yaml.SequenceNode {
				for _, e := range list.Content {
					if !excluded(sc.matrix, m[2], e) {
						out = append(out, values(e, sc.base())...)
					}
				}
			} else {
				out = append(out, values(list, sc.base())...)
			}
		}
		if inc := mapping(sc.matrix, "include"); inc != nil && inc.Kind == yaml.SequenceNode {
			for _, e := range inc.Content {
				out = append(out, values(nameIn(e, m[2]), sc.base())...)
			}
		}
		if why := matrixLacks(sc, m[2]); why != "" {
			return []value{{file: sc.file, line: n.Line, empty: strings.TrimSpace(n.Value) + ": " + why}}
		}
		// A matrix of inputs passed on as inputs of the next call
		// would double its values at each call; one written in one
		// place, come by one way, is one value.
		seen := map[value]bool{}
		return slices.DeleteFunc(out, func(v value) bool {
			dup := seen[v]
			seen[v] = true
			return dup
		})
	case "inputs":
		// Input names are case-insensitive, as in GitHub's expressions.
		return sc.inputs[strings.ToLower(m[2])]
	case "github.event.inputs":
		return sc.event[strings.ToLower(m[2])]
	}
	return nil
}

// matrixLacks says why ${{ matrix.key }} is empty in a job's field: the
// job has no matrix, or its matrix (and every include: entry) lacks the
// key. "" when it may be set, or cannot be told: a strategy, matrix or
// include: computed by an expression, or a scope apart from the job's.
func matrixLacks(sc scope, key string) string {
	if !sc.job {
		return ""
	}
	if sc.matrix == nil {
		return "the job has no strategy.matrix"
	}
	if sc.matrix.Kind != yaml.MappingNode || nameIn(sc.matrix, key) != nil {
		return ""
	}
	if inc := mapping(sc.matrix, "include"); inc != nil {
		if inc.Kind != yaml.SequenceNode {
			return ""
		}
		for _, e := range inc.Content {
			if e.Kind != yaml.MappingNode || nameIn(e, key) != nil {
				return ""
			}
		}
	}
	return "the job's strategy.matrix has no " + key
}

func (v value) show() string {
	s := v.s
	if v.written != "" {
		s = fmt.Sprintf("%s (YAML reads the unquoted %s as the number %s)", v.s, v.written, v.s)
	}
	if v.via != "" {
		s += " (" + v.via + ")"
	}
	return s
}

// fix is the fix for a value: def, or where the value is written under
// another key (a with: of a call, an input's default), to set that key.
func (v value) fix(def, want string) string {
	if v.key == "" {
		return def
	}
	return fmt.Sprintf("set %s: '%s'", v.key, want)
}
