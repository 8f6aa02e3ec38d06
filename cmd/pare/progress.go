package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// progress draws one progress bar on stderr: redrawn in place on a
// terminal, a single summary line when stderr is a file or a pipe.
type progress struct {
	mu    sync.Mutex
	label string
	total int
	done  int
	start time.Time
	tty   bool
	last  time.Time
	quiet bool
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(label string, total int) *progress {
	return &progress{label: label, total: total, start: time.Now(), tty: isTerminal(os.Stderr)}
}

// Set records done units (of total) with an optional note and redraws.
func (p *progress) Set(done int, note string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	if !p.tty || p.quiet {
		return
	}
	if time.Since(p.last) < 100*time.Millisecond && done < p.total {
		return
	}
	p.last = time.Now()
	const width = 28
	frac := 0.0
	if p.total > 0 {
		frac = float64(done) / float64(p.total)
	}
	fill := int(frac * width)
	bar := strings.Repeat("█", fill) + strings.Repeat("░", width-fill)
	line := fmt.Sprintf("%s %s %3.0f%% %d/%d %s %s", p.label, bar, 100*frac, done, p.total,
		time.Since(p.start).Round(100*time.Millisecond), note)
	fmt.Fprintf(os.Stderr, "\r\033[K%s", line)
}

// Done ends the bar with a line saying how long it took.
func (p *progress) Done(note string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quiet {
		return
	}
	if p.tty {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	fmt.Fprintf(os.Stderr, "%s: done in %s %s\n", p.label, time.Since(p.start).Round(10*time.Millisecond), note)
}
