package index

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress draws a one-line bar with rate and ETA. It is only ever given
// a terminal (the command decides: not on a pipe, not in CI, not with
// --quiet); a nil writer draws nothing.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int
	n     int
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, label string, total int) *progress {
	return &progress{w: w, label: label, total: total, start: time.Now()}
}

func (p *progress) add(k int) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += k
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || p.n == p.total {
		p.last = now
		p.draw(now)
	}
}

func (p *progress) draw(now time.Time) {
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.n) / el
	}
	eta := "--:--"
	if rate > 0 && p.n < p.total {
		eta = clock(time.Duration(float64(p.total-p.n) / rate * float64(time.Second)))
	} else if p.n >= p.total {
		eta = "00:00"
	}
	const width = 24
	filled := 0
	if p.total > 0 {
		filled = width * p.n / p.total
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s [%s] %d/%d commits  %.0f/s  ETA %s", p.label, bar, p.n, p.total, rate, eta)
	p.drawn = true
}

func (p *progress) done() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
