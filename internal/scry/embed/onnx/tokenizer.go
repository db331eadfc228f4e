package onnx

import (
	"encoding/json"
	"fmt"
	"os"
	"unicode"
)

// Tokenizer is a BERT WordPiece tokenizer read from a Hugging Face
// tokenizer.json: its normalizers in order (normalizer.go),
// BertPreTokenizer (whitespace and punctuation), greedy longest-match
// WordPiece, and [CLS] … [SEP] around each text.
type Tokenizer struct {
	vocab         map[string]int64
	unk, cls, sep int64
	pad           int64
	prefix        string // continuing-subword prefix, "##"
	maxWordChars  int
	maxLen        int // including [CLS] and [SEP]
	truncation    int // tokenizer.json's max_length, 0 where it sets none
	normalizers   []normalizeFunc
	// added finds the added tokens in the raw text, addedNormalized
	// those to match after normalization (added_vocabulary.rs).
	added, addedNormalized addedMatcher
	// addedSpecs and addedIDs are tokenizer.json's added tokens and the
	// id each content takes, kept to match them anew when the
	// normalizers change (LowerCase).
	addedSpecs []addedTokenSpec
	addedIDs   map[string]int64
	// lowercases: a normalizer is Lowercase, as sentence-transformers'
	// do_lower_case looks for one.
	lowercases bool
	// normalizer is tokenizer.json's, kept to make its steps anew when
	// SetBertCasing changes it; lowerFirst, LowerCase put a Lowercase
	// before them.
	normalizer *normalizerSpec
	lowerFirst bool
}

// tokenizerFile is the part of tokenizer.json the tokenizer reads.
type tokenizerFile struct {
	Truncation *struct {
		MaxLength int `json:"max_length"`
	} `json:"truncation"`
	Normalizer    *normalizerSpec   `json:"normalizer"`
	PreTokenizer  *preTokenizerSpec `json:"pre_tokenizer"`
	PostProcessor *struct {
		Type   string `json:"type"`
		Cls    []any  `json:"cls"`
		Sep    []any  `json:"sep"`
		Single []struct {
			SpecialToken *struct {
				ID string `json:"id"`
			} `json:"SpecialToken"`
		} `json:"single"`
	} `json:"post_processor"`
	Model struct {
		Type                    string           `json:"type"`
		UnkToken                string           `json:"unk_token"`
		ContinuingSubwordPrefix *string          `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    int              `json:"max_input_chars_per_word"`
		Vocab                   map[string]int64 `json:"vocab"`
	} `json:"model"`
	AddedTokens []addedTokenSpec `json:"added_tokens"`
	Padding     *struct {
		PadID int64 `json:"pad_id"`
	} `json:"padding"`
}

// preTokenizerSpec is tokenizer.json's pre_tokenizer: how a text is
// split into words before WordPiece.
type preTokenizerSpec struct {
	Type          string              `json:"type"`
	PreTokenizers []*preTokenizerSpec `json:"pretokenizers"`
}

// check refuses a pre-tokenizer other than BERT's (whitespace, then each
// punctuation character a word), which preTokenize is: Whitespace splits
// "a--b" into a, --, b, and Digits splits numbers, other ids than
// Hugging Face's tokenizers gives. None named is taken as BERT's, as
// before it was read.
func (p *preTokenizerSpec) check() error {
	switch {
	case p == nil, p.Type == "BertPreTokenizer":
		return nil
	case p.Type == "Sequence":
		for _, sub := range p.PreTokenizers {
			if sub == nil || sub.Type != "BertPreTokenizer" {
				return sub.refused()
			}
		}
		return nil
	}
	return p.refused()
}

func (p *preTokenizerSpec) refused() error {
	what := "null"
	if p != nil {
		what = fmt.Sprintf("%q", p.Type)
	}
	return fmt.Errorf("tokenizer pre_tokenizer %s is not supported: git scry splits words as BERT does (BertPreTokenizer)", what)
}

// DefaultMaxLength caps a text's tokens when tokenizer.json sets no
// truncation (BERT's position table has 512 entries).
const DefaultMaxLength = 512

// LoadTokenizer reads a tokenizer.json.
func LoadTokenizer(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ParseTokenizer(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseTokenizer parses the contents of a tokenizer.json.
func ParseTokenizer(data []byte) (*Tokenizer, error) {
	// The model type first: other models' vocabularies have other shapes.
	var kind struct {
		Model struct {
			Type string `json:"type"`
		} `json:"model"`
	}
	if err := json.Unmarshal(data, &kind); err != nil {
		return nil, fmt.Errorf("not a tokenizer.json: %w", err)
	}
	if kind.Model.Type != "WordPiece" {
		return nil, fmt.Errorf("tokenizer model %q is not supported: only BERT WordPiece tokenizers are", kind.Model.Type)
	}
	var f tokenizerFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a tokenizer.json: %w", err)
	}
	if len(f.Model.Vocab) == 0 {
		return nil, fmt.Errorf("tokenizer has an empty vocabulary")
	}
	t := &Tokenizer{
		vocab:        f.Model.Vocab,
		prefix:       "##",
		maxWordChars: 100,
		maxLen:       DefaultMaxLength,
	}
	// An added token takes the model's id for its content when the model
	// has one (AddedVocabulary::add_tokens); it is no WordPiece piece
	// otherwise.
	addedIDs := map[string]int64{}
	for _, a := range f.AddedTokens {
		if id, ok := t.vocab[a.Content]; ok {
			addedIDs[a.Content] = id
		} else if _, ok := addedIDs[a.Content]; !ok {
			addedIDs[a.Content] = a.ID
		}
	}
	if f.Model.ContinuingSubwordPrefix != nil {
		t.prefix = *f.Model.ContinuingSubwordPrefix
	}
	if f.Model.MaxInputCharsPerWord > 0 {
		t.maxWordChars = f.Model.MaxInputCharsPerWord
	}
	if f.Truncation != nil && f.Truncation.MaxLength > 2 {
		t.maxLen, t.truncation = f.Truncation.MaxLength, f.Truncation.MaxLength
	}
	var err error
	t.normalizer = f.Normalizer
	if t.normalizers, err = normalizers(f.Normalizer); err != nil {
		return nil, err
	}
	if err := f.PreTokenizer.check(); err != nil {
		return nil, err
	}
	t.lowercases = f.Normalizer.lowercases()
	t.addedSpecs, t.addedIDs = f.AddedTokens, addedIDs
	t.matchAdded()
	unk := f.Model.UnkToken
	if unk == "" {
		unk = "[UNK]"
	}
	cls, sep := "[CLS]", "[SEP]"
	if pp := f.PostProcessor; pp != nil {
		switch pp.Type {
		case "BertProcessing", "RobertaProcessing":
			if len(pp.Cls) > 0 {
				cls, _ = pp.Cls[0].(string)
			}
			if len(pp.Sep) > 0 {
				sep, _ = pp.Sep[0].(string)
			}
		case "TemplateProcessing":
			var specials []string
			for _, piece := range pp.Single {
				if piece.SpecialToken != nil {
					specials = append(specials, piece.SpecialToken.ID)
				}
			}
			if len(specials) == 2 {
				cls, sep = specials[0], specials[1]
			}
		}
	}
	var ok bool
	for _, s := range []struct {
		name string
		id   *int64
	}{{unk, &t.unk}, {cls, &t.cls}, {sep, &t.sep}} {
		if *s.id, ok = t.vocab[s.name]; !ok {
			*s.id, ok = addedIDs[s.name]
		}
		if !ok {
			return nil, fmt.Errorf("tokenizer vocabulary lacks the special token %s", s.name)
		}
	}
	if f.Padding != nil {
		t.pad = f.Padding.PadID
	} else if id, ok := t.vocab["[PAD]"]; ok {
		t.pad = id
	} else if id, ok := addedIDs["[PAD]"]; ok {
		t.pad = id
	}
	return t, nil
}

// matchAdded sets up the matching of the added tokens: those with
// normalized true are matched in their normalized form, which the
// normalizers in place make of them.
func (t *Tokenizer) matchAdded() {
	t.added, t.addedNormalized = addedMatcher{}, addedMatcher{}
	seen := map[string]bool{}
	for _, a := range t.addedSpecs {
		if seen[a.Content] {
			continue
		}
		seen[a.Content] = true
		tok := addedToken{content: a.Content, id: t.addedIDs[a.Content], singleWord: a.SingleWord, lstrip: a.LStrip, rstrip: a.RStrip}
		// Hugging Face's AddedToken::from: a special token is matched as
		// written unless tokenizer.json says otherwise.
		if a.Normalized == nil && a.Special || a.Normalized != nil && !*a.Normalized {
			t.added.add(tok)
			continue
		}
		tok.content = t.normalize(tok.content)
		t.addedNormalized.add(tok)
	}
}

// LowerCase makes the tokenizer lowercase every text first, as
// sentence-transformers does for a model whose sentence_bert_config.json
// says do_lower_case: its Transformer module puts a Lowercase normalizer
// before the tokenizer's own unless they have one (a Lowercase of their
// own, or in their Sequence; a BertNormalizer that lowercases does not
// count), and Hugging Face's tokenizers then normalizes the added
// tokens matched after normalization anew (with_normalizer). Added
// tokens matched as written ([CLS], [SEP], …) stay so: a text's "[SEP]"
// is still the special token.
func (t *Tokenizer) LowerCase() {
	if t.lowercases {
		return
	}
	t.normalizers = append([]normalizeFunc{lowercase}, t.normalizers...)
	t.lowercases, t.lowerFirst = true, true
	t.matchAdded()
}

// BertNormalizer is tokenizer.json's normalizer when it is a
// BertNormalizer (ok), as transformers reads its state: lowercase as
// Hugging Face's tokenizers takes it (true where unset), strip_accents
// nil where unset or null (it then follows lowercase).
func (t *Tokenizer) BertNormalizer() (lowercase bool, stripAccents *bool, ok bool) {
	n := t.normalizer
	if n == nil || n.Type != "BertNormalizer" {
		return false, nil, false
	}
	return n.Lowercase == nil || *n.Lowercase, n.StripAccents, true
}

// SetBertCasing makes tokenizer.json's BertNormalizer lowercase and
// strip accents as c says, its other steps as they were, as
// transformers' BertTokenizerFast (and the tokenizers of BERT's family)
// makes it anew from tokenizer_config.json's do_lower_case and
// strip_accents where they differ from it; the added tokens matched
// after normalization are normalized anew. A tokenizer without a
// BertNormalizer is refused.
func (t *Tokenizer) SetBertCasing(c BertCasing) error {
	if _, _, ok := t.BertNormalizer(); !ok {
		return fmt.Errorf("tokenizer normalizer is not a BertNormalizer, whose lowercase and strip_accents tokenizer_config.json sets")
	}
	n := *t.normalizer
	n.Lowercase, n.StripAccents = &c.Lowercase, &c.StripAccents
	steps, err := normalizers(&n)
	if err != nil {
		return err
	}
	if t.lowerFirst {
		steps = append([]normalizeFunc{lowercase}, steps...)
	}
	t.normalizer, t.normalizers = &n, steps
	t.matchAdded()
	return nil
}

// MaxLength is the most tokens one text is cut to, [CLS] and [SEP]
// included.
func (t *Tokenizer) MaxLength() int { return t.maxLen }

// Truncation is the max_length tokenizer.json cuts texts at, 0 where it
// sets none (and MaxLength is DefaultMaxLength).
func (t *Tokenizer) Truncation() int { return t.truncation }

// SetMaxLength cuts texts at n tokens, [CLS] and [SEP] included,
// rather than at tokenizer.json's max_length; 0 leaves it.
func (t *Tokenizer) SetMaxLength(n int) error {
	switch {
	case n == 0:
	case n < 3:
		return fmt.Errorf("a text cut at %d tokens holds none of its own ([CLS] and [SEP] are two)", n)
	default:
		t.maxLen = n
	}
	return nil
}

// PadID is the id that fills the batch after a text's end.
func (t *Tokenizer) PadID() int64 { return t.pad }

// Encode returns the token ids of s: [CLS], its added tokens and
// WordPiece tokens cut to the maximum length, [SEP].
func (t *Tokenizer) Encode(s string) []int64 {
	ids := []int64{t.cls}
	limit := t.maxLen - 1
	var raw, normalized [1]piece
	for _, p := range t.added.split(s, raw[:0]) {
		if p.id >= 0 {
			if len(ids) == limit {
				break
			}
			ids = append(ids, p.id)
			continue
		}
		for _, q := range t.addedNormalized.split(t.normalize(p.text), normalized[:0]) {
			if q.id >= 0 {
				if len(ids) == limit {
					break
				}
				ids = append(ids, q.id)
				continue
			}
			for _, word := range t.preTokenize(q.text) {
				for _, id := range t.wordPiece(word) {
					if len(ids) == limit {
						return append(ids, t.sep)
					}
					ids = append(ids, id)
				}
			}
		}
	}
	return append(ids, t.sep)
}

func (t *Tokenizer) normalize(s string) string {
	for _, n := range t.normalizers {
		s = n(s)
	}
	return s
}

// preTokenize splits on whitespace and makes every punctuation character
// a word of its own.
func (t *Tokenizer) preTokenize(s string) []string {
	var words []string
	start := -1
	for i, r := range s {
		switch {
		case unicode.IsSpace(r):
			if start >= 0 {
				words = append(words, s[start:i])
				start = -1
			}
		case isPunct(r):
			if start >= 0 {
				words = append(words, s[start:i])
				start = -1
			}
			words = append(words, string(r))
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// wordPiece splits one word greedily into the longest known pieces; a
// word with an unknown remainder is [UNK] as a whole.
func (t *Tokenizer) wordPiece(w string) []int64 {
	runes := []rune(w)
	if len(runes) > t.maxWordChars {
		return []int64{t.unk}
	}
	var out []int64
	for start := 0; start < len(runes); {
		end := len(runes)
		found := int64(-1)
		for ; end > start; end-- {
			piece := string(runes[start:end])
			if start > 0 {
				piece = t.prefix + piece
			}
			if id, ok := t.vocab[piece]; ok {
				found = id
				break
			}
		}
		if found < 0 {
			return []int64{t.unk}
		}
		out = append(out, found)
		start = end
	}
	return out
}

// isPunct is BERT's notion: ASCII symbols count as punctuation too ($, ^, `).
func isPunct(r rune) bool {
	if (r >= 33 && r <= 47) || (r >= 58 && r <= 64) || (r >= 91 && r <= 96) || (r >= 123 && r <= 126) {
		return true
	}
	return unicode.IsPunct(r)
}
