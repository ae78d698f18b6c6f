package sync

import (
	"context"
	"fmt"
	"strconv"
	gosync "sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

// View is the Sync window's content. Its methods run on the UI goroutine.
type View struct {
	win    fyne.Window
	deps   Deps
	ctx    context.Context // the window's: closing it ends previews and connections
	cancel context.CancelFunc
	root   fyne.CanvasObject

	direction         *widget.Select
	local             *widget.Entry
	localBtn          *widget.Button
	localRow          *fyne.Container
	src, dst          *side
	compare           *widget.Select
	mirror            *widget.Check
	filters           *widget.Entry
	PreviewBtn        *widget.Button
	ApplyBtn, stopBtn *widget.Button
	saveBtn           *widget.Button
	Counts, Status    *widget.Label
	GuardLabel        *widget.Label
	GuardEntry        *widget.Entry
	list              *widget.List
	pairsList         *widget.List
	pairs             []ssync.Pair
	pairID            string
	plan              *plan
	opts              ssync.Options // the options the plan was made with
	stopPlan          context.CancelFunc
	planGen           int
	applying          bool
	mu                gosync.Mutex // guards conns and engines (background connects)
	conns             map[string]Conn
	engines           map[string]*transfer.Engine
	OnApplied         func(ssync.Result) // tests
}

// NewView builds the view in win, beneath ctx.
func NewView(ctx context.Context, win fyne.Window, deps Deps) *View {
	v := &View{win: win, deps: deps, conns: map[string]Conn{}, engines: map[string]*transfer.Engine{}, plan: newPlan()}
	if v.deps.Jobs == nil {
		v.deps.Jobs = async.New(ctx)
	}
	if v.deps.Guard == (ssync.Guard{}) {
		v.deps.Guard = ssync.DefaultGuard
	}
	v.ctx, v.cancel = context.WithCancel(ctx)
	form := v.buildForm()
	v.PreviewBtn = widget.NewButton(lang.L("Preview"), v.Preview)
	v.PreviewBtn.Importance = widget.HighImportance
	v.ApplyBtn = widget.NewButton(lang.L("Apply"), v.Apply)
	v.stopBtn = widget.NewButton(lang.L("Stop"), v.stop)
	v.saveBtn = widget.NewButton(lang.L("Save pair"), v.savePair)
	v.Counts, v.Status = widget.NewLabel(lang.L("Nothing happens before Apply.")), widget.NewLabel("")
	v.Status.Wrapping = fyne.TextWrapWord
	v.GuardLabel = widget.NewLabel("")
	v.GuardLabel.Wrapping = fyne.TextWrapWord
	v.GuardEntry = widget.NewEntry()
	v.GuardEntry.OnChanged = func(string) { v.updateButtons() }
	v.list = widget.NewList(func() int { return len(v.plan.rows) }, v.newRow, v.updateRow)
	if deps.Pairs == nil {
		v.saveBtn.Hide()
	}
	buttons := container.NewHBox(v.PreviewBtn, v.ApplyBtn, v.stopBtn, v.saveBtn)
	guard := container.NewBorder(nil, nil, nil, nil, container.NewVBox(v.GuardLabel, v.GuardEntry))
	top := container.NewVBox(form, buttons, v.Counts, guard, v.Status)
	main := container.NewBorder(top, nil, nil, nil, v.list)
	if deps.Pairs != nil {
		v.pairsList = widget.NewList(func() int { return len(v.pairs) }, v.newPairRow, v.updatePairRow)
		side := container.NewBorder(widget.NewLabelWithStyle(lang.L("Saved pairs"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, v.pairsList)
		split := container.NewHSplit(side, main)
		split.Offset = 0.25
		v.root = split
		v.reloadPairs()
	} else {
		v.root = main
	}
	v.updateButtons()
	return v
}

// ShowWindow opens the Sync window of app; bucket and prefix, when set,
// are the destination's (a local folder is synced to the folder being
// viewed).
func ShowWindow(ctx context.Context, app fyne.App, deps Deps, bucket, prefix string) *View {
	w := app.NewWindow(lang.L("Sync"))
	v := NewView(ctx, w, deps)
	v.dst.bucket.SetText(bucket)
	v.dst.prefix.SetText(prefix)
	v.src.bucket.SetText(bucket)
	v.src.prefix.SetText(prefix)
	w.SetContent(v.root)
	w.Resize(fyne.NewSize(1000, 700))
	w.SetOnClosed(v.Close)
	w.Show()
	return v
}

// CanvasObject is the view's root.
func (v *View) CanvasObject() fyne.CanvasObject { return v.root }

// Close ends the view's work and closes its engines (running transfers
// are cancelled).
func (v *View) Close() {
	v.cancel()
	v.mu.Lock()
	es := v.engines
	v.engines = map[string]*transfer.Engine{}
	v.mu.Unlock()
	for _, e := range es {
		e.Close()
	}
}

// invalidate drops a preview that no longer matches the form.
func (v *View) invalidate() {
	if v.plan == nil || v.applying || v.ApplyBtn == nil {
		return
	}
	if v.stopPlan != nil {
		v.stopPlan()
		v.stopPlan = nil
	}
	v.planGen++
	v.plan = newPlan()
	v.list.Refresh()
	v.Counts.SetText(lang.L("Nothing happens before Apply."))
	v.updateButtons()
}

// Preview lists both sides and shows the plan as it streams in.
func (v *View) Preview() {
	v.invalidate()
	req := v.request()
	ctx, cancel := context.WithCancel(v.ctx)
	v.stopPlan = cancel
	gen := v.planGen
	v.Status.SetText(lang.L("Comparing…"))
	v.updateButtons()
	var mu gosync.Mutex
	var pending []ssync.Row
	flush := func() {
		mu.Lock()
		rs := pending
		pending = nil
		mu.Unlock()
		if gen != v.planGen {
			return
		}
		v.plan.add(rs)
		v.list.Refresh()
		v.showCounts()
	}
	th := async.NewThrottle(async.Every, v.deps.Jobs.Do, func(struct{}) { flush() })
	v.deps.Jobs.Go(func() {
		o, err := v.resolve(ctx, req)
		if err == nil {
			for r, perr := range ssync.Plan(ctx, o) {
				if perr != nil {
					err = perr
					break
				}
				mu.Lock()
				pending = append(pending, r)
				mu.Unlock()
				th.Push(struct{}{})
			}
		}
		th.Flush()
		v.deps.Jobs.Do(func() {
			flush()
			if gen != v.planGen {
				return
			}
			v.stopPlan = nil
			cancel()
			if err != nil {
				v.Status.SetText(widgets.Sentence(widgets.ErrorText(err)))
			} else {
				v.plan.complete, v.opts = true, o
				v.Status.SetText(v.readyText())
			}
			v.updateButtons()
		})
	})
}

func (v *View) readyText() string {
	if v.plan.all.Work() == 0 {
		return lang.L("Nothing to do: both sides are in step.")
	}
	return lang.L("Untick what you want to leave out, then Apply.")
}

func (v *View) stop() {
	if v.stopPlan != nil {
		v.stopPlan()
	}
	v.mu.Lock()
	for _, e := range v.engines {
		for _, r := range v.plan.rows {
			if r.ID != 0 {
				e.Cancel(r.ID)
			}
		}
	}
	v.mu.Unlock()
}

// showCounts writes the counts of the ticked rows.
func (v *View) showCounts() {
	s := v.plan.keptSummary()
	txt := fmt.Sprintf(lang.L("%d new (%s) · %d changed (%s) · %d to delete (%s) · %d skipped · %d unchanged"),
		s.New, humanize.IBytes(uint64(s.NewBytes)), s.Changed, humanize.IBytes(uint64(s.ChangedBytes)),
		s.Deleted, humanize.IBytes(uint64(s.DeletedBytes)), s.Skipped, s.Unchanged)
	v.Counts.SetText(txt)
	v.updateButtons()
}

// guardCount is the count the user must type, 0 when the guard does not ask.
func (v *View) guardCount() int {
	s := v.plan.keptSummary()
	if v.deps.Guard.NeedsConfirm(s.Deleted, s.DstFiles) {
		return s.Deleted
	}
	return 0
}

func (v *View) updateButtons() {
	n := v.guardCount()
	if n > 0 && v.plan.complete {
		v.GuardLabel.SetText(fmt.Sprintf(lang.L("This deletes %d of the destination's %d files. Check the direction, then type %d to confirm."),
			n, v.plan.all.DstFiles, n))
		v.GuardLabel.Show()
		v.GuardEntry.Show()
	} else {
		v.GuardLabel.Hide()
		v.GuardEntry.Hide()
	}
	enable := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	planning := v.stopPlan != nil
	work := v.plan.keptSummary().Work() > 0
	enable(v.ApplyBtn, v.plan.complete && !v.applying && work && (n == 0 || v.GuardEntry.Text == strconv.Itoa(n)))
	enable(v.PreviewBtn, !planning && !v.applying)
	enable(v.stopBtn, planning || v.applying)
}
