package text

import (
	"reflect"
	"testing"
)

func TestAmerican(t *testing.T) {
	for in, want := range map[string]string{
		"colour": "color", "colours": "colors", "coloured": "colored", "colourful": "colorful",
		"colourise": "colorize", "behaviour": "behavior", "behavioural": "behavioral",
		"favourite": "favorite", "neighbours": "neighbors",
		"initialise": "initialize", "initialised": "initialized", "initialising": "initializing",
		"initialisation": "initialization", "initialisations": "initializations",
		"reinitialise": "reinitialize", "unrecognised": "unrecognized", "recognisable": "recognizable",
		"serialisers": "serializers", "deserialise": "deserialize", "optimisation": "optimization",
		"analyse": "analyze", "licence": "license", "centre": "center", "catalogue": "catalog",
		"grey": "gray", "artefacts": "artifacts", "judgement": "judgment", "amongst": "among",
		// the same in both Englishes, or not a word this knows
		"promise": "promise", "exercise": "exercise", "advised": "advised", "premises": "premises",
		"otherwise": "otherwise", "expertise": "expertise", "noise": "noise", "raise": "raise",
		"four": "four", "hours": "hours", "detour": "detour", "contour": "contour", "yours": "yours",
		"analyses": "analyses", "emphasis": "emphasis", "color": "color", "initialize": "initialize",
		"organism": "organism", "ise": "ise",
	} {
		if got := American(in); got != want {
			t.Errorf("American(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestBritishQueryMeetsAmericanHistory pins why the respelling exists: a
// question in British English and a commit in American must have the
// same terms.
func TestBritishQueryMeetsAmericanHistory(t *testing.T) {
	for british, american := range map[string]string{
		"colours are switched off":           "colors are switched off",
		"initialisation behaviour changed":   "initialization behavior changed",
		"the licence centre":                 "the license center",
		"serialised catalogue, whilst grey":  "serialized catalog, gray",
		"optimise the analyser's favourites": "optimize the analyzer's favorites",
	} {
		if b, a := Terms(british), Terms(american); !reflect.DeepEqual(b, a) {
			t.Errorf("Terms(%q) = %q; Terms(%q) = %q", british, b, american, a)
		}
	}
}
