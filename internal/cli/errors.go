// Package cli is the one command-line convention every verdigris binary
// follows: pflag parsing, hand-written usage text, "NAME: error:" and
// "NAME: hint:" diagnostics on stderr, and exit codes 0 (success), 1 (a
// failed check or operation) and 2 (bad usage).
package cli

import (
	"errors"
	"fmt"
)

// Exit codes shared by all binaries.
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitUsage   = 2
	exitUnknown = ExitFailed
)

// Error is an error a user sees: one line saying what is wrong, an optional
// hint saying what to do, and the exit code it maps to.
type Error struct {
	Code int
	Msg  string
	Hint string
	// Silent errors carry only an exit code: the reason was already printed
	// (a failed check's own table, a child process's exit status).
	Silent bool
}

func (e *Error) Error() string { return e.Msg }

// WithHint returns e with its hint set.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// Usagef reports bad usage (exit 2).
func Usagef(format string, args ...any) *Error {
	return &Error{Code: ExitUsage, Msg: fmt.Sprintf(format, args...)}
}

// Failf reports a failed operation (exit 1).
func Failf(format string, args ...any) *Error {
	return &Error{Code: ExitFailed, Msg: fmt.Sprintf(format, args...)}
}

// Exit ends the program with code and prints nothing more.
func Exit(code int) *Error { return &Error{Code: code, Silent: true} }

// AsError finds the *Error in err's chain, wrapping a plain error as a
// failed operation so every error reaching the user has a code.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: exitUnknown, Msg: err.Error()}
}
