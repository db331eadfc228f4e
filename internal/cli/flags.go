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
// (Command.Commands) refuse them too. A flag whose value the parser
// reads (a duration, a number) is refused so when it is parsed, by
// Program, with its hint here.
func RefuseEmptyFlags(c *Command, hints map[string]string, skip ...string) {
	for _, sub := range c.Commands {
		RefuseEmptyFlags(sub, hints, skip...)
	}
	if c.Run == nil {
		return
	}
	c.emptyHints = hints
	run := c.Run
	c.Run = func(ctx context.Context, env *Env, fs *pflag.FlagSet, args []string) error {
		var err error
		fs.Visit(func(f *pflag.Flag) {
			if err != nil || slices.Contains(skip, f.Name) || !emptyValue(f.Value) {
				return
			}
			err = emptyFlagError(f.Name, hints)
		})
		if err != nil {
			return err
		}
		return run(ctx, env, fs, args)
	}
}

// emptyFlagError refuses an empty value of flag name, with its hint in
// hints or the default one. Every flag of every binary is refused in
// these words: a string flag by RefuseEmptyFlags, any other by Program
// (the parser cannot read "" as a duration or a number).
func emptyFlagError(name string, hints map[string]string) *Error {
	hint, ok := hints[name]
	if !ok {
		hint = "give it a value, or leave --" + name + " out"
	}
	return Usagef("--%s: empty value", name).WithHint("%s", hint)
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
