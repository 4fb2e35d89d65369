package keyset_test

import (
	"os"
	"testing"

	"github.com/piazza-pa/piazza/platform/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
