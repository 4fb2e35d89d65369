package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/config"
)

// The client that fetches the addresses tenant admins give (issuers,
// entity ids) reaches a server on the loopback under dev only, or when
// PIAZZA_EGRESS_ALLOW names it: a production server never lets a tenant
// admin make it call the machine's own services.
func TestEgressOfTheServer(t *testing.T) {
	hits := 0
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer internal.Close()
	load := func(mode config.Mode, vars map[string]string) *env {
		t.Helper()
		cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }, mode)
		if err != nil {
			t.Fatal(err)
		}
		return &env{mode: mode, cfg: cfg}
	}
	serve := map[string]string{"PIAZZA_DATABASE_URL": "postgres://db.example/piazza", "PIAZZA_SECRET_KEY": strings.Repeat("ab", 32),
		"PIAZZA_BASE_DOMAIN": "piazza.example.it", "PIAZZA_OPERATOR_HOST": "admin.piazza.example.it"}

	if resp, err := load(config.ModeServe, serve).egress().Get(internal.URL + "/.well-known/openid-configuration"); err == nil {
		resp.Body.Close()
		t.Errorf("serve reached a loopback address")
	} else if !strings.Contains(err.Error(), "loopback") {
		t.Errorf("serve: %v, want a refusal naming the loopback", err)
	}
	if hits != 0 {
		t.Fatalf("the internal server was called %d times", hits)
	}
	serve["PIAZZA_EGRESS_ALLOW"] = "127.0.0.1"
	for name, e := range map[string]*env{"serve with PIAZZA_EGRESS_ALLOW": load(config.ModeServe, serve), "dev": load(config.ModeDev, nil)} {
		resp, err := e.egress().Get(internal.URL + "/")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		resp.Body.Close()
	}
	if hits != 2 {
		t.Errorf("allowed calls: %d, want 2", hits)
	}
}
