package operator_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/operator"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestOperators(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	o, err := operator.Create(ctx, d.DB, "ops@regione.example.it", "Ops", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := operator.Create(ctx, d.DB, "OPS@regione.example.it", "Again", "a long enough password"); !errors.Is(err, operator.ErrExists) {
		t.Fatalf("duplicate e-mail: %v", err)
	}
	if _, err := operator.Create(ctx, d.DB, "not an address", "", "a long enough password"); !errors.Is(err, operator.ErrInvalidEmail) {
		t.Fatalf("bad e-mail: %v", err)
	}
	if _, err := operator.Create(ctx, d.DB, "b@regione.example.it", "", "short"); err == nil {
		t.Fatal("short password accepted")
	}
	got, err := operator.Authenticate(ctx, d.DB, "Ops@Regione.Example.it", "a long enough password")
	if err != nil || got.ID != o.ID {
		t.Fatalf("sign-in: %v %v", got, err)
	}
	for _, c := range [][2]string{{"ops@regione.example.it", "wrong password!"}, {"nobody@regione.example.it", "a long enough password"}} {
		if _, err := operator.Authenticate(ctx, d.DB, c[0], c[1]); !errors.Is(err, operator.ErrBadCredentials) {
			t.Errorf("%v: %v", c, err)
		}
	}
	roles, err := authz.Roles(ctx, d.DB, o.Subject(), "42")
	if err != nil || len(roles) != 1 || roles[0] != authz.RoleOperator {
		t.Fatalf("operator roles in any tenant: %v %v", roles, err)
	}
}
