package federation

import (
	"fmt"
	"reflect"
	"slices"
)

// Policy is a metadata policy for one parameter: operator → value
// ("value", "add", "default", "one_of", "subset_of", "superset_of",
// "essential").
type Policy map[string]any

// operators are the policy operators Piazza understands, in the order they
// apply (OpenID Federation 1.0, section 6.1.3.1).
var operators = []string{"value", "add", "default", "one_of", "subset_of", "superset_of", "essential"}

// mergePolicies combines the policies of a chain, the trust anchor's first:
// a subordinate may only restrict what its superior allows. crit names the
// operators that must be understood.
func mergePolicies(levels []map[string]map[string]Policy, crit []string) (map[string]map[string]Policy, error) {
	out := map[string]map[string]Policy{}
	for _, level := range levels {
		for typ, params := range level {
			if out[typ] == nil {
				out[typ] = map[string]Policy{}
			}
			for param, p := range params {
				for op := range p {
					if !slices.Contains(operators, op) && slices.Contains(crit, op) {
						return nil, fmt.Errorf("%s.%s: critical policy operator %q not understood", typ, param, op)
					}
				}
				merged, err := mergePolicy(out[typ][param], p)
				if err != nil {
					return nil, fmt.Errorf("%s.%s: %w", typ, param, err)
				}
				out[typ][param] = merged
			}
		}
	}
	return out, nil
}

// mergePolicy combines a superior's policy a with a subordinate's b.
func mergePolicy(a, b Policy) (Policy, error) {
	out := Policy{}
	for k, v := range a {
		out[k] = v
	}
	for op, v := range b {
		old, ok := out[op]
		if !ok {
			out[op] = v
			continue
		}
		switch op {
		case "value", "default":
			if !reflect.DeepEqual(old, v) {
				return nil, fmt.Errorf("%s %v conflicts with the superior's %v", op, v, old)
			}
		case "add", "superset_of":
			out[op] = union(list(old), list(v))
		case "one_of", "subset_of":
			out[op] = intersect(list(old), list(v))
			if op == "one_of" && len(list(out[op])) == 0 {
				return nil, fmt.Errorf("one_of %v leaves nothing of the superior's %v", v, old)
			}
		case "essential":
			out[op] = old == true || v == true
		}
	}
	return out, nil
}

// applyPolicies applies merged policies to metadata (decoded JSON), per
// entity type, and says which parameter breaks a policy.
func applyPolicies(meta map[string]map[string]any, policies map[string]map[string]Policy) error {
	for typ, params := range policies {
		m := meta[typ]
		if m == nil {
			continue // a policy for an entity type the entity is not
		}
		for param, p := range params {
			if err := applyPolicy(m, param, p); err != nil {
				return fmt.Errorf("%s.%s: %w", typ, param, err)
			}
		}
	}
	return nil
}

func applyPolicy(m map[string]any, param string, p Policy) error {
	for _, op := range operators {
		v, ok := p[op]
		if !ok {
			continue
		}
		cur, present := m[param]
		switch op {
		case "value":
			if v == nil {
				delete(m, param)
			} else {
				m[param] = v
			}
		case "add":
			m[param] = union(list(cur), list(v))
		case "default":
			if !present {
				m[param] = v
			}
		case "one_of":
			if present && !slices.ContainsFunc(list(v), func(x any) bool { return reflect.DeepEqual(x, cur) }) {
				return fmt.Errorf("%v is not one of %v", cur, v)
			}
		case "subset_of":
			if present {
				if r := intersect(list(cur), list(v)); len(r) > 0 {
					m[param] = r
				} else {
					delete(m, param)
				}
			}
		case "superset_of":
			if present && len(intersect(list(v), list(cur))) != len(list(v)) {
				return fmt.Errorf("%v does not hold all of %v", cur, v)
			}
		case "essential":
			if _, present := m[param]; v == true && !present {
				return fmt.Errorf("essential, and absent")
			}
		}
	}
	return nil
}

// list reads a JSON value as an array (a single value as one element).
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		return []any{v}
	}
}

func union(a, b []any) []any {
	out := slices.Clone(a)
	for _, x := range b {
		if !containsValue(out, x) {
			out = append(out, x)
		}
	}
	if out == nil {
		out = []any{}
	}
	return out
}

func intersect(a, b []any) []any {
	out := []any{}
	for _, x := range a {
		if containsValue(b, x) && !containsValue(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func containsValue(xs []any, x any) bool {
	return slices.ContainsFunc(xs, func(y any) bool { return reflect.DeepEqual(x, y) })
}

// CheckPolicy says what is wrong with a metadata policy Piazza issues, if
// anything: only operators it understands, lists where a list is due, and
// no value outside its own one_of or subset_of.
func CheckPolicy(params map[string]Policy) error {
	for param, p := range params {
		if len(p) == 0 {
			return fmt.Errorf("%s: no operator", param)
		}
		for op, v := range p {
			switch {
			case !slices.Contains(operators, op):
				return fmt.Errorf("%s: operator %q not understood", param, op)
			case op == "essential":
				if _, ok := v.(bool); !ok {
					return fmt.Errorf("%s: essential must be true or false", param)
				}
			case op != "value" && op != "default":
				if _, ok := v.([]any); !ok {
					return fmt.Errorf("%s: %s must be a list", param, op)
				}
			}
		}
		if v, ok := p["value"]; ok && v != nil {
			if one, ok := p["one_of"].([]any); ok && !containsValue(one, v) {
				return fmt.Errorf("%s: value %v is not one of %v", param, v, one)
			}
			if sub, ok := p["subset_of"].([]any); ok {
				for _, x := range list(v) {
					if !containsValue(sub, x) {
						return fmt.Errorf("%s: value %v is not a subset of %v", param, v, sub)
					}
				}
			}
		}
	}
	return nil
}
