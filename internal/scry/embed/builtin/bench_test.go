package builtin

import (
	"context"
	"os"
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

// BenchmarkLoadAndQuery is what a search pays: load the serialised model
// and embed one query.
func BenchmarkLoadAndQuery(b *testing.B) {
	src, _ := benchSources(b)
	m, err := Train(context.Background(), src, Options{})
	if err != nil {
		b.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	b.ReportMetric(float64(len(data))/1e6, "MB")
	b.ResetTimer()
	for range b.N {
		m, err := Unmarshal(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.EmbedQueries(context.Background(), []string{"when did we make git calls quicker"}); err != nil {
			b.Fatal(err)
		}
	}
}
