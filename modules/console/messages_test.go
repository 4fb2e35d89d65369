package console_test

import (
	"testing"

	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, console.Messages) }
