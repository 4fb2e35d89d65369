// Package egress is the HTTP client Piazza uses for the addresses that
// tenant admins give it: an OpenID provider's issuer, a federation entity
// and the statements its authority hints lead to. Such an address is
// chosen by someone outside the operator's trust, so the client connects
// only to public addresses — never to the loopback, private, link-local
// or other special ranges of the network it runs in (the database, the
// metrics port, a cloud's metadata service) unless the operator allows a
// range — and it checks the address it dials, after name resolution, so
// that neither a name resolving to an internal address nor a redirect
// gets around the rule.
package egress

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrRefused is the error of a connection to an address the client does
// not reach.
var ErrRefused = errors.New("address not reachable from Piazza")

// Options configure Client.
type Options struct {
	// Allow are ranges reached even though they are not public (an
	// identity provider on the operator's own network); none by default.
	Allow []netip.Prefix
	// Timeout bounds a whole request, redirects included (15 s when zero).
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed (3 when zero; each
	// target is checked like the first address).
	MaxRedirects int
}

// Client returns an HTTP client that reaches public addresses and the
// ranges of o.Allow only.
func Client(o Options) *http.Client {
	if o.Timeout == 0 {
		o.Timeout = 15 * time.Second
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = 3
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: control(o.Allow)}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial for us, past the check
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > o.MaxRedirects {
			return fmt.Errorf("more than %d redirects", o.MaxRedirects)
		}
		if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return errors.New("redirected from https to http")
		}
		return nil
	}}
}

// control refuses, at the moment of dialling (after name resolution), an
// address that Allowed refuses.
func control(allow []netip.Prefix) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrRefused, address)
		}
		if why := Refused(ap.Addr(), allow); why != "" {
			return fmt.Errorf("%w: %s is %s", ErrRefused, ap.Addr(), why)
		}
		return nil
	}
}

// special are the ranges that are not public beyond what netip's
// predicates name: shared address space (carrier-grade NAT), the IETF
// protocol assignments, benchmarking, documentation and reserved ranges,
// and the IPv6 ranges that embed IPv4 addresses.
var special = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a reserved address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("64:ff9b::/96"), "a translated IPv4 address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a translated IPv4 address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("2002::/16"), "a 6to4 address"},
}

// Refused says why a is not reached ("" when it is): it is not a public
// unicast address and no range of allow holds it.
func Refused(a netip.Addr, allow []netip.Prefix) string {
	a = a.Unmap()
	for _, p := range allow {
		if p.Contains(a) {
			return ""
		}
	}
	switch {
	case !a.IsValid() || a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "a loopback address"
	case a.IsPrivate():
		return "a private address"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "a link-local address"
	case a.IsMulticast(), a.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, s := range special {
		if s.prefix.Contains(a) {
			return s.what
		}
	}
	return ""
}

// Unreachable reports whether err is a refusal of this package's client.
func Unreachable(err error) bool { return errors.Is(err, ErrRefused) }
