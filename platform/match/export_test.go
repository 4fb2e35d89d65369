package match

// PerSource is how many candidates each source gives at most.
const PerSource = perSource
