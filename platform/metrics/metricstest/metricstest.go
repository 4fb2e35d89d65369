// Package metricstest reads what a metrics endpoint serves, for tests.
package metricstest

import (
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Families are the metric families of a scrape, by name.
type Families map[string]*dto.MetricFamily

// Scrape GETs url and parses Prometheus's text format.
func Scrape(t testing.TB, url string) Families {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("GET %s: not Prometheus's text format: %v", url, err)
	}
	return fams
}

// Find is the series of family name whose labels include labels, or nil.
func (f Families) Find(name string, labels map[string]string) *dto.Metric {
	fam := f[name]
	if fam == nil {
		return nil
	}
	for _, m := range fam.GetMetric() {
		if matches(m, labels) {
			return m
		}
	}
	return nil
}

// Value is the value of the series of name with labels (a counter's or a
// gauge's; a histogram's count), or -1 when there is none.
func (f Families) Value(name string, labels map[string]string) float64 {
	m := f.Find(name, labels)
	switch {
	case m == nil:
		return -1
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return -1
}

// Series is the number of series of name.
func (f Families) Series(name string) int {
	if fam := f[name]; fam != nil {
		return len(fam.GetMetric())
	}
	return 0
}

func matches(m *dto.Metric, labels map[string]string) bool {
	found := 0
	for _, lp := range m.GetLabel() {
		if v, ok := labels[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(labels)
}
