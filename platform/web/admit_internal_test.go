package web

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestAdmitHoldsTheRestBack: with two places, a third request waits until
// one of the two first is done, then is served.
func TestAdmitHoldsTheRestBack(t *testing.T) {
	var arrived, inside, most atomic.Int32
	release := make(chan struct{})
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error { arrived.Add(1); return c.Next() })
	app.Use(admit(2))
	app.Get("/", func(c *fiber.Ctx) error {
		n := inside.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		inside.Add(-1)
		return c.SendString("ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(func() { free(); app.Shutdown() })

	var wg sync.WaitGroup
	codes := make(chan int, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := http.Get("http://" + ln.Addr().String() + "/")
			if err != nil {
				t.Error(err)
				return
			}
			r.Body.Close()
			codes <- r.StatusCode
		}()
	}
	for arrived.Load() < 3 || inside.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	// The third has arrived; give it time to get in, were it let in.
	time.Sleep(50 * time.Millisecond)
	if n := inside.Load(); n != 2 {
		t.Fatalf("%d requests at work with two places", n)
	}
	free()
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("status %d, want 200", c)
		}
	}
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d requests at work, want 2", m)
	}
}
