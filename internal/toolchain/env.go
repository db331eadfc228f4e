package toolchain

import "github.com/verdigris-dev/verdigris/internal/config"

// Output is one pinned version as a name=value pair for CI.
type Output struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Outputs names every pin <tool>-version (go-version, rust-version, …),
// the input names of the setup actions, in toolchain.toml's order, each
// version as those actions take it.
func Outputs(cfg *config.File) []Output {
	out := make([]Output, 0, len(cfg.Tools))
	for _, t := range cfg.Tools {
		v := normalize(t.Version)
		// golangci-lint-action refuses a version without its v ("expected
		// format v1.2 or v1.2.3"), as its install script and go install
		// do: the output wired to it failed the step.
		if t.Name == "golangci-lint" {
			v = "v" + v
		}
		out = append(out, Output{Name: t.Name + "-version", Value: v})
	}
	return out
}
