package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/version"
)

// Env is what a command may touch of the outside world, so tests can drive
// commands in-process and the binaries stay thin.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv looks up environment variables; nil means os.Getenv.
	Getenv func(string) string
	Dir    string // working directory; "" means the process's
	// github is what the command run found of its --github flag, for
	// Program.Run to annotate a usage error with.
	github githubMode
}

// OSEnv is the real process environment.
func OSEnv() *Env {
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// privateEnv takes the variables named from the process's environment
// into env alone.
func privateEnv(env *Env, names []string) *Env {
	kept := map[string]string{}
	for _, k := range names {
		if v, ok := os.LookupEnv(k); ok {
			kept[k] = v
			os.Unsetenv(k)
		}
	}
	if len(kept) == 0 {
		return env
	}
	getenv := env.Getenv
	env.Getenv = func(k string) string {
		if v, ok := kept[k]; ok {
			return v
		}
		return getenv(k)
	}
	return env
}

// Env returns the value of an environment variable.
func (e *Env) Env(key string) string {
	if e.Getenv == nil {
		return os.Getenv(key)
	}
	return e.Getenv(key)
}

// InCI says whether the process runs in CI: CI set, as every CI service
// sets it (CI=true, GitLab's and others' too). CI=false and CI=0 are not:
// some export CI=false in their shell's profile to say they are not in
// one, which read as CI would take away what a terminal gets.
func (e *Env) InCI() bool {
	v := strings.TrimSpace(e.Env("CI"))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// Command is one verb of a program ("check", "run", ...).
type Command struct {
	Name  string
	Usage string // hand-written usage text shown by -h/--help
	// Flags declares the command's flags on fs. May be nil.
	Flags func(fs *pflag.FlagSet)
	// Run executes the command with the positional arguments left after
	// flag parsing.
	Run func(ctx context.Context, env *Env, fs *pflag.FlagSet, args []string) error
	// Raw commands get their arguments unparsed (for "-- CMD..." passthrough).
	Raw bool
	// Count names the int flag that -N sets ("-5", as git log and head
	// take a count), where -N stands as a flag: not a flag's value, nor
	// after "--". "" for none; pflag reads -5 as an unknown shorthand.
	Count string
	// Commands are the command's own commands (git vault recipients ls,
	// add, rm): the word after its name picks one, as a program's
	// commands are picked, with the same usage, -h, help, "did you
	// mean", flags after the word and exit codes, and each parses its
	// own flags. Flags, Run and Raw are then unused; "help NAME SUB" is
	// NAME's usage, where any other word after "help NAME" is a usage
	// error.
	Commands []*Command
	// Synonyms are Program.Synonyms for Commands.
	Synonyms map[string]string
	// Hidden leaves a command out of "did you mean", of the words a
	// missing one names, and of "help NAME SUB": one the program runs
	// itself (git vault agent serve, started by agent start).
	Hidden bool
	// emptyHints are the hints RefuseEmptyFlags was given, for the
	// flags Program refuses an empty value of when it parses them.
	emptyHints map[string]string
}

// visible names the commands a user is offered.
func visible(cmds []*Command) []string {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	return names
}

// Program is a binary: a usage text and its commands.
type Program struct {
	Name     string // as invoked through git: "git toolchain"
	Binary   string // the executable: "git-toolchain"
	Usage    string
	Commands []*Command
	// Default is run when the first argument is not a command name (git scry
	// QUERY); nil means a missing or unknown command is a usage error.
	Default *Command
	// Text says Default takes free text (a query), which may start with
	// "help" or "version": followed by more words, those are its text.
	Text bool
	// Synonyms maps words other tools use for a command ("remove",
	// "delete") to its name here ("rm"): the word is still refused, as
	// an alias would be one more name to document, but the hint names
	// the command meant instead of the list.
	Synonyms map[string]string
	// Private names environment variables meant for this process alone
	// (key text): Main takes them out of the process's environment before
	// a command runs, so that no child inherits them (git, and what git
	// starts: hooks, an fsmonitor, credential helpers, ssh), and Env still
	// answers them.
	Private []string
	// Annotate writes msg as a GitHub Actions error annotation
	// (ghaction.AnnotateError) in a binary whose commands take --github:
	// a usage error of a command given it, and a failure the command did
	// not annotate itself (a missing file), where the log alone hid it
	// from the run's summary. Nil in the others.
	Annotate func(w io.Writer, getenv func(string) string, msg string)

	// sub says the program is a command's own commands (Command.Commands),
	// whose errors name it: "unknown command" alone read as one of the
	// binary's.
	sub bool
	// search is the command that searches for free text ("git scry
	// search") in a sub program of a program whose default command takes
	// it, and words the sub program's name after the binary's ("model"):
	// an unknown subcommand may be a question that starts with the
	// command's name ("git scry model of runner"), which the hint says
	// how to ask, as a command given too many arguments does.
	search, words string
	// searchCmd is that command, whose flags the question may have.
	searchCmd *Command
	// top is the binary's program in a sub program: its manual page is
	// the one "help --man" prints at every level, as it covers every
	// command; nil in the binary's own.
	top *Program
}

// Main runs the program with os.Args and exits.
func (p *Program) Main() {
	ctx, stop := StopOn(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := p.Run(ctx, privateEnv(OSEnv(), p.Private), os.Args[1:])
	stop()
	if sig := syscall.Signal(caught.Load()); code == ExitInterrupted && sig != 0 {
		DieOfSignal(sig)
		code = 128 + int(sig)
	}
	os.Exit(code)
}

// Run dispatches args to a command and returns the exit code.
func (p *Program) Run(ctx context.Context, env *Env, args []string) int {
	// Commands write to standard output through one writer, which says
	// why when it could not be written, whatever the command did with
	// the error; env itself is the caller's and stays as it was.
	// A program run by a command of another shares its writer, so that
	// a failure is said once (a command's own commands are
	// Command.Commands, which need no program of their own).
	// An argument that looks like a private key is taken out of both
	// (redactor), and of the annotation below.
	red := newRedactor(args)
	out, ok := env.Stdout.(*stdoutWriter)
	if !ok {
		out = &stdoutWriter{w: env.Stdout}
		if red != nil {
			out.w = &redactWriter{w: env.Stdout, r: red}
		}
	}
	cmdEnv := *env
	cmdEnv.Stdout = out
	var stderr *redactWriter
	if red != nil {
		stderr = &redactWriter{w: env.Stderr, r: red}
		cmdEnv.Stderr = stderr
	}
	cmdEnv.github = githubUnknown // a program run by another's command finds its own
	err := p.dispatch(ctx, &cmdEnv, args)
	if !ok {
		out.flush()
	}
	err = out.outcome(err)
	code := Report(cmdEnv.Stderr, p.Binary, err)
	if stderr != nil {
		stderr.Flush()
	}
	// Under --github a failure is an ::error annotation too, which a
	// pull request shows where a log line is not read: a usage error,
	// and any other the command did not annotate itself (each failed
	// check on its line, then a summary error).
	if code != 0 && p.Annotate != nil && cmdEnv.github.given(args) && (code == ExitUsage || !out.annotatedError()) {
		if e := AsError(err); !e.Silent {
			msg := p.Name + ": " + oneLine(e.Msg)
			if e.Hint != "" {
				msg += " (" + oneLine(e.Hint) + ")"
			}
			p.Annotate(env.Stdout, env.Env, red.String(msg))
		}
	}
	return code
}

// githubMode is what a command run found of its --github flag: given
// (githubOn) or not (githubOff); githubUnknown where no command parsed
// its flags (an unknown command, a flag before the command word).
type githubMode int

const (
	githubUnknown githubMode = iota
	githubOn
	githubOff
)

// given says whether --github was given: as the command parsed it, else
// as its arguments read (a --github, or --github=BOOL, the last one
// before "--").
func (m githubMode) given(args []string) bool {
	if m != githubUnknown {
		return m == githubOn
	}
	on := false
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--github" {
			on = true
		} else if v, ok := strings.CutPrefix(a, "--github="); ok {
			on, _ = strconv.ParseBool(v)
		}
	}
	return on
}

// githubFlag is a command's --github as its parser left it; unknown
// where the parser stopped at a bad flag before reaching it, for its
// arguments to say.
func githubFlag(fs *pflag.FlagSet, parsed bool) githubMode {
	f := fs.Lookup("github")
	if f == nil {
		return githubOff
	}
	if !f.Changed && !parsed {
		return githubUnknown
	}
	if on, _ := strconv.ParseBool(f.Value.String()); on {
		return githubOn
	}
	return githubOff
}

// Report prints err as "BINARY: error: ..." and "BINARY: hint: ..." and
// returns its exit code; nil is success.
func Report(w io.Writer, binary string, err error) int {
	if err == nil {
		return ExitOK
	}
	e := AsError(err)
	if !e.Silent {
		fmt.Fprintf(w, "%s: error: %s\n", binary, oneLine(e.Msg))
		if e.Hint != "" {
			fmt.Fprintf(w, "%s: hint: %s\n", binary, oneLine(e.Hint))
		}
	}
	return e.Code
}

// Warnf prints "BINARY: warning: ..." on one line: something the user
// should know about a command that goes on.
func Warnf(w io.Writer, binary, format string, args ...any) {
	fmt.Fprintf(w, "%s: warning: %s\n", binary, oneLine(fmt.Sprintf(format, args...)))
}

// ErrorLinef prints "BINARY: error: ..." on one line for one failure
// among several a command reports before it exits (one tag of many);
// a failure that ends the command is an *Error returned instead.
func ErrorLinef(w io.Writer, binary, format string, args ...any) {
	fmt.Fprintf(w, "%s: error: %s\n", binary, oneLine(fmt.Sprintf(format, args...)))
}

// HintLinef prints "BINARY: hint: ..." on one line, after an ErrorLinef
// line: what to do about that one failure.
func HintLinef(w io.Writer, binary, format string, args ...any) {
	fmt.Fprintf(w, "%s: hint: %s\n", binary, oneLine(fmt.Sprintf(format, args...)))
}

// oneLine keeps diagnostics to one line each, whatever an underlying
// library put in its message, and shows the control characters a user's
// argument or a file may have put there as escapes: an error quoting
// "x\x1b[31m" must not turn the terminal red. A run of white space that
// breaks the line (or holds a tab) is one space; a run of spaces alone
// is kept, since it may be a name quoted in the message (a file named
// "  " read as " ", and a hint's command with it named another file).
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i := 0; i < len(s); {
		end := i
		for end < len(s) && strings.IndexByte(" \t\n\r\v\f", s[end]) >= 0 {
			end++
		}
		if end == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		if run := s[i:end]; strings.Trim(run, " ") == "" {
			b.WriteString(run)
		} else {
			b.WriteByte(' ')
		}
		i = end
	}
	return Printable(b.String())
}

func (p *Program) dispatch(ctx context.Context, env *Env, args []string) error {
	if len(args) == 2 && args[0] == "help" && args[1] == ManFlag {
		// Under a command with commands of its own ("git vault
		// recipients help --man") too: refused, it said "flag --man
		// given without a subcommand" after the subcommand help.
		return p.manPage(env.Stdout)
	}
	if len(args) > 0 {
		// A program's own command of the name comes first: verdigris
		// version lists every binary, which the built-in answer hid.
		for _, c := range p.Commands {
			if c.Name == args[0] {
				return p.runCommand(ctx, env, c, args[1:])
			}
		}
		if p.Text && p.Default != nil && len(args) > 1 && (args[0] == "help" || args[0] == "version") {
			// Words after them make a query of the default command
			// ("git scry version bump"), which printing the version
			// dropped; "help CMD" is CMD's usage, and so is "help CMD
			// SUB" of a command with commands of its own ("git scry help
			// model add"), which was searched for; "help CMD --man" is the
			// manual page, as it is in the other binaries.
			if args[0] == "help" {
				// "help help" is the usage here too: no one searches a
				// history for those two words.
				if len(args) == 2 && args[1] == "help" {
					fmt.Fprint(env.Stdout, p.Usage)
					return nil
				}
				for _, c := range p.Commands {
					if c.Name == args[1] && (len(args) == 2 || len(c.Commands) > 0 || args[len(args)-1] == ManFlag) {
						return p.commandHelp(env, c, args[2:])
					}
				}
			}
			return p.runCommand(ctx, env, p.Default, args)
		}
		switch args[0] {
		case "-h", "--help", "help":
			// "help CMD" is CMD's usage, as "git help commit" and "gh
			// help pr" are; a word that names no command is an error,
			// as it is to them (a typo answered with the list and exit
			// 0 read as the command having no usage of its own). Words
			// dropped after it are one too: they read as understood.
			// git scry's "--help WORDS" is left as it was: its flags
			// go before a query.
			if len(args) > 1 && (args[0] == "help" || !p.Text) {
				for _, c := range p.Commands {
					if c.Name != args[1] {
						continue
					}
					return p.commandHelp(env, c, args[2:])
				}
				// "help help" is the program's usage, as "git help
				// help" is help's.
				if args[1] != "-h" && args[1] != "--help" && args[1] != "help" {
					return p.unknownCommand(args[1], nil)
				}
				if len(args) > 2 {
					return Usagef("%s help: unexpected argument %s", p.Name, quoteArg(args[2])).WithHint("run '%s help' for the list of commands", p.Name)
				}
			}
			fmt.Fprint(env.Stdout, p.Usage)
			return nil
		case "--version", "version":
			if p.sub {
				// The binary's version, under one of its commands, reads
				// as that command's own.
				break
			}
			if len(args) > 1 {
				return Usagef("%s %s: unexpected argument %s", p.Name, args[0], quoteArg(args[1])).WithHint("run '%s %s' alone", p.Name, args[0])
			}
			fmt.Fprintln(env.Stdout, version.String(p.Binary))
			return nil
		}
		if err := p.flagBeforeCommand(args); err != nil {
			return err
		}
	}
	if p.Default != nil && (len(args) > 0 || p.Default.Name == "") {
		return p.runCommand(ctx, env, p.Default, args)
	}
	// "help", not "--help": git turns "git NAME --help" into "git help
	// NAME", a manual page only install.sh and the release archives ship (help --man).
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, p.Usage)
		if p.Text && p.Default != nil {
			// "git scry" alone: its default command wants a query.
			return Usagef("missing search query or command").WithHint("give words to search for ('%s WORDS…'), or run '%s help' for the list of commands", p.Name, p.Name)
		}
		if p.sub {
			return Usagef("%s: missing %s", p.Name, orList(visible(p.Commands))).WithHint("run '%s help' for the list of commands", p.Name)
		}
		return Usagef("missing command").WithHint("run '%s help' for the list of commands", p.Name)
	}
	return p.unknownCommand(args[0], args)
}

// commandHelp answers "help CMD" and "help CMD SUB" (one of CMD's own
// commands, whose usage is CMD's) with CMD's usage; other words after
// it are an error, since dropped they read as understood.
// Its hint says "for usage", as the unknown-flag hint does: a possessive
// made of the name ("for recipients's usage") is wrong for every name
// that ends in s.
func (p *Program) commandHelp(env *Env, c *Command, rest []string) error {
	// "help CMD --man" is the binary's manual page, as "help --man" is:
	// it covers CMD, and --man read as a word of a topic said
	// "unexpected argument".
	man := len(rest) > 0 && rest[len(rest)-1] == ManFlag
	if man {
		rest = rest[:len(rest)-1]
	}
	subs := visible(c.Commands)
	if len(rest) > 1 || len(rest) == 1 && !slices.Contains(subs, rest[0]) {
		extra := rest[0]
		if len(rest) > 1 && slices.Contains(subs, extra) {
			extra = rest[1]
		}
		return Usagef("%s help %s: unexpected argument %s", p.Name, c.Name, quoteArg(extra)).WithHint("run '%s help %s' for usage", p.Name, c.Name)
	}
	if man {
		return p.manPage(env.Stdout)
	}
	fmt.Fprint(env.Stdout, c.Usage)
	return nil
}

// flagBeforeCommand refuses a flag given before the command word: "git
// release --dry-run notes v1.0.0" read "notes" as a bump, and "git
// session --json status" said unknown command "--json". Flags are each
// command's own, so the user is told to move them rather than have them
// guessed at: finding the command behind them would need to know which
// flags take a value, and git refuses "git --amend commit" as well. A
// default command that takes free text (git scry) takes its flags first,
// and any word after them is its text, a command's name included.
func (p *Program) flagBeforeCommand(args []string) error {
	if p.Text || !strings.HasPrefix(args[0], "-") || args[0] == "-" || args[0] == "--" {
		return nil
	}
	words := args[1:]
	if p.Default != nil {
		// Only the default command's first argument can be a command
		// word misplaced ("git release --dry-run minor notes" is a
		// release with the message "notes"); its own parser tells that
		// argument from a flag's value, and reports a flag it does not
		// know itself.
		fs := pflag.NewFlagSet(p.Name, pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if p.Default.Flags != nil {
			p.Default.Flags(fs)
		}
		fs.BoolP("help", "h", false, "")
		if fs.Parse(args) != nil || len(fs.Args()) == 0 || fs.ArgsLenAtDash() == 0 {
			return nil
		}
		words = fs.Args()[:1]
	}
	for _, w := range words {
		if w == "--" {
			break
		}
		for _, c := range p.Commands {
			if c.Name != w {
				continue
			}
			return Usagef("%s given before the command %q", flagLabel(args[0]), w).WithHint("give the command first and its flags after it ('%s %s [flags]'); '%s %s --help' lists them", p.Name, w, p.Name, w)
		}
	}
	return nil
}

// flagLabel names the flag arg in an error: its name only ("flag
// --json"), since a value may be a secret ("--token=…"), and "a flag"
// for what is no flag's name (a pasted key starts with "-" too).
func flagLabel(arg string) string {
	if name, _, _ := strings.Cut(arg, "="); flagName.MatchString(name) {
		return "flag " + name
	}
	return "a flag"
}

var flagName = regexp.MustCompile(`^(-[A-Za-z0-9]|--[A-Za-z0-9][A-Za-z0-9-]*)$`)

// unknownCommand refuses word, which names no command; args are the
// words it starts, when they may be a question instead (nil after
// "help").
func (p *Program) unknownCommand(word string, args []string) *Error {
	if len(word) > 1 && word[0] == '-' {
		// A flag and no command word after it: "unknown command
		// --bogus" would read as if a command could be so spelt.
		if p.sub {
			return Usagef("%s: %s given without a subcommand", p.Name, flagLabel(word)).
				WithHint("give the subcommand first (%s) and its flags after it; run '%s help' for the list of commands", orList(visible(p.Commands)), p.Name)
		}
		return Usagef("%s given without a command", flagLabel(word)).
			WithHint("give the command first and its flags after it ('%s COMMAND [flags]'); run '%s help' for the list of commands", p.Name, p.Name)
	}
	e := Usagef("unknown command %s", quoteArg(word))
	if p.sub {
		e = Usagef("%s: unknown subcommand %s", p.Name, quoteArg(word))
	}
	if c, ok := p.Synonyms[word]; ok {
		return e.WithHint("did you mean '%s %s'?", p.Name, c)
	}
	if c := Nearest(word, visible(p.Commands)); c != "" {
		return e.WithHint("did you mean '%s %s'?", p.Name, c)
	}
	if q, command, ok := p.question(args); ok {
		return e.WithHint("to search for %q, run '%s'; '%s help' lists its commands", q, command, p.Name)
	}
	return e.WithHint("run '%s help' for the list of commands", p.Name)
}

// question reads args, an unknown subcommand and what follows it, as the
// search command would: the words searched for (its flags and their
// values are none of them: "of -n 5" is "of"), and the command that
// searches for them, each argument quoted where a shell would split or
// expand it (a ';' in a pasted hint ran what followed it). A flag the
// search does not take (--github, the subcommands') is left out of
// both. ok is false where there is no such command, or it would refuse
// the rest (a flag's bad value).
func (p *Program) question(args []string) (q, command string, ok bool) {
	if p.search == "" || p.searchCmd == nil || len(args) == 0 || slices.ContainsFunc(args, looksLikeKey) {
		return "", "", false
	}
	fs := pflag.NewFlagSet(p.search, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if p.searchCmd.Flags != nil {
		p.searchCmd.Flags(fs)
	}
	decimalWholeNumbers(fs)
	var kept []string
	for i, a := range args {
		if a == "--" {
			kept = append(kept, args[i:]...)
			break
		}
		if takesFlag(fs, p.searchCmd.Count, a) {
			kept = append(kept, a)
		}
	}
	in := kept
	if p.searchCmd.Count != "" {
		in = countArgs(fs, p.searchCmd.Count, kept)
	}
	if fs.Parse(in) != nil {
		return "", "", false
	}
	words := append(strings.Fields(p.words), fs.Args()...)
	command = p.search + " " + p.words
	for _, a := range kept {
		command += " " + ShellWord(a)
	}
	return strings.Join(words, " "), command, true
}

// takesFlag says whether arg is a word, or a flag of fs (-N where count
// names the flag it stands for).
func takesFlag(fs *pflag.FlagSet, count, arg string) bool {
	switch {
	case !strings.HasPrefix(arg, "-") || arg == "-":
		return true
	case count != "" && countArg.MatchString(arg):
		return true
	case strings.HasPrefix(arg, "--"):
		name, _, _ := strings.Cut(arg[2:], "=")
		return fs.Lookup(name) != nil
	}
	return fs.ShorthandLookup(arg[1:2]) != nil
}

// AndList joins words as a sentence does: "a", "a and b", "a, b and c".
func AndList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// orList is "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func (p *Program) runCommand(ctx context.Context, env *Env, c *Command, args []string) error {
	name := p.Name
	if c.Name != "" {
		name += " " + c.Name
	}
	if len(c.Commands) > 0 {
		// Its error goes back to the program that was run, which
		// reports it once and annotates it as its own (--github).
		sub := &Program{Name: name, Binary: p.Binary, Usage: c.Usage, Commands: c.Commands, Synonyms: c.Synonyms, sub: true, top: p.top}
		if sub.top == nil {
			sub.top = p
		}
		switch {
		case p.sub && p.search != "":
			sub.search, sub.words, sub.searchCmd = p.search, p.words+" "+c.Name, p.searchCmd
		case !p.sub && p.Text && p.Default != nil && p.Default.Name != "":
			sub.search, sub.words, sub.searchCmd = p.Name+" "+p.Default.Name, c.Name, p.Default
		}
		return sub.dispatch(ctx, env, args)
	}
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	if c.Flags != nil {
		c.Flags(fs)
	}
	decimalWholeNumbers(fs)
	env.github = githubOff
	if c.Raw {
		if helpAsked(args) {
			fmt.Fprint(env.Stdout, c.Usage)
			return nil
		}
		return interrupted(ctx, name, c.Run(ctx, env, fs, args))
	}
	help := fs.BoolP("help", "h", false, "show help")
	if c.Count != "" {
		args = countArgs(fs, c.Count, args)
	}
	err := fs.Parse(args)
	env.github = githubFlag(fs, err == nil)
	if err != nil {
		if errors.Is(err, pflag.ErrHelp) || helpAsked(args) {
			// Asked for, the usage is what is wanted, and it lists
			// the flags: a flag it does not know ("ls --help
			// --nope") was a usage error instead, where any other
			// word after --help is let be.
			fmt.Fprint(env.Stdout, c.Usage)
			return nil
		}
		var choice *choiceError
		if errors.As(err, &choice) {
			// flagError: the value quoted may be a pasted key.
			return Usagef("%s", flagError(choice)).WithHint("%s", choice.hint)
		}
		var bad *pflag.InvalidValueError
		if errors.As(err, &bad) && strings.TrimSpace(bad.GetValue()) == "" {
			// An unset variable (--ttl "$TTL"): the parser's "invalid
			// argument \"\" … must be a duration" is said as an empty
			// string flag's value is.
			f := bad.GetFlag()
			if _, ok := c.emptyHints[f.Name]; !ok && numberKind(f) != "" {
				name := givenAs(fs, f, args, bad.GetValue())
				return Usagef("%s: empty value", name).WithHint("give %s, or leave %s out", numberExample(f, name), name)
			}
			return emptyFlagError(f.Name, c.emptyHints)
		}
		if errors.As(err, &bad) && numberKind(bad.GetFlag()) != "" && !looksLikeKey(bad.GetValue()) {
			// The parser's words, 'invalid argument "abc" for "-n,
			// --limit" flag: must be an integer', with git scry's hint
			// about words of a query that start with "-".
			f := bad.GetFlag()
			name := givenAs(fs, f, args, bad.GetValue())
			if outOfRange(bad.GetValue()) {
				return Usagef("%s: too large a number, got %q", name, shorten(bad.GetValue())).WithHint("give %s", numberExample(f, name))
			}
			return Usagef("%s must be %s, got %q", name, numberKind(f), shorten(bad.GetValue())).WithHint("give %s", numberExample(f, name))
		}
		var missing *pflag.ValueRequiredError
		if errors.As(err, &missing) {
			// The parser names a short flag as "'n' in -n" (or "in
			// -qn", the group it was in).
			name := "--" + missing.GetSpecifiedName()
			if missing.GetSpecifiedShortnames() != "" {
				name = "-" + missing.GetSpecifiedName()
			}
			if f := missing.GetFlag(); f != nil && numberKind(f) != "" {
				return Usagef("flag needs an argument: %s", name).WithHint("give %s", numberExample(f, name))
			}
			err = fmt.Errorf("flag needs an argument: %s", name)
		}
		guess := ""
		if f := nearFlag(fs, err); f != "" {
			guess = "did you mean " + f + "? "
		}
		if p.Text && c == p.Default {
			// Free text may start with "-" ("-rf flag", "--force
			// push"), which only "--" tells from a flag.
			return Usagef("%s", flagError(err)).WithHint("%srun '%s --help' for usage; words of the query that start with '-' go after '--' ('%s -- --force push')", guess, name, p.Name)
		}
		return Usagef("%s", flagError(err)).WithHint("%srun '%s --help' for usage", guess, name)
	}
	if *help {
		fmt.Fprint(env.Stdout, c.Usage)
		return nil
	}
	return interrupted(ctx, name, c.Run(ctx, env, fs, fs.Args()))
}

// countArgs spells each -N of args that pflag reads as a flag as
// --name=N. It follows pflag's reading: a long flag that takes a value
// and has no "=" takes the next argument, and so does the last of a
// group of shorthands that takes one (else the group's rest is its
// value); "--" ends the flags.
func countArgs(fs *pflag.FlagSet, name string, args []string) []string {
	takesValue := func(f *pflag.Flag) bool { return f != nil && f.NoOptDefVal == "" }
	out := slices.Clone(args)
	for i := 0; i < len(out); i++ {
		a := out[i]
		switch {
		case a == "--":
			return out
		case countArg.MatchString(a):
			out[i] = "--" + name + "=" + a[1:]
		case strings.HasPrefix(a, "--"):
			if !strings.Contains(a, "=") && takesValue(fs.Lookup(a[2:])) {
				i++
			}
		case strings.HasPrefix(a, "-"):
			for j := 1; j < len(a); j++ {
				if takesValue(fs.ShorthandLookup(a[j : j+1])) {
					if j == len(a)-1 {
						i++
					}
					break
				}
			}
		}
	}
	return out
}

var countArg = regexp.MustCompile(`^-[0-9]+$`)

// helpAsked says whether args ask a command for its usage: -h or --help
// before "--", whatever else they hold. As 'git log --help foo' and GNU
// tools do, the other words are let be: --help goes at the end of a
// command line being written, whose words are the command's, not a
// topic for help ('help CMD WORD', which refuses a WORD it does not
// know).
func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "--help" {
			return true
		}
	}
	return false
}

// NArgs checks the number of positional arguments a command got, and
// refuses an empty one: most often a variable that was not set ("git
// session show "$ID""), which was read as no argument at all and answered
// another question (the active session's).
func NArgs(name string, args []string, min, max int) error {
	for _, a := range args {
		if strings.TrimSpace(a) == "" {
			return Usagef("%s: empty argument", name).WithHint("run '%s --help' for usage", name)
		}
	}
	return nPaths(name, args, min, max)
}

// NPaths is NArgs for a command whose arguments are paths, where only
// an empty one is refused: a name of spaces alone is a file git tracks
// ("git log -- ' '").
func NPaths(name string, args []string, min, max int) error {
	for _, a := range args {
		if a == "" {
			return Usagef("%s: empty argument", name).WithHint("run '%s --help' for usage", name)
		}
	}
	return nPaths(name, args, min, max)
}

func nPaths(name string, args []string, min, max int) error {
	if len(args) < min {
		return Usagef("%s: missing argument", name).WithHint("run '%s --help' for usage", name)
	}
	if max >= 0 && len(args) > max {
		return Usagef("%s: unexpected argument %s", name, quoteArg(args[max])).WithHint("run '%s --help' for usage", name)
	}
	return nil
}

// flagError is a flag parser's complaint, which quotes the argument it
// could not read. An argument that starts with "-" may be a pasted private
// key ("-----BEGIN OPENSSH PRIVATE KEY-----…", given where a public key
// was asked for): such an error is not quoted at all, and a long
// argument is cut, so no key reaches the terminal or a CI log.
// nearFlag is the command's flag nearest a mistyped one (--ful: --full),
// by the rule command words are guessed by (Nearest); "" when none is
// near enough, or err is not an unknown long flag.
func nearFlag(fs *pflag.FlagSet, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return ""
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Name != "help" {
			names = append(names, f.Name)
		}
	})
	if n := Nearest(name, names); n != "" {
		return "--" + n
	}
	return ""
}

func flagError(err error) string {
	msg := err.Error()
	if looksLikeKey(msg) {
		return "an argument looks like a private key; it is not shown (give the public key instead)"
	}
	var bad *pflag.InvalidValueError
	if errors.As(err, &bad) && outOfRange(bad.GetValue()) {
		// The parser's cause for a number past the flag's type is
		// "must be an integer" (or "a number"), which it is.
		msg = strings.TrimSuffix(msg, bad.Unwrap().Error()) + "too large a number"
	}
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
}

// outOfRange says whether v is a well-formed number too large for an
// int64 or a float64.
func outOfRange(v string) bool {
	// ParseInt says ErrRange as soon as the digits overflow, before it
	// reaches a letter after them ("99999999999999999999x").
	if _, err := strconv.ParseInt(v, 0, 64); errors.Is(err, strconv.ErrRange) && decimal.MatchString(v) {
		return true
	}
	_, err := strconv.ParseFloat(v, 64)
	return errors.Is(err, strconv.ErrRange)
}

var decimal = regexp.MustCompile(`^[+-]?[0-9]+$`)

// decimalWholeNumbers makes the whole-number flags of fs read a number
// written with leading zeros as decimal, as git log -n and head -n read
// it: the flag parser reads it as Go source would, "010" as octal 8,
// and refuses "08" as no whole number.
func decimalWholeNumbers(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if strings.HasPrefix(numberKind(f), "a whole number") {
			f.Value = decimalValue{f.Value}
		}
	})
}

// decimalValue is a whole-number flag's value that drops the leading
// zeros of a decimal number before the flag parser reads it; "0x10",
// "0o17" and "0b101" say their base and are left as they are.
type decimalValue struct{ pflag.Value }

var leadingZeros = regexp.MustCompile(`^([+-]?)0+([0-9]+)$`)

func (d decimalValue) Set(s string) error {
	if m := leadingZeros.FindStringSubmatch(s); m != nil {
		s = m[1] + m[2]
	}
	return d.Value.Set(s)
}

// numberKind is what a flag that takes a number wants, for its error:
// "a whole number" or "a number"; "" for a flag of another kind.
func numberKind(f *pflag.Flag) string {
	switch t := f.Value.Type(); {
	case strings.HasSuffix(t, "Slice"):
		return ""
	case strings.HasPrefix(t, "int"):
		return "a whole number"
	case strings.HasPrefix(t, "uint"):
		return "a whole number, 0 or more"
	case t == "float32" || t == "float64":
		return "a number"
	}
	return ""
}

// numberExample is what the hint for f (given as name) asks for: its
// default as an example where it has one.
func numberExample(f *pflag.Flag, name string) string {
	if d := f.DefValue; d != "" && d != "0" {
		return fmt.Sprintf("%s, e.g. %s %s", numberKind(f), name, d)
	}
	return numberKind(f) + " after " + name
}

// givenAs is the name flag f of fs was given by with value, the one the
// parser refused, as the user typed it ("-n", "--limit", or a name fs
// normalizes to f's: git scry's --max-count): the first such before
// "--", where the parser stopped. The last name given read "-n 5
// --limit abc" as -n's error.
func givenAs(fs *pflag.FlagSet, f *pflag.Flag, args []string, value string) string {
	next := func(i int) bool { return i+1 < len(args) && args[i+1] == value }
	for i, a := range args {
		if a == "--" {
			break
		}
		if long, ok := strings.CutPrefix(a, "--"); ok {
			name, v, eq := strings.Cut(long, "=")
			if string(fs.GetNormalizeFunc()(fs, name)) == f.Name && (eq && v == value || !eq && next(i)) {
				return "--" + name
			}
			continue
		}
		if f.Shorthand == "" || len(a) < 2 || a[0] != '-' {
			continue
		}
		// A group of shorthands ("-vn5"): the value is the rest after
		// the flag's letter ("=" before it is dropped), or the next
		// argument.
		if j := strings.Index(a[1:], f.Shorthand); j >= 0 {
			rest := a[1+j+len(f.Shorthand):]
			if rest == value || strings.TrimPrefix(rest, "=") == value || rest == "" && next(i) {
				return "-" + f.Shorthand
			}
		}
	}
	return "--" + f.Name
}

// shorten cuts a long value quoted in an error.
func shorten(v string) string {
	if r := []rune(v); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return v
}
