package federation

import (
	"context"
	"time"
)

// ProviderMetadata is ResolveProvider for callers that must not import
// this package (platform/idp): the resolved openid_provider metadata and
// when the chain expires.
func (r *Resolver) ProviderMetadata(ctx context.Context, entityID string) (map[string]any, time.Time, error) {
	res, err := r.ResolveProvider(ctx, entityID)
	if err != nil {
		return nil, time.Time{}, err
	}
	return res.Provider(), res.Expires, nil
}

// Forget drops the resolved chain kept for entityID, so that the next
// resolution fetches and verifies it again.
func (r *Resolver) Forget(entityID string) {
	id, err := CheckEntityID(entityID)
	if err != nil {
		return
	}
	r.mu.Lock()
	delete(r.cache, id)
	r.mu.Unlock()
}
