package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a long operation is: a bar on a terminal, a plain
// line every few seconds (and at the end) otherwise.
type progress struct {
	what string
	w    io.Writer
	bar  *progressbar.ProgressBar
	last time.Time
	done int
}

func newProgress(w io.Writer, what string) *progress {
	return &progress{what: what, w: w}
}

// update is called with done of total; total may grow from 0 on the first call.
func (p *progress) update(done, total int) {
	if total == 0 {
		return
	}
	if p.bar == nil && isTerminal(p.w) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.what),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
	}
	p.done = done
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	if done == total || done == 0 || time.Since(p.last) >= 2*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.w, "%s: %d/%d\n", p.what, done, total)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
