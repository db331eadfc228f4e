package builtin

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// botHistory is a small history of people's messages with a project's
// bots' messages between them: the same few messages over and over, their
// dates and versions varying. once is what it holds when each message is
// kept where it first appears and its repeats are left out.
func botHistory() (many, once []string) {
	people := append(slices.Clone(toyMessages),
		"update the readme with install steps",
		"format the plugin loader's error messages",
	)
	bot := func(i int) string {
		switch i % 5 {
		case 0:
			return fmt.Sprintf("ignore: update download stats 2025-07-%02d", 1+i%28)
		case 1:
			return "chore: format code"
		case 2:
			return fmt.Sprintf("release: v0.%d.%d", 15+i/20, i%20)
		case 3:
			return fmt.Sprintf("chore(deps): bump vite from 5.4.%d to 5.4.%d\n\nBumps [vite](https://github.com/vitejs/vite) from 5.4.%d to 5.4.%d.\n- [Commits](https://github.com/vitejs/vite/compare/%07x...%07x)", i, i+1, i, i+1, 0xa1b2c3d+i, 0xb2c3d4e+i)
		default:
			return fmt.Sprintf("Update Nix flake.lock and hashes (#%d)", 1200+i)
		}
	}
	for i, m := range people {
		many = append(many, m)
		once = append(once, m)
		for k := range 4 {
			b := bot(4*i + k)
			many = append(many, b)
			if 4*i+k < 5 {
				once = append(once, b)
			}
		}
	}
	return many, once
}

// A message that repeats an earlier one but for its numbers, dates,
// versions and hashes (a bot's daily "ignore: update download stats
// 2025-07-14", every "release: v0.15.3") is learned from once: its
// words' co-occurrences and their idf count it once, so the model is the
// one the history without the repeats makes; every commit is still
// embedded.
func TestRepeatedMessagesLearnedOnce(t *testing.T) {
	many, once := botHistory()
	ctx := context.Background()
	a, err := Train(ctx, Sources{Commits: many}, Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(ctx, Sources{Commits: once}, Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(prepare(Sources{Commits: many}).commitSegs, prepare(Sources{Commits: once}).commitSegs, slices.Equal) {
		t.Fatal("the co-occurrences are counted over the repeats")
	}
	if a.ID() != b.ID() {
		t.Fatalf("a history with %d repeated messages trains model %s, without them %s", len(many)-len(once), a.ID(), b.ID())
	}
	if ma := a.Meta(); ma.Commits != len(many) || ma.Messages != len(once) {
		t.Fatalf("Meta: %d commits, %d messages; want %d and %d", ma.Commits, ma.Messages, len(many), len(once))
	}
	if !a.InHistory("stat") || a.InHistory("zeppelin") {
		t.Fatalf("InHistory: stat %v, zeppelin %v", a.InHistory("stat"), a.InHistory("zeppelin"))
	}
	if v := a.Embed(many[len(many)-1], false); norm(v) < 0.99 {
		t.Fatalf("a repeated message's vector has norm %v", norm(v))
	}
}

// What makes two messages repeats: the same words once numbers, dates,
// versions and hashes are masked, case and spacing aside.
func TestRepeatKey(t *testing.T) {
	same := [][2]string{
		{"ignore: update download stats 2025-07-14", "ignore: update download stats 2026-01-02"},
		{"release: v0.15.3", "release: v0.16.10"},
		{"release: v0.15.3", "Release:  V1.0.0"},
		{"chore(deps): bump vite from 5.4.2 to 5.4.3", "chore(deps): bump vite from 6.0.10 to 6.1.0"},
		{"chore: format code", "Chore: format   code\n"},
		{"Update Nix flake.lock and hashes (#1204)", "Update Nix flake.lock and hashes (#87)"},
		{"Revert a1b2c3d4e5f6", "Revert 0123456789abcdef0123456789abcdef01234567"},
		{"bump go to 1.22 (was 1.21)", "bump go to 1.23 (was 1.22)"},
		{"ci: cache v2\n\nSee 3f2a1bc.", "ci: cache v3\n\nSee 9e8d7c6."},
	}
	for _, p := range same {
		if a, b := repeatKey(p[0]), repeatKey(p[1]); a != b {
			t.Errorf("%q → %q and %q → %q: want the same", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"chore(deps): bump vite from 5.4.2 to 5.4.3", "chore(deps): bump zod from 5.4.2 to 5.4.3"},
		{"release: v0.15.3", "release: v0.15"},
		{"release: v0.15.3", "release v0.15.3"},
		{"support ipv6 hosts", "support v6 hosts"},
		{"hash with sha256", "hash with sha"},
		{"fix deadbeef handling", "fix cafebabe handling"},
		{"chore: format code", "chore: format code\n\nThe parser's tests too."},
	}
	for _, p := range differ {
		if a, b := repeatKey(p[0]), repeatKey(p[1]); a == b {
			t.Errorf("%q and %q are both %q: want them apart", p[0], p[1], a)
		}
	}
	if k := repeatKey("Release v0.15.3 (#1234) of 2025-07-14, a1b2c3d"); k != "release v#.#.# (##) of #-#-#, #" {
		t.Errorf("repeatKey = %q", k)
	}
}
