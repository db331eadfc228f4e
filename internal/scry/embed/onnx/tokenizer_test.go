package onnx

import (
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
	} {
		if _, err := ParseTokenizer([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
