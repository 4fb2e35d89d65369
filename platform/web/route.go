package web

import (
	"github.com/gofiber/fiber/v2"
)

// Unmatched is the route of a request that no route answered: an unknown
// path, or one that middleware answered before any route (an unknown host,
// a refused form).
const Unmatched = "unmatched"

// Locals set by the server for what observes requests (metrics, traces).
const (
	// LocalRoute is the pattern of the route that answered ("/news/:id").
	LocalRoute = "route_pattern"
	// LocalArea is the area (AreaTenant, AreaOperator) that answered; ""
	// for the server's own routes (/healthz, /static/*).
	LocalArea = "route_area"
)

// AreaServer names the server's own routes (health checks, assets) in RouteOf.
const AreaServer = "server"

// routeKey tells a route apart from a middleware registered on the same
// method and path: its handlers are its own.
type routeKey struct {
	method, path string
	handler      *fiber.Handler
}

func keyOf(r *fiber.Route) routeKey {
	if len(r.Handlers) == 0 {
		return routeKey{method: r.Method, path: r.Path}
	}
	return routeKey{r.Method, r.Path, &r.Handlers[0]}
}

// recorder records, once a request is answered, the pattern of the route
// of its app that answered it, unless a deeper app already did.
type recorder struct {
	area   string
	routes map[routeKey]bool // set once the app's routes are registered
}

// learn reads app's routes (not its middleware); call it before serving.
func (r *recorder) learn(app *fiber.App) {
	r.routes = map[routeKey]bool{}
	for _, rt := range app.GetRoutes(true) {
		r.routes[keyOf(&rt)] = true
	}
}

func (r *recorder) handle(c *fiber.Ctx) error {
	if r.area != AreaServer {
		c.Locals(LocalArea, r.area)
	}
	err := c.Next()
	if _, done := c.Locals(LocalRoute).(string); done {
		return err
	}
	if rt := c.Route(); r.routes[keyOf(rt)] {
		c.Locals(LocalRoute, rt.Path)
		c.Locals(LocalArea, r.area)
	}
	return err
}

// RouteOf is the area and route pattern that answered the request, once
// it is answered: (AreaTenant, "/news/:id"), or Unmatched with the area
// that did not match ("" when no area was reached). The pattern never
// holds the request's own path, so it is a label of bounded cardinality.
func RouteOf(c *fiber.Ctx) (area, route string) {
	route, ok := c.Locals(LocalRoute).(string)
	if !ok {
		route = Unmatched
	}
	area, _ = c.Locals(LocalArea).(string)
	return area, route
}

// StatusOf is the status of the answer to a request whose handlers
// returned err: the error handler's for err, else the response's.
func StatusOf(c *fiber.Ctx, err error) int {
	if err != nil {
		return statusOf(err)
	}
	return c.Response().StatusCode()
}
