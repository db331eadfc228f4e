package onnx

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/model/wordpiece"
	"github.com/sugarme/tokenizer/normalizer"
	"github.com/sugarme/tokenizer/pretokenizer"
	"github.com/sugarme/tokenizer/processor"

	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

// bertVocab returns the path of the real bert-base-uncased vocabulary
// that ships inside the sugarme/tokenizer module.
func bertVocab(t testing.TB) string {
	t.Helper()
	p, err := onnxtest.BertVocab()
	if err != nil {
		t.Skipf("no BERT vocabulary: %v", err)
	}
	return p
}

func writeTokenizerJSON(t testing.TB, vocabTxt, dir string, maxLen int) string {
	t.Helper()
	p, _, err := onnxtest.WriteTokenizer(dir, vocabTxt, maxLen)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var tokenizerSamples = []string{
	"Hello, world!",
	"fix: don't install custom hooks to hooks dir (#1246)",
	"parseHTTPHeader max_retry_count sha256 v2",
	"em — dash and “quotes”",
	"中文字符 mixed with English",
	"tabs\tand\nnewlines\r\nand  spaces",
	"emoji 🎉 and symbols $^`~|",
	"unbelievably antidisestablishmentarianism",
	"",
	"a " + strings.Repeat("verylongword", 20),
}

// The pure-Go tokenizer must give the ids an independent implementation
// (sugarme/tokenizer, a port of Hugging Face's) gives on the real
// bert-base-uncased vocabulary.
func TestTokenizerMatchesReferenceImplementation(t *testing.T) {
	vocab := bertVocab(t)
	path := writeTokenizerJSON(t, vocab, t.TempDir(), 512)
	ours, err := LoadTokenizer(path)
	if err != nil {
		t.Fatal(err)
	}
	wp, err := wordpiece.NewWordPieceFromFile(vocab, "[UNK]")
	if err != nil {
		t.Fatal(err)
	}
	ref := tokenizer.NewTokenizer(wp)
	ref.WithNormalizer(normalizer.NewBertNormalizer(true, true, true, true))
	ref.WithPreTokenizer(pretokenizer.NewBertPreTokenizer())
	sep, _ := ref.TokenToId("[SEP]")
	cls, _ := ref.TokenToId("[CLS]")
	ref.WithPostProcessor(processor.NewBertProcessing(processor.PostToken{Id: sep, Value: "[SEP]"}, processor.PostToken{Id: cls, Value: "[CLS]"}))
	for _, s := range tokenizerSamples {
		enc, err := ref.EncodeSingle(s, true)
		if err != nil {
			t.Fatalf("reference %q: %v", s, err)
		}
		got := ours.Encode(s)
		if len(got) != len(enc.Ids) {
			t.Errorf("%q: %d tokens %v; reference %d %v (%q)", s, len(got), got, len(enc.Ids), enc.Ids, enc.Tokens)
			continue
		}
		for i := range got {
			if got[i] != int64(enc.Ids[i]) {
				t.Errorf("%q: ids %v; reference %v (%q)", s, got, enc.Ids, enc.Tokens)
				break
			}
		}
	}
}

// sugarme's BertNormalizer keeps accents (its "café" is [UNK]); BERT's
// uncased models strip them, which the tokenizer must do.
func TestTokenizerStripsAccents(t *testing.T) {
	tok, err := LoadTokenizer(writeTokenizerJSON(t, bertVocab(t), t.TempDir(), 512))
	if err != nil {
		t.Fatal(err)
	}
	a, b := tok.Encode("Café naïve RÉSUMÉ"), tok.Encode("cafe naive resume")
	if len(a) != 5 || fmtIDs(a) != fmtIDs(b) {
		t.Errorf("accented %v, plain %v", a, b)
	}
}

func fmtIDs(ids []int64) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestTokenizerTruncatesAndRejects(t *testing.T) {
	vocab := bertVocab(t)
	tok, err := LoadTokenizer(writeTokenizerJSON(t, vocab, t.TempDir(), 8))
	if err != nil {
		t.Fatal(err)
	}
	ids := tok.Encode("one two three four five six seven eight nine ten")
	if len(ids) != 8 || ids[0] != 101 || ids[7] != 102 {
		t.Fatalf("truncated ids = %v; want 8 ids framed by [CLS]=101 and [SEP]=102", ids)
	}
	if tok.MaxLength() != 8 || tok.PadID() != 0 {
		t.Errorf("MaxLength %d PadID %d", tok.MaxLength(), tok.PadID())
	}
	for name, doc := range map[string]string{
		"not json":    "{",
		"unigram":     `{"model":{"type":"Unigram","vocab":[]}}`,
		"no specials": `{"model":{"type":"WordPiece","vocab":{"a":0}}}`,
		"normalizer":  `{"normalizer":{"type":"Precompiled"},"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}}}`,
		"regex":       `{"normalizer":{"type":"Sequence","normalizers":[{"type":"Replace","pattern":{"Regex":"\\s+"},"content":" "}]},"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}}}`,
		// Words split otherwise than BERT splits them ("a--b": a, --, b
		// for Whitespace; a, -, -, b for BertPreTokenizer) were split as
		// BERT does, other ids than Hugging Face's tokenizers gives.
		"whitespace pre-tokenizer": `{"pre_tokenizer":{"type":"Whitespace"},"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}}}`,
		"digits in a sequence":     `{"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"BertPreTokenizer"},{"type":"Digits","individual_digits":true}]},"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}}}`,
	} {
		if _, err := ParseTokenizer([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, doc := range map[string]string{
		"BertPreTokenizer":    `{"pre_tokenizer":{"type":"BertPreTokenizer"},"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}}}`,
		"in a sequence":       `{"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"BertPreTokenizer"}]},"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}}}`,
		"none named (as now)": `{"pre_tokenizer":null,"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}}}`,
	} {
		if _, err := ParseTokenizer([]byte(doc)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// tokenizerWith parses the bert-base-uncased tokenizer.json the tests
// write with its normalizer, and its added tokens when added is not nil,
// replaced.
func tokenizerWith(t testing.TB, normalizer any, added []any) (*Tokenizer, error) {
	t.Helper()
	data, err := os.ReadFile(writeTokenizerJSON(t, bertVocab(t), t.TempDir(), 512))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	doc["normalizer"] = normalizer
	if added != nil {
		doc["added_tokens"] = added
	}
	if data, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	return ParseTokenizer(data)
}

func sequence(steps ...any) map[string]any {
	return map[string]any{"type": "Sequence", "normalizers": steps}
}

func step(typ string, kv ...any) map[string]any {
	m := map[string]any{"type": typ}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// The expected ids are bert-base-uncased's vocab.txt line numbers from 0:
// [CLS] 101, [SEP] 102, [UNK] 100, file 5371, abc 5925, cafe 7668, "
// 1000, quoted 9339, ' 1005, unbelievable 23653, istanbul 9960. The
// vocabulary has no piece with U+0301 or U+0307, so a word keeping
// either is [UNK]; it has ﬁ (1984), which the tokenizer gave for "ﬁle"
// (with ##le) when it skipped NFKC.
func TestTokenizerAppliesNormalizersInOrder(t *testing.T) {
	for _, c := range []struct {
		name       string
		normalizer any
		text       string
		want       string
	}{
		{"NFKC ligature", sequence(step("NFKC"), step("Lowercase")), "ﬁle", "[101 5371 102]"},
		{"NFKC full width", sequence(step("NFKC"), step("Lowercase")), "ＡＢＣ", "[101 5925 102]"},
		{"NFD then StripAccents", sequence(step("NFD"), step("StripAccents"), step("Lowercase")), "Café", "[101 7668 102]"},
		// StripAccents before NFD finds no mark in the composed é; NFD
		// then leaves one, and the word is unknown.
		{"StripAccents then NFD", sequence(step("StripAccents"), step("NFD"), step("Lowercase")), "Café", "[101 100 102]"},
		{"Replace string", sequence(step("Replace", "pattern", map[string]any{"String": "``"}, "content", `"`), step("Lowercase")), "``Quoted''", "[101 1000 9339 1005 1005 102]"},
		{"Prepend", sequence(step("Prepend", "prepend", "un"), step("Lowercase")), "Believable", "[101 23653 102]"},
		{"Strip", sequence(step("Strip", "strip_left", true, "strip_right", true), step("Lowercase")), "  File ", "[101 5371 102]"},
		// Lowercase is Rust's: İ becomes i and U+0307, which only accent
		// stripping (NFD first) takes away.
		{"Lowercase İ", sequence(step("Lowercase")), "İstanbul", "[101 100 102]"},
		{"BertNormalizer keeping accents", step("BertNormalizer", "lowercase", true, "strip_accents", false), "İstanbul", "[101 100 102]"},
		{"BertNormalizer", step("BertNormalizer", "lowercase", true), "İstanbul", "[101 9960 102]"},
	} {
		tok, err := tokenizerWith(t, c.normalizer, nil)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := fmtIDs(tok.Encode(c.text)); got != c.want {
			t.Errorf("%s: %q gives %s, want %s", c.name, c.text, got, c.want)
		}
	}
}

func added(content string, id int, kv ...any) map[string]any {
	m := map[string]any{"id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// A commit message can hold "[SEP]" or "[MASK]": Hugging Face matches
// the added tokens in the text before normalizing it, and each is its
// own id. Ids from bert-base-uncased's vocab.txt (line numbers from 0):
// [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103, fix 8081,
// handling 8304, x 1060, [ 1031, sep 19802, ] 1033, un 4895, c 1039,
// ab 11113, cab 9298, abc 5925, d 1040, works 2573; "Verdigris" is not in
// it and takes the id tokenizer.json gives it.
func TestTokenizerMatchesAddedTokensInText(t *testing.T) {
	bert := step("BertNormalizer", "lowercase", true)
	prependUn := sequence(step("Prepend", "prepend", "un"))
	for _, c := range []struct {
		name       string
		normalizer any
		added      []any // nil: the five special tokens of the exports
		text       string
		want       string
	}{
		{"SEP in a subject", bert, nil, "fix [SEP] handling", "[101 8081 102 8304 102]"},
		{"within a word", bert, nil, "[CLS]x[SEP]", "[101 101 1060 102 102]"},
		{"MASK", bert, nil, "[MASK]", "[101 103 102]"},
		{"PAD and UNK", bert, nil, "[PAD][UNK]", "[101 0 100 102]"},
		// Matched as written: lowercased, it is text.
		{"not normalized", bert, nil, "[sep]", "[101 1031 19802 1033 102]"},
		{"normalized", bert, []any{added("Verdigris", 30522, "normalized", true)}, "VERDIGRIS works", "[101 30522 2573 102]"},
		{"in a word", bert, []any{added("ab", 30522)}, "cab", "[101 1039 11113 102]"},
		{"single word", bert, []any{added("ab", 30522, "single_word", true)}, "cab", "[101 9298 102]"},
		{"longest", bert, []any{added("ab", 30522), added("abc", 30523)}, "abcd", "[101 5925 1040 102]"},
		// Prepend makes text of the spaces a token leaves beside it.
		{"spaces kept", prependUn, []any{added("[MASK]", 103)}, " [MASK] ", "[101 4895 103 4895 102]"},
		{"rstrip", prependUn, []any{added("[MASK]", 103, "rstrip", true)}, " [MASK] ", "[101 4895 103 102]"},
		{"lstrip", prependUn, []any{added("[MASK]", 103, "lstrip", true)}, " [MASK] ", "[101 103 4895 102]"},
	} {
		tokens := c.added
		if tokens != nil {
			tokens = append(tokens, special("[UNK]", 100), special("[CLS]", 101), special("[SEP]", 102))
		}
		tok, err := tokenizerWith(t, c.normalizer, tokens)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := fmtIDs(tok.Encode(c.text)); got != c.want {
			t.Errorf("%s: %q gives %s, want %s", c.name, c.text, got, c.want)
		}
	}
}

func special(content string, id int) map[string]any {
	return added(content, id, "special", true)
}

// sentence-transformers' do_lower_case puts a Lowercase normalizer before
// a cased tokenizer's own (bert-base-uncased's vocabulary has no "Fix":
// [UNK] 100, fix 8081), unless the tokenizer has one; the added tokens
// matched after normalization are normalized anew, those matched as
// written stay as they are.
func TestTokenizerLowerCase(t *testing.T) {
	cased := step("BertNormalizer", "lowercase", false)
	for _, c := range []struct {
		name       string
		normalizer any
		added      []any
		text       string
		before     string
		after      string
	}{
		{"cased", cased, nil, "Fix handling", "[101 100 8304 102]", "[101 8081 8304 102]"},
		{"special token as written", cased, nil, "Fix [SEP] handling", "[101 100 102 8304 102]", "[101 8081 102 8304 102]"},
		{"no normalizer", nil, nil, "FIX", "[101 100 102]", "[101 8081 102]"},
		{"normalized added token", nil, []any{added("Verdigris", 30522, "normalized", true)}, "VERDIGRIS works", "[101 100 2573 102]", "[101 30522 2573 102]"},
		// Its own Lowercase after a Replace: one put first would
		// lowercase the F before the Replace saw it ("fix", not "xix": xi
		// 8418, ##x 2595).
		{"has a Lowercase", sequence(step("Replace", "pattern", map[string]any{"String": "F"}, "content", "X"), step("Lowercase")), nil, "Fix", "[101 8418 2595 102]", "[101 8418 2595 102]"},
	} {
		tokens := c.added
		if tokens != nil {
			tokens = append(tokens, special("[UNK]", 100), special("[CLS]", 101), special("[SEP]", 102))
		}
		tok, err := tokenizerWith(t, c.normalizer, tokens)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := fmtIDs(tok.Encode(c.text)); got != c.before {
			t.Errorf("%s: %q gives %s, want %s", c.name, c.text, got, c.before)
		}
		tok.LowerCase()
		if got := fmtIDs(tok.Encode(c.text)); got != c.after {
			t.Errorf("%s, lowercased: %q gives %s, want %s", c.name, c.text, got, c.after)
		}
	}
}

// transformers' fast BERT tokenizer makes tokenizer.json's
// BertNormalizer anew with tokenizer_config.json's do_lower_case and
// strip_accents where they differ (SetBertCasing): its other steps stay,
// and so does a Lowercase that do_lower_case of sentence-transformers
// put before it. Ids from bert-base-uncased's vocab.txt: fix 8081,
// handling 8304, istanbul 9960; "Fix" and the İ kept are [UNK] 100.
func TestTokenizerSetBertCasing(t *testing.T) {
	for _, c := range []struct {
		name       string
		normalizer any
		lowerFirst bool
		casing     BertCasing
		text       string
		before     string
		after      string
	}{
		{"cased made uncased", step("BertNormalizer", "lowercase", false), false, BertCasing{true, true}, "Fix handling", "[101 100 8304 102]", "[101 8081 8304 102]"},
		{"uncased made cased", step("BertNormalizer", "lowercase", true), false, BertCasing{false, false}, "Fix handling", "[101 8081 8304 102]", "[101 100 8304 102]"},
		{"accents kept", step("BertNormalizer", "lowercase", true), false, BertCasing{true, false}, "İstanbul", "[101 9960 102]", "[101 100 102]"},
		{"accents stripped", step("BertNormalizer", "lowercase", true, "strip_accents", false), false, BertCasing{true, true}, "İstanbul", "[101 100 102]", "[101 9960 102]"},
		{"do_lower_case's Lowercase kept", step("BertNormalizer", "lowercase", true), true, BertCasing{false, false}, "Fix handling", "[101 8081 8304 102]", "[101 8081 8304 102]"},
	} {
		tok, err := tokenizerWith(t, c.normalizer, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.lowerFirst {
			tok.LowerCase()
		}
		if got := fmtIDs(tok.Encode(c.text)); got != c.before {
			t.Errorf("%s: %q gives %s, want %s", c.name, c.text, got, c.before)
		}
		if err := tok.SetBertCasing(c.casing); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := fmtIDs(tok.Encode(c.text)); got != c.after {
			t.Errorf("%s, %+v: %q gives %s, want %s", c.name, c.casing, c.text, got, c.after)
		}
	}
	tok, err := tokenizerWith(t, sequence(step("NFD"), step("Lowercase")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tok.SetBertCasing(BertCasing{false, false}); err == nil {
		t.Error("a Sequence's casing set: no error")
	}
}
