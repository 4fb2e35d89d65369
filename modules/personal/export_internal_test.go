package personal

// KindQueries are the archive's queries, for the coverage test.
func KindQueries() []string {
	out := []string{}
	for _, k := range kinds {
		out = append(out, k.query)
	}
	return out
}

// Fates are what the erasure does with each column naming a user.
var Fates = fates
