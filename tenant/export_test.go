package tenant

// CachedMisses is how many "no such host" answers r keeps.
func (r *Resolver) CachedMisses() int { return r.cachedMisses() }

// LimitMisses lowers r's bound on them, so a test need not send thousands.
func (r *Resolver) LimitMisses(n int) { r.maxMisses = n }
