package index

import (
	"bytes"
	"regexp"
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
