package toolchain

import "github.com/verdigris-dev/verdigris/internal/config"

// Output is one pinned version as a name=value pair for CI.
type Output struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Outputs names every pin <tool>-version (go-version, rust-version, …),
// the input names of the setup actions, in toolchain.toml's order.
func Outputs(cfg *config.File) []Output {
	out := make([]Output, 0, len(cfg.Tools))
	for _, t := range cfg.Tools {
		out = append(out, Output{Name: t.Name + "-version", Value: normalize(t.Version)})
	}
	return out
}
