package sync

import (
	ssync "s3desk/storage/sync"
)

// plan is the preview's rows, Fyne-free: every row that would do something
// or was skipped (unchanged rows are only counted), and which the user
// unticked.
type plan struct {
	rows     []ssync.Row
	off      map[int]bool
	all      ssync.Summary // the whole plan, unchanged rows too
	complete bool          // the listings ended without an error
}

func newPlan() *plan { return &plan{off: map[int]bool{}} }

// add takes rows as they stream in.
func (p *plan) add(rs []ssync.Row) {
	for _, r := range rs {
		p.all.Add(r)
		if r.Action != ssync.Unchanged {
			p.rows = append(p.rows, r)
		}
	}
}

// ticked tells whether row i will be applied.
func (p *plan) ticked(i int) bool { return !p.off[i] && p.rows[i].Action != ssync.Skip }

// toggle ticks or unticks row i (skipped rows stay off).
func (p *plan) toggle(i int, on bool) {
	if on {
		delete(p.off, i)
	} else {
		p.off[i] = true
	}
}

// kept is the rows Apply gets.
func (p *plan) kept() []ssync.Row {
	var out []ssync.Row
	for i, r := range p.rows {
		if p.ticked(i) {
			out = append(out, r)
		}
	}
	return out
}

// keptSummary counts the ticked rows (DstFiles from the whole plan).
func (p *plan) keptSummary() ssync.Summary {
	var s ssync.Summary
	for i, r := range p.rows {
		if p.ticked(i) {
			s.Add(r)
		} else if r.Action == ssync.Skip || p.off[i] {
			s.Skipped++
		}
	}
	s.Unchanged = p.all.Unchanged
	s.DstFiles = p.all.DstFiles
	return s
}
