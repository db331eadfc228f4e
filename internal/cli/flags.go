package cli

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// RefuseEmptyFlags makes c refuse a flag given an empty or blank value,
// which is what an unset variable gives (--identity "$ID", --remote
// "$REMOTE"): read as the flag left out, it silently used the default
// (identity, remote, agent) instead of the one the user meant. A
// repeatable flag is refused when any of its values is empty. hints say
// what to give each flag, or what leaving it out does; skip names the
// flags that have a check of their own. A command's own commands
// (Command.Commands) refuse them too.
func RefuseEmptyFlags(c *Command, hints map[string]string, skip ...string) {
	for _, sub := range c.Commands {
		RefuseEmptyFlags(sub, hints, skip...)
	}
	if c.Run == nil {
		return
	}
	run := c.Run
	c.Run = func(ctx context.Context, env *Env, fs *pflag.FlagSet, args []string) error {
		var err error
		fs.Visit(func(f *pflag.Flag) {
			if err != nil || slices.Contains(skip, f.Name) || !emptyValue(f.Value) {
				return
			}
			hint, ok := hints[f.Name]
			if !ok {
				hint = "give it a value, or leave --" + f.Name + " out"
			}
			err = Usagef("--%s: empty value", f.Name).WithHint("%s", hint)
		})
		if err != nil {
			return err
		}
		return run(ctx, env, fs, args)
	}
}

func emptyValue(v pflag.Value) bool {
	switch v.Type() {
	case "string":
		return strings.TrimSpace(v.String()) == ""
	case "stringArray":
		if s, ok := v.(pflag.SliceValue); ok {
			return slices.ContainsFunc(s.GetSlice(), func(e string) bool { return strings.TrimSpace(e) == "" })
		}
	}
	return false
}
