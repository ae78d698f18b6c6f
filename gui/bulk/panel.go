package bulk

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/bulk"
)

// refreshEvery is how often running jobs' rows are redrawn.
const refreshEvery = 500 * time.Millisecond

// Panel is the job list, shown beside the transfers panel while there are
// jobs. Its methods are called on the UI goroutine.
type Panel struct {
	win  fyne.Window
	jobs *async.Jobs

	store Store
	list  Jobs
	ctx   context.Context // the connection's
	gen   int

	root    *fyne.Container
	rowsBox *fyne.Container
	title   *widget.Label
	rows    map[string]*jobRow
	running map[string]context.CancelFunc
	active  atomic.Int32 // jobs running now
	ticking atomic.Bool  // the redraw ticker is on
	batch   *batchList

	// SaveAs asks where to save a file and writes it there (write gets the
	// file and its path); nil uses the file-save dialog. Tests replace it.
	SaveAs func(suggested string, write func(w io.Writer, path string) error)
	// OpenURL opens a link in the browser; nil uses the app's.
	OpenURL func(u *url.URL) error
}

type jobRow struct {
	box                       *fyne.Container
	title, status             *widget.Label
	bar                       *widget.ProgressBar
	pause, retry, csv, remove *widget.Button
}

// NewPanel makes the empty panel.
func NewPanel(win fyne.Window, jobs *async.Jobs) *Panel {
	p := &Panel{win: win, jobs: jobs, rows: map[string]*jobRow{}, running: map[string]context.CancelFunc{}}
	p.title = widgets.SectionTitle(lang.L("Bulk jobs"))
	p.rowsBox = container.NewVBox()
	p.batch = newBatchList(p)
	p.root = container.NewVBox(p.title, p.rowsBox, p.batch.box)
	p.root.Hide()
	return p
}

// CanvasObject is the panel's widget.
func (p *Panel) CanvasObject() fyne.CanvasObject { return p.root }

// Connect shows the jobs of the account (store, nil when disconnected)
// kept in dir, and resumes the ones a closed app, a crash or a lost
// network stopped (not those the user paused).
func (p *Panel) Connect(ctx context.Context, store Store, dir string) {
	p.gen++
	gen := p.gen
	for _, stop := range p.running {
		stop()
	}
	p.store, p.list, p.ctx = store, nil, ctx
	p.running = map[string]context.CancelFunc{}
	p.rows = map[string]*jobRow{}
	p.rowsBox.Objects = nil
	p.batch.reset()
	p.redraw()
	if store == nil {
		return
	}
	p.jobs.Go(func() {
		list, err := store.OpenJobs(dir)
		p.jobs.Do(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				widgets.ShowError(p.win, lang.L("Bulk jobs"), err)
				return
			}
			p.list = list
			for _, j := range list.List() {
				if st := j.Status(); st.State == bulk.Paused && !st.UserPaused {
					p.run(j, false)
				}
			}
			p.redraw()
		})
	})
}

// Store is the connected account's, or nil.
func (p *Panel) Store() Store { return p.store }

// Start creates a job for spec and runs it.
func (p *Panel) Start(spec bulk.Spec) (Job, error) {
	if p.list == nil {
		return nil, fmt.Errorf("%s", lang.L("Not connected: connect to the account first."))
	}
	j, err := p.list.Create(spec)
	if err != nil {
		return nil, err
	}
	p.run(j, false)
	p.redraw()
	return j, nil
}

// run runs (or with retry, retries the failed keys of) j in the
// background under the connection's context.
func (p *Panel) run(j Job, retry bool) {
	if p.running[j.ID()] != nil || p.ctx == nil {
		return
	}
	ctx, cancel := context.WithCancel(p.ctx)
	p.running[j.ID()] = cancel
	gen := p.gen
	p.active.Add(1)
	p.jobs.Go(func() {
		defer cancel()
		defer p.active.Add(-1)
		var err error
		if retry {
			err = j.RetryFailed(ctx)
		} else {
			err = j.Run(ctx)
		}
		_ = err // the job's status says what stopped it
		p.jobs.Do(func() {
			if gen != p.gen {
				return
			}
			delete(p.running, j.ID())
			p.redraw()
		})
	})
	p.tick()
}

// tick redraws the rows while jobs run: one ticker goroutine, which ends
// when no job runs (a closed window or a switched account cancels them).
func (p *Panel) tick() {
	if !p.ticking.CompareAndSwap(false, true) {
		return
	}
	p.jobs.Go(func() {
		t := time.NewTicker(refreshEvery)
		defer t.Stop()
		for {
			<-t.C
			p.jobs.Do(p.redraw)
			if p.active.Load() > 0 {
				continue
			}
			p.ticking.Store(false)
			// A job that started just now found the ticker still on.
			if p.active.Load() == 0 || !p.ticking.CompareAndSwap(false, true) {
				return
			}
		}
	})
}

// redraw updates the rows from the jobs' status.
func (p *Panel) redraw() {
	var list []Job
	if p.list != nil {
		list = p.list.List()
	}
	sort.Slice(list, func(a, b int) bool { return list[a].ID() > list[b].ID() }) // newest first
	seen := map[string]bool{}
	var objs []fyne.CanvasObject
	for _, j := range list {
		r := p.rows[j.ID()]
		if r == nil {
			r = p.newRow(j)
			p.rows[j.ID()] = r
		}
		p.update(r, j)
		seen[j.ID()] = true
		objs = append(objs, r.box)
	}
	for id := range p.rows {
		if !seen[id] {
			delete(p.rows, id)
		}
	}
	p.rowsBox.Objects = objs
	p.rowsBox.Refresh()
	if len(objs) > 0 || p.batch.shown() {
		p.root.Show()
	} else {
		p.root.Hide()
	}
}

func (p *Panel) newRow(j Job) *jobRow {
	r := &jobRow{title: widget.NewLabel(j.Spec().Describe()), status: widget.NewLabel(""), bar: widget.NewProgressBar()}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.pause = widget.NewButton(lang.L("Pause"), func() {
		if p.running[j.ID()] != nil {
			j.Pause()
			return
		}
		p.run(j, false)
		p.redraw()
	})
	r.retry = widget.NewButton(lang.L("Retry failed"), func() { p.run(j, true); p.redraw() })
	r.csv = widget.NewButton(lang.L("Failures CSV…"), func() { p.saveFailures(j) })
	r.remove = widget.NewButton(lang.L("Remove"), func() {
		dialog.ShowConfirm(lang.L("Remove job"), lang.L("Remove this job from the list? Its journal is deleted; the objects are not touched."), func(ok bool) {
			if !ok || p.list == nil {
				return
			}
			if err := p.list.Remove(j.ID()); err != nil {
				widgets.ShowError(p.win, lang.L("Remove job"), err)
			}
			p.redraw()
		}, p.win)
	})
	for _, b := range []*widget.Button{r.pause, r.retry, r.csv, r.remove} {
		b.Importance = widget.LowImportance
	}
	buttons := container.NewHBox(r.pause, r.retry, r.csv, r.remove)
	r.box = container.NewBorder(nil, nil, nil, buttons, container.NewVBox(r.title, r.bar, r.status))
	return r
}

// statusText is the row's second line: state, counts, rate and ETA.
func statusText(j Job, st bulk.Status, running bool) string {
	spec := j.Spec()
	done := humanize.Comma(st.Done)
	s := ""
	if spec.PlannedObjects > 0 {
		s = fmt.Sprintf(lang.L("%s of %s objects"), done, humanize.Comma(spec.PlannedObjects))
	} else {
		s = fmt.Sprintf(lang.L("%s objects"), done)
	}
	if st.Failed > 0 {
		s += " · " + fmt.Sprintf(lang.L("%s failed"), humanize.Comma(st.Failed))
	}
	state := stateWord(st.State)
	if running && st.State != bulk.Running {
		state = stateWord(bulk.Running)
	}
	s = state + " · " + s
	if running && st.Rate > 0 {
		s += " · " + fmt.Sprintf(lang.L("%.0f objects/s"), st.Rate)
		if st.ETA > 0 {
			s += " · " + fmt.Sprintf(lang.L("ETA %s"), st.ETA.Round(time.Second))
		}
	}
	if st.Err != "" && !running && st.State != bulk.Finished {
		s += " · " + st.Err
	}
	return s
}

func stateWord(s bulk.State) string {
	switch s {
	case bulk.Running:
		return lang.L("Running")
	case bulk.Paused:
		return lang.L("Paused")
	case bulk.Finished:
		return lang.L("Finished")
	case bulk.Failed:
		return lang.L("Failed")
	}
	return lang.L("Waiting")
}

func (p *Panel) update(r *jobRow, j Job) {
	st := j.Status()
	running := p.running[j.ID()] != nil
	r.status.SetText(statusText(j, st, running))
	if planned := j.Spec().PlannedObjects; planned > 0 {
		r.bar.SetValue(min(1, float64(st.Done+st.Failed)/float64(planned)))
	} else if st.State == bulk.Finished {
		r.bar.SetValue(1)
	}
	if running {
		r.pause.SetText(lang.L("Pause"))
	} else {
		r.pause.SetText(lang.L("Resume"))
	}
	widgets.SetEnabled(r.pause, running || st.State == bulk.Paused || st.State == bulk.Pending || (st.State == bulk.Failed && st.Failed == 0))
	widgets.SetEnabled(r.retry, !running && st.Failed > 0)
	widgets.SetEnabled(r.csv, st.Failed > 0)
	widgets.SetEnabled(r.remove, !running)
}

// saveFailures saves the failures CSV of j where the user says.
func (p *Panel) saveFailures(j Job) {
	p.saveAs("failures-"+j.ID()+".csv", func(w io.Writer, _ string) error { return j.WriteFailuresCSV(w) }, nil)
}

// saveAs asks for a file name and writes the file; after (if set) runs
// on the UI goroutine once it is written.
func (p *Panel) saveAs(name string, write func(w io.Writer, path string) error, after func()) {
	if p.SaveAs != nil {
		ok := false
		p.SaveAs(name, func(w io.Writer, path string) error {
			err := write(w, path)
			ok = err == nil
			return err
		})
		if ok && after != nil {
			after()
		}
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		werr := write(wc, wc.URI().Path())
		if cerr := wc.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			widgets.ShowError(p.win, lang.L("Save"), werr)
			return
		}
		if after != nil {
			after()
		}
	}, p.win)
	d.SetFileName(name)
	d.Show()
}

func (p *Panel) openURL(u *url.URL) error {
	if p.OpenURL != nil {
		return p.OpenURL(u)
	}
	return fyne.CurrentApp().OpenURL(u)
}
