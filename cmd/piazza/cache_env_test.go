package main

import "testing"

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
