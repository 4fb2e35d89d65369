package api

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/web"
)

// Limits are the requests the API answers in each Window: PerAddr from
// one address without a token (and, separately, refused requests that
// carried a token: a guessed token costs the address, not a new
// allowance), PerToken with one token. Each replica counts its own, in
// memory.
type Limits struct {
	PerAddr, PerToken int
	Window            time.Duration
}

// The environment variables of the limits, in requests per minute.
const (
	EnvPerAddr  = "PIAZZA_API_RATE_ADDR"
	EnvPerToken = "PIAZZA_API_RATE_TOKEN"
)

// LimitsFrom reads the limits from getenv (os.Getenv): 60 requests a
// minute per address and 600 per token unless EnvPerAddr or EnvPerToken
// say otherwise; a value that is not a whole number from 1 to 1,000,000
// is an error naming its variable.
func LimitsFrom(getenv func(string) string) (Limits, error) {
	l := Limits{PerAddr: 60, PerToken: 600, Window: time.Minute}
	for _, e := range []struct {
		name string
		to   *int
	}{{EnvPerAddr, &l.PerAddr}, {EnvPerToken, &l.PerToken}} { // in this order: the first bad one is named
		name, to := e.name, e.to
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return Limits{}, fmt.Errorf("%s: %q is not a number of requests per minute (1 to 1000000)", name, v)
		}
		*to = n
	}
	return l, nil
}

// limiters are the API's three counters (Fiber's limiter, in memory, a
// fixed window each): per address without a token, per token, and per
// address of the refused requests with a token (counted after the
// token's own, so that a token over its limit costs its address
// nothing, and each guessed token costs it one). Each refusal answers 429
// with Retry-After (the seconds until the window ends) and a JSON error.
func (m *Module) limiters() []fiber.Handler {
	reached := func(c *fiber.Ctx) error { return m.fail(c, errTooMany) }
	withToken := func(c *fiber.Ctx) bool { return tokenOf(c) != "" }
	without := func(c *fiber.Ctx) bool { return tokenOf(c) == "" }
	addr := func(c *fiber.Ctx) string { return "addr " + web.ClientAddr(c) }
	return []fiber.Handler{
		limiter.New(limiter.Config{Max: m.limits.PerAddr, Expiration: m.limits.Window, Next: withToken,
			KeyGenerator: addr, LimitReached: reached}),
		limiter.New(limiter.Config{Max: m.limits.PerToken, Expiration: m.limits.Window, Next: without,
			KeyGenerator: func(c *fiber.Ctx) string { return "token " + hex.EncodeToString(secret.Digest(tokenOf(c))) },
			LimitReached: reached}),
		limiter.New(limiter.Config{Max: m.limits.PerAddr, Expiration: m.limits.Window, Next: without,
			KeyGenerator: addr, LimitReached: reached, SkipSuccessfulRequests: true}),
	}
}
