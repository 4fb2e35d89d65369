package profile

// NewestMatches is newestMatches, for the tests of its bands.
var NewestMatches = newestMatches

// SetMatchBands makes newestMatches look in bands b until restore.
func SetMatchBands(b []int) (restore func()) {
	old := matchBands
	matchBands = b
	return func() { matchBands = old }
}
