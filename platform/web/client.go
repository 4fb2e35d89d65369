package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// LocalClientAddr is the visitor's address (see ClientAddr).
const LocalClientAddr = "client_addr"

// ClientAddr is the address of the visitor who made the request, as the
// throttles, the audit trail and the access log record it: the TCP peer,
// unless the peer is one of the trusted proxies (Config.TrustedProxies).
func ClientAddr(c *fiber.Ctx) string {
	if s, ok := c.Locals(LocalClientAddr).(string); ok {
		return s
	}
	return c.Context().RemoteIP().String()
}

// clientAddr finds the visitor's address once per request. Only a trusted
// proxy's X-Forwarded-For or Forwarded is read, from its right end: each
// proxy appends the address it saw, so the first address from the right
// that is not a trusted proxy is the visitor (anything left of it is what
// the visitor chose to send).
func clientAddr(trusted []netip.Prefix) fiber.Handler {
	return func(c *fiber.Ctx) error {
		peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
		addr := peer.Unmap()
		if isTrusted(trusted, addr) {
			addr = fromChain(trusted, addr, forwardedChain(c))
		}
		c.Locals(LocalClientAddr, addr.String())
		return c.Next()
	}
}

func isTrusted(trusted []netip.Prefix, a netip.Addr) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fromChain walks the forwarded chain from its right end and returns the
// first hop that is not a trusted proxy; an unreadable hop stops the walk
// at the last proxy seen.
func fromChain(trusted []netip.Prefix, last netip.Addr, chain []string) netip.Addr {
	for i := len(chain) - 1; i >= 0; i-- {
		a, ok := parseHop(chain[i])
		if !ok {
			return last
		}
		last = a
		if !isTrusted(trusted, a) {
			return a
		}
	}
	return last
}

// forwardedChain is the Forwarded header's for= hops when it is present,
// X-Forwarded-For's addresses otherwise, in order, over every header line.
func forwardedChain(c *fiber.Ctx) []string {
	var chain []string
	if lines := c.Request().Header.PeekAll(fiber.HeaderForwarded); len(lines) > 0 {
		for _, line := range lines {
			for _, elem := range strings.Split(string(line), ",") {
				for _, pair := range strings.Split(elem, ";") {
					k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
					if ok && strings.EqualFold(k, "for") {
						chain = append(chain, v)
					}
				}
			}
		}
		return chain
	}
	for _, line := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		for _, a := range strings.Split(string(line), ",") {
			chain = append(chain, a)
		}
	}
	return chain
}

// parseHop reads one hop: 192.0.2.1, "192.0.2.1:4711", "[2001:db8::1]:4711".
func parseHop(s string) (netip.Addr, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	return a.Unmap(), err == nil
}
