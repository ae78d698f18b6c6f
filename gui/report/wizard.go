// Package report is the monthly report wizard, the boto3 guide's project
// with clicks: pick a month's CSVs, combine and preview them, choose the
// report's columns, draw a chart, publish report.csv, report.html,
// chart.html, chart.png and an index.html to a bucket folder, share it, and
// save the whole definition to run again next month.
package report

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/storage"
	"s3desk/storage/report"
)

// Store is what the wizard needs from the connected account;
// *report.Service has all of it but the website address, which the shell
// adds.
type Store interface {
	ListSources(ctx context.Context, bucket, prefix, pattern string) ([]report.SourceFile, error)
	CheckHeaders(ctx context.Context, bucket string, files []report.SourceFile) error
	CombineCSV(ctx context.Context, bucket string, opts report.CombineOptions) (*report.CSVReport, error)
	PublishMonthly(ctx context.Context, r *report.CSVReport, o report.MonthlyOptions) (report.MonthlyReport, error)
	ShareMonthly(ctx context.Context, m report.MonthlyReport, allowPolicy bool) (report.SharedReport, error)
	ShareMonthlyPresigned(ctx context.Context, m report.MonthlyReport, expiry time.Duration) (report.SharedReport, error)
	ListBuckets(ctx context.Context) ([]storage.Bucket, error)
	CreateBucket(ctx context.Context, name string, opts storage.CreateBucketOptions) error
	Website
}

// Website is a bucket's static-website hosting, as far as the report
// needs it.
type Website interface {
	// SiteAddress is the bucket's static-website address and whether
	// hosting is on; addr is "" when the provider serves no websites (then
	// the report is shared by its public object URL).
	SiteAddress(ctx context.Context, bucket string) (addr string, on bool, err error)
	// EnableSite turns website hosting on, with index.html as the page of
	// a folder.
	EnableSite(ctx context.Context, bucket string) error
}

// Definitions are the saved reports of each profile (report.Definitions).
type Definitions interface {
	List(profile string) ([]report.Definition, error)
	Save(profile string, d report.Definition) error
	Delete(profile, name string) error
}

// Options open the wizard.
type Options struct {
	Bucket string
	Prefix string // the folder the objects view showed
	// Entries are the selected objects: CSV files are combined as chosen,
	// one selected folder becomes the folder to combine.
	Entries []storage.Entry
	// Profile names the connected profile, whose saved reports are listed.
	Profile string
	// Definitions is nil when the saved reports cannot be opened; Saved
	// then says why.
	Definitions Definitions
	DefsErr     error
	// Run, when set, runs this saved report at once (for its SourcePrefix).
	Run *report.Definition
}

// The wizard's steps.
const (
	stepPick = iota
	stepCombine
	stepChart
	stepPublish
	stepShare
	stepSave
	stepCount
)

var stepTitles = [stepCount]string{"Pick the files", "Combine and choose columns", "Chart", "Publish", "Share", "Run again next month"}

// stepHints say what to do on entering a step ("" keeps the status).
var stepHints = [stepCount]string{
	stepChart:   "Choose what the chart shows; the preview follows your choices. Untick the box for a report without a chart.",
	stepPublish: "Choose the bucket and the folder, then press Publish.",
	stepShare:   "Choose who may open the report, then press Share.",
	stepSave:    "Give the report a name and save it, to run it again next month in one click.",
}

// Wizard is the monthly report window.
type Wizard struct {
	app     fyne.App
	win     fyne.Window
	store   Store
	jobs    *async.Jobs
	run     async.Gen
	opts    Options
	bucket  string
	closed  bool
	step    int
	pages   [stepCount]fyne.CanvasObject
	reached int // the furthest step the user may go to

	title  *widget.Label
	status *widget.Label
	body   *fyne.Container
	back   *widget.Button
	next   *widget.Button

	pick    pickStep
	combine combineStep
	chart   chartStep
	publish publishStep
	share   shareStep
	saved   savedStep

	// auto runs a saved definition through every step, stopping where a
	// question must be answered or something fails.
	auto *report.Definition
}

// Open opens the wizard on the account. Its work runs under j's context.
func Open(a fyne.App, store Store, j *async.Jobs, o Options) *Wizard {
	w := &Wizard{app: a, store: store, jobs: j, opts: o, bucket: o.Bucket}
	w.win = a.NewWindow(fmt.Sprintf(lang.L("Combine CSVs — %s: monthly report"), o.Bucket))
	w.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	w.back = widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() { w.show(w.step - 1) })
	w.next = widget.NewButtonWithIcon(lang.L("Next"), theme.NavigateNextIcon(), func() { w.advance() })
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.next.Importance = widget.HighImportance
	closeBtn := widget.NewButton(lang.L("Close"), func() { w.win.Close() })

	w.pages[stepPick] = w.pick.build(w)
	w.pages[stepCombine] = w.combine.build(w)
	w.pages[stepChart] = w.chart.build(w)
	w.pages[stepPublish] = w.publish.build(w)
	w.pages[stepShare] = w.share.build(w)
	w.pages[stepSave] = w.saved.build(w)

	w.body = container.NewStack()
	top := container.NewVBox(w.title, widget.NewSeparator())
	bottom := container.NewVBox(w.status, container.NewHBox(w.back, layout.NewSpacer(), closeBtn, w.next))
	w.win.SetContent(container.NewBorder(top, bottom, nil, nil, w.body))
	w.win.Resize(fyne.NewSize(960, 700))
	w.win.SetOnClosed(func() {
		w.closed = true
		w.run.Stop()
		w.combine.close()
	})
	w.show(stepPick)
	w.win.Show()
	if o.Run != nil {
		w.runDefinition(*o.Run)
	} else {
		w.pick.list()
	}
	return w
}

// Window is the wizard's window.
func (w *Wizard) Window() fyne.Window { return w.win }

// show switches to step s.
func (w *Wizard) show(s int) {
	if s < 0 || s >= stepCount {
		return
	}
	w.step = s
	w.title.SetText(fmt.Sprintf(lang.L("Step %d of %d — %s"), s+1, stepCount, stepTitles[s]))
	w.body.Objects = []fyne.CanvasObject{w.pages[s]}
	w.body.Refresh()
	w.refreshNav()
	if hint := stepHints[s]; hint != "" && w.auto == nil {
		w.say(hint, false)
	}
	switch s {
	case stepChart:
		w.chart.entered()
	case stepPublish:
		w.publish.entered()
	case stepSave:
		w.saved.entered()
	}
}

// refreshNav enables Back and Next for the current step.
func (w *Wizard) refreshNav() {
	if w.step == 0 {
		w.back.Disable()
	} else {
		w.back.Enable()
	}
	ok := w.step < stepCount-1 && w.stepDone(w.step)
	if ok {
		w.next.Enable()
	} else {
		w.next.Disable()
	}
}

// stepDone tells whether the step has what the next one needs.
func (w *Wizard) stepDone(s int) bool {
	switch s {
	case stepPick:
		return len(w.pick.chosen()) > 0
	case stepCombine:
		return w.combine.rep != nil && len(w.combine.columns()) > 0
	case stepChart:
		return true
	case stepPublish:
		return w.publish.done != nil
	case stepShare:
		return true
	}
	return false
}

// advance is Next: some steps start their work on the way out.
func (w *Wizard) advance() {
	switch w.step {
	case stepPick:
		w.combine.start()
	}
	w.show(w.step + 1)
}

// say sets the status line; danger colours it as a problem.
func (w *Wizard) say(text string, danger bool) {
	w.status.SetText(text)
	if danger {
		w.status.Importance = widget.DangerImportance
	} else {
		w.status.Importance = widget.MediumImportance
	}
	w.status.Refresh()
}

// stopAuto ends an automatic run and says why.
func (w *Wizard) stopAuto(why string) {
	if w.auto != nil {
		w.auto = nil
		w.saved.running = nil
		w.say(fmt.Sprintf(lang.L("Stopped running the saved report: %s"), why), true)
	}
}

// openURL opens u in the system browser.
func (w *Wizard) openURL(s string) {
	u, err := url.Parse(s)
	if err == nil {
		err = w.app.OpenURL(u)
	}
	if err != nil {
		w.say(fmt.Sprintf(lang.L("Could not open the browser: %s"), err.Error()), true)
	}
}

// definition is the report as set up in the wizard, for saving.
func (w *Wizard) definition(name string) report.Definition {
	d := report.Definition{
		Name: strings.TrimSpace(name), SourceBucket: w.bucket, SourcePrefix: w.pick.prefix(), Pattern: strings.TrimSpace(w.pick.pattern.Text),
		Columns: w.combine.columns(), RenderLinks: w.combine.links.Checked, Chart: w.chart.spec(),
		DestBucket: w.publish.bucketName(), DestPrefix: w.publish.prefix(), IncludeSources: w.publish.sources.Checked,
		Public: w.share.access.Selected != accessPresigned, AllowPolicy: w.share.consented, Title: strings.TrimSpace(w.publish.title.Text),
		Saved: time.Now().UTC(), LastRun: w.pick.prefix(),
	}
	return d
}
