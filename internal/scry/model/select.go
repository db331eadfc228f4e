package model

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
)

// NoModelInUse is Select's reason when no ONNX model is in use: the
// built-in embedder is the user's choice, not a fallback.
const NoModelInUse = "built-in embedder (no ONNX model in use)"

// noRegistry begins Select's reason when the model registry has no place
// (neither XDG_CONFIG_HOME nor HOME set): no model can be in use then,
// as for NoModelInUse, and git scry index says nothing either.
const noRegistry = "built-in embedder (model registry: "

// unreadableRegistry begins Select's reason when the model registry
// cannot be read: whether a model is in use is not known then, and no
// model was passed over that anyone could name.
const unreadableRegistry = "built-in embedder (model registry unreadable: "

// FallbackCause is why the ONNX model in use was passed over for the
// built-in embedder, from Select's reason ("" when it was not: an ONNX
// model runs, none is in use, or the registry that names it cannot be
// read, which RegistryCause says).
func FallbackCause(reason string) string {
	// Select adds untrainedSuffix after the parenthesis when no built-in
	// model exists yet; the reason before it says whether a model was
	// passed over.
	reason = strings.TrimSuffix(reason, untrainedSuffix)
	if reason == NoModelInUse || strings.HasPrefix(reason, noRegistry) || strings.HasPrefix(reason, unreadableRegistry) {
		return ""
	}
	cause, ok := strings.CutPrefix(reason, "built-in embedder (")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(cause, ")")
}

// RegistryCause is why the model registry could not be read, from
// Select's reason ("" when it was read, or has no place).
func RegistryCause(reason string) string {
	cause, ok := strings.CutPrefix(strings.TrimSuffix(reason, untrainedSuffix), unreadableRegistry)
	if !ok {
		return ""
	}
	return strings.TrimSuffix(cause, ")")
}

// untrainedSuffix ends Select's reason when no built-in model is trained.
const untrainedSuffix = "; no built-in model trained yet"

// Select returns the embedder to use and why: the active ONNX model when
// one is registered, this binary has ONNX Runtime, the runtime library
// loads and the model files are the registered ones; otherwise the
// built-in model from loadBuiltin. Nothing about the ONNX side is ever
// fatal: every failure falls back to the built-in embedder with the
// failure as the reason. loadBuiltin's own error is returned; it may
// return (nil, nil) when no built-in model exists yet, and then so does
// Select.
func Select(ctx context.Context, getenv func(string) string, loadBuiltin func() (*builtin.Model, error)) (embed.Embedder, string, error) {
	e, reason := selectONNX(ctx, getenv)
	if e != nil {
		return e, reason, nil
	}
	m, err := loadBuiltin()
	if err != nil {
		return nil, reason, err
	}
	if m == nil {
		return nil, reason + untrainedSuffix, nil
	}
	return m, reason, nil
}

// selectONNX opens the active ONNX model, or says why not.
func selectONNX(ctx context.Context, getenv func(string) string) (embed.Embedder, string) {
	e, reason, _ := selectONNXHint(ctx, getenv)
	return e, reason
}

// selectONNXHint is selectONNX with what to do when the model's own
// files are the reason ("" otherwise: the runtime's reasons have theirs).
func selectONNXHint(ctx context.Context, getenv func(string) string) (embed.Embedder, string, string) {
	path, err := Path(getenv)
	if err != nil {
		return nil, noRegistry + err.Error() + ")", ""
	}
	reg, err := Load(path)
	if err != nil {
		return nil, unreadableRegistry + err.Error() + ")", ""
	}
	if reg.Active == "" {
		return nil, NoModelInUse, ""
	}
	entry, ok := reg.Find(reg.Active)
	if !ok {
		return nil, fmt.Sprintf("built-in embedder (active model %q is not registered)", reg.Active), ""
	}
	e, err := Open(ctx, entry, getenv)
	if err != nil {
		return nil, fmt.Sprintf("built-in embedder (model %s: %v)", entry.Name, err), fallbackHint(entry, err)
	}
	return e, fmt.Sprintf("ONNX model %s", entry.Name), ""
}

// fallbackHint is what to do when the active model's own files are why
// Open refused it ("" otherwise: the runtime's reasons have theirs, in
// runtimeHint).
func fallbackHint(e *Entry, err error) string {
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		// Moved or deleted: the same files elsewhere register
		// under the same name (their sha256s are the pinned ones),
		// which stays the one in use.
		return fmt.Sprintf("%s; or go back with 'git scry model use builtin'", MovedHint(e, false))
	case errors.Is(err, ErrChanged):
		return fmt.Sprintf("%s; or go back with 'git scry model use builtin'", ChangedHint(e))
	}
	return ""
}

// MovedHint is what registers e again where its files are now, under
// its name; and makes it the model in use, with use.
func MovedHint(e *Entry, use bool) string {
	name := cli.ShellWord(e.Name)
	hint := fmt.Sprintf("register the model again where its files are now: 'git scry model add DIR --name %s'", name)
	if use {
		hint += fmt.Sprintf(", then 'git scry model use %s'", name)
	}
	return hint
}

// ChangedHint is what registers e's files as they are now, where they
// are, under its name, and makes it the model in use: model add refuses
// other files under a taken name, and model rm of the model in use
// goes back to the built-in embedder.
func ChangedHint(e *Entry) string {
	name := cli.ShellWord(e.Name)
	return fmt.Sprintf("register the files again: 'git scry model rm %s', then 'git scry model add %s --name %s', then 'git scry model use %s'", name, e.addArgs(), name, name)
}

// addArgs are model add's arguments that find e's files where they were
// registered: the directory when model add finds them there (model.onnx
// at its top or under onnx/, tokenizer.json at its top), else the two
// files.
func (e *Entry) addArgs() string {
	dir := filepath.Dir(e.Tokenizer.Path)
	m := e.Model.Path
	found := filepath.Base(m) == "model.onnx" && filepath.Base(e.Tokenizer.Path) == "tokenizer.json" &&
		(filepath.Dir(m) == dir || filepath.Dir(m) == filepath.Join(dir, "onnx") && !exists(filepath.Join(dir, "model.onnx")))
	if found {
		return cli.ShellWord(dir)
	}
	return cli.ShellWord(m) + " " + cli.ShellWord(e.Tokenizer.Path)
}

// runtimeHint is what makes ONNX Runtime available when err is why it
// is not ("" for another error).
func runtimeHint(err error) string {
	switch {
	case errors.Is(err, onnx.ErrNoRuntime):
		return "rebuild git-scry with cgo (a C compiler) via ./scripts/install.sh to run ONNX models; or go back with 'git scry model use builtin'"
	case errors.Is(err, onnx.ErrNoLibrary), errors.Is(err, onnx.ErrBadLibrary):
		return fmt.Sprintf("install ONNX Runtime %s with scripts/fetch-onnxruntime.sh (from a verdigris checkout), or set %s=/path/to/libonnxruntime.so.1; or go back with 'git scry model use builtin'", onnx.RuntimeVersion, onnx.LibraryEnv)
	}
	return ""
}

// PassedOver says, without loading the model, why the model in use
// cannot run here (as Select's reason words it: "model NAME: …") and
// what to do; "" when no model is in use or nothing stops it.
func PassedOver(getenv func(string) string) (cause, hint string) {
	path, err := Path(getenv)
	if err != nil {
		return "", ""
	}
	reg, err := Load(path)
	if err != nil || reg.Active == "" {
		return "", ""
	}
	entry, ok := reg.Find(reg.Active)
	if !ok {
		return "", ""
	}
	if err := Usable(entry, getenv); err != nil {
		hint := fallbackHint(entry, err)
		if hint == "" {
			hint = runtimeHint(err)
		}
		return fmt.Sprintf("model %s: %v", entry.Name, err), hint
	}
	return "", ""
}

// Usable checks, without loading the model, what Open needs first: ONNX
// Runtime in this binary, its library loaded, the registered files.
func Usable(entry *Entry, getenv func(string) string) error {
	if !onnx.Built {
		return onnx.ErrNoRuntime
	}
	for _, f := range entry.Files() {
		if err := Verify(f); errors.Is(err, iofs.ErrNotExist) {
			// Not "stat PATH: no such file or directory".
			return &missingError{f.Path}
		} else if err != nil {
			return err
		}
	}
	_, _, err := onnx.Runtime(getenv)
	return err
}

// FilesState says whether a registered model's files are the ones
// pinned: "ok", "missing", "changed" or "unreadable", and the error
// behind any but "ok". It reads no more than Usable does.
func FilesState(entry *Entry) (string, error) {
	for _, f := range entry.Files() {
		switch err := Verify(f); {
		case err == nil:
		case errors.Is(err, iofs.ErrNotExist):
			return "missing", &missingError{f.Path}
		case errors.Is(err, ErrChanged):
			return "changed", err
		default:
			return "unreadable", err
		}
	}
	return "ok", nil
}

// Open checks a registered model's files and opens it with ONNX Runtime.
func Open(ctx context.Context, entry *Entry, getenv func(string) string) (embed.Embedder, error) {
	if err := Usable(entry, getenv); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return onnx.Open(entry.Config(getenv))
}

// Config is how onnx.Open runs the model; its ID is the embedder's.
func (e *Entry) Config(getenv func(string) string) onnx.Config {
	return onnx.Config{
		Name:           e.Name,
		Model:          e.Model.Path,
		Tokenizer:      e.Tokenizer.Path,
		ModelSHA256:    e.Model.SHA256,
		TokSHA256:      e.Tokenizer.SHA256,
		ExternalSHA256: externalSums(e),
		QueryPrefix:    e.QueryPrefix,
		PassagePrefix:  e.PassagePrefix,
		Pooling:        e.Pooling,
		ExcludePrompt:  e.IncludePrompt != nil && !*e.IncludePrompt,
		MaxLength:      e.MaxLength,
		LowerCase:      e.LowerCase,
		BertCasing:     e.BertCasing,
		TruncateDim:    e.TruncateDim,
		Getenv:         getenv,
	}
}

// Status is what 'git scry model ls --json' and 'verdigris doctor' say
// about the embedder in use.
type Status struct {
	Runtime struct {
		Built   bool   `json:"built"` // this binary has the ONNX Runtime bindings
		Library string `json:"library,omitempty"`
		Version string `json:"version,omitempty"`
		Error   string `json:"error,omitempty"`
	} `json:"runtime"`
	Embedder string `json:"embedder"` // "onnx" or "builtin"
	ID       string `json:"id,omitempty"`
	Dim      int    `json:"dim,omitempty"`
	Reason   string `json:"reason"`
	// Hint is what to do when the model's files are the reason.
	Hint string `json:"hint,omitempty"`
}

// Describe loads the runtime and the active model the way Select does and
// reports the outcome.
func Describe(ctx context.Context, getenv func(string) string) Status {
	var st Status
	st.Runtime.Built = onnx.Built
	if onnx.Built {
		lib, version, err := onnx.Runtime(getenv)
		st.Runtime.Library, st.Runtime.Version = lib, version
		if err != nil {
			st.Runtime.Error = err.Error()
		}
	} else {
		st.Runtime.Error = onnx.ErrNoRuntime.Error()
	}
	e, reason, hint := selectONNXHint(ctx, getenv)
	st.Reason, st.Hint = reason, hint
	st.Embedder = "builtin"
	if e != nil {
		st.Embedder, st.ID, st.Dim = "onnx", e.ID(), e.Dim()
		e.Close()
	}
	return st
}

// missingError is a pinned file that is not there any more; it is
// iofs.ErrNotExist.
type missingError struct{ path string }

func (e *missingError) Error() string { return e.path + " is missing" }
func (e *missingError) Unwrap() error { return iofs.ErrNotExist }

func externalSums(e *Entry) []string {
	var sums []string
	for _, f := range e.External {
		sums = append(sums, f.SHA256)
	}
	return sums
}
