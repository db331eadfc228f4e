package index

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "indexing", 200)
	p.start = time.Now().Add(-2 * time.Second)
	p.add(100)
	p.last = time.Time{}
	p.add(100)
	p.done()
	out := buf.String()
	if !regexp.MustCompile(`indexing \[#{12} {12}\] 100/200 commits  \d+/s  ETA 00:0\d`).MatchString(out) {
		t.Errorf("half way: %q", out)
	}
	if !regexp.MustCompile(`\[#{24}\] 200/200 commits .* ETA 00:00`).MatchString(out) || !bytes.HasSuffix(buf.Bytes(), []byte("\r\x1b[K")) {
		t.Errorf("at the end: %q", out)
	}
	// No writer (a pipe, CI, --quiet): nothing drawn, nothing panics.
	var none *progress
	none.add(1)
	none.done()
	newProgress(nil, "x", 1).add(1)
}

// A terminal narrower than the line wrapped it, and each redraw's "\r"
// went back to the start of its last row only: a screen of stale bars. The
// line fits, dropping the bar, then the rate, then cut.
func TestProgressBarFitsTerminal(t *testing.T) {
	for _, cols := range []int{80, 50, 40, 20, 8} {
		var buf bytes.Buffer
		p := newProgress(&buf, "indexing", 3000)
		p.cols = func() int { return cols }
		p.start = time.Now().Add(-2 * time.Second)
		p.add(1500)
		line := strings.TrimPrefix(buf.String(), "\r\x1b[K")
		if w := len([]rune(line)); w >= cols {
			t.Errorf("%d columns: %q is %d wide", cols, line, w)
		}
		if cols >= 20 && !strings.Contains(line, "1500/3000") {
			t.Errorf("%d columns: %q lost the count", cols, line)
		}
	}
}

// The first draw came after one commit, the rate of which is git's start:
// "1/3000 … 30/s ETA 01:38" on a run that took a third of a second. No
// ETA until the rate has had a second to settle.
func TestProgressNoEarlyETA(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "indexing", 3000)
	p.add(1)
	if !strings.HasSuffix(buf.String(), "ETA --:--") {
		t.Errorf("after one commit: %q", buf.String())
	}
}
