// Package userdir places the files that belong to the user rather than
// to a repository (the vault identity, the model registry, the built-in
// embedder's caches) by the XDG base directory rules, read one way by
// every command.
package userdir

import (
	"errors"
	"path/filepath"
)

// Config is $XDG_CONFIG_HOME/verdigris, else $HOME/.config/verdigris.
func Config(getenv func(string) string) (string, error) {
	return place(getenv, "XDG_CONFIG_HOME", ".config")
}

// Cache is $XDG_CACHE_HOME/verdigris, else $HOME/.cache/verdigris.
func Cache(getenv func(string) string) (string, error) {
	return place(getenv, "XDG_CACHE_HOME", ".cache")
}

// place ignores a relative XDG directory, as the XDG rules ask, and
// never falls back to the working directory: with neither variable set,
// a private key would otherwise be written into whatever repository the
// command ran in.
func place(getenv func(string) string, xdg, under string) (string, error) {
	if dir := getenv(xdg); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "verdigris"), nil
	}
	if home := getenv("HOME"); home != "" && filepath.IsAbs(home) {
		return filepath.Join(home, under, "verdigris"), nil
	}
	return "", errors.New("neither " + xdg + " nor HOME is set to an absolute path")
}
