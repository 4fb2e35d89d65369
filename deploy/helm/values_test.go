package helm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

// chartValues are the settings a test derives its expectations from: the
// chart's values.yaml overlaid with a case's values file, as Helm merges
// them (maps merge, lists and scalars replace).
type chartValues struct {
	TrustedProxies string `json:"trustedProxies"`
	DatabaseConns  int    `json:"databaseConns"`
	DatabaseKept   *int   `json:"databaseKeptConns"`
	Metrics        struct {
		Enabled        bool `json:"enabled"`
		Port           int  `json:"port"`
		ServiceMonitor struct {
			Enabled bool              `json:"enabled"`
			Labels  map[string]string `json:"labels"`
		} `json:"serviceMonitor"`
	} `json:"metrics"`
	Storage struct {
		S3 struct {
			URL            string `json:"url"`
			ExistingSecret string `json:"existingSecret"`
		} `json:"s3"`
	} `json:"storage"`
	Tracing struct {
		OTLPEndpoint string `json:"otlpEndpoint"`
	} `json:"tracing"`
	NetworkPolicy struct {
		Enabled           bool  `json:"enabled"`
		IngressController peers `json:"ingressController"`
		Monitoring        peers `json:"monitoring"`
		DNS               struct {
			To []networkingv1.NetworkPolicyPeer `json:"to"`
		} `json:"dns"`
		Egress struct {
			PostgreSQL  egressRule `json:"postgresql"`
			ObjectStore egressRule `json:"objectStore"`
			Tracing     egressRule `json:"tracing"`
		} `json:"egress"`
	} `json:"networkPolicy"`
	ServiceAccount struct {
		Create bool   `json:"create"`
		Name   string `json:"name"`
	} `json:"serviceAccount"`
}

type peers struct {
	From []networkingv1.NetworkPolicyPeer `json:"from"`
}

type egressRule struct {
	Ports []int32                          `json:"ports"`
	To    []networkingv1.NetworkPolicyPeer `json:"to"`
}

// loadValues reads the chart's defaults, then file over them.
func loadValues(t *testing.T, file string) chartValues {
	t.Helper()
	merged := map[string]any{}
	for _, path := range []string{filepath.Join(chartDir, "values.yaml"), file} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		merge(merged, m)
	}
	b, err := json.Marshal(merged)
	if err != nil {
		t.Fatal(err)
	}
	var v chartValues
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// merge writes src over dst as Helm does: maps merge key by key, anything
// else (lists included) is replaced.
func merge(dst, src map[string]any) {
	for k, sv := range src {
		sm, ok1 := sv.(map[string]any)
		dm, ok2 := dst[k].(map[string]any)
		if ok1 && ok2 {
			merge(dm, sm)
			continue
		}
		dst[k] = sv
	}
}
