package hooks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"
)

// Every shim this build installs is listed as shipped: otherwise the next
// install would take an unchanged shim for one a user edited.
func TestShippedListsTheShims(t *testing.T) {
	for _, name := range Names {
		b, err := FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !Shipped(name, b) {
			sum := sha256.Sum256(b)
			t.Errorf("%s is not in shipped.sha256: add the line %q", name, hex.EncodeToString(sum[:])+"  "+name)
		}
		if !IsShim(b) {
			t.Errorf("%s lacks the marker %q", name, Marker)
		}
		edited := append(append([]byte{}, b...), "echo mine\n"...)
		if Shipped(name, edited) || !IsShim(edited) {
			t.Errorf("an edited %s counts as shipped", name)
		}
		for _, other := range Names {
			if other != name && Shipped(other, b) {
				t.Errorf("the %s shim counts as a shipped %s", name, other)
			}
		}
	}
}

// Every shim in this directory is one install places: a shim left out of
// Names (or of the go:embed line) would be shipped and never installed.
func TestEveryShimIsInstalled(t *testing.T) {
	ents, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(e.Name())
		if err != nil || !bytes.HasPrefix(b, []byte("#!")) || !IsShim(b) {
			continue
		}
		if !slices.Contains(Names, e.Name()) {
			t.Errorf("%s is a shim but not in Names", e.Name())
		}
		if embedded, err := FS.ReadFile(e.Name()); err != nil || !bytes.Equal(embedded, b) {
			t.Errorf("%s is not embedded as it is here (%v)", e.Name(), err)
		}
	}
}

// A user's kept hook runs the same way from every shim, and a binary off
// PATH is looked for the same way: the code is one text, copied into each.
func TestShimsRunTheKeptHookAlike(t *testing.T) {
	ref := Names[0]
	for _, fn := range []string{"chained_shell() {\n", "run_chained() {\n", "have() {\n", "shell_word() {\n", "install_hint() {\n"} {
		want := shellFunc(t, ref, fn)
		for _, name := range Names[1:] {
			if fn == "run_chained() {\n" && name == "post-commit" {
				continue // it runs the same lines inline
			}
			if got := shellFunc(t, name, fn); got != want {
				t.Errorf("%s's %s differs from %s's:\n%s\nwant:\n%s", name, strings.TrimSuffix(fn, " {\n"), ref, got, want)
			}
		}
	}
}

// The hooks after a commit warn alike of a binary they did not find
// (pre-push, which refuses the push, says it in an error and a hint).
func TestShimsWarnOfAMissingBinaryAlike(t *testing.T) {
	ref := Names[1]
	want := shellFunc(t, ref, "not_found() {\n")
	for _, name := range Names[2:] {
		if got := shellFunc(t, name, "not_found() {\n"); got != want {
			t.Errorf("%s's not_found differs from %s's:\n%s\nwant:\n%s", name, ref, got, want)
		}
	}
}

// shellFunc returns the body of the function that starts with head in the
// shim name, up to its closing brace alone on a line.
func shellFunc(t *testing.T, name, head string) string {
	t.Helper()
	b, err := FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n"+head)
	body, _, closed := strings.Cut(rest, "\n}\n")
	if !ok || !closed {
		t.Fatalf("%s has no function %q", name, head)
	}
	return body
}
