package builtin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// toyMessages are a toy history's messages, in which "cache" and "memo"
// never share a message but share their contexts, as synonyms do.
var toyMessages = []string{
	"add cache for parsed config files",
	"cache the parsed template output",
	"memo the parsed template output",
	"memo results of parsed config files",
	"fix crash when the socket closes early",
	"fix panic when the socket closes early",
	"speed up startup by lazy loading plugins",
	"docs: explain how plugins are loaded",
	"ci: run tests on windows and macos",
	"ci: cache go modules between runs",
}

// smallSources is the toy history, each message three times, with a
// document.
func smallSources() Sources {
	var commits []string
	for _, s := range toyMessages {
		for range 3 {
			commits = append(commits, s)
		}
	}
	return Sources{
		Commits:   commits,
		Documents: []string{"# Plugins\n\nPlugins are loaded lazily at startup.\n\n```sh\nrm -rf /\n```\n\nThe cache keeps parsed config files."},
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	ctx := context.Background()
	a, err := Train(ctx, smallSources(), Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(ctx, smallSources(), Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	// The ID covers the weights, not when they were trained.
	if a.ID() != b.ID() || !bytes.Equal(a.vecs, b.vecs) || !bytes.Equal(a.words, b.words) {
		t.Fatalf("two trainings on the same sources differ: %s vs %s", a.ID(), b.ID())
	}
	if !strings.HasPrefix(a.ID(), "builtin:") || len(a.ID()) != len("builtin:")+12 {
		t.Errorf("ID = %q", a.ID())
	}
	if a.Dim() != 8 {
		t.Errorf("Dim = %d, want 8", a.Dim())
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	ctx := context.Background()
	m, err := Train(ctx, smallSources(), Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	back, err := Unmarshal(bytes.Clone(data))
	if err != nil {
		t.Fatal(err)
	}
	if back.ID() != m.ID() || back.Dim() != m.Dim() || back.Meta() != m.Meta() {
		t.Fatalf("loaded model differs: %s/%d/%+v vs %s/%d/%+v", back.ID(), back.Dim(), back.Meta(), m.ID(), m.Dim(), m.Meta())
	}
	texts := []string{"cache parsed files", "socket crash", "nothing known here zzzz"}
	v1, _ := m.EmbedPassages(ctx, texts)
	v2, _ := back.EmbedPassages(ctx, texts)
	for i := range v1 {
		for k := range v1[i] {
			if v1[i][k] != v2[i][k] {
				t.Fatalf("vector %d differs after reload", i)
			}
		}
	}
}

func TestUnmarshalRejectsDamage(t *testing.T) {
	m, err := Train(context.Background(), smallSources(), Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"truncated": data[:len(data)/2],
		"flipped":   func() []byte { d := bytes.Clone(data); d[len(d)/2] ^= 0x40; return d }(),
		"version":   func() []byte { d := bytes.Clone(data); d[4] = 9; return d }(),
	} {
		if _, err := Unmarshal(bad); err == nil {
			t.Errorf("%s: Unmarshal accepted damaged data", name)
		}
	}
	if _, err := Unmarshal([]byte("not a model at all, just text")); !errors.Is(err, ErrFormat) {
		t.Errorf("foreign data: err = %v, want ErrFormat", err)
	}
	// Unchecked, a flipped weight loads, but a truncated or inconsistent
	// file never does: no read may go out of bounds.
	flipped := bytes.Clone(data)
	flipped[len(flipped)-4-4-4*len(m.dirs)-1] ^= 0x40 // the last vector's last component
	if _, err := UnmarshalUnchecked(flipped); err != nil {
		t.Errorf("UnmarshalUnchecked of a flipped weight: %v", err)
	}
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"truncated": data[:len(data)/2],
		"count":     func() []byte { d := bytes.Clone(data); d[12]++; return d }(),
	} {
		if _, err := UnmarshalUnchecked(bad); err == nil {
			t.Errorf("%s: UnmarshalUnchecked accepted it", name)
		}
	}
}

func TestEmbeddingsAreUnitLengthAndMeaningful(t *testing.T) {
	ctx := context.Background()
	m, err := Train(ctx, smallSources(), Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := m.EmbedPassages(ctx, []string{"cache the parsed config", "memo the parsed config", "fix panic when socket closes", "qqqq zzzz"})
	for i, v := range vs[:3] {
		if n := norm(v); math.Abs(n-1) > 1e-5 {
			t.Errorf("vector %d has norm %g", i, n)
		}
	}
	if n := norm(vs[3]); n != 0 {
		t.Errorf("a text of unknown words must embed to zero, got norm %g", n)
	}
	if cos(vs[0], vs[1]) <= cos(vs[0], vs[2]) {
		t.Errorf("cache~memo (%g) should be closer than cache~socket panic (%g)", cos(vs[0], vs[1]), cos(vs[0], vs[2]))
	}
}

func TestQueryFallsBackToKnownPrefix(t *testing.T) {
	m, err := Train(context.Background(), smallSources(), Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	// "pluginsystem" is unknown; its prefix "plugin" is known. Passages
	// do not guess, queries do.
	if _, ok := m.lookup("pluginsystem"); ok {
		t.Fatal("test premise: pluginsystem must be unknown")
	}
	if v := m.Embed("pluginsystem", false); norm(v) != 0 {
		t.Error("a passage must not use prefix guesses")
	}
	q := m.Embed("pluginsystem", true)
	p := m.Embed("plugins", true)
	if c := cos(q, p); c < 0.999 {
		t.Errorf("pluginsystem should fall back to plugin: cos %g", c)
	}
}

func TestTrainNeedsText(t *testing.T) {
	if _, err := Train(context.Background(), Sources{Commits: []string{"x"}}, Options{}); !errors.Is(err, ErrNoText) {
		t.Errorf("err = %v, want ErrNoText", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, smallSources(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestSegmentsDropNoise(t *testing.T) {
	msg := "Fix the parser\n\nSee https://example.com/issue/12 for details.\n\n```\ncode here\n```\n\nSigned-off-by: Ada <ada@example.com>\nCo-authored-by: Bob <bob@example.com>"
	subject, body := messageTerms(msg)
	if strings.Join(subject, " ") != "fix parser" {
		t.Errorf("subject terms = %q", subject)
	}
	got := strings.Join(body, " ")
	for _, noise := range []string{"https", "example", "code", "ada", "sign", "author"} {
		if strings.Contains(got, noise) {
			t.Errorf("body terms %q contain noise %q", got, noise)
		}
	}
	if !strings.Contains(got, "detail") {
		t.Errorf("body terms %q lost the prose", got)
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func cos(a, b []float32) float64 {
	var d float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
	}
	return d
}

func TestSaveAndLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verdigris", "scry-model.bin")
	if m, err := Load(path); m != nil || err != nil {
		t.Fatalf("no file: %v, %v", m, err)
	}
	m, err := Train(context.Background(), smallSources(), Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(path, m); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil || back.ID() != m.ID() {
		t.Fatalf("Load: %v, %v", back, err)
	}
	os.WriteFile(path, []byte("VGSB garbage"), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("damaged file: %v", err)
	}
}

func TestNeighboursAreHistoryTerms(t *testing.T) {
	src := smallSources()
	src.Documents = append(src.Documents, strings.Repeat("A zeppelin hangar keeps the cache of parsed templates.\n", 4))
	m, err := Train(context.Background(), src, Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	if m.InHistory("zeppelin") || !m.InHistory("cach") || m.InHistory("nosuchterm") {
		t.Fatalf("InHistory: zeppelin %v, cach %v, nosuchterm %v", m.InHistory("zeppelin"), m.InHistory("cach"), m.InHistory("nosuchterm"))
	}
	nb := m.Neighbours("zeppelin", 3, -1)
	if len(nb) != 3 {
		t.Fatalf("Neighbours(zeppelin, 3) = %v", nb)
	}
	for i, n := range nb {
		if !m.InHistory(n.Term) || n.Term == "zeppelin" || (i > 0 && n.Sim > nb[i-1].Sim) || n.Sim > 1.01 {
			t.Fatalf("Neighbours(zeppelin) = %v: want history terms, closest first", nb)
		}
	}
	if nb := m.Neighbours("zeppelin", 3, 1.5); len(nb) != 0 {
		t.Fatalf("Neighbours above cosine 1.5 = %v", nb)
	}
	if nb := m.Neighbours("nosuchterm", 3, -1); nb != nil {
		t.Fatalf("Neighbours of an unknown term = %v", nb)
	}
}

// The ID is the weights' hash: how long the training took (and so the
// length of the meta JSON) is not part of it.
func TestIDIgnoresTrainingTime(t *testing.T) {
	words := []string{"alpha", "beta"}
	vecs := []float32{1, 0, 0, 1}
	idf := []float32{1, 1}
	a, err := newModel(words, vecs, 2, idf, nil, 2, Meta{TrainMS: 9})
	if err != nil {
		t.Fatal(err)
	}
	b, err := newModel(words, vecs, 2, idf, nil, 2, Meta{TrainMS: 10})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID() != b.ID() {
		t.Fatalf("same weights, training times 9 and 10 ms: IDs %s and %s", a.ID(), b.ID())
	}
	c, _ := newModel(words, []float32{1, 0, 1, 1}, 2, idf, nil, 2, Meta{TrainMS: 9})
	if c.ID() == a.ID() {
		t.Fatal("other weights, same ID")
	}
}

// Adding the common directions to a trained model gives, byte for byte,
// the model made with them from the start (training adds them without
// quantising the weights again).
func TestWithDirectionsIsNewModelWithThem(t *testing.T) {
	words := []string{"alpha", "beta", "gamma"}
	vecs := []float32{1, 0.5, -0.25, 0, 1, 0.3, 0.7, -0.7, 0}
	idf := []float32{1, 2, 3}
	dirs := []float32{0.6, 0.8, 0}
	plain, err := newModel(words, vecs, 3, idf, nil, 2, Meta{TrainMS: 9})
	if err != nil {
		t.Fatal(err)
	}
	got, err := plain.withDirections(dirs, Meta{TrainMS: 12, Directions: 1})
	if err != nil {
		t.Fatal(err)
	}
	want, err := newModel(words, vecs, 3, idf, dirs, 2, Meta{TrainMS: 12, Directions: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := got.MarshalBinary()
	b, _ := want.MarshalBinary()
	if string(a) != string(b) {
		t.Fatalf("withDirections: %d bytes, newModel with the directions: %d bytes, not the same", len(a), len(b))
	}
	if got.ID() == plain.ID() {
		t.Fatal("directions added, same ID")
	}
}

// In a history of one commit every term of its message is in every
// commit, so idf weighs them all zero: the commit and any question in its
// words embedded to nothing, and semantic search found nothing at all.
func TestOneCommitHistoryEmbedsItsMessage(t *testing.T) {
	ctx := context.Background()
	m, err := Train(ctx, Sources{
		Commits:   []string{"add the http server with retry logic"},
		Documents: append(smallSources().Commits, "The http server will retry a request that failed."),
	}, Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Embed("add the http server with retry logic", false)
	q := m.Embed("retry", true)
	if n := norm(p); math.Abs(n-1) > 1e-5 {
		t.Fatalf("the only commit's vector has norm %g, want 1", n)
	}
	if n := norm(q); math.Abs(n-1) > 1e-5 {
		t.Fatalf("a query in the commit's words has norm %g, want 1", n)
	}
	if c := cos(p, q); c <= 0 {
		t.Errorf("cos(commit, query in its words) = %g, want > 0", c)
	}
}

// The quantiser rounds half away from zero and clamps, as math.Round
// does, for every float32 the division can give, ties and their
// neighbours included.
func TestQuantiseIsRound(t *testing.T) {
	var vals []float32
	for i := -1300; i <= 1300; i++ {
		v := float32(i) / 10
		vals = append(vals, v, math.Nextafter32(v, 200), math.Nextafter32(v, -200), v+0.5, v-0.5)
	}
	vals = append(vals, 0.49999997, -0.49999997, 1e-30, -1e-30, 127.00001, -127.00001)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		vals = append(vals, float32(rng.NormFloat64()*60))
	}
	for _, v := range vals {
		want := int8(max(-127, min(127, math.Round(float64(v)))))
		if got := quantise(v); got != want {
			t.Fatalf("quantise(%v) = %d, want %d", v, got, want)
		}
	}
}

func BenchmarkEncodeWeights(b *testing.B) {
	const n, dim = 8000, 352
	words := make([]string, n)
	vecs := make([]float32, n*dim)
	idf := make([]float32, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range words {
		words[i] = fmt.Sprintf("term%d", i)
	}
	for i := range vecs {
		vecs[i] = float32(rng.NormFloat64())
	}
	b.SetBytes(int64(len(vecs)))
	for range b.N {
		encodeWeights(words, vecs, dim, idf)
	}
}
