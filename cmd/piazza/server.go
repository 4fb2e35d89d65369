package main

import "context"

// serve runs the HTTP server until ctx ends.
func (e *env) serve(ctx context.Context) error {
	go e.janitor(ctx)
	<-ctx.Done()
	return nil
}
