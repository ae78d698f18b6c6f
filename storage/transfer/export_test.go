package transfer

import "time"

// SetAbortBackoffForTest sets the first delay of e's background abort
// retries (30 s in the app) and wakes the loop.
func SetAbortBackoffForTest(e *Engine, d time.Duration) {
	e.abortBackoff.Store(int64(d))
	e.kickAborts()
}

// SetPartLimitsForTest lowers e's part-buffer budget and the number of parts
// a file may have (10,000 in S3), so small files exercise what large ones do.
func SetPartLimitsForTest(e *Engine, budget, maxParts int64) {
	e.partBudget, e.maxParts = budget, maxParts
}

// PlanPartsForTest is the part size and concurrency an upload of size bytes
// runs with under o, and whether it streams its parts from the file.
func PlanPartsForTest(size int64, o TransferOptions) (part int64, conc int, stream bool) {
	p := planParts(size, o.resolved(), PartBufferBudget, maxUploadParts)
	return p.PartSize, p.Concurrency, p.Stream
}

// UseNamedTemps makes e's downloads take the path used where the system has
// no unnamed files: a temp file beside the target, renamed when complete.
func UseNamedTemps(e *Engine) { e.namedTemps = true }
