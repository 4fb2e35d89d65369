package web

import (
	"runtime"

	"github.com/gofiber/fiber/v2"
)

// RequestsPerCPU is how many requests a replica works on at once per CPU
// when Config.Concurrency is not set.
const RequestsPerCPU = 2

// admit lets at most n requests past at once; the others wait for a place
// in the order they arrived (a channel's waiting senders are served first
// in, first out). Sixteen pages drawn at once on two cores each take
// sixteen times their work, and the slowest of them much more; taken a few
// at a time, each page is done sooner and the slowest wait least, for the
// same throughput (docs/benchmarks.md, "Requests at once"; four per CPU
// gave the region's pages a p99 a sixth to a third higher than two). A
// request waiting on another service (an identity provider's token
// endpoint) holds its place meanwhile, which is why the default leaves
// room for more requests than CPUs.
func admit(n int) fiber.Handler {
	if n <= 0 {
		n = RequestsPerCPU * runtime.GOMAXPROCS(0)
	}
	places := make(chan struct{}, n)
	return func(c *fiber.Ctx) error {
		places <- struct{}{}
		defer func() { <-places }()
		return c.Next()
	}
}
