package transfers

import (
	"s3desk/storage/transfer"
)

// RowState is what a transfer row shows, for the shell and its tests.
type RowState struct {
	State       transfer.TransferState
	Done, Total int64
}

// Rows is the state of every row, oldest first. Safe from any goroutine.
func (p *TransfersPanel) Rows() []RowState {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]RowState, 0, len(p.rows))
	for _, r := range p.rows {
		out = append(out, RowState{State: r.state, Done: r.done, Total: r.total})
	}
	return out
}

// Flush shows the progress received so far now (UI goroutine).
func (p *TransfersPanel) Flush() { p.flush() }

// TotalText is the header's total line ("1 of 1 file · …").
func (p *TransfersPanel) TotalText() string { return p.totalLabel.Text }

// Rate is the bandwidth limit in bytes per second, 0 for none.
func (p *TransfersPanel) Rate() int64 { return p.limiter.Rate() }
