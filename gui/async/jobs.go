// Package async is the GUI's one way to run work off the UI goroutine: Jobs
// runs it beneath the connection's context and hands results back to the UI
// goroutine, Gen drops results of superseded loads, and Throttle limits how
// often progress reaches the UI while always delivering the last value.
package async

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
)

// Jobs runs background work and lets tests wait for all of it to finish,
// which also orders the widget updates done in Do before the test's reads.
type Jobs struct {
	wg sync.WaitGroup
	mu sync.Mutex   // serialises UI callbacks (the test driver runs them inline)
	ui func(func()) // hands a function to the UI goroutine; fyne.Do unless set

	cmu  sync.Mutex      // guards life and conn
	life context.Context // the window's: cancelled when it closes
	conn context.Context // the connection's: cancelled when the user switches account; nil before one
}

// New gives the window's jobs; life ends when the window closes.
func New(life context.Context) *Jobs { return &Jobs{life: life} }

// WithUI gives jobs whose UI callbacks go through ui instead of fyne.Do (a
// test's queue that it runs on its own goroutine).
func WithUI(life context.Context, ui func(func())) *Jobs {
	return &Jobs{life: life, ui: ui}
}

// Ctx is the context new work of the connected account runs on: the
// connection's, or the window's before the first connection. Dialogs and
// batches take a child of it.
func (j *Jobs) Ctx() context.Context {
	j.cmu.Lock()
	defer j.cmu.Unlock()
	if j.conn != nil {
		return j.conn
	}
	if j.life == nil {
		panic("async: jobs without a context (build them with async.New)")
	}
	return j.life
}

// Life is the window's context: work that outlives a connection (the
// profiles list, the links ledger) runs on it.
func (j *Jobs) Life() context.Context {
	j.cmu.Lock()
	defer j.cmu.Unlock()
	if j.life == nil {
		panic("async: jobs without a context (build them with async.New)")
	}
	return j.life
}

// SetConn makes ctx the connection's context.
func (j *Jobs) SetConn(ctx context.Context) {
	j.cmu.Lock()
	j.conn = ctx
	j.cmu.Unlock()
}

// Do runs fn on the UI goroutine (fyne.Do). Under the test driver, where
// fyne.Do runs fn at once on the calling goroutine, the mutex keeps two
// callbacks from touching widgets at the same time.
func (j *Jobs) Do(fn func()) {
	if j.ui != nil {
		j.ui(fn)
		return
	}
	fyne.Do(func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		fn()
	})
}

// Go runs fn in the background; Wait waits for it.
func (j *Jobs) Go(fn func()) {
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		fn()
	}()
}

// Wait waits for everything started with Go.
func (j *Jobs) Wait() { j.wg.Wait() }

// Hold keeps UI callbacks from running until the returned func is called
// (while a window is being built on the UI goroutine).
func (j *Jobs) Hold() (release func()) {
	j.mu.Lock()
	return j.mu.Unlock
}
