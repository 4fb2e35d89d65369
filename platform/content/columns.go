package content

import "strings"

// WithoutBody is a type's column list ("n.id, n.title, n.body, …") without
// alias.body: the columns of its list's rows (Type.ListSelect). It panics,
// when the package is loaded, on a list without that column, which would
// otherwise be read silently.
func WithoutBody(columns, alias string) string {
	body := " " + alias + ".body,"
	if strings.Count(columns, body) != 1 {
		panic("content.WithoutBody: no " + alias + ".body among " + columns)
	}
	return strings.Replace(columns, body, "", 1)
}
