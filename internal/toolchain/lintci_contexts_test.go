package toolchain

import (
	"slices"
	"testing"
)

// contextsRead finds the context each path of an expression starts
// with, and nothing in a string, after a dot or before a parenthesis.
func TestContextsRead(t *testing.T) {
	for s, want := range map[string][]string{
		"golang:1.26.8":                              nil,
		"${{ env.IMAGE }}":                           {"env"},
		"postgres:${{ Env.PG }}-${{ matrix.v }}":     {"Env", "matrix"},
		"${{ env['GO'] }}":                           {"env"},
		"${{ 'env.X' }} ${{ 'it''s env' }}":          nil,
		"${{ format('{0}', secrets.X) }}":            {"secrets"},
		"${{ github.event.inputs.env }}":             {"github"},
		"${{ !steps.a.outputs.b && 1.5 < runner.x}}": {"steps", "runner"},
		"${{ fromJSON(needs.a-b.outputs.c) }}":       {"needs"},
		"${{ env.X":                                  {"env"},
	} {
		if got := contextsRead(s); !slices.Equal(got, want) {
			t.Errorf("contextsRead(%q) = %q, want %q", s, got, want)
		}
	}
}
