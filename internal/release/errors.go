package release

import "fmt"

// Error is a refusal the user can act on: what is wrong and what to do.
// Usage errors (a bad argument) exit 2, the rest 1.
type Error struct {
	Msg   string
	Hint  string
	Usage bool
}

func (e *Error) Error() string { return e.Msg }

func refuse(hint, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Hint: hint}
}
