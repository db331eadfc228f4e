package ghaction

import (
	"fmt"
	"io"
	"strconv"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// Annotations carry repository and tool text (a check's name, a pin
// file's line, a probe's output) to the log and the pull request, where
// an escape sequence would colour or hide the rest of the log line: its
// control characters are shown as Go escapes, line breaks and tabs kept.
// go-githubactions then escapes %, CR and LF (and, in properties, ":"
// and ","), so no text can end the command or start another.

// AnnotateError writes msg as an error annotation inside GitHub Actions
// (GITHUB_ACTIONS=true), and nothing elsewhere: it is cli.Program's
// Annotate, for the usage errors of commands given --github, which on a
// terminal the error and hint lines already say.
func AnnotateError(w io.Writer, getenv func(string) string, msg string) {
	if a := New(w, getenv); a.Enabled() {
		a.Errorf("%s", msg)
	}
}

// Errorf writes an error annotation.
func (a *Action) Errorf(format string, args ...any) { a.gha.Errorf("%s", message(format, args)) }

// Warningf writes a warning annotation.
func (a *Action) Warningf(format string, args ...any) { a.gha.Warningf("%s", message(format, args)) }

// Noticef writes a notice annotation.
func (a *Action) Noticef(format string, args ...any) { a.gha.Noticef("%s", message(format, args)) }

// ErrorAt writes an error annotation attached to a line of a file in the
// repository (the runner shows it on that line in the pull request).
func (a *Action) ErrorAt(file string, line int, format string, args ...any) {
	a.gha.WithFieldsMap(location(file, line)).Errorf("%s", message(format, args))
}

// WarningAt writes a warning annotation attached to a line of a file.
func (a *Action) WarningAt(file string, line int, format string, args ...any) {
	a.gha.WithFieldsMap(location(file, line)).Warningf("%s", message(format, args))
}

func message(format string, args []any) string {
	return cli.PrintableText(fmt.Sprintf(format, args...))
}

func location(file string, line int) map[string]string {
	m := map[string]string{"file": cli.Printable(file)}
	if line > 0 {
		m["line"] = strconv.Itoa(line)
	}
	return m
}
