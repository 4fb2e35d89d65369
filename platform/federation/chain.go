package federation

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// resolved makes the result of a verified chain: the leaf's configuration,
// the subordinate statements upwards, the anchor's configuration last.
func resolved(id string, chain []*Statement) (*Resolved, error) {
	leaf, anchor := chain[0], chain[len(chain)-1]
	res := &Resolved{EntityID: id, TrustAnchor: anchor.Subject, Expires: time.Unix(leaf.ExpiresAt, 0)}
	for _, st := range chain {
		if e := time.Unix(st.ExpiresAt, 0); e.Before(res.Expires) {
			res.Expires = e
		}
	}
	res.Path = []string{id}
	subs := chain[1 : len(chain)-1]
	var levels []map[string]map[string]Policy
	var crit []string
	for i := len(subs) - 1; i >= 0; i-- { // the anchor's policy first
		levels = append(levels, subs[i].MetadataPolicy)
		crit = append(crit, subs[i].MetadataPolicyCrit...)
	}
	for _, st := range subs {
		res.Path = append(res.Path, st.Issuer)
	}
	policies, err := mergePolicies(levels, crit)
	if err != nil {
		return nil, &LinkError{Issuer: anchor.Subject, Subject: id, Reason: "metadata policies: " + err.Error()}
	}
	meta, err := copyMetadata(leaf.Metadata)
	if err != nil {
		return nil, err
	}
	for typ, m := range subs[0].Metadata { // the immediate superior's metadata overrides the leaf's
		if meta[typ] == nil {
			meta[typ] = map[string]any{}
		}
		for k, v := range m {
			meta[typ][k] = v
		}
	}
	if err := applyPolicies(meta, policies); err != nil {
		return nil, &LinkError{Issuer: subs[0].Issuer, Subject: id, Reason: "metadata breaks policy: " + err.Error()}
	}
	res.Metadata = meta
	return res, nil
}

func copyMetadata(m map[string]map[string]any) (map[string]map[string]any, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = map[string]map[string]any{}
	}
	return out, nil
}

// LoadAnchors reads trust anchors from a JSON file: an array of
// {"entity_id": URL, "jwks": {"keys": […]}}, each with signing keys.
func LoadAnchors(path string) ([]Anchor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trust anchors: %w", err)
	}
	var as []Anchor
	if err := json.Unmarshal(b, &as); err != nil {
		return nil, fmt.Errorf("trust anchors in %s: not a JSON array of {\"entity_id\", \"jwks\"}: %w", path, err)
	}
	if len(as) == 0 {
		return nil, fmt.Errorf("trust anchors in %s: none", path)
	}
	for i, a := range as {
		id, err := CheckEntityID(a.EntityID)
		if err != nil {
			return nil, fmt.Errorf("trust anchor %d in %s: entity_id %q: %w", i+1, path, a.EntityID, err)
		}
		as[i].EntityID = id
		if len(a.JWKS.Keys) == 0 {
			return nil, fmt.Errorf("trust anchor %s in %s: no keys in jwks", id, path)
		}
		for _, k := range a.JWKS.Keys {
			if !k.IsPublic() {
				return nil, fmt.Errorf("trust anchor %s in %s: jwks holds a private key", id, path)
			}
		}
	}
	return as, nil
}
