package eval

import (
	"strings"
	"testing"
)

func TestGateCheck(t *testing.T) {
	rep := &Report{Modes: map[string]*ModeReport{
		"hybrid": {
			Commit: Level{Metrics: Metrics{MRR: 0.2996, Recall10: 0.42}, Queries: 60},
			File:   Level{Metrics: Metrics{MRR: 0.9, Recall10: 0.9}, Queries: 60},
		},
		"lexical": {Commit: Level{Metrics: Metrics{MRR: 0.1, Recall10: 0.2}, Queries: 60}},
	}}
	for _, tc := range []struct {
		name string
		gate Gate
		mode string
		want []string
	}{
		{"no thresholds", Gate{}, "hybrid", nil},
		// Printed as 0.300: a minimum of 0.3 holds.
		{"printed value holds", Gate{MinMRR: 0.3}, "hybrid", nil},
		{"mrr below", Gate{MinMRR: 0.31}, "hybrid", []string{"hybrid MRR at commit level is 0.300, below the minimum 0.310"}},
		{"both below", Gate{MinMRR: 0.5, MinRecall: 0.45}, "hybrid", []string{
			"hybrid MRR at commit level is 0.300, below the minimum 0.500",
			"hybrid Recall@10 at commit level is 0.420, below the minimum 0.450",
		}},
		{"other mode", Gate{MinRecall: 0.45}, "lexical", []string{"lexical Recall@10 at commit level is 0.200, below the minimum 0.450"}},
		{"mode not evaluated", Gate{MinMRR: 0.9}, "semantic", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range tc.gate.Check(rep, tc.mode) {
				got = append(got, s.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// A set that names relevant files only is gated at file level.
func TestGateFileLevelWithoutCommits(t *testing.T) {
	rep := &Report{Modes: map[string]*ModeReport{"hybrid": {
		File: Level{Metrics: Metrics{MRR: 0.25}, Queries: 5},
	}}}
	got := Gate{MinMRR: 0.3}.Check(rep, "hybrid")
	if len(got) != 1 || got[0].Level != "file" {
		t.Fatalf("got %v, want one shortfall at file level", got)
	}
}
