package toolchain

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Aliases of aliases ("billion laughs") are expanded once per node written,
// not once per path through them; a merge key adds only the keys its
// mapping lacks.
func TestExpandAliases(t *testing.T) {
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("m: &m {a: 1, b: 2}\nn: {<<: *m, b: 3, c: 4}\nr: &r [*r]\n")
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	root := expand(doc.Content[0], map[*yaml.Node]bool{})
	if l := mapping(root, "l12"); l == nil || len(l.Content) != 10 || l.Content[0].Kind != yaml.SequenceNode {
		t.Fatalf("l12 not expanded: %+v", l)
	}
	n := mapping(root, "n")
	for k, want := range map[string]string{"a": "1", "b": "3", "c": "4"} {
		if v, _ := scalar(mapping(n, k)); v != want {
			t.Errorf("n.%s = %q, want %q", k, v, want)
		}
	}
	if mapping(n, "<<") != nil {
		t.Error("the merge key is still there")
	}
}
