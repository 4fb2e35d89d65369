package main

import (
	"net/http"
	_ "net/http/pprof" // profiles on the debug address only
	"os"
)

// startProfiler serves Go's profiles on PIAZZA_PPROF_ADDR (e.g.
// 127.0.0.1:6060) when set: for measuring, never on a public address.
func (e *env) startProfiler() {
	addr := os.Getenv("PIAZZA_PPROF_ADDR")
	if addr == "" {
		return
	}
	e.log.Info("profiles served", "addr", addr)
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
