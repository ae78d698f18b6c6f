package sync

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/widgets"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

// enginePrefix is the engines' own data folder below DataDir: a second
// engine on the panel's folder would take its running downloads' temp
// records for a crash's.
const engineDir = "sync-engines"

// engine is the transfer engine of the remote side that runs the copies.
func (v *View) engine(ctx context.Context, profile string) (*transfer.Engine, error) {
	v.mu.Lock()
	e := v.engines[profile]
	v.mu.Unlock()
	if e != nil {
		return e, nil
	}
	c, err := v.conn(ctx, profile)
	if err != nil {
		return nil, err
	}
	opts := transfer.TransferOptions{}
	if v.deps.Options != nil {
		opts = v.deps.Options()
	}
	dir := v.deps.DataDir
	if dir != "" {
		dir += "/" + engineDir
	}
	e, err = c.Engine(v.ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	if old := v.engines[profile]; old != nil {
		v.mu.Unlock()
		e.Close()
		return old, nil
	}
	v.engines[profile] = e
	v.mu.Unlock()
	return e, nil
}

// Apply carries out the ticked rows: copies through the transfers panel,
// then the deletions, and ends with a summary.
func (v *View) Apply() {
	if !v.plan.complete || v.applying {
		return
	}
	kept := v.plan.kept()
	confirm := 0
	if n := v.guardCount(); n > 0 {
		if v.GuardEntry.Text != strconv.Itoa(n) {
			return
		}
		confirm = n
	} else {
		confirm = v.plan.keptSummary().Deleted
	}
	o, dstFiles := v.opts, v.plan.all.DstFiles
	req := v.request()
	profile := req.dstProf
	if o.Direction == ssync.RemoteToLocal {
		profile = req.srcProfile
	}
	v.applying = true
	v.Status.SetText(lang.L("Applying…"))
	v.updateButtons()
	ctx := v.ctx
	v.deps.Jobs.Go(func() {
		e, err := v.engine(ctx, profile)
		var res ssync.Result
		if err == nil {
			fn := v.track(e, o, kept)
			res, err = ssync.Apply(ctx, o, kept, ssync.ApplyOptions{Engine: e, Guard: v.deps.Guard, Confirm: confirm,
				DstFiles: dstFiles, Progress: fn})
		}
		v.deps.Jobs.Do(func() {
			v.applying = false
			if err != nil {
				v.Status.SetText(widgets.Sentence(widgets.ErrorText(err)))
				v.updateButtons()
				return
			}
			v.Status.SetText(widgets.Sentence(lang.L("Done: ") + res.String()))
			v.plan.complete = false // the next Apply needs a new preview
			v.GuardEntry.SetText("")
			v.updateButtons()
			v.ranPair()
			if v.OnApplied != nil {
				v.OnApplied(res)
			}
		})
	})
}

// track gives each copy an ID and a row in the transfers panel (background;
// the rows are added on the UI goroutine before the engine starts).
func (v *View) track(e *transfer.Engine, o ssync.Options, rows []ssync.Row) transfer.ProgressFunc {
	if v.deps.Track == nil {
		return nil
	}
	var items []Item
	byName := map[string]ssync.Row{}
	where := o.Local
	if o.Direction != ssync.RemoteToLocal {
		where = o.Dst.Bucket + "/" + o.Dst.Prefix
	}
	for i := range rows {
		if rows[i].Action != ssync.New && rows[i].Action != ssync.Changed {
			continue
		}
		rows[i].ID = e.NewID()
		items = append(items, Item{ID: rows[i].ID, Upload: o.Direction != ssync.RemoteToLocal, Name: rows[i].Rel, Where: where, Total: rows[i].Size})
		byName[rows[i].Rel] = rows[i]
	}
	retry := func(ctx context.Context, it Item, fn transfer.ProgressFunc) {
		r := byName[it.Name]
		r.ID = it.ID
		_, _ = ssync.Apply(ctx, o, []ssync.Row{r}, ssync.ApplyOptions{Engine: e, Progress: fn})
	}
	done := make(chan transfer.ProgressFunc, 1)
	v.deps.Jobs.Do(func() { done <- v.deps.Track(e, items, retry) })
	select {
	case fn := <-done:
		return fn
	case <-v.ctx.Done():
		return nil
	}
}

func (v *View) newRow() fyne.CanvasObject {
	check := widget.NewCheck("", nil)
	act := widget.NewLabel(lang.L("changed: checksum"))
	size := widget.NewLabel(lang.L("1023.9 MiB"))
	return container.NewBorder(nil, nil, container.NewHBox(check, act), size, widget.NewLabel(""))
}

func (v *View) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.plan.rows) {
		return
	}
	r := v.plan.rows[i]
	c := o.(*fyne.Container)
	left := c.Objects[1].(*fyne.Container)
	check, act := left.Objects[0].(*widget.Check), left.Objects[1].(*widget.Label)
	size, name := c.Objects[2].(*widget.Label), c.Objects[0].(*widget.Label)
	check.OnChanged = nil
	check.SetChecked(v.plan.ticked(i))
	if r.Action == ssync.Skip {
		check.Disable()
	} else {
		check.Enable()
	}
	check.OnChanged = func(on bool) { v.Tick(i, on) }
	act.SetText(rowReason(r))
	name.SetText(r.Rel)
	size.SetText(humanize.IBytes(uint64(r.Size)))
}

func rowReason(r ssync.Row) string {
	switch r.Action {
	case ssync.New:
		return lang.L("new")
	case ssync.Delete:
		return lang.L("delete")
	}
	return lang.L(r.Reason)
}

// Tick ticks or unticks row i of the preview.
func (v *View) Tick(i int, on bool) {
	if i < 0 || i >= len(v.plan.rows) || v.applying {
		return
	}
	v.plan.toggle(i, on)
	v.showCounts()
	v.list.RefreshItem(i)
}

// Rows is the preview's rows (tests).
func (v *View) Rows() []ssync.Row { return v.plan.rows }

// Ready tells whether a complete preview can be applied.
func (v *View) Ready() bool { return v.plan.complete }

// savePair saves the form as a pair (the one loaded, or a new one).
func (v *View) savePair() {
	if v.deps.Pairs == nil {
		return
	}
	p := v.pair()
	v.deps.Jobs.Go(func() {
		saved, err := v.deps.Pairs.Save(p)
		v.deps.Jobs.Do(func() {
			if err != nil {
				v.Status.SetText(widgets.Sentence(widgets.ErrorText(err)))
				return
			}
			v.pairID = saved.ID
			v.Status.SetText(fmt.Sprintf(lang.L("Saved the pair %s."), saved.Title()))
			v.reloadPairs()
		})
	})
}

// ranPair records when the loaded pair last ran.
func (v *View) ranPair() {
	if v.deps.Pairs == nil || v.pairID == "" {
		return
	}
	p := v.pair()
	p.LastRun = time.Now()
	v.deps.Jobs.Go(func() {
		if _, err := v.deps.Pairs.Save(p); err == nil {
			v.deps.Jobs.Do(v.reloadPairs)
		}
	})
}

func (v *View) reloadPairs() {
	v.deps.Jobs.Go(func() {
		ps, err := v.deps.Pairs.List()
		v.deps.Jobs.Do(func() {
			if err != nil {
				v.Status.SetText(widgets.Sentence(widgets.ErrorText(err)))
				return
			}
			v.pairs = ps
			v.pairsList.Refresh()
		})
	})
}

func (v *View) newPairRow() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, container.NewHBox(widget.NewButton(lang.L("Run"), nil),
		widget.NewButton(lang.L("Forget"), nil)), widget.NewLabel(""))
}

func (v *View) updatePairRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.pairs) {
		return
	}
	p := v.pairs[i]
	c := o.(*fyne.Container)
	label := c.Objects[0].(*widget.Label)
	btns := c.Objects[1].(*fyne.Container)
	label.SetText(p.Title())
	label.Truncation = fyne.TextTruncateEllipsis
	btns.Objects[0].(*widget.Button).OnTapped = func() { v.RunPair(p) }
	btns.Objects[1].(*widget.Button).OnTapped = func() {
		v.deps.Jobs.Go(func() {
			if err := v.deps.Pairs.Delete(p.ID); err == nil {
				v.deps.Jobs.Do(v.reloadPairs)
			}
		})
	}
}

// RunPair loads a saved pair and previews it (one click; Apply is still
// the user's).
func (v *View) RunPair(p ssync.Pair) {
	v.setPair(p)
	v.Preview()
}
