package transfers

import (
	"context"
	"errors"
	"fmt"

	"s3desk/storage"
	"s3desk/storage/transfer"

	"fyne.io/fyne/v2/lang"
)

// Planning rows: while an upload or download is being planned (the local
// folder walked and each name checked, or the bucket listed), the
// transfers panel shows one "Planning…" row with Cancel. Cancel, Escape
// and a switch of account end the planning; nothing is then sent.

// connCtx is the connected account's context (the window's before one):
// batches and planning run beneath it.
func (p *TransfersPanel) connCtx() context.Context {
	if p.ctx != nil {
		return p.ctx
	}
	if p.deps.Life == nil {
		panic("gui: TransferDeps.Life is required")
	}
	return p.deps.Life
}

// beginPlanning adds a planning row and returns the context the planning
// runs on (a child of the connection's) and end, which removes the row and
// releases the context. Call on the UI goroutine; end may be called from
// any goroutine, more than once.
func (p *TransfersPanel) beginPlanning(e TransferEngine, upload bool, what, where string) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(p.connCtx())
	stop := func() { cancel(errPlanningStopped) }
	r := &transferRow{id: e.NewID(), upload: upload, name: what, where: where, state: transfer.StateRunning, planning: true, stop: stop, eta: -1}
	p.addRow(r)
	return ctx, func() {
		cancel(nil)
		p.removeRow(r)
	}
}

// errPlanningStopped is the cause of a planning the user stopped.
var errPlanningStopped = errors.New("planning stopped")

// abandoned tells (after end) whether a planning's result is to be
// dropped: the user stopped it, or its connection ended.
func abandoned(ctx, conn context.Context) bool {
	return conn.Err() != nil || errors.Is(context.Cause(ctx), errPlanningStopped)
}

// removeRow drops r from the panel (any goroutine).
func (p *TransfersPanel) removeRow(r *transferRow) {
	p.mu.Lock()
	for i, x := range p.rows {
		if x == r {
			p.rows = append(p.rows[:i:i], p.rows[i+1:]...)
			break
		}
	}
	if p.byID[r.id] == r {
		delete(p.byID, r.id)
	}
	p.mu.Unlock()
	p.schedule()
}

// Planning tells how many plannings are running.
func (p *TransfersPanel) Planning() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.rows {
		if r.planning {
			n++
		}
	}
	return n
}

// CancelPlanning stops every planning (Escape); it tells whether there
// was one.
func (p *TransfersPanel) CancelPlanning() bool {
	p.mu.Lock()
	var stops []func()
	for _, r := range p.rows {
		if r.planning && r.stop != nil {
			stops = append(stops, r.stop)
		}
	}
	p.mu.Unlock()
	for _, s := range stops {
		s()
	}
	return len(stops) > 0
}

// stopped tells whether a planning error is only its cancellation: then
// nothing is said.
func stopped(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled)
}

// planningName is a planning row's title: the first name and how many
// more.
func planningName(names []string) string {
	switch len(names) {
	case 0:
		return lang.L("Planning")
	case 1:
		return fmt.Sprintf(lang.L("Planning %s"), shortName(names[0]))
	}
	return fmt.Sprintf(lang.L("Planning %s and %d more"), shortName(names[0]), len(names)-1)
}

func entryNames(entries []storage.Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Key
	}
	return out
}
