package hooks

import (
	"crypto/sha256"
	"encoding/hex"
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
