package release

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

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

// cannotRead is the refusal of the file at rel, from the repository
// root, that the release could not read: what names it ("changelog
// CHANGELOG.md"), then why, and hint. Go's words named the call and the
// absolute path ("read /home/…/CHANGELOG.md: is a directory"), with no
// way on; a link to nothing was "no such file or directory", as if the
// link itself were missing.
func cannotRead(root, rel, what, hint string, err error) *Error {
	return refuse(hint, "cannot read %s: %s", what, cli.PathReason(filepath.Join(root, filepath.FromSlash(rel)), err))
}

// parseError is a file that does not parse, at a line and column (0 when
// not known), said as file:line:col, as editors and terminals open it.
// File is "" for the version file being read, which names itself.
type parseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *parseError) Error() string {
	loc := e.File
	for _, n := range []int{e.Line, e.Col} {
		if n == 0 {
			break
		}
		loc += fmt.Sprintf(":%d", n)
	}
	return strings.TrimPrefix(loc+": "+e.Msg, ": ")
}

// tomlError places what go-toml refused at its line and column.
func tomlError(err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return &parseError{Line: line, Col: col, Msg: "not valid TOML: " + strings.TrimPrefix(de.Error(), "toml: ")}
	}
	return fmt.Errorf("not valid TOML: %v", err)
}
