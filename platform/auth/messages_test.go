package auth_test

import (
	"testing"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, auth.Messages) }
