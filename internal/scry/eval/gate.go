package eval

import (
	"fmt"
	"math"
)

// Gate is the least quality a query set must reach, for CI: MRR and
// Recall@10 of one mode. A zero threshold is not checked.
type Gate struct {
	MinMRR, MinRecall float64
	// Unmet says why the gate fails whatever the measures ("" when they
	// decide): the mode it gates could not be evaluated.
	Unmet string
}

// Shortfall is one measure below its threshold.
type Shortfall struct {
	Mode, Level, Measure string
	Got, Want            float64
}

func (s Shortfall) String() string {
	return fmt.Sprintf("%s %s at %s level is %.3f, below the minimum %.3f", s.Mode, s.Measure, s.Level, s.Got, s.Want)
}

// GateLevel is the level a gate checks: commit level, or file level for
// a set whose queries name relevant files only.
func GateLevel(mr *ModeReport) (string, Level) {
	if mr.Commit.Queries == 0 && mr.File.Queries > 0 {
		return "file", mr.File
	}
	return "commit", mr.Commit
}

// Check returns the measures of mode that are below the gate's
// thresholds. Measures are compared as the report prints them, to three
// decimals, so that a printed 0.300 never fails a minimum of 0.3.
func (g Gate) Check(r *Report, mode string) []Shortfall {
	mr := r.Modes[mode]
	if mr == nil {
		return nil
	}
	level, lv := GateLevel(mr)
	var out []Shortfall
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"MRR", lv.MRR, g.MinMRR}, {"Recall@10", lv.Recall10, g.MinRecall}} {
		if c.want > 0 && round3(c.got) < round3(c.want) {
			out = append(out, Shortfall{Mode: mode, Level: level, Measure: c.name, Got: c.got, Want: c.want})
		}
	}
	return out
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
