package onnx

import (
	"testing"

	"github.com/verdigris-dev/verdigris/internal/replay"
)

// BenchmarkTokenizer measures what every indexed commit pays for its
// text before the model runs: the lefthook commit messages (subject and
// body) through the bert-base-uncased tokenizer.json the tests write.
//
//	go test -run '^$' -bench Tokenizer ./internal/scry/embed/onnx/
func BenchmarkTokenizer(b *testing.B) {
	tok, err := LoadTokenizer(writeTokenizerJSON(b, bertVocab(b), b.TempDir(), 512))
	if err != nil {
		b.Fatal(err)
	}
	commits, err := replay.Load(replay.LefthookCorpus())
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	var bytes int64
	for _, c := range commits {
		s := c.Subject + "\n\n" + c.Body
		texts = append(texts, s)
		bytes += int64(len(s))
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	for range b.N {
		for _, s := range texts {
			tok.Encode(s)
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "texts/s")
}
