package text

import "strings"

// American spells a lowercased British English word the American way
// ("colour" → "color", "initialised" → "initialized", "licence" →
// "license") and returns any other word as it is. A question is written
// in its asker's English and a history in its committers'; Porter2 stems
// the two spellings apart ("colour" and "color", "initialis" and "initi"),
// so without this neither lexical nor semantic search would see that they
// are the same word. American is the target because most public
// histories, and the text the built-in embedder learns from, use it.
//
// Only listed words and roots are respelled: the endings alone are
// ambiguous ("promise", "exercise", "four", "detour" keep theirs).
func American(w string) string {
	if len(w) < 4 {
		return w
	}
	if a, ok := britishWords[w]; ok {
		return a
	}
	if strings.Contains(w, "our") {
		for _, root := range ourRoots {
			if strings.HasPrefix(w, root) {
				// colour, colours, coloured, colourful, colourise
				w = root[:len(root)-2] + "r" + w[len(root):]
				break
			}
		}
	}
	return izeForm(w)
}

// izeForm respells the -ise verbs of iseRoots and their derived forms
// (initialise, initialised, initialising, initialiser, initialisation),
// prefixes included ("reinitialise", "unrecognised").
func izeForm(w string) string {
	for _, suf := range iseSuffixes {
		if !strings.HasSuffix(w, suf) {
			continue
		}
		stem := w[:len(w)-len(suf)]
		for _, root := range iseRoots {
			if strings.HasSuffix(stem, root) {
				return stem + "iz" + suf[2:]
			}
		}
		return w
	}
	return w
}

// iseSuffixes are the endings of an -ise verb's forms, longest first so
// that "isations" is not taken for "s".
var iseSuffixes = []string{"isations", "isation", "isable", "isers", "ising", "ises", "ised", "iser", "ise"}

// iseRoots are the words whose -ise forms are respelled -ize, as they stand
// before the ending. A list, not a rule: "advise", "premise", "expertise"
// and "otherwise" are the same in both Englishes.
var iseRoots = strings.Fields(`initial normal serial optim custom organ recogn sanit synchron
	final author priorit summar minim maxim categor util real special general visual central
	local memor capital parallel token vector stabil standard modern personal emphas apolog
	critic character random symbol global material virtual container modular extern intern
	anonym amort harmon familiar mobil neutral polar popular rational synthes theor trivial
	equal factor lexical canonical hospital ideal legal monet penal fertil steril subsid
	pressur energ econom jeopard agon mesmer ostrac patron scrutin sympath tantal vandal
	victim colon human italic marginal raster color`)

// ourRoots are the words spelled -our in British English and -or in
// American, as a prefix of their forms.
var ourRoots = strings.Fields(`colour behaviour honour favour flavour neighbour labour humour
	rumour harbour vapour armour endeavour odour savour vigour rigour parlour valour clamour
	tumour saviour splendour`)

// britishWords are the respellings no rule covers.
var britishWords = map[string]string{
	"analyse": "analyze", "analysed": "analyzed", "analysing": "analyzing", "analyser": "analyzer", "analysers": "analyzers",
	"paralyse": "paralyze", "paralysed": "paralyzed", "catalyse": "catalyze", "catalysed": "catalyzed",
	"licence": "license", "licences": "licenses", "licenced": "licensed", "licencing": "licensing",
	"defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses", "pretence": "pretense",
	"centre": "center", "centres": "centers", "centred": "centered", "centring": "centering",
	"metre": "meter", "metres": "meters", "litre": "liter", "litres": "liters", "fibre": "fiber", "fibres": "fibers",
	"theatre": "theater", "calibre": "caliber", "spectre": "specter", "sombre": "somber", "meagre": "meager",
	"catalogue": "catalog", "catalogues": "catalogs", "catalogued": "cataloged", "cataloguing": "cataloging",
	"dialogue": "dialog", "dialogues": "dialogs", "analogue": "analog", "analogues": "analogs",
	"prologue": "prolog", "epilogue": "epilog",
	"grey": "gray", "greys": "grays", "greyed": "grayed", "greying": "graying",
	"artefact": "artifact", "artefacts": "artifacts",
	"judgement": "judgment", "judgements": "judgments",
	"acknowledgement": "acknowledgment", "acknowledgements": "acknowledgments",
	"programme": "program", "programmes": "programs",
	"practise": "practice", "practised": "practiced", "practises": "practices", "practising": "practicing",
	"learnt": "learned", "spelt": "spelled", "burnt": "burned", "dreamt": "dreamed", "amongst": "among",
	"tyre": "tire", "tyres": "tires", "aluminium": "aluminum", "sceptical": "skeptical",
	"mould": "mold", "manoeuvre": "maneuver", "plough": "plow", "cosy": "cozy",
	"enrolment": "enrollment", "fulfilment": "fulfillment", "instalment": "installment",
}
