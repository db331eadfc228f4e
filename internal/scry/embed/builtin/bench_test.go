package builtin

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Benchmarks on the recorded lefthook history (1,152 commit messages):
//
//	go test -run '^$' -bench . -benchtime 5x ./internal/scry/embed/builtin/
//
// With VERDIGRIS_EVAL_BACKGROUND=1 training also reads the machine's
// general technical text (MachineDocuments), as git scry does.

func benchSources(b *testing.B) (Sources, *evalCorpus) {
	c := loadEvalCorpus(b)
	src := Sources{Commits: c.messages, Documents: c.docs}
	if os.Getenv("VERDIGRIS_EVAL_BACKGROUND") != "" {
		bg, err := MachineDocuments(context.Background(), MachineLimits{Timeout: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		src.Background = bg
	}
	return src, c
}

// BenchmarkAnalyse is training's baseline: one pass of the shared text
// analysis over the same sources (what any index of the text costs).
func BenchmarkAnalyse(b *testing.B) {
	src, _ := benchSources(b)
	b.ResetTimer()
	for range b.N {
		prepare(src)
	}
}

func BenchmarkTrain(b *testing.B) {
	src, _ := benchSources(b)
	b.ResetTimer()
	for range b.N {
		if _, err := Train(context.Background(), src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMachineDocuments(b *testing.B) {
	for range b.N {
		if _, err := MachineDocuments(context.Background(), MachineLimits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmbedPassages(b *testing.B) {
	src, c := benchSources(b)
	m, err := Train(context.Background(), src, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, err := m.EmbedPassages(ctx, c.messages); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(c.messages))/b.Elapsed().Seconds(), "texts/s")
}

// BenchmarkLoadAndQuery is what a search pays: read the model file, load
// it and embed one query; /read is the baseline of reading the file alone.
func BenchmarkLoadAndQuery(b *testing.B) {
	src, _ := benchSources(b)
	m, err := Train(context.Background(), src, Options{})
	if err != nil {
		b.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	path := filepath.Join(b.TempDir(), "model.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		for range b.N {
			if _, err := os.ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read+load+query", func(b *testing.B) {
		b.ReportMetric(float64(len(data))/1e6, "MB")
		for range b.N {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			m, err := Unmarshal(data)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.EmbedQueries(context.Background(), []string{"when did we make git calls quicker"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGram is the orthonormalisations' product of a machine space's
// basis with itself (7,937 terms × 232 columns), and the Rayleigh-Ritz
// step's of the basis with its product, on all the CPUs:
//
//	go test -run '^$' -bench Gram ./internal/scry/embed/builtin/
func BenchmarkGram(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	q, y := newDense(7937, 232), newDense(7937, 232)
	for i := range q.d {
		q.d[i], y.d[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	workers := runtime.GOMAXPROCS(0)
	b.Run("symmetric", func(b *testing.B) {
		for range b.N {
			gram(q, q, workers)
		}
	})
	b.Run("two", func(b *testing.B) {
		for range b.N {
			gram(q, y, workers)
		}
	})
}
