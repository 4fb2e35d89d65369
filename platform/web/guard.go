package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// contentPolicy lets pages load scripts, styles, fonts and images from their
// own origin only (Bootstrap Italia and htmx are served from it), keeps them
// out of frames and forbids plugins. Inline styles stay allowed: the
// templates size pictures with style attributes, and htmx adds its own.
const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries; a handler may
// replace them (a downloaded file gets a stricter sandbox policy). HSTS is
// sent when the site is served over https.
func securityHeaders(hsts bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set(fiber.HeaderContentSecurityPolicy, contentPolicy)
		h.Set(fiber.HeaderXFrameOptions, "DENY")
		h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		h.Set(fiber.HeaderReferrerPolicy, "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if hsts {
			h.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
		}
		return c.Next()
	}
}

// ErrTwoHosts is a request with more than one Host header: which one a
// proxy and Piazza each read could differ, so neither is answered.
var ErrTwoHosts = &BadRequest{Key: "error.two_hosts", Msg: "more than one Host header"}

// singleHost refuses a request that names its host twice.
func singleHost(c *fiber.Ctx) error {
	n := 0
	for _, line := range bytes.Split(c.Request().Header.RawHeaders(), []byte("\n")) {
		name, _, ok := bytes.Cut(line, []byte(":"))
		if ok && bytes.EqualFold(bytes.TrimSpace(name), []byte("host")) {
			n++
		}
	}
	if n > 1 {
		return ErrTwoHosts
	}
	return c.Next()
}
