package onnx

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The normalizers follow Hugging Face tokenizers' Rust source
// (tokenizers/src/normalizers: bert.rs, utils.rs, strip.rs, unicode.rs,
// replace.rs, prepend.rs): a Sequence applies its normalizers in the
// order tokenizer.json lists them, each on the output of the one before.

// normalizeFunc is one normalizer of tokenizer.json.
type normalizeFunc func(string) string

type normalizerSpec struct {
	Type               string            `json:"type"`
	CleanText          *bool             `json:"clean_text"`
	HandleChineseChars *bool             `json:"handle_chinese_chars"`
	StripAccents       *bool             `json:"strip_accents"`
	Lowercase          *bool             `json:"lowercase"`
	Normalizers        []*normalizerSpec `json:"normalizers"`
	StripLeft          bool              `json:"strip_left"`
	StripRight         bool              `json:"strip_right"`
	Pattern            *struct {
		String *string `json:"String"`
		Regex  *string `json:"Regex"`
	} `json:"pattern"`
	Content string  `json:"content"`
	Prepend *string `json:"prepend"`
}

// lowercases reports whether n is a Lowercase normalizer or a Sequence
// that lists one, as sentence-transformers' Transformer module looks
// for one (has_lowercase) before it adds its own for do_lower_case.
func (n *normalizerSpec) lowercases() bool {
	if n == nil {
		return false
	}
	if n.Type == "Lowercase" {
		return true
	}
	if n.Type == "Sequence" {
		for _, s := range n.Normalizers {
			if s != nil && s.Type == "Lowercase" {
				return true
			}
		}
	}
	return false
}

// normalizers returns the steps n applies, in order; nil for no
// normalizer.
func normalizers(n *normalizerSpec) ([]normalizeFunc, error) {
	if n == nil {
		return nil, nil
	}
	switch n.Type {
	case "Sequence":
		var steps []normalizeFunc
		for _, s := range n.Normalizers {
			sub, err := normalizers(s)
			if err != nil {
				return nil, err
			}
			steps = append(steps, sub...)
		}
		return steps, nil
	case "BertNormalizer":
		b := bertNormalizer{
			cleanText:    n.CleanText == nil || *n.CleanText,
			chineseChars: n.HandleChineseChars == nil || *n.HandleChineseChars,
			lowercase:    n.Lowercase == nil || *n.Lowercase,
		}
		// Unset strip_accents follows lowercase, as in BERT.
		b.stripAccents = b.lowercase
		if n.StripAccents != nil {
			b.stripAccents = *n.StripAccents
		}
		return []normalizeFunc{b.normalize}, nil
	case "Lowercase":
		return []normalizeFunc{lowercase}, nil
	case "StripAccents":
		return []normalizeFunc{stripMarks}, nil
	case "NFD":
		return []normalizeFunc{unicodeForm(norm.NFD)}, nil
	case "NFC":
		return []normalizeFunc{unicodeForm(norm.NFC)}, nil
	case "NFKD":
		return []normalizeFunc{unicodeForm(norm.NFKD)}, nil
	case "NFKC":
		return []normalizeFunc{unicodeForm(norm.NFKC)}, nil
	case "Strip":
		left, right := n.StripLeft, n.StripRight
		return []normalizeFunc{func(s string) string {
			if left {
				s = strings.TrimLeftFunc(s, unicode.IsSpace)
			}
			if right {
				s = strings.TrimRightFunc(s, unicode.IsSpace)
			}
			return s
		}}, nil
	case "Replace":
		// A Regex pattern is an Oniguruma regular expression, which Go's
		// regexp does not match alike.
		if n.Pattern == nil || n.Pattern.String == nil || *n.Pattern.String == "" {
			return nil, fmt.Errorf("tokenizer normalizer Replace is supported with a string pattern only, not a regular expression")
		}
		old, content := *n.Pattern.String, n.Content
		return []normalizeFunc{func(s string) string { return strings.ReplaceAll(s, old, content) }}, nil
	case "Prepend":
		if n.Prepend == nil {
			return nil, fmt.Errorf("tokenizer normalizer Prepend has no prepend string")
		}
		p := *n.Prepend
		return []normalizeFunc{func(s string) string {
			// Hugging Face prepends to a non-empty text only.
			if s == "" {
				return s
			}
			return p + s
		}}, nil
	}
	return nil, fmt.Errorf("tokenizer normalizer %q is not supported", n.Type)
}

// bertNormalizer is BertNormalizer: clean_text, handle_chinese_chars,
// strip_accents (NFD, then nonspacing marks removed), lowercase, in this
// order (bert.rs).
type bertNormalizer struct {
	cleanText, chineseChars, stripAccents, lowercase bool
}

func (n bertNormalizer) normalize(s string) string {
	if n.cleanText || n.chineseChars {
		var b strings.Builder
		b.Grow(len(s))
		for _, r := range s {
			if n.cleanText {
				if r == 0 || r == utf8.RuneError || isControl(r) {
					continue
				}
				if unicode.IsSpace(r) {
					r = ' '
				}
			}
			if n.chineseChars && isCJK(r) {
				b.WriteByte(' ')
				b.WriteRune(r)
				b.WriteByte(' ')
				continue
			}
			b.WriteRune(r)
		}
		s = b.String()
	}
	if n.stripAccents && !isASCII(s) {
		s = strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, norm.NFD.String(s))
	}
	if n.lowercase {
		s = lowercase(s)
	}
	return s
}

// lowercase is Rust's char::to_lowercase applied to each character (as
// NormalizedString::lowercase does): U+0130 İ is the one character whose
// lowercase is two, i and U+0307, where Go's unicode.ToLower gives i.
func lowercase(s string) string {
	if strings.ContainsRune(s, 'İ') {
		s = strings.ReplaceAll(s, "İ", "i\u0307")
	}
	return strings.ToLower(s)
}

// stripMarks is the StripAccents normalizer: it removes combining marks
// (General_Category Mark, unicode-normalization's is_combining_mark) and
// decomposes nothing; tokenizer.json puts NFD or NFKD before it.
func stripMarks(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.M, r) {
			return -1
		}
		return r
	}, s)
}

func unicodeForm(f norm.Form) normalizeFunc {
	return func(s string) string {
		if isASCII(s) {
			return s
		}
		return f.String(s)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isControl is BERT's: tab, newline and carriage return count as
// whitespace, not control characters.
func isControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) || (r >= 0x20000 && r <= 0x2A6DF) ||
		(r >= 0x2A700 && r <= 0x2B73F) || (r >= 0x2B740 && r <= 0x2B81F) || (r >= 0x2B820 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0x2F800 && r <= 0x2FA1F)
}
