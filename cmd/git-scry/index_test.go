package main

import (
	"testing"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// TERM=dumb (Emacs's shell, a bare serial console) drew the bar with
// the escape that clears the line, shown there as "^[[K" before every
// redraw; colour was already off there.
func TestProgressAllowed(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"TERM": "xterm-256color"}, true},
		{map[string]string{}, true},
		{map[string]string{"TERM": "dumb"}, false},
		{map[string]string{"CI": "true"}, false},
		{map[string]string{"GITHUB_ACTIONS": "true", "CI": "true"}, false},
		// CI=false, exported in a shell's profile, is no CI.
		{map[string]string{"CI": "false"}, true},
		{map[string]string{"CI": "FALSE"}, true},
		{map[string]string{"CI": "0"}, true},
		{map[string]string{"CI": "1"}, false},
		{map[string]string{"CI": "woodpecker"}, false},
	} {
		env := &cli.Env{Getenv: func(k string) string { return c.env[k] }}
		if got := progressAllowed(env); got != c.want {
			t.Errorf("%v: progressAllowed = %v; want %v", c.env, got, c.want)
		}
	}
}
