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

// LatinASCII spells a Latin name in ASCII: the marks dropped as Latin
// drops them, and the letters that are no base letter with a mark (ø, ß,
// æ, þ) spelled; other scripts stay.
func TestLatinASCII(t *testing.T) {
	for in, want := range map[string]string{
		"Zoë Müller":             "zoe muller",
		"Zoe\u0308 Mu\u0308ller": "zoe muller",
		"Bjørn ØDEGÅRD":          "bjorn odegard",
		"Straße STRAẞE":          "strasse strasse",
		"Æsir Œuvre":             "aesir oeuvre",
		"Łódź Đorđe":             "lodz dorde",
		"Þóra Guðrún":            "thora gudrun",
		"Ħal Ŧ ĸ ŀ ŉ ı":          "hal t k l n i",
		"Ŋ Ĳssel Ǆ ǅ ǈ ǋ ǲ":      "ng ijssel dz dz lj nj dz",
		"Ǽ Ǿ ø\u0301":            "ae o o",
		"İstanbul":               "istanbul",
		"йод Ωμέγα 克劳德":          "йод ωμέγα 克劳德",
		"Ærø\u0308":              "aero",
	} {
		if got := LatinASCII(in); got != want {
			t.Errorf("LatinASCII(%q) = %q, want %q", in, got, want)
		}
	}
	// Search keeps them letters of their own.
	if got := Latin("Bjørn Straße"); got != "bjørn straße" {
		t.Errorf("Latin = %q", got)
	}
}
