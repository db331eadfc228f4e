// Package ghaction is verdigris's one GitHub Actions I/O layer: inputs,
// masks, outputs, groups, annotations and step summaries through
// github.com/sethvargo/go-githubactions, plus the one thing that library must
// not be used for: exporting secret values to GITHUB_ENV. Its env-file
// delimiter is fixed and public, so a crafted value could end the heredoc
// early and define other variables; ExportSecret uses a random delimiter per
// value instead and refuses a value that contains it.
package ghaction

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// Action talks to the runner.
type Action struct {
	w      io.Writer
	gha    *githubactions.Action
	getenv func(string) string
	// redact takes out of a step summary and outputs what cli takes
	// out of w (a key-looking argument): those files are shown in the
	// run's page as the log is, and do not go through w.
	redact func(string) string
}

// New returns an Action writing workflow commands to w (the step's stdout)
// and reading the runner's variables through getenv.
func New(w io.Writer, getenv func(string) string) *Action {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Action{
		w:      w,
		gha:    githubactions.New(githubactions.WithWriter(w), githubactions.WithGetenv(getenv)),
		getenv: getenv,
		redact: cli.Redaction(w),
	}
}

// Enabled reports whether we run inside GitHub Actions.
func (a *Action) Enabled() bool { return a.getenv("GITHUB_ACTIONS") == "true" }

// Input returns an action input. Composite actions get no INPUT_*
// variables from the runner, so our action.yml files map each input to an
// INPUT_<NAME> variable in the step's env: explicitly.
func (a *Action) Input(name string) string { return a.gha.GetInput(name) }

// Getenv reads a runner variable.
func (a *Action) Getenv(key string) string { return a.getenv(key) }

// Mask registers value with the runner's log masker: each of its lines
// (the runner matches masks line by line) and, for a one-line value, the
// value itself. Each line is registered without the whitespace around it,
// as the runner registers the lines of its own secrets: it compares masks
// literally, so a mask that kept a pasted value's trailing blank or a
// YAML line's indentation would miss the same text printed trimmed or
// indented otherwise. It must be called before anything else could print
// the value. The command is written from the byte slice directly rather
// than through go-githubactions' AddMask, which takes a string: a Go
// string holding a secret cannot be wiped.
func (a *Action) Mask(value []byte) error {
	var buf []byte
	defer func() { clear(buf) }()
	for _, line := range bytes.FieldsFunc(value, func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		buf = append(buf[:0], "::add-mask::"...)
		for _, c := range line {
			if c == '%' {
				buf = append(buf, "%25"...)
				continue
			}
			buf = append(buf, c)
		}
		buf = append(buf, '\n')
		if _, err := a.w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// fileCommand runs a go-githubactions call that panics on I/O errors and
// turns the panic into a *FileError naming the file and its variable: the
// library says "the environment file" for every one, the step summary
// included, with Go's words for what went wrong.
func (a *Action) fileCommand(what, variable string, f func()) (err error) {
	path := a.getenv(variable)
	if path == "" {
		// The library would open "" and say "no such file or directory".
		return fmt.Errorf("%s is not set", variable)
	}
	defer func() {
		if r := recover(); r != nil {
			// The library formats its cause with %v, so the *fs.PathError
			// is lost; the same open again (which creates nothing the
			// library's did not) gives it back. A failed write keeps the
			// library's words, less its prefix.
			var cause error = errors.New(strings.TrimPrefix(fmt.Sprint(r), "unable to write command to the environment file: "))
			if f, oerr := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); oerr != nil {
				cause = oerr
			} else {
				f.Close()
			}
			err = runnerFileError(what, variable, path, cause)
		}
	}()
	f()
	return nil
}

// FileError is a file the runner names in a variable (GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH) that could not be written.
// Inside a step the runner creates it, so the variable was set by hand or
// leaked from another environment: the hint says so, where "run it inside
// GitHub Actions" would send the user where they already are.
type FileError struct {
	What     string // "step outputs"
	Variable string // "GITHUB_OUTPUT"
	Path     string
	Reason   string // in plain words: "its directory does not exist"
}

func (e *FileError) Error() string {
	return fmt.Sprintf("cannot write the %s file %s (%s): %s", e.What, e.Path, e.Variable, e.Reason)
}

// Hint says what to do about the variable.
func (e *FileError) Hint() string {
	return e.Variable + " is set by the GitHub Actions runner; outside a step, unset it and run without --github, or point it at a writable file"
}

func runnerFileError(what, variable, path string, err error) *FileError {
	reason := cli.FileReason(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, serr := os.Stat(filepath.Dir(path)); errors.Is(serr, fs.ErrNotExist) {
			reason = "its directory does not exist"
		}
	case errors.Is(err, fs.ErrPermission):
		reason = "permission denied"
	}
	return &FileError{What: what, Variable: variable, Path: path, Reason: reason}
}

// UserError is err, from writing a runner file, as the error a user sees:
// a *FileError with its own hint, anything else (a variable not set) with
// hint, the command's.
func UserError(err error, hint string) *cli.Error {
	var fe *FileError
	if errors.As(err, &fe) {
		return cli.Failf("--github: %v", err).WithHint("%s", fe.Hint())
	}
	return cli.Failf("--github: %v", err).WithHint("%s", hint)
}

// SetOutput writes a step output. Only for values that are not secret and
// not attacker-chosen beyond what the delimiter check below refuses.
func (a *Action) SetOutput(name, value string) error {
	value = a.redact(value)
	if strings.Contains(value, "_GitHubActionsFileCommandDelimeter_") {
		return fmt.Errorf("output %s contains the runner's file-command delimiter", name)
	}
	return a.fileCommand("step outputs", "GITHUB_OUTPUT", func() { a.gha.SetOutput(name, value) })
}

// OutputsWritable checks, before a step does anything it cannot undo
// (tags pushed), that its outputs, and its step summary when the runner
// names one, can be written afterwards: a failure there, after the
// fact, would fail the step without its report of what it did.
func (a *Action) OutputsWritable() error {
	path := a.getenv("GITHUB_OUTPUT")
	if path == "" {
		return fmt.Errorf("GITHUB_OUTPUT is not set")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return runnerFileError("step outputs", "GITHUB_OUTPUT", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	path = a.getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil // Summary writes nothing then
	}
	f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		// Summary creates it, as the library does, where its
		// directory exists.
		if st, serr := os.Stat(filepath.Dir(path)); serr == nil && st.IsDir() {
			return nil
		}
	}
	if err != nil {
		return runnerFileError("step summary", "GITHUB_STEP_SUMMARY", path, err)
	}
	return f.Close()
}

// AddPath prepends dir to PATH for later steps.
func (a *Action) AddPath(dir string) error {
	return a.fileCommand("PATH additions", "GITHUB_PATH", func() { a.gha.AddPath(dir) })
}

// Summary appends markdown to the step summary.
func (a *Action) Summary(markdown string) error {
	if a.getenv("GITHUB_STEP_SUMMARY") == "" {
		return nil
	}
	markdown = a.redact(markdown)
	return a.fileCommand("step summary", "GITHUB_STEP_SUMMARY", func() { a.gha.AddStepSummary(markdown) })
}

// MarkdownText returns s, text from a repository or the command line (a
// commit subject, a tag, file or check name), as step-summary markdown
// that renders as exactly that text, inside a table cell or a line: GitHub
// renders the summary as HTML, so a subject holding "|", a backtick,
// "<img src=x>" or "[a](javascript:...)" would otherwise end the cell or
// inject markup. Control characters (line breaks, colour codes) are shown
// as Go escapes, as on a terminal; markdown punctuation is
// backslash-escaped, and "|" becomes an entity, because a table's cells
// are split at every pipe a backslash does not precede, before escapes
// are read (cli.Table.Markdown escapes the pipes of its other cells).
// Not for the start of a line, where "-" or "1." would begin a list.
func MarkdownText(s string) string {
	var b strings.Builder
	for _, r := range cli.Printable(s) {
		switch {
		case r == '|':
			b.WriteString("&#124;")
			continue
		case strings.ContainsRune("\\`*_[]<>#~&$", r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MarkdownCode is MarkdownText in code font. A backtick code span cannot
// hold every text (its backslashes are literal, and a backtick in s would
// end it), so the span is an HTML <code> element around escaped text.
func MarkdownCode(s string) string { return "<code>" + MarkdownText(s) + "</code>" }

// StopCommands makes the runner show the log's lines as text, none read
// as a workflow command, until the returned resume is called: for text
// from a repository printed at the start of a line (a query set's name,
// a query's id), where "::warning::…" or "::add-mask::…" would be run.
// The token is random, so the text cannot resume commands itself.
func (a *Action) StopCommands() (resume func(), err error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	token := "verdigris-" + hex.EncodeToString(b)
	if _, err := fmt.Fprintf(a.w, "::stop-commands::%s\n", token); err != nil {
		return nil, err
	}
	return func() { fmt.Fprintf(a.w, "::%s::\n", token) }, nil
}

// Group opens a collapsible log group; EndGroup closes it.
func (a *Action) Group(title string) { a.gha.Group(title) }

// EndGroup closes the log group.
func (a *Action) EndGroup() { a.gha.EndGroup() }

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ErrDelimiterInValue is returned when a value contains the delimiter drawn
// for it, which (with 128 random bits) means the value was crafted.
var ErrDelimiterInValue = errors.New("value contains the env-file delimiter")

// ErrFinalCR is returned for a value that ends with a carriage return
// where the runner may be the one built for Windows, which drops it.
var ErrFinalCR = errors.New("value ends with a carriage return, which the runner on Windows drops from GITHUB_ENV")

// CheckEnvValue says whether ExportSecret can pass value to later steps
// exactly. The runner cuts a record's value out of the GITHUB_ENV file's
// text, so every CR and CRLF in it is kept, but its Windows build also
// ends lines at CRLF and so takes a CR that ends the value for part of
// the line break after it, and drops it. The CR would be kept on a
// runner that ends that line with CRLF, but which runner reads the file
// cannot be known for sure (RUNNER_OS may not reach a step run in WSL):
// a secret changed without a word is worse than one refused, so a value
// that ends with CR is refused unless RUNNER_OS names Linux or macOS.
func (a *Action) CheckEnvValue(value []byte) error {
	if len(value) > 0 && value[len(value)-1] == '\r' {
		if ros := a.getenv("RUNNER_OS"); ros != "Linux" && ros != "macOS" {
			return ErrFinalCR
		}
	}
	return nil
}

// ExportSecret appends NAME=value to the GITHUB_ENV file with a random
// delimiter, so later steps see it as an environment variable. The value
// never passes through a Go string.
func (a *Action) ExportSecret(name string, value []byte) error {
	if !envNameRE.MatchString(name) {
		return fmt.Errorf("invalid environment variable name %q", name)
	}
	if err := a.CheckEnvValue(value); err != nil {
		return err
	}
	path := a.getenv("GITHUB_ENV")
	if path == "" {
		return errors.New("GITHUB_ENV is not set")
	}
	delim, err := delimiter()
	if err != nil {
		return err
	}
	rec, err := EnvRecord(name, value, delim)
	if err != nil {
		return err
	}
	defer clear(rec)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return runnerFileError("environment", "GITHUB_ENV", path, err)
	}
	_, werr := f.Write(rec)
	cerr := f.Close()
	if werr != nil {
		return werr
	}
	return cerr
}

func delimiter() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "ghadelimiter_" + hex.EncodeToString(b), nil
}

// EnvRecord builds one GITHUB_ENV heredoc record:
//
//	NAME<<DELIM
//	value
//	DELIM
//
// It refuses a value containing delim, which would end the record early.
func EnvRecord(name string, value []byte, delim string) ([]byte, error) {
	if !envNameRE.MatchString(name) {
		return nil, fmt.Errorf("invalid environment variable name %q", name)
	}
	if delim == "" || strings.ContainsAny(delim, "\r\n") {
		return nil, errors.New("invalid delimiter")
	}
	if bytes.Contains(value, []byte(delim)) || strings.Contains(name, delim) {
		return nil, ErrDelimiterInValue
	}
	rec := make([]byte, 0, len(name)+len(value)+2*len(delim)+6)
	rec = append(rec, name...)
	rec = append(rec, "<<"...)
	rec = append(rec, delim...)
	rec = append(rec, '\n')
	rec = append(rec, value...)
	rec = append(rec, '\n')
	rec = append(rec, delim...)
	rec = append(rec, '\n')
	return rec, nil
}
