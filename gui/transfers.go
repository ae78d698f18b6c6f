package gui

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
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

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
	Do       func(func())                                                           // runs on the UI goroutine; nil = fyne.Do
	Go       func(func())                                                           // runs in the background; nil = go
	Notify   func(title, body string)                                               // desktop notification; nil = none
	Settings func() Settings                                                        // the user's settings; nil = defaults
	Alert    func(title, message string)                                            // nil = an information dialog
	Choose   func(existing []string, done func(map[string]transfer.ConflictPolicy)) // nil = the conflicts dialog
	Uploaded func(res transfer.BatchResult)                                         // on the UI goroutine when an upload batch ends; nil = none
}

// longBatch is how long a batch must take to earn a desktop notification.
const longBatch = 10 * time.Second

// refreshEvery throttles the panel's redraws (~10/s), never per byte.
const refreshEvery = 100 * time.Millisecond

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
	if deps.Do == nil {
		deps.Do = fyne.Do
	}
	if deps.Go == nil {
		deps.Go = func(f func()) { go f() }
	}
	if deps.Settings == nil {
		deps.Settings = DefaultSettings
	}
	p := &TransfersPanel{win: win, deps: deps, byID: map[int64]*transferRow{}, owner: map[int64]TransferEngine{},
		limiter: transfer.NewRateLimiter(0)}
	if p.deps.Alert == nil {
		p.deps.Alert = p.alert
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
	p.deps.Go(func() {
		rs := e.Resumable()
		if len(rs) == 0 {
			return
		}
		p.deps.Do(func() { p.addResumable(e, rs) })
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
			p.deps.Alert(r.name, sentence(rowInfo(r)))
		}
	}
	p.total = widget.NewProgressBar()
	p.totalLabel = widget.NewLabel("")
	p.totalLabel.Truncation = fyne.TextTruncateEllipsis
	p.hint = widget.NewLabelWithStyle("Drop files or folders on the window to upload them into the open folder",
		fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	p.hint.Truncation = fyne.TextTruncateEllipsis
	p.clearBtn = widget.NewButtonWithIcon("Clear finished", theme.DeleteIcon(), p.ClearFinished)
	p.clearBtn.Disable()
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(10, 150))
	p.listArea = container.NewStack(spacer, p.list)
	p.listArea.Hide()
	center := container.NewStack(p.hint, container.NewGridWithColumns(2, p.total, p.totalLabel))
	p.foldBtn = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), p.Toggle)
	header := container.NewBorder(nil, nil,
		container.NewHBox(p.foldBtn, widget.NewLabelWithStyle("Transfers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
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

func (p *TransfersPanel) createRow() fyne.CanvasObject {
	icon := widget.NewIcon(theme.UploadIcon())
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	bar := widget.NewProgressBar()
	info := widget.NewLabel("")
	info.Truncation = fyne.TextTruncateEllipsis
	cancel := widget.NewButtonWithIcon("", theme.CancelIcon(), nil)
	retry := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), nil)
	return container.NewBorder(nil, nil, icon, container.NewHBox(cancel, retry),
		container.NewGridWithColumns(3, name, bar, info))
}

func (p *TransfersPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.view) {
		return
	}
	r := p.view[i]
	c := o.(*fyne.Container)
	mid := c.Objects[0].(*fyne.Container)
	icon := c.Objects[1].(*widget.Icon)
	btns := c.Objects[2].(*fyne.Container)
	if r.upload {
		icon.SetResource(theme.UploadIcon())
	} else {
		icon.SetResource(theme.DownloadIcon())
	}
	mid.Objects[0].(*widget.Label).SetText(r.name)
	bar := mid.Objects[1].(*widget.ProgressBar)
	if r.total > 0 {
		bar.SetValue(float64(r.done) / float64(r.total))
	} else if r.state == transfer.StateDone {
		bar.SetValue(1)
	} else {
		bar.SetValue(0)
	}
	mid.Objects[2].(*widget.Label).SetText(rowInfo(r))
	cancel, retry := btns.Objects[0].(*widget.Button), btns.Objects[1].(*widget.Button)
	id, resume := r.id, r.resume
	cancel.OnTapped = func() { p.cancel(id) }
	retry.OnTapped = func() { p.retry(id) }
	if resume != "" {
		cancel.SetIcon(theme.DeleteIcon())
	} else {
		cancel.SetIcon(theme.CancelIcon())
	}
	if r.state.Finished() && resume == "" {
		cancel.Disable()
	} else {
		cancel.Enable()
	}
	if r.retry != nil && (r.state == transfer.StateFailed || r.state == transfer.StateCancelled || r.state == transfer.StatePaused) {
		retry.Enable()
	} else {
		retry.Disable()
	}
}

// rowInfo is a row's status text.
func rowInfo(r transferRow) string {
	if r.planning {
		return "Planning… · Cancel (or Escape) stops it"
	}
	switch r.state {
	case transfer.StateQueued:
		return "Queued · " + humanize.IBytes(uint64(max(r.total, 0)))
	case transfer.StateRunning:
		s := humanize.IBytes(uint64(r.done)) + " of " + humanize.IBytes(uint64(max(r.total, 0)))
		if r.speed > 0 {
			s += " · " + humanize.IBytes(uint64(r.speed)) + "/s"
		}
		if r.eta >= 0 && r.speed > 0 {
			s += " · " + etaText(r.eta)
		}
		return s + retriesText(r.retries)
	case transfer.StateDone:
		s := "Done · " + humanize.IBytes(uint64(r.total))
		if r.checked != "" {
			s += " · " + r.checked
		}
		if r.note != "" {
			s += " · " + r.note
		}
		return s + retriesText(r.retries)
	case transfer.StateSkipped:
		return "Skipped: " + r.reason
	case transfer.StateFailed:
		return "Failed: " + r.reason + retriesText(r.retries)
	case transfer.StateCancelled:
		return "Cancelled"
	case transfer.StatePaused:
		if r.resume != "" {
			return fmt.Sprintf("Interrupted at %s of %s · Resume or discard", humanize.IBytes(uint64(r.done)), humanize.IBytes(uint64(r.total)))
		}
		return "Paused · resumes on the next start"
	}
	return ""
}

func etaText(d time.Duration) string {
	switch {
	case d < time.Second:
		return "under a second left"
	case d < time.Minute:
		return fmt.Sprintf("%ds left", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds left", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm left", int(d.Hours()), int(d.Minutes())%60)
}

// retriesText tells how many requests were sent again ("" for none).
func retriesText(n int) string {
	switch {
	case n <= 0:
		return ""
	case n == 1:
		return " · 1 retry"
	}
	return fmt.Sprintf(" · %d retries", n)
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
			r.reason = errorText(ev.Err)
			if r.reason == "" {
				r.reason = ev.Err.Error()
			}
		}
	}
	p.mu.Unlock()
	p.schedule()
}

// schedule asks for one redraw within refreshEvery (any goroutine).
func (p *TransfersPanel) schedule() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.scheduled {
		return
	}
	p.scheduled = true
	wait := refreshEvery - time.Since(p.lastFlush)
	if wait < 0 {
		wait = 0
	}
	time.AfterFunc(wait, func() { p.deps.Do(p.flush) })
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
	s := fmt.Sprintf("%d of %s · %s of %s", finished, countOf(files, "file", "files"), humanize.IBytes(uint64(done)), humanize.IBytes(uint64(total)))
	if failed > 0 {
		s += fmt.Sprintf(" · %d failed", failed)
	}
	if active > 0 && speed > 0 {
		s += " · " + humanize.IBytes(uint64(speed)) + "/s · " + etaText(time.Duration(float64(total-done)/speed*float64(time.Second)))
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

func (p *TransfersPanel) alert(title, message string) {
	l := widget.NewLabel(message)
	l.Wrapping = fyne.TextWrapWord
	dialog.NewCustom(title, "OK", container.NewGridWrap(fyne.NewSize(440, l.MinSize().Height*3), l), p.win).Show()
}

// baseOf is the folder an entry was listed in.
func baseOf(e storage.Entry) string {
	if e.Name != "" && len(e.Key) >= len(e.Name) {
		return e.Key[:len(e.Key)-len(e.Name)]
	}
	return ""
}

func shortName(path string) string { return filepath.Base(path) }

// EngineMaker builds the transfer engine of a connected account.
// *transfer.Service satisfies it.
type EngineMaker interface {
	NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error)
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
	p.deps.Go(func() {
		e, err := svc.NewEngine(ctx, dataDir, opts)
		p.deps.Do(func() {
			if gen != p.gen {
				if e != nil {
					p.engines = append(p.engines, e) // closed on shutdown
				}
				return
			}
			if err != nil {
				p.deps.Alert("Transfers unavailable", sentence(errorText(err)))
				return
			}
			p.SetEngine(e, svc)
		})
	})
}

// transferDeps link the transfers panel to the main window.
func (mw *MainWindow) transferDeps() TransferDeps {
	return TransferDeps{
		Life: mw.jobs.life,
		Do:   mw.jobs.do,
		Go:   mw.jobs.goRun,
		Notify: func(title, body string) {
			mw.app.SendNotification(fyne.NewNotification(title, body))
		},
		Settings: func() Settings { return LoadSettings(mw.app.Preferences()) },
		Uploaded: mw.uploaded, // gui/windowmenu.go: refreshes the folder being viewed
	}
}

// dropped uploads what was dropped on the window into the open folder.
func (mw *MainWindow) dropped(_ fyne.Position, uris []fyne.URI) {
	if u := mw.uploadOpts; u != nil { // gui/uploadopts.go: added to its list instead
		u.dropped(uris)
		return
	}
	mw.xfer.Dropped(mw.objects.Bucket(), mw.objects.Prefix(), uris)
}

// transferDataDir is where the resume journal lives: the app's storage.
func (mw *MainWindow) transferDataDir() string {
	return mw.app.Storage().RootURI().Path()
}

// SetBandwidth applies Settings' bandwidth limit (MiB/s, 0 = none) to every
// transfer, including those already running.
func (p *TransfersPanel) SetBandwidth(mibps int) { p.limiter.SetRate(int64(mibps) << 20) }
