package storage

import "time"

// SetAbortBackoffForTest sets the first delay of e's background abort
// retries (30 s in the app) and wakes the loop.
func SetAbortBackoffForTest(e *Engine, d time.Duration) {
	e.abortBackoff.Store(int64(d))
	e.kickAborts()
}
