package db_test

import (
	"context"
	"testing"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
)

// TestNoJIT: Piazza's connections compile no query just in time, although
// the server's default (here as in PostgreSQL's own) does. (The login
// groups' pools copy the main pool's settings.)
func TestNoJIT(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	admin := d.Admin(t)
	var server string
	if err := admin.QueryRow(ctx, "SELECT current_setting('jit')").Scan(&server); err != nil {
		t.Fatal(err)
	}
	if server != "on" {
		t.Fatalf("the server's jit is %q: the test shows nothing", server)
	}
	bdb, err := db.Open(ctx, d.URL, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	var jit string
	if err := bdb.QueryRowContext(ctx, "SELECT current_setting('jit')").Scan(&jit); err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Errorf("jit is %q on Piazza's connections, want off", jit)
	}
}
