package vault

import (
	"strings"
	"testing"
)

// A pattern match is the vault value when they share a byte: the match
// inside the value, the value inside the match, or one running into the
// other; one beside the value is a finding of its own.
func TestValueOverlapsPatternMatch(t *testing.T) {
	value := "ghp_Z3MQ7R2X4VWTY5PLaB9cD8eF7gH6iJ5kL4mN"
	ix, _ := newValueIndex([]Secret{{Name: "gh", Env: "GH", Value: []byte(value)}})
	line := []byte("a=" + value + " b=AKIAZ3MQ7R2X4VWTY5PL")
	v := strings.Index(string(line), value)
	k := strings.Index(string(line), "AKIA")
	for _, c := range []struct {
		name       string
		start, end int
		want       bool
	}{
		{"the value itself", v, v + len(value), true},
		{"inside the value", v + 4, v + 10, true},
		{"holding the value", 0, len(line), true},
		{"its last byte", v + len(value) - 1, v + len(value) + 3, true},
		{"ending where it starts", 0, v, false},
		{"starting where it ends", v + len(value), k, false},
		{"another credential", k, len(line), false},
	} {
		if got := ix.overlaps(line, c.start, c.end); got != c.want {
			t.Errorf("%s [%d,%d): overlaps = %v, want %v", c.name, c.start, c.end, got, c.want)
		}
	}
}
