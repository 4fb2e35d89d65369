package metrics_test

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/piazza-pa/piazza/platform/metrics"
	"github.com/piazza-pa/piazza/platform/web"
)

// BenchmarkRequest is what counting and timing adds to a request: the
// same server answers GET /news/:id without and with the metrics.
//
//	go test -run '^$' -bench BenchmarkRequest ./platform/metrics/
func BenchmarkRequest(b *testing.B) {
	for _, observed := range []bool{false, true} {
		b.Run(fmt.Sprintf("metrics=%v", observed), func(b *testing.B) {
			cfg := web.Config{OperatorHost: "admin.test", Log: slog.New(slog.DiscardHandler), TenantModules: []web.Module{news{}},
				Tenant: func(c *fiber.Ctx) error { c.Locals(web.LocalTenant, "alfa"); return c.Next() }}
			if observed {
				cfg.Observe = []fiber.Handler{metrics.New(metrics.Options{}).HTTP}
			}
			srv, err := web.New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			h := srv.App().Handler()
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.ResetUserValues()
				ctx.Request.SetRequestURI(fmt.Sprintf("/news/%d", i%100))
				ctx.Request.SetHost("alfa.test")
				h(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
			}
		})
	}
}
