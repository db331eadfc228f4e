package onnx

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Added tokens ([CLS], [SEP], [MASK], [UNK], [PAD] and whatever a model
// added) are found in a text before it is normalized and pre-tokenized,
// and each becomes its own id, as Hugging Face tokenizers'
// AddedVocabulary does (tokenizers/src/tokenizer/added_vocabulary.rs:
// refresh_added_tokens, find_matches, extract_and_normalize): tokens with
// normalized false are matched in the raw text; the rest of the text is
// normalized, and tokens with normalized true are matched, in their
// normalized form, in what normalization made of it. Matching is
// leftmost-longest (its Aho-Corasick MatchKind::LeftmostLongest).

// addedTokenSpec is an entry of tokenizer.json's added_tokens.
type addedTokenSpec struct {
	ID         int64  `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized *bool  `json:"normalized"`
	Special    bool   `json:"special"`
}

type addedToken struct {
	content                    string
	id                         int64
	singleWord, lstrip, rstrip bool
}

// addedMatcher finds one set of added tokens in a text.
type addedMatcher struct {
	tokens []addedToken
	first  [256]bool // the first bytes of the tokens' contents
}

func (m *addedMatcher) add(a addedToken) {
	if a.content == "" {
		return
	}
	m.tokens = append(m.tokens, a)
	m.first[a.content[0]] = true
}

// piece is a part of a text: an added token's id, or text (id < 0).
type piece struct {
	text string
	id   int64
}

// split appends to out the pieces of s, in order (an empty text has
// none: it makes no token).
func (m *addedMatcher) split(s string, out []piece) []piece {
	if len(m.tokens) == 0 {
		return append(out, piece{s, -1})
	}
	from := 0 // where the text not yet split off starts
	for i := 0; i < len(s); {
		if !m.first[s[i]] {
			i++
			continue
		}
		best := -1
		for k, a := range m.tokens {
			if strings.HasPrefix(s[i:], a.content) && (best < 0 || len(a.content) > len(m.tokens[best].content)) {
				best = k
			}
		}
		if best < 0 {
			i++
			continue
		}
		a := &m.tokens[best]
		start, stop := i, i+len(a.content)
		// The search goes on after the match, kept or not, as Aho-Corasick's
		// iterator does.
		i = stop
		if a.singleWord && (endsWithWord(s[:start]) || startsWithWord(s[stop:])) {
			continue
		}
		if a.lstrip {
			start = max(len(strings.TrimRightFunc(s[:start], unicode.IsSpace)), from)
		}
		if a.rstrip {
			stop = len(s) - len(strings.TrimLeftFunc(s[stop:], unicode.IsSpace))
			// Hugging Face searches on from the match's end and would
			// split the stripped spaces twice if a token began with one;
			// they are the token's.
			i = stop
		}
		if from < start {
			out = append(out, piece{s[from:start], -1})
		}
		out = append(out, piece{id: a.id})
		from = stop
	}
	if from < len(s) {
		out = append(out, piece{s[from:], -1})
	}
	return out
}

// isWordChar is the regex crate's Unicode \w, which find_matches asks of
// the characters either side of a single_word token: alphabetic, marks,
// decimal digits, connector punctuation and the join controls.
func isWordChar(r rune) bool {
	return unicode.In(r, unicode.L, unicode.Nl, unicode.Other_Alphabetic, unicode.M, unicode.Nd, unicode.Pc, unicode.Join_Control)
}

func endsWithWord(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return isWordChar(r)
}

func startsWithWord(s string) bool {
	for _, r := range s {
		return isWordChar(r)
	}
	return false
}
