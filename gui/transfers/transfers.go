package transfers

import (
	"context"
	"fmt"
	"image/color"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/transfer"
)

// TransferEngine is what the transfers panel needs from the transfer
// engine. *transfer.Engine satisfies it.
type TransferEngine interface {
	NewID() int64
	Cancel(id int64)
	Close()
	PlanUpload(ctx context.Context, prefix string, paths []string) (transfer.UploadPlan, error)
	Existing(ctx context.Context, bucket string, keys []string) ([]string, error)
	Upload(ctx context.Context, bucket string, items []transfer.UploadItem, opts transfer.UploadOptions, fn transfer.ProgressFunc) transfer.BatchResult
	PlanDownload(ctx context.Context, bucket, base string, entries []storage.Entry) (transfer.DownloadPlan, error)
	Download(ctx context.Context, destDir string, items []transfer.DownloadItem, opts transfer.DownloadOptions, fn transfer.ProgressFunc) transfer.BatchResult
	Resumable() []transfer.ResumableUpload
	Resume(ctx context.Context, id string, fn transfer.ProgressFunc) error
	Discard(ctx context.Context, id string) error
}

// IncompleteStore lists and aborts a bucket's incomplete multipart uploads.
// *storage.Service satisfies it.
type IncompleteStore interface {
	ListMultipartUploads(ctx context.Context, bucket, prefix string) ([]storage.MultipartUpload, error)
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
}

// TransferDeps are the panel's links to the rest of the app. Nil fields get
// working defaults.
type TransferDeps struct {
	Life     context.Context                                                        // the window's context; required
	Jobs     *async.Jobs                                                            // runs its work and hands results to the UI goroutine; nil = async.New(Life)
	Notify   func(title, body string)                                               // desktop notification; nil = none
	Settings func() Settings                                                        // the user's settings; nil = defaults
	Alert    func(title, message string)                                            // nil = an information dialog
	Choose   func(existing []string, done func(map[string]transfer.ConflictPolicy)) // nil = the conflicts dialog
	Uploaded func(res transfer.BatchResult)                                         // on the UI goroutine when an upload batch ends; nil = none
	// AbortRule adds the bucket's lifecycle rule that aborts uploads still
	// incomplete after days; called on the UI goroutine, it works in the
	// background and calls done there. nil = not offered.
	AbortRule func(ctx context.Context, bucket string, days int, done func(error))
}

// longBatch is how long a batch must take to earn a desktop notification.
const longBatch = 10 * time.Second

// RefreshEvery throttles the panel's redraws (~10/s), never per byte.
const RefreshEvery = 100 * time.Millisecond

// transferRow is one row of the panel. Its fields are guarded by the
// panel's mu: transfer goroutines write them, the UI reads a snapshot.
type transferRow struct {
	id      int64
	upload  bool
	name    string // key or local path, for the row's title
	where   string // bucket/prefix or destination folder
	state   transfer.TransferState
	done    int64
	total   int64
	speed   float64
	eta     time.Duration
	reason  string // failure or skip reason
	note    string
	checked string // what was verified, e.g. "CRC32 verified"
	retries int    // requests the SDK sent again for this transfer
	retry   func() // re-runs this transfer; nil when it cannot
	resume  string // journal ID of a resumable upload
	engID   int64  // the engine's ID when it differs from id (a resume)
	started time.Time

	planning bool   // a "Planning…" row: no transfer yet
	stop     func() // ends the planning (Cancel)
}

// TransfersPanel is the bottom panel: one row per transfer, a total bar,
// Clear finished. Methods are called on the UI goroutine unless noted.
type TransfersPanel struct {
	win  fyne.Window
	deps TransferDeps

	engine     TransferEngine // the connected account's; nil before
	incomplete IncompleteStore
	engines    []TransferEngine // every engine used, closed on shutdown
	gen        int              // bumped by Connect; a late engine is not used
	ctx        context.Context  // the connection's, from Connect; batches and planning run beneath it

	mu        sync.Mutex // guards rows, byID, dirty, scheduled
	rows      []*transferRow
	byID      map[int64]*transferRow
	owner     map[int64]TransferEngine // which engine runs a row
	scheduled bool
	lastFlush time.Time

	view []transferRow // snapshot the list draws, UI goroutine only

	root       *fyne.Container
	list       *widget.List
	listArea   *fyne.Container
	total      *widget.ProgressBar
	totalLabel *widget.Label
	hint       *widget.Label
	clearBtn   *widget.Button
	foldBtn    *widget.Button
	folded     bool // the user hid the rows (View > Show transfers brings them back)

	limiter *transfer.RateLimiter // Settings' bandwidth limit, shared by every engine
}

// NewTransfersPanel builds the panel.
func NewTransfersPanel(win fyne.Window, deps TransferDeps) *TransfersPanel {
	if deps.Jobs == nil {
		deps.Jobs = async.New(deps.Life)
	}
	if deps.Settings == nil {
		deps.Settings = DefaultSettings
	}
	p := &TransfersPanel{win: win, deps: deps, byID: map[int64]*transferRow{}, owner: map[int64]TransferEngine{},
		limiter: transfer.NewRateLimiter(0)}
	if p.deps.Alert == nil {
		p.deps.Alert = func(title, message string) { widgets.ShowMessage(p.win, title, message) }
	}
	if p.deps.Choose == nil {
		p.deps.Choose = p.askConflicts
	}
	p.build()
	return p
}

// CanvasObject is the panel's root.
func (p *TransfersPanel) CanvasObject() fyne.CanvasObject { return p.root }

// SetEngine switches to the connected account's engine (nil when none).
// Transfers already running keep their engine.
func (p *TransfersPanel) SetEngine(e TransferEngine, inc IncompleteStore) {
	p.engine, p.incomplete = e, inc
	if e == nil {
		return
	}
	p.engines = append(p.engines, e)
	p.deps.Jobs.Go(func() {
		rs := e.Resumable()
		if len(rs) == 0 {
			return
		}
		p.deps.Jobs.Do(func() { p.addResumable(e, rs) })
	})
}

// Close pauses every running transfer: multipart uploads stay resumable
// on the next start. Call it when the app quits.
func (p *TransfersPanel) Close() {
	for _, e := range p.engines {
		e.Close()
	}
}

func (p *TransfersPanel) build() {
	p.list = widget.NewList(p.length, p.createRow, p.updateRow)
	p.list.OnSelected = func(i widget.ListItemID) { // a long reason is cut in the row
		p.list.Unselect(i)
		if i < len(p.view) && p.view[i].reason != "" {
			r := p.view[i]
			p.deps.Alert(r.name, widgets.Sentence(rowInfo(r)))
		}
	}
	p.total = widget.NewProgressBar()
	p.totalLabel = widget.NewLabel("")
	p.totalLabel.Truncation = fyne.TextTruncateEllipsis
	p.hint = widget.NewLabelWithStyle(lang.L("Drop files or folders on the window to upload them into the open folder"),
		fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	p.hint.Truncation = fyne.TextTruncateEllipsis
	p.clearBtn = widget.NewButtonWithIcon(lang.L("Clear finished"), theme.DeleteIcon(), p.ClearFinished)
	p.clearBtn.Disable()
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(10, 150))
	p.listArea = container.NewStack(spacer, p.list)
	p.listArea.Hide()
	center := container.NewStack(p.hint, container.NewGridWithColumns(2, p.total, p.totalLabel))
	p.foldBtn = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), p.Toggle)
	header := container.NewBorder(nil, nil,
		container.NewHBox(p.foldBtn, widget.NewLabelWithStyle(lang.L("Transfers"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		p.clearBtn, center)
	p.total.Hide()
	p.root = container.NewVBox(header, p.listArea)
	p.updateHeader()
}

func (p *TransfersPanel) length() int { return len(p.view) }

// ShowRows unfolds the transfer rows (View > Show transfers).
func (p *TransfersPanel) ShowRows() {
	if p.folded {
		p.Toggle()
	}
}

// Toggle hides or shows the transfer rows; the header with the total stays.
func (p *TransfersPanel) Toggle() {
	p.folded = !p.folded
	if p.folded {
		p.foldBtn.SetIcon(theme.MenuExpandIcon())
	} else {
		p.foldBtn.SetIcon(theme.MenuDropDownIcon())
	}
	p.updateHeader()
	p.root.Refresh()
}

// addRow adds a row (any goroutine) and schedules a redraw.
func (p *TransfersPanel) addRow(r *transferRow) {
	p.mu.Lock()
	p.rows = append(p.rows, r)
	p.byID[r.id] = r
	p.mu.Unlock()
	p.schedule()
}

// onProgress records an engine update (transfer goroutines).
func (p *TransfersPanel) onProgress(ev transfer.Progress) {
	p.mu.Lock()
	r := p.byID[ev.ID]
	if r != nil {
		r.state, r.done, r.total, r.speed, r.eta = ev.State, ev.Done, ev.Total, ev.Speed, ev.ETA
		r.note = ev.Note
		if ev.Verified != "" {
			r.checked = ev.Verified
		}
		r.retries = max(r.retries, ev.Retries)
		if ev.Err != nil && (ev.State == transfer.StateFailed || ev.State == transfer.StateSkipped) {
			r.reason = widgets.ErrorText(ev.Err)
			if r.reason == "" {
				r.reason = ev.Err.Error()
			}
		}
	}
	p.mu.Unlock()
	p.schedule()
}

// schedule asks for one redraw within RefreshEvery (any goroutine).
func (p *TransfersPanel) schedule() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.scheduled {
		return
	}
	p.scheduled = true
	wait := RefreshEvery - time.Since(p.lastFlush)
	if wait < 0 {
		wait = 0
	}
	// A tracked goroutine rather than a bare timer: Jobs.Wait waits for a
	// pending redraw, and one still pending when the window closes is
	// dropped, never run against a closed window (under the test driver,
	// where fyne.Do runs inline, a late redraw raced the next window).
	p.deps.Jobs.Go(func() {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
			p.deps.Jobs.Do(p.flush)
		case <-p.deps.Life.Done():
			p.mu.Lock()
			p.scheduled = false
			p.mu.Unlock()
		}
	})
}

// flush copies the rows and redraws (UI goroutine).
func (p *TransfersPanel) flush() {
	p.mu.Lock()
	p.scheduled = false
	p.lastFlush = time.Now()
	p.view = p.view[:0]
	for _, r := range p.rows {
		p.view = append(p.view, *r)
	}
	p.mu.Unlock()
	p.list.Refresh()
	p.updateHeader()
}

func (p *TransfersPanel) updateHeader() {
	var done, total int64
	var speed float64
	files, finished, failed, active := 0, 0, 0, 0
	for _, r := range p.view {
		if r.planning || r.resume != "" || r.state == transfer.StateSkipped || r.state == transfer.StateCancelled {
			continue
		}
		files++
		done += r.done
		total += max(r.total, r.done)
		switch r.state {
		case transfer.StateDone:
			finished++
		case transfer.StateFailed, transfer.StatePaused:
			failed++
		case transfer.StateRunning:
			speed += r.speed
			active++
		case transfer.StateQueued:
			active++
		}
	}
	if (len(p.view) == 0 || p.folded) == p.listArea.Visible() {
		defer p.root.Refresh() // the panel grows or shrinks: lay it out again
	}
	if len(p.view) == 0 {
		p.listArea.Hide()
		p.total.Hide()
		p.totalLabel.SetText("")
		p.hint.Show()
		p.clearBtn.Disable()
		return
	}
	p.hint.Hide()
	if p.folded {
		p.listArea.Hide()
	} else {
		p.listArea.Show()
	}
	p.total.Show()
	p.clearBtn.Enable()
	if total > 0 {
		p.total.SetValue(float64(done) / float64(total))
	} else {
		p.total.SetValue(0)
	}
	s := fmt.Sprintf(lang.L("%d of %s · %s of %s"), finished, widgets.Count(files, "file", "files"), widgets.Bytes(uint64(done)), widgets.Bytes(uint64(total)))
	if failed > 0 {
		s += " · " + fmt.Sprintf(lang.L("%d failed"), failed)
	}
	if active > 0 && speed > 0 {
		s += fmt.Sprintf(lang.L(" · %s/s · %s"), widgets.Bytes(uint64(speed)), etaText(time.Duration(float64(total-done)/speed*float64(time.Second))))
	}
	p.totalLabel.SetText(s)
}

// ClearFinished removes done, skipped, failed and cancelled rows.
func (p *TransfersPanel) ClearFinished() {
	p.mu.Lock()
	keep := p.rows[:0]
	for _, r := range p.rows {
		if r.state.Finished() && r.resume == "" && r.state != transfer.StatePaused {
			delete(p.byID, r.id)
			continue
		}
		keep = append(keep, r)
	}
	p.rows = keep
	p.mu.Unlock()
	p.flush()
}

func (p *TransfersPanel) cancel(id int64) {
	p.mu.Lock()
	r := p.byID[id]
	var resume string
	var stop func()
	engID := id
	if r != nil {
		resume, stop = r.resume, r.stop
		if r.engID != 0 {
			engID = r.engID
		}
	}
	p.mu.Unlock()
	if r == nil {
		return
	}
	if stop != nil { // a planning row
		stop()
		return
	}
	if resume != "" {
		p.discard(id)
		return
	}
	if e := p.engineOf(id); e != nil {
		e.Cancel(engID)
	}
}

func (p *TransfersPanel) retry(id int64) {
	p.mu.Lock()
	r := p.byID[id]
	var f func()
	if r != nil {
		f = r.retry
	}
	p.mu.Unlock()
	if f != nil {
		f()
	}
}

// engineOf finds the engine that runs transfer id.
func (p *TransfersPanel) engineOf(id int64) TransferEngine {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.owner[id]; ok {
		return e
	}
	return p.engine
}

// baseOf is the folder an entry was listed in.
func baseOf(e storage.Entry) string {
	if e.Name != "" && len(e.Key) >= len(e.Name) {
		return e.Key[:len(e.Key)-len(e.Name)]
	}
	return ""
}

func shortName(path string) string { return filepath.Base(path) }

// EngineMaker builds the transfer engine of a connected account. The shell
// adapts *transfer.Service to it (gui/service.go).
type EngineMaker interface {
	NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (TransferEngine, error)
	IncompleteStore
}

// Connect switches the panel to svc (nil when disconnected), building its
// engine in the background with the user's part size and concurrency.
// dataDir keeps the resume journal.
//
// ctx is the connection's context: the account's planning and transfers
// run beneath it, and end with it when the user switches account.
func (p *TransfersPanel) Connect(ctx context.Context, svc EngineMaker, dataDir string) {
	p.gen++
	gen := p.gen
	p.ctx = ctx
	p.SetEngine(nil, nil)
	if svc == nil {
		return
	}
	s := p.deps.Settings()
	p.SetBandwidth(s.BandwidthMiBps)
	opts := transfer.TransferOptions{PartSize: int64(s.PartSizeMiB) << 20, Concurrency: s.Concurrency, Limiter: p.limiter}
	p.deps.Jobs.Go(func() {
		e, err := svc.NewEngine(ctx, dataDir, opts)
		p.deps.Jobs.Do(func() {
			if gen != p.gen {
				if e != nil {
					p.engines = append(p.engines, e) // closed on shutdown
				}
				return
			}
			if err != nil {
				p.deps.Alert(lang.L("Transfers unavailable"), widgets.Sentence(widgets.ErrorText(err)))
				return
			}
			p.SetEngine(e, svc)
		})
	})
}

// SetBandwidth applies Settings' bandwidth limit (MiB/s, 0 = none) to every
// transfer, including those already running.
func (p *TransfersPanel) SetBandwidth(mibps int) { p.limiter.SetRate(int64(mibps) << 20) }
