package toolchain

import "testing"

func TestSatisfies(t *testing.T) {
	for _, c := range []struct {
		pin, v string
		want   bool
	}{
		{"1.26.8", "1.26.8", true},
		{"1.26.8", "go1.26.8", true},
		{"go1.26.8", "1.26.8", true},
		{"20.20.2", "v20.20.2", true},
		{"1.89.0", "1.89.0-x86_64-unknown-linux-gnu", true},
		{"1.26", "1.26.8", true},  // a shorter pin accepts its patches
		{"1.26.8", "1.26", false}, // a looser value can install another patch
		{"1.26.8", "1.26.9", false},
		{"1.2", "1.20", false},
		{"1.89.0", "stable", false},
		{"20.20.2", "lts/*", false},
		{"", "1.0", false},
	} {
		if got := Satisfies(c.pin, c.v); got != c.want {
			t.Errorf("Satisfies(%q, %q) = %v; want %v", c.pin, c.v, got, c.want)
		}
	}
}

func TestCompareGoOrdersLikeTheGoCommand(t *testing.T) {
	ordered := []string{"1.19", "1.20", "1.20.1", "1.21", "1.21rc1", "1.21rc2", "1.21.0", "1.21.3", "1.22beta1", "1.22.0", "1.26.8", "1.100.0"}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := compareGo(ordered[i], ordered[j]); got != want {
				t.Errorf("compareGo(%s, %s) = %d; want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if !isGoLang("1.22") || isGoLang("1.22.0") || isGoLang("1.20") {
		t.Error("isGoLang")
	}
}

func TestVersionsIn(t *testing.T) {
	for out, want := range map[string]string{
		"go version go1.26.8 linux/amd64":       "1.26.8",
		"rustc 1.95.0 (59807616e 2026-04-14)":   "1.95.0",
		"rustc 1.97.0-nightly (abc 2026-05-01)": "1.97.0-nightly",
		"v20.20.2":                              "20.20.2",
		"Python 3.11.7":                         "3.11.7",
		"golangci-lint has version 2.1.6 built with go1.24.2 from abc": "2.1.6",
	} {
		vs := versionsIn(out)
		if len(vs) == 0 || normalize(vs[0]) != want {
			t.Errorf("versionsIn(%q) = %q; want %s first", out, vs, want)
		}
	}
}
