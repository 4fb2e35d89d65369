// Package memo keeps values computed from a tenant's data for a while,
// in a bounded store: what is costly to read, changes seldom, and may be
// a few minutes old (the tables' statistics, the words of a text).
package memo

import (
	"sync"
	"time"
)

// Memo keeps values for For, at most Most of them. It is safe for
// concurrent use.
type Memo[V any] struct {
	mu   sync.Mutex
	most int
	For  time.Duration
	m    map[string]entry[V]
}

type entry[V any] struct {
	v     V
	until time.Time
}

// New is a memo that keeps at most most values, each for keep.
func New[V any](most int, keep time.Duration) *Memo[V] {
	return &Memo[V]{most: most, For: keep, m: map[string]entry[V]{}}
}

// Get returns the value kept for key at now, if any.
func (k *Memo[V]) Get(key string, now time.Time) (V, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.m[key]
	return e.v, ok && now.Before(e.until)
}

// Put keeps v for key from now; when full, it first drops what expired,
// or all.
func (k *Memo[V]) Put(key string, v V, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.m) >= k.most {
		for key, e := range k.m {
			if !now.Before(e.until) {
				delete(k.m, key)
			}
		}
		if len(k.m) >= k.most {
			clear(k.m)
		}
	}
	k.m[key] = entry[V]{v: v, until: now.Add(k.For)}
}

// Len is how many values are held, expired or not.
func (k *Memo[V]) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}
