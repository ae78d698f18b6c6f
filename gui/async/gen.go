package async

import "context"

// Gen is a cancellable context with a generation number: starting a new
// load cancels the previous one, and a result whose generation is no longer
// current is dropped. Use it on the UI goroutine.
type Gen struct {
	gen    int
	cancel context.CancelFunc
}

// Renew cancels the previous context and returns a new child of parent
// with its generation.
func (v *Gen) Renew(parent context.Context) (context.Context, int) {
	if v.cancel != nil {
		v.cancel()
	}
	ctx, cancel := context.WithCancel(parent)
	v.gen++
	v.cancel = cancel
	return ctx, v.gen
}

// Current tells whether gen is still the live load.
func (v *Gen) Current(gen int) bool { return gen == v.gen }

// Stop cancels whatever runs and invalidates its results.
func (v *Gen) Stop() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	v.gen++
}
