// Package toolchain implements git toolchain: probing the versions of the
// tools pinned in toolchain.toml (check), finding pin files and CI
// workflows that contradict the pins (drift, lint-ci), running named sets
// of checks (run), and exporting the pins to CI (env).
package toolchain

import (
	"context"
	"sync"

	"github.com/verdigris-dev/verdigris/internal/config"
)

// Status of one pinned tool.
const (
	StatusOK       = "ok"
	StatusMismatch = "mismatch" // another version would run
	StatusMissing  = "missing"  // nothing (or an uninstalled toolchain) would run
	StatusError    = "error"    // the probe could not tell
)

// ToolResult is one row of the check table.
type ToolResult struct {
	Tool   string `json:"tool"`
	Pinned string `json:"pinned"`
	Found  string `json:"found"`
	Source string `json:"source"`
	Path   string `json:"path,omitempty"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
	Line   int    `json:"line"` // of the pin in toolchain.toml
}

// Report is the result of check.
type Report struct {
	Tools []ToolResult `json:"tools"`
	Drift []Drift      `json:"drift"`
}

// OK reports whether every tool matches its pin and no pin file drifts.
func (r *Report) OK() bool {
	for _, t := range r.Tools {
		if t.Status != StatusOK {
			return false
		}
	}
	return len(r.Drift) == 0
}

// maxProbes bounds the probes run at once: each starts a process, and
// some (npm, rustup shims) are slow to start.
const maxProbes = 4

// Check probes every pinned tool (in parallel) and compares the pin files
// with toolchain.toml.
func Check(ctx context.Context, cfg *config.File, e *Env) (*Report, error) {
	r := &Report{Tools: make([]ToolResult, len(cfg.Tools)), Drift: []Drift{}}
	sem := make(chan struct{}, maxProbes)
	var wg sync.WaitGroup
	for i, t := range cfg.Tools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r.Tools[i] = compare(t, Probe(ctx, e, t))
		}()
	}
	wg.Wait()
	pins, err := ReadPinFiles(e.Root)
	if err != nil {
		return nil, err
	}
	r.Drift = append(r.Drift, FindDrift(cfg, pins)...)
	return r, ctx.Err()
}

func compare(t config.Tool, f Found) ToolResult {
	res := ToolResult{Tool: t.Name, Pinned: t.Version, Found: f.Version, Source: f.Source, Path: f.Path, Detail: f.Detail, Line: t.Line}
	switch {
	case f.Err != nil:
		res.Status = StatusError
		res.Detail = f.Err.Error()
	case f.Missing || f.Version == "":
		res.Status = StatusMissing
	case Satisfies(t.Version, f.Version):
		res.Status = StatusOK
	default:
		res.Status = StatusMismatch
	}
	return res
}
