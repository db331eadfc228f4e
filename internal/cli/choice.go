package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// ChoiceFlag declares on fs a flag whose value is one of a fixed set of
// words (--mode hybrid|lexical|semantic, --format dotenv|json), read by
// the one rule every binary follows: a value that differs from a choice
// only in case is that choice (--mode Lexical), as a typed word is no
// less meant for being capitalised; any other value, an empty one
// included, is a usage error when the flags are parsed, before the
// command does anything, whose hint guesses the nearest choice (Nearest)
// and lists them all. fs.GetString reads back the choice as spelt in
// choices; value is the default, which may be none of them ("" for
// "not given").
func ChoiceFlag(fs *pflag.FlagSet, name, value string, choices ...string) {
	fs.Var(&choiceValue{name: name, value: value, choices: choices}, name, "")
}

// choiceValue is a ChoiceFlag's value. Its type is "string", so that
// fs.GetString reads it as the plain string flag it replaces.
type choiceValue struct {
	name    string
	value   string
	choices []string
}

func (c *choiceValue) String() string { return c.value }
func (c *choiceValue) Type() string   { return "string" }

func (c *choiceValue) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		// An unset variable (--mode "$MODE"): read as the flag left
		// out, it would answer another question.
		return &choiceError{flag: c.name, msg: "empty value", hint: c.use()}
	}
	for _, ch := range c.choices {
		if strings.EqualFold(ch, s) {
			c.value = ch
			return nil
		}
	}
	hint := c.use()
	if near := Nearest(s, c.choices); near != "" {
		hint = "did you mean --" + c.name + " " + near + "? " + hint
	}
	return &choiceError{flag: c.name, msg: "unknown value " + strconv.Quote(s), hint: hint}
}

// use lists the choices: "use --mode hybrid, lexical or semantic".
func (c *choiceValue) use() string {
	return "use --" + c.name + " " + orList(c.choices)
}

// choiceError is a ChoiceFlag's refusal of a value, which the flag
// parser wraps in its own words ("invalid argument … for --mode flag");
// Program reports it in these instead, with its hint.
type choiceError struct {
	flag, msg, hint string
}

func (e *choiceError) Error() string { return "--" + e.flag + ": " + e.msg }
