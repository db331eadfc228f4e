package userdir

import "testing"

func TestPlaces(t *testing.T) {
	for _, c := range []struct {
		env           map[string]string
		config, cache string
	}{
		{map[string]string{"HOME": "/home/ada"}, "/home/ada/.config/verdigris", "/home/ada/.cache/verdigris"},
		{map[string]string{"HOME": "/home/ada", "XDG_CONFIG_HOME": "/cfg", "XDG_CACHE_HOME": "/cache"}, "/cfg/verdigris", "/cache/verdigris"},
		// A relative XDG directory is ignored.
		{map[string]string{"HOME": "/home/ada", "XDG_CONFIG_HOME": "cfg", "XDG_CACHE_HOME": "cache"}, "/home/ada/.config/verdigris", "/home/ada/.cache/verdigris"},
		{map[string]string{"XDG_CONFIG_HOME": "/cfg"}, "/cfg/verdigris", ""},
		{map[string]string{}, "", ""},
		{map[string]string{"HOME": "relative"}, "", ""},
	} {
		getenv := func(k string) string { return c.env[k] }
		config, err := Config(getenv)
		if config != c.config || (err != nil) != (c.config == "") {
			t.Errorf("%v: Config = %q, %v; want %q", c.env, config, err, c.config)
		}
		cache, err := Cache(getenv)
		if cache != c.cache || (err != nil) != (c.cache == "") {
			t.Errorf("%v: Cache = %q, %v; want %q", c.env, cache, err, c.cache)
		}
	}
}
