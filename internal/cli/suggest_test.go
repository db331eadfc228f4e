package cli

import "testing"

func TestNearest(t *testing.T) {
	commands := []string{"install", "uninstall", "doctor", "version", "help"}
	for word, want := range map[string]string{
		"instal":    "install",   // a letter left out
		"doctr":     "doctor",    // the same
		"unintsall": "uninstall", // two neighbours swapped
		"INSTALL":   "install",   // case aside
		"vresion":   "version",
		"instll":    "install", // six letters: two edits allowed
		"hlp":       "help",
		"xyz":       "",
		"he":        "", // under three letters
		"install":   "", // the name itself is no typo
		"CI":        "",
		"insta":     "", // two edits from install, five letters: one allowed
	} {
		if got := Nearest(word, commands); got != want {
			t.Errorf("Nearest(%q) = %q; want %q", word, got, want)
		}
	}
	// Case alone, however short; the nearest of two within reach.
	if got := Nearest("CI", []string{"ci", "pre-push"}); got != "ci" {
		t.Errorf("Nearest(CI) = %q; want ci", got)
	}
	if got := Nearest("instll", []string{"uninstall", "install"}); got != "install" {
		t.Errorf("Nearest(instll) = %q; want install", got)
	}
	// Two names as near: no guess.
	if got := Nearest("cat", []string{"cut", "cap"}); got != "" {
		t.Errorf("Nearest(cat) among cut, cap = %q; want none", got)
	}
}

// NearestOne guesses only within one edit (or a swap), where Nearest
// takes two for a word of six letters or more.
func TestNearestOne(t *testing.T) {
	names := []string{"index", "related", "eval", "model", "stats", "help"}
	for word, want := range map[string]string{
		"indx": "index", "relatd": "related", "relaetd": "related", "stat": "stats", "modle": "model", "Stats": "stats",
		"relted0": "", "indexes": "", "index": "", "ab": "", "quantum": "",
	} {
		if got := NearestOne(word, names); got != want {
			t.Errorf("NearestOne(%q) = %q, want %q", word, got, want)
		}
	}
}
