package fold

import "testing"

// Latin letters lose their diacritics, precomposed or combining; other
// scripts, and Latin letters that are no base letter with a mark, keep
// theirs.
func TestLatin(t *testing.T) {
	for in, want := range map[string]string{
		"naive":              "naive",
		"Naïve Crème Brûlée": "naive creme brulee",
		"nai\u0308ve":        "naive",
		"ÉCOLE":              "ecole",
		"Ångström façade":    "angstrom facade",
		"йод и\u0306":        "йод и\u0306",
		"Ærø Straße":         "ærø straße",
		"\u0308orphan":       "\u0308orphan",
		"修复 é":               "修复 e",
	} {
		if got := Latin(in); got != want {
			t.Errorf("Latin(%q) = %q, want %q", in, got, want)
		}
	}
}
