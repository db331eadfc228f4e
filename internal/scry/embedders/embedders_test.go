package embedders

import (
	"testing"
)

func TestRepoOptionsPlaceTheMachineTextCache(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
		none bool
	}{
		{env: map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}, want: "/x/cache/verdigris/scry-machine-text.bin"},
		{env: map[string]string{"HOME": "/home/u"}, want: "/home/u/.cache/verdigris/scry-machine-text.bin"},
		{env: map[string]string{}, want: ""},
		{env: map[string]string{"HOME": "/home/u", MachineTextEnv: "0"}, want: "/home/u/.cache/verdigris/scry-machine-text.bin", none: true},
	} {
		s := &Source{Getenv: func(k string) string { return c.env[k] }}
		opt := s.repoOptions()
		if opt.MachineCache != c.want || opt.NoMachine != c.none {
			t.Errorf("env %v: cache %q, no machine text %v; want %q, %v", c.env, opt.MachineCache, opt.NoMachine, c.want, c.none)
		}
	}
}
