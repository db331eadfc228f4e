package session

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseRewrites(t *testing.T) {
	a, b, c := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 64)
	got, err := ParseRewrites(strings.NewReader(a + " " + b + "\n\n" + b + " " + c + " extra info\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Rewrite{{a, b}, {b, c}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, bad := range []string{a + "\n", a + " HEAD\n", a + " " + strings.ToUpper(b) + "\n", "abc def\n"} {
		_, err := ParseRewrites(strings.NewReader(bad))
		var in *RewriteInputError
		if !errors.As(err, &in) {
			t.Errorf("%q: err = %v, want a RewriteInputError", bad, err)
		}
	}
	if got, err := ParseRewrites(strings.NewReader("")); err != nil || len(got) != 0 {
		t.Errorf("empty input: %v, %v", got, err)
	}
}
