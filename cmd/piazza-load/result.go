package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Result is what a load run measured.
type Result struct {
	Requests, Errors int
	// Statuses counts the failed requests by HTTP status (0: no answer,
	// signedOut: answered as to a guest).
	Statuses  map[int]int
	Elapsed   time.Duration
	Latencies []time.Duration
}

// signedOut is the status of a page answered as to a guest: the
// member's session has ended (sessions last the server's idle time, two
// hours by default, unless used; seed again signs everyone in).
const signedOut = -1

// record counts one request, failed unless it answered 200.
func (r *Result) record(status int, took time.Duration) {
	r.Requests++
	r.Latencies = append(r.Latencies, took)
	if status != 200 {
		r.Errors++
		if r.Statuses == nil {
			r.Statuses = map[int]int{}
		}
		r.Statuses[status]++
	}
}

// merge adds o's requests to r.
func (r *Result) merge(o *Result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	r.Latencies = append(r.Latencies, o.Latencies...)
	for s, n := range o.Statuses {
		if r.Statuses == nil {
			r.Statuses = map[int]int{}
		}
		r.Statuses[s] += n
	}
}

// Percentile is the latency under which the share q of the requests
// answered (it sorts the latencies in place).
func (r Result) Percentile(q float64) time.Duration {
	l := r.Latencies
	if len(l) == 0 {
		return 0
	}
	if !slices.IsSorted(l) {
		slices.Sort(l)
	}
	return l[min(len(l)-1, int(q*float64(len(l))))]
}

// Rate is the requests per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Print writes throughput, percentiles and the failures by status.
func (r Result) Print(w io.Writer, what string) {
	p := func(q float64) time.Duration { return r.Percentile(q).Round(10 * time.Microsecond) }
	fmt.Fprintf(w, "%-44s %8d req  %6d err  %9.1f req/s  p50 %-9s p90 %-9s p99 %s%s\n", what, r.Requests, r.Errors,
		r.Rate(), p(0.50), p(0.90), p(0.99), r.failures())
}

// failures lists the failed requests by status: "  (302: 4, no answer: 1)".
func (r Result) failures() string {
	if len(r.Statuses) == 0 {
		return ""
	}
	codes := make([]int, 0, len(r.Statuses))
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		name := fmt.Sprint(c)
		switch c {
		case 0:
			name = "no answer"
		case signedOut:
			name = "signed out"
		}
		parts[i] = fmt.Sprintf("%s: %d", name, r.Statuses[c])
	}
	return "  (" + strings.Join(parts, ", ") + ")"
}
