//go:build cgo && !noonnx

package onnx

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/verdigris-dev/verdigris/internal/replay"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx/onnxtest"
)

// BenchmarkMiniLM measures sentences per second through the MiniLM-shaped
// graph on 2 intra-op threads: the lefthook commit subjects, batched (32,
// length-sorted) against one call per sentence.
//
//	go test -run '^$' -bench MiniLM -benchtime 3x ./internal/scry/embed/onnx/
func BenchmarkMiniLM(b *testing.B) {
	needRuntime(b)
	model, err := onnxtest.MiniLM(30522, 1)
	if err != nil {
		b.Fatal(err)
	}
	dir, _ := modelDir(b, model, 128)
	commits, err := replay.Load(replay.LefthookCorpus())
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, c := range commits[:256] {
		texts = append(texts, c.Subject)
	}
	for _, batch := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			e, err := OpenEmbedder(Config{Name: "minilm", Model: filepath.Join(dir, "model.onnx"), Tokenizer: filepath.Join(dir, "tokenizer.json"), Threads: 2, BatchSize: batch})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				if _, err := e.EmbedPassages(ctx, texts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "sentences/s")
		})
	}
}

// BenchmarkOpenMiniLM measures what every search and index run with an
// ONNX model pays before its first text: opening the MiniLM-shaped graph
// (86 MB). "runtime-info" is ONNX Runtime's own reading of the inputs
// and outputs (a session of its own), which Open used to do first;
// "model-file" is the reading of them from the file that replaced it.
//
//	go test -run '^$' -bench OpenMiniLM -benchtime 5x ./internal/scry/embed/onnx/
func BenchmarkOpenMiniLM(b *testing.B) {
	needRuntime(b)
	model, err := onnxtest.MiniLM(30522, 1)
	if err != nil {
		b.Fatal(err)
	}
	dir, _ := modelDir(b, model, 128)
	p := filepath.Join(dir, "model.onnx")
	b.Run("open", func(b *testing.B) {
		for range b.N {
			e, err := OpenEmbedder(Config{Name: "minilm", Model: p, Tokenizer: filepath.Join(dir, "tokenizer.json"), Threads: 2})
			if err != nil {
				b.Fatal(err)
			}
			e.Close()
		}
	})
	b.Run("runtime-info", func(b *testing.B) {
		for range b.N {
			if _, _, err := ort.GetInputOutputInfo(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("model-file", func(b *testing.B) {
		for range b.N {
			if _, err := ReadModelFile(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
