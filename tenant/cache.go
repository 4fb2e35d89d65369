package tenant

import (
	"context"
	"time"

	"github.com/piazza-pa/piazza/platform/site"
)

// DataChannel is the notification channel of changes to a tenant's data
// (see site.DataChannel).
const DataChannel = site.DataChannel

// Cache keeps, per replica, what reading requests compute in a tenant's
// transaction (see site.Cache).
type Cache = site.Cache

// NewCache returns a cache of at most max entries (none: max 0) that caches
// nothing until Subscribe.
func NewCache(max int) *Cache { return site.NewCache(max) }

// Cached returns the value of key for the tenant of ctx: the cached one, or
// what fill computes (see site.Cached).
func Cached[T any](ctx context.Context, c *Cache, key string, fill func() (T, time.Time, error)) (T, error) {
	return site.Cached(ctx, c, key, fill)
}
