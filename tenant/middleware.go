package tenant

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/web"
)

// ErrSuspended is a request to a suspended tenant's site.
var ErrSuspended = platform.NewKeyedError(platform.ErrUnavailable, "error.suspended", "this site is suspended")

// Middleware resolves the request's Host to its tenant and puts it in the
// request's context: an unknown host, or a deleted tenant's, is not found;
// a suspended tenant's is unavailable.
func Middleware(res *Resolver) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := res.Resolve(c.UserContext(), string(c.Request().Host()))
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: unknown host", ErrNotFound)
		}
		if err != nil {
			return err
		}
		c.Locals(web.LocalTenant, t.Slug)
		switch t.Status {
		case StatusActive:
		case StatusSuspended:
			return ErrSuspended
		default: // deleting or provisioning: as if it did not exist
			return fmt.Errorf("%w: unknown host", ErrNotFound)
		}
		c.Locals(web.LocalSiteName, t.Name)
		if err := billingGate(c, t); err != nil {
			return err
		}
		c.SetUserContext(NewContext(c.UserContext(), t))
		return c.Next()
	}
}
