package profile

// NewestMatches is newestMatches, for its tests.
var NewestMatches = newestMatches
