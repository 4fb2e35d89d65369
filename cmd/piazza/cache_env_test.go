package main

import (
	"strings"
	"testing"
)

func TestCacheByteLimit(t *testing.T) {
	for v, want := range map[string]int{"": cacheBytes, "1048576": 1 << 20, "32MiB": 32 << 20, "512 KiB": 512 << 10, "1GiB": 1 << 30} {
		t.Setenv("PIAZZA_CACHE_BYTES", v)
		if got, err := cacheByteLimit(); err != nil || got != want {
			t.Errorf("PIAZZA_CACHE_BYTES=%q: %d %v, want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"0", "-5", "64MB", "lots", "99999999999999999GiB"} {
		t.Setenv("PIAZZA_CACHE_BYTES", v)
		if _, err := cacheByteLimit(); err == nil {
			t.Errorf("PIAZZA_CACHE_BYTES=%q accepted", v)
		}
	}
}

// TestDefaultMemoryLimit: without a container's limit the runtime's soft
// limit follows the cache's bound (about 200 MiB at the default 64 MiB).
func TestDefaultMemoryLimit(t *testing.T) {
	if got := defaultMemoryLimit(cacheBytes); got != 200<<20 {
		t.Errorf("default memory limit %d MiB, want 200", got>>20)
	}
	if got := defaultMemoryLimit(256 << 20); got != 584<<20 {
		t.Errorf("memory limit with a 256 MiB cache: %d MiB, want 584", got>>20)
	}
}

// TestKeptConnsSetting: PIAZZA_DB_KEPT is a number of connections, 0
// included; anything else stops the start with its name.
func TestKeptConnsSetting(t *testing.T) {
	for v, opts := range map[string]int{"": 0, "0": 1, " 12 ": 1} {
		t.Setenv("PIAZZA_DB_KEPT", v)
		if got, err := dbKept(); err != nil || len(got) != opts {
			t.Errorf("PIAZZA_DB_KEPT=%q: %d options, %v", v, len(got), err)
		}
	}
	for _, v := range []string{"-1", "many", "1001"} {
		t.Setenv("PIAZZA_DB_KEPT", v)
		if _, err := dbKept(); err == nil || !strings.Contains(err.Error(), "PIAZZA_DB_KEPT") {
			t.Errorf("PIAZZA_DB_KEPT=%q: %v", v, err)
		}
	}
}
