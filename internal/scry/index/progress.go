package index

import (
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/term"
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
	// cols is the terminal's width, asked at every draw (it may be
	// resized); 0 when unknown.
	cols func() int
}

func newProgress(w io.Writer, label string, total int) *progress {
	return &progress{w: w, label: label, total: total, start: time.Now(), cols: termCols(w)}
}

// termCols is the width of the terminal w writes to.
func termCols(w io.Writer) func() int {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return func() int { return 0 }
	}
	return func() int {
		c, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return c
	}
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
	// The first commits' rate is mostly git's start: an ETA from it
	// says minutes for a run that ends in a second.
	if rate > 0 && p.n < p.total && el >= 1 {
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
	// A line as wide as the terminal wraps (the last column too, on
	// most), and "\r" then goes back to its last row only: each redraw
	// would leave the one before on the screen. What fits is drawn: the
	// bar goes first, then the rate and the label.
	line := fmt.Sprintf("%s [%s] %d/%d commits  %.0f/s  ETA %s", p.label, bar, p.n, p.total, rate, eta)
	if cols := p.cols(); cols > 0 {
		for _, l := range []string{
			line,
			fmt.Sprintf("%s %d/%d commits  %.0f/s  ETA %s", p.label, p.n, p.total, rate, eta),
			fmt.Sprintf("%s %d/%d  ETA %s", p.label, p.n, p.total, eta),
			fmt.Sprintf("%d/%d ETA %s", p.n, p.total, eta),
		} {
			line = l
			if len(l) < cols {
				break
			}
		}
		if len(line) >= cols {
			line = line[:cols-1]
		}
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
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
