package dashboard

// ReadEverySource makes the inbox read every source, probed or not (to
// compare the probes with what the sources list).
func ReadEverySource(on bool) { readEverySource.Store(on) }
