package toolchain

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// expand reads a workflow as GitHub does: an alias is replaced by (a copy
// of, at the alias's line) the node it names; and, as its author meant
// it, the pairs of a "<<" merge key (which GitHub refuses: mergeKeys
// reports it) are added to their mapping under its own keys. Without it an
// aliased "with:" looked empty and an aliased step was not seen at all.
// Each node is expanded once (done), so aliases of aliases cost no more
// than the nodes written.
func expand(n *yaml.Node, done map[*yaml.Node]bool) *yaml.Node {
	if n == nil || done[n] {
		return n
	}
	done[n] = true
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		c := *expand(n.Alias, done)
		c.Line, c.Column, c.Anchor = n.Line, n.Column, ""
		return &c
	}
	for i, ch := range n.Content {
		n.Content[i] = expand(ch, done)
	}
	if n.Kind != yaml.MappingNode {
		return n
	}
	var own, merged []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value != "<<" || k.Tag != "!!merge" {
			own = append(own, k, v)
			continue
		}
		sources := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			sources = v.Content
		}
		for _, s := range sources {
			if s.Kind == yaml.MappingNode {
				merged = append(merged, s.Content...)
			}
		}
	}
	if merged == nil {
		return n
	}
	has := map[string]bool{}
	for i := 0; i < len(own); i += 2 {
		has[own[i].Value] = true
	}
	for i := 0; i+1 < len(merged); i += 2 {
		if !has[merged[i].Value] {
			has[merged[i].Value] = true
			own = append(own, merged[i], merged[i+1])
		}
	}
	n.Content = own
	return n
}

// mergeKeys reports each YAML merge key (<<) in a document, where it is
// written (an alias is not followed, so one in an anchored table is
// reported once). GitHub supports anchors and aliases but not merge
// keys, and refuses the workflow; expand still merges them, so the rest
// of the file is read as its author meant it and the one fix is said
// once.
func mergeKeys(file string, n *yaml.Node) []Finding {
	var out []Finding
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || n.Kind == yaml.AliasNode {
			return
		}
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 && c.Kind == yaml.ScalarNode && c.Tag == "!!merge" {
				out = append(out, Finding{File: file, Line: c.Line,
					Problem: "YAML merge key <<: GitHub does not support it (anchors and aliases, yes; << no) and refuses the workflow",
					Fix:     "write the keys out here (an alias may stand for a whole value: with: *name)"})
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// mapping returns the value of key in a mapping node (nil if absent or
// not a mapping).
func mapping(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// nameIn returns the value of a matrix or env: name in a mapping node as
// an expression (${{ matrix.go }}) reads it: without regard to case, as
// GitHub's contexts are read, the name written as it is first.
func nameIn(n *yaml.Node, name string) *yaml.Node {
	if v := mapping(n, name); v != nil || n == nil || n.Kind != yaml.MappingNode {
		return v
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if strings.EqualFold(n.Content[i].Value, name) {
			return n.Content[i+1]
		}
	}
	return nil
}

// pair returns the key node and the value of key in a mapping node (nil,
// nil if absent): a finding about the value's kind is reported at the
// key, where a block list or table starts a line later.
func pair(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

func scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}
