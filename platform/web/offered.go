package web

// Collector is a module that gathers what the other modules of its list
// offer (by interfaces of its own), once every module is built: the list
// calls Collect with all of them, itself included.
type Collector interface{ Collect(mods []Module) }

// Offered is what the modules of mods offer as T, in the list's order.
func Offered[T any](mods []Module) []T {
	var out []T
	for _, m := range mods {
		if v, ok := m.(T); ok {
			out = append(out, v)
		}
	}
	return out
}
