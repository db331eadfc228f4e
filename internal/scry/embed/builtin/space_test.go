package builtin

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

func TestMachineSpaceCacheIsTheSameModel(t *testing.T) {
	ctx := context.Background()
	lim := fakeMachine(t)
	dir := t.TempDir()
	textCache, spaceCache := filepath.Join(dir, "text.bin"), filepath.Join(dir, "v", "space.bin")
	opt := Options{Dim: 8, MachineDim: 4, MinCount: 1}

	learned, cached, err := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt)
	if err != nil || cached {
		t.Fatalf("first MachineSpaceCached: cached %v, err %v", cached, err)
	}
	again, cached, err := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt)
	if err != nil || !cached {
		t.Fatalf("second MachineSpaceCached: cached %v, err %v; want it read from the cache", cached, err)
	}
	mc, _, err := MachineText(ctx, lim, textCache)
	if err != nil {
		t.Fatal(err)
	}
	src := smallSources()
	fromText := src
	fromText.Machine = mc
	want, err := Train(ctx, fromText, opt)
	if err != nil {
		t.Fatal(err)
	}
	if want.Meta().MachineDim != 4 || want.Meta().Dim != 12 {
		t.Fatalf("dimensions %d, of them %d the machine's; want 12 and 4", want.Meta().Dim, want.Meta().MachineDim)
	}
	for name, sp := range map[string]*MachineSpace{"learned": learned, "cached": again} {
		s := src
		s.Space = sp
		got, err := Train(ctx, s, opt)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID() != want.ID() {
			t.Errorf("model from the %s machine space is %s, from the text %s", name, got.ID(), want.ID())
		}
	}
}

func TestMachineSpaceCacheFollowsSourcesAndOptions(t *testing.T) {
	ctx := context.Background()
	lim := fakeMachine(t)
	dir := t.TempDir()
	textCache, spaceCache := filepath.Join(dir, "text.bin"), filepath.Join(dir, "space.bin")
	opt := Options{MachineDim: 4}
	if _, _, err := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt); err != nil {
		t.Fatal(err)
	}
	if _, cached, _ := MachineSpaceCached(ctx, lim, textCache, spaceCache, Options{MachineDim: 2}); cached {
		t.Error("a space of 4 dimensions was used for 2")
	}
	if _, cached, _ := MachineSpaceCached(ctx, lim, textCache, spaceCache, Options{MachineDim: 2, Seed: 7}); cached {
		t.Error("the space of one seed was used for another")
	}
	// A Go upgrade changes VERSION: the text, and so the space, is stale.
	if err := os.WriteFile(filepath.Join(lim.GoRoot, "VERSION"), []byte("go1.99.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, cached, _ := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt); cached {
		t.Error("the space was used after the Go distribution changed")
	}
	if _, cached, _ := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt); !cached {
		t.Error("the space was not written again for the new distribution")
	}
	// A damaged file is read as no cache, never as a space.
	data, err := os.ReadFile(spaceCache)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-8] ^= 0xff
	if err := os.WriteFile(spaceCache, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sp, cached, err := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt)
	if err != nil || cached || len(sp.Terms) == 0 {
		t.Errorf("damaged cache: cached %v, %d terms, err %v; want the space learned again", cached, len(sp.Terms), err)
	}
}

func TestTrainRefusesASpaceOfOtherOptions(t *testing.T) {
	ctx := context.Background()
	sp, err := LearnMachineSpace(ctx, machineCorpus(), Options{MachineDim: 4})
	if err != nil {
		t.Fatal(err)
	}
	src := smallSources()
	src.Space = sp
	if _, err := Train(ctx, src, Options{MachineDim: 4}); err != nil {
		t.Fatalf("the space's own options: %v", err)
	}
	if _, err := Train(ctx, src, Options{MachineDim: 2}); err == nil || !strings.Contains(err.Error(), "other options") {
		t.Fatalf("a space of 4 dimensions for a training of 2: err %v; want it refused", err)
	}
}

// machineCorpus is a little machine text in which "socket" and
// "directory" are common and "plugin" never appears.
func machineCorpus() *MachineCorpus {
	var docs []string
	for range 4 {
		docs = append(docs,
			"The socket closes when the network timeout expires.",
			"A directory holds files; a network socket holds a connection.",
			"Open the directory, read the files, close the socket.",
			"The timeout of a connection is a duration.")
	}
	return AnalyseMachineText(docs)
}

// TestModelJoinsTheTwoSpaces pins how a term's vector is made: its
// repository-space part, then its machine-space part weighted
// MachineScale, zeros where a space lacks the term.
func TestModelJoinsTheTwoSpaces(t *testing.T) {
	ctx := context.Background()
	src := smallSources()
	src.Machine = machineCorpus()
	opt := Options{Dim: 6, MachineDim: 3, MachineScale: 2, Retrofit: -1, Directions: -1}
	m, err := Train(ctx, src, opt)
	if err != nil {
		t.Fatal(err)
	}
	if m.Dim() != 9 {
		t.Fatalf("dimensions %d; want 6 + 3", m.Dim())
	}
	norms := func(word string) (repo, machine float64) {
		t.Helper()
		terms := text.Terms(word)
		v, ok := m.Vector(terms[0])
		if !ok {
			t.Fatalf("%q (%s) is not in the vocabulary", word, terms[0])
		}
		for k, x := range v {
			if k < 6 {
				repo += float64(x) * float64(x)
			} else {
				machine += float64(x) * float64(x)
			}
		}
		return math.Sqrt(repo), math.Sqrt(machine)
	}
	if r, mm := norms("plugin"); r == 0 || mm != 0 {
		t.Errorf("plugin, only in the history: repository part %.3f, machine part %.3f; want only the first", r, mm)
	}
	if r, mm := norms("directory"); r != 0 || mm == 0 {
		t.Errorf("directory, only in the machine's text: repository part %.3f, machine part %.3f; want only the second", r, mm)
	}
	// int8 storage rounds each component by up to half a step.
	if r, mm := norms("socket"); r == 0 || math.Abs(mm/r-2) > 0.1 {
		t.Errorf("socket, in both: machine part %.3f, %.2f times the repository part; want 2 times", mm, mm/r)
	}
}

// A machine cache write killed before its rename (kill -9 of an index
// run learning the machine text) left its temp file in the user's cache
// directory, megabytes that no run removed, one more for every such kill.
// The next run removes them, whether it writes that cache or reads it;
// one that another run is writing (it holds the cache's lock) stays, and
// this run writes nothing.
func TestMachineCacheWritesRemoveKilledWrites(t *testing.T) {
	ctx := context.Background()
	lim := fakeMachine(t)
	dir := t.TempDir()
	textCache, spaceCache := filepath.Join(dir, "text.bin"), filepath.Join(dir, "space.bin")
	opt := Options{MachineDim: 4}
	killed := []string{filepath.Join(dir, ".text.bin.tmp-123"), filepath.Join(dir, ".space.bin.tmp-456")}
	for _, p := range killed {
		if err := os.WriteFile(p, []byte("half a cache"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt); err != nil {
		t.Fatal(err)
	}
	for _, p := range killed {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s, a killed write's, is left", filepath.Base(p))
		}
	}
	for _, p := range []string{textCache, spaceCache} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("the cache was not written: %v", err)
		}
	}

	// Killed while another run wrote the caches, which are read now
	// and not written again until they are stale.
	for _, p := range killed {
		if err := os.WriteFile(p, []byte("half a cache"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, cached, err := MachineSpaceCached(ctx, lim, textCache, spaceCache, opt); err != nil || !cached {
		t.Fatalf("MachineSpaceCached: cached %v, %v", cached, err)
	}
	for _, p := range killed {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s, a killed write's, is left beside the cache read", filepath.Base(p))
		}
	}

	os.Remove(textCache)
	lock, err := filelock.TryLock(textCache + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	writing := filepath.Join(dir, ".text.bin.tmp-789")
	if err := os.WriteFile(writing, []byte("being written"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := MachineText(ctx, lim, textCache); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(writing); err != nil {
		t.Errorf("the temp file of a write under way in another run was removed: %v", err)
	}
	if _, err := os.Stat(textCache); err == nil {
		t.Error("the cache was written while another run held its lock")
	}
}
