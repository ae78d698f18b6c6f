package preview

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/report"
	"s3desk/storage/share"
)

// CombineStore is what "Combine CSVs…" needs; *report.Service has it.
type CombineStore interface {
	CombineCSV(ctx context.Context, bucket string, opts report.CombineOptions) (*report.CSVReport, error)
	PublishReport(ctx context.Context, r *report.CSVReport, opts report.ReportPublishOptions) (report.PublishedReport, error)
	MakePublic(ctx context.Context, bucket, target string, opts share.PublicOptions) (share.PublicResult, error)
}

// CombineView is the "Combine CSVs" window: it streams the chosen CSV
// objects into one table (asking what to do with a file whose header
// differs), shows the first rows and the counts, and saves the result
// locally and/or publishes it as CSV + HTML.
type CombineView struct {
	app    fyne.App
	win    fyne.Window
	store  CombineStore
	jobs   *async.Jobs
	run    async.Gen
	bucket string
	prefix string
	opts   report.CombineOptions

	progress *widget.ProgressBar
	status   *widget.Label
	counts   *widget.Label
	details  *widget.Label
	body     *fyne.Container
	saveBtn  *widget.Button
	pubBtn   *widget.Button

	report *report.CSVReport
	table  *widget.Table
	ask    *mismatchPrompt // the open header-mismatch question, if any
	closed bool
}

// mismatchPrompt is the open "header differs" question.
type mismatchPrompt struct {
	d          dialog.Dialog
	skip, stop *widget.Button
}

// NewCombineWindow opens the window and starts combining: the selected
// entries (CSV files, and folders listed recursively), or the whole of
// prefix when nothing is selected.
func NewCombineWindow(a fyne.App, store CombineStore, j *async.Jobs, bucket, prefix string, entries []storage.Entry) *CombineView {
	v := &CombineView{app: a, store: store, jobs: j, bucket: bucket, prefix: prefix}
	var ignored int
	for _, e := range entries {
		switch {
		case e.IsFolder:
			v.opts.Prefixes = append(v.opts.Prefixes, e.Key)
		case strings.HasSuffix(strings.ToLower(e.Key), ".csv"):
			v.opts.Keys = append(v.opts.Keys, e.Key)
		default:
			ignored++
		}
	}
	if len(entries) == 0 {
		v.opts.Prefixes = []string{prefix}
	}
	where := fmt.Sprintf(lang.L("%d selected item(s)"), len(entries))
	if len(entries) == 0 {
		where = fmt.Sprintf(lang.L("every .csv under “%s”"), displayPrefix(prefix))
	}
	v.win = a.NewWindow(fmt.Sprintf(lang.L("Combine CSVs — %s"), bucket))
	v.progress = widget.NewProgressBar()
	v.status = widget.NewLabel(fmt.Sprintf(lang.L("Combining %s…"), where))
	v.status.Wrapping = fyne.TextWrapWord
	v.counts = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.details = widget.NewLabel("")
	v.details.Wrapping = fyne.TextWrapWord
	if ignored > 0 {
		v.details.SetText(fmt.Sprintf(lang.L("%d selected file(s) are not .csv and were left out."), ignored))
	}
	v.body = container.NewStack()
	v.saveBtn = widget.NewButtonWithIcon(lang.L("Save CSV…"), theme.DocumentSaveIcon(), v.saveLocally)
	v.pubBtn = widget.NewButtonWithIcon(lang.L("Publish…"), theme.UploadIcon(), v.showPublish)
	v.saveBtn.Disable()
	v.pubBtn.Disable()
	closeBtn := widget.NewButton(lang.L("Close"), func() { v.win.Close() })
	top := container.NewVBox(v.status, v.progress, v.counts, v.details)
	bottom := container.NewHBox(v.saveBtn, v.pubBtn, layout.NewSpacer(), closeBtn)
	v.win.SetContent(container.NewBorder(top, bottom, nil, nil, v.body))
	v.win.Resize(fyne.NewSize(900, 640))
	v.win.SetOnClosed(func() {
		v.closed = true
		v.run.Stop()
		if v.report != nil {
			v.report.Close()
		}
	})
	v.win.Show()
	v.start()
	return v
}

// Window is the combine window.
func (v *CombineView) Window() fyne.Window { return v.win }

func displayPrefix(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func (v *CombineView) start() {
	ctx, gen := v.run.Renew(v.jobs.Ctx())
	opts := v.opts
	progress := async.NewThrottle(async.Every, v.jobs.Do, func(p report.CombineProgress) {
		if !v.run.Current(gen) || v.closed {
			return
		}
		if p.FilesTotal > 0 {
			v.progress.SetValue(float64(p.FilesDone) / float64(p.FilesTotal))
		}
		v.status.SetText(fmt.Sprintf(lang.L("Reading %s (%d of %d) — %s rows, %s read"),
			p.Key, min(p.FilesDone+1, p.FilesTotal), p.FilesTotal, widgets.Number(p.Rows), widgets.Bytes(uint64(p.Bytes))))
	})
	opts.OnProgress = progress.Push
	opts.OnMismatch = func(m report.HeaderMismatch) report.MismatchAction {
		// The progress so far shows before the question, and nothing
		// redraws behind it while the combine waits for the answer.
		progress.Flush()
		answer := make(chan report.MismatchAction, 1)
		v.jobs.Do(func() {
			if !v.run.Current(gen) || v.closed {
				answer <- report.StopCombine
				return
			}
			v.askMismatch(m, answer)
		})
		select {
		case a := <-answer:
			return a
		case <-ctx.Done():
			return report.StopCombine
		}
	}
	v.jobs.Go(func() {
		rep, err := v.store.CombineCSV(ctx, v.bucket, opts)
		progress.Flush()
		v.jobs.Do(func() {
			if !v.run.Current(gen) || v.closed {
				if rep != nil {
					rep.Close()
				}
				return
			}
			v.finish(rep, err)
		})
	})
}

// askMismatch asks whether to skip a file whose header differs, or stop.
func (v *CombineView) askMismatch(m report.HeaderMismatch, answer chan<- report.MismatchAction) {
	msg := widget.NewLabel(fmt.Sprintf(lang.L("“%s” has a different header from the first file, so its rows do not fit the table.\n\nIts header:  %s\nExpected:    %s"),
		m.Key, strings.Join(m.Header, ", "), strings.Join(m.Want, ", ")))
	msg.Wrapping = fyne.TextWrapWord
	p := &mismatchPrompt{}
	reply := func(a report.MismatchAction) {
		if v.ask == p {
			v.ask = nil
		}
		p.d.Hide()
		answer <- a
	}
	p.skip = widget.NewButton(lang.L("Skip this file"), func() { reply(report.SkipFile) })
	p.skip.Importance = widget.HighImportance
	p.stop = widget.NewButton(lang.L("Stop"), func() { reply(report.StopCombine) })
	content := container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), p.stop, p.skip), nil, nil,
		container.NewGridWrap(fyne.NewSize(480, 140), msg))
	p.d = dialog.NewCustomWithoutButtons(lang.L("Header differs"), content, v.win)
	v.ask = p
	p.d.Show()
}

func (v *CombineView) finish(rep *report.CSVReport, err error) {
	v.progress.SetValue(1)
	if err != nil {
		v.progress.Hide()
		if errors.Is(err, storage.ErrHeaderMismatch) {
			v.status.SetText(fmt.Sprintf(lang.L("Stopped. %s"), widgets.ErrorText(err)))
		} else {
			v.status.SetText(fmt.Sprintf(lang.L("Could not combine: %s"), widgets.ErrorText(err)))
		}
		v.status.Importance = widget.DangerImportance
		v.status.Refresh()
		return
	}
	v.report = rep
	v.status.SetText(lang.L("Combined. Save the table as a CSV file, or publish it as CSV and HTML."))
	v.counts.SetText(fmt.Sprintf(lang.L("%s %s from %s %s, %d columns"), widgets.Number(rep.Rows), widgets.Plural(int(rep.Rows), "row", "rows"),
		widgets.Number(int64(len(rep.Files))), widgets.Plural(len(rep.Files), "file", "files"), len(rep.Header)))
	var notes []string
	if v.details.Text != "" {
		notes = append(notes, v.details.Text)
	}
	for i, s := range rep.Skipped {
		if i == 5 {
			notes = append(notes, fmt.Sprintf(lang.L("…and %d more skipped."), len(rep.Skipped)-5))
			break
		}
		notes = append(notes, fmt.Sprintf(lang.L("Skipped %s: %s."), s.Key, s.Reason))
	}
	notes = append(notes, problemNotes(rep.Problems)...)
	if int64(len(rep.Preview)) < rep.Rows {
		notes = append(notes, fmt.Sprintf(lang.L("The table shows the first %s rows; the saved and published files have all %s."),
			widgets.Number(int64(len(rep.Preview))), widgets.Number(rep.Rows)))
	}
	v.details.SetText(strings.Join(notes, "\n"))
	v.table = newPreviewTable(rep.Header, rep.Preview)
	v.body.Objects = []fyne.CanvasObject{v.table}
	v.body.Refresh()
	v.saveBtn.Enable()
	v.pubBtn.Enable()
}

// reportName is the default base name of the combined file.
func (v *CombineView) reportName() string {
	base := strings.Trim(v.prefix, "/")
	if len(v.opts.Prefixes) == 1 && v.opts.Prefixes[0] != "" {
		base = strings.Trim(v.opts.Prefixes[0], "/")
	}
	if base == "" {
		return "combined_report"
	}
	return fmt.Sprintf("%s_report", strings.ReplaceAll(base, "/", "_"))
}

// saveLocally asks for a file and streams the combined CSV into it.
func (v *CombineView) saveLocally() {
	if v.report == nil {
		return
	}
	rep := v.report
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			widgets.ShowError(v.win, lang.L("Could not save"), err)
			return
		}
		if w == nil {
			return // cancelled
		}
		v.saveTo(rep, w)
	}, v.win)
	d.SetFileName(v.reportName() + ".csv")
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// saveTo streams the combined CSV into w in the background.
func (v *CombineView) saveTo(rep *report.CSVReport, w fyne.URIWriteCloser) {
	v.saveBtn.Disable()
	v.status.SetText(fmt.Sprintf(lang.L("Saving %s…"), w.URI().Name()))
	v.jobs.Go(func() {
		n, err := rep.WriteCSV(w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		v.jobs.Do(func() {
			if v.closed {
				return
			}
			v.saveBtn.Enable()
			if err != nil {
				v.status.SetText(fmt.Sprintf(lang.L("Could not save: %s"), widgets.ErrorText(err)))
				return
			}
			v.status.SetText(fmt.Sprintf(lang.L("Saved %s (%s)."), w.URI().Path(), widgets.Bytes(uint64(n))))
		})
	})
}

// publishForm is the "Publish" dialog's state.
type publishForm struct {
	csvOn, htmlOn   *widget.Check
	csvKey, htmlKey *widget.Entry
	title           *widget.Entry
	access          *widget.RadioGroup
}

// The report's access choices, shown as lang.L(choice) (i18n:keys).
const (
	accessPrivate = "Private (only with your credentials or a shared link)"
	accessPublic  = "Public (anyone with the URL can read them)"
)

// showPublish asks where and how to publish, then uploads.
func (v *CombineView) showPublish() {
	if v.report == nil {
		return
	}
	base := v.reportName()
	dir := ""
	if i := strings.LastIndexByte(strings.TrimSuffix(v.prefix, "/"), '/'); i >= 0 {
		dir = v.prefix[:i+1]
	}
	f := &publishForm{
		csvOn: widget.NewCheck(lang.L("CSV (text/csv)"), nil), htmlOn: widget.NewCheck(lang.L("HTML table (text/html)"), nil),
		csvKey: widget.NewEntry(), htmlKey: widget.NewEntry(), title: widget.NewEntry(),
		access: widget.NewRadioGroup([]string{lang.L(accessPrivate), lang.L(accessPublic)}, nil),
	}
	f.csvOn.SetChecked(true)
	f.htmlOn.SetChecked(true)
	f.csvKey.SetText(path.Join(dir, base+".csv"))
	f.htmlKey.SetText(path.Join(dir, base+".html"))
	f.title.SetText(strings.ReplaceAll(base, "_", " "))
	f.access.SetSelected(lang.L(accessPrivate))
	keyCheck := func(on *widget.Check) fyne.StringValidator {
		return func(s string) error {
			s = strings.TrimSpace(s)
			switch {
			case !on.Checked:
				return nil
			case s == "":
				return errors.New(lang.L("enter a key"))
			case strings.HasSuffix(s, "/"):
				return errors.New(lang.L("a key cannot end in /"))
			}
			return nil
		}
	}
	f.csvKey.Validator = keyCheck(f.csvOn)
	f.htmlKey.Validator = keyCheck(f.htmlOn)
	f.csvOn.OnChanged = func(b bool) { widgets.SetEnabled(f.csvKey, b) }
	f.htmlOn.OnChanged = func(b bool) { widgets.SetEnabled(f.htmlKey, b); widgets.SetEnabled(f.title, b) }
	items := []*widget.FormItem{
		widget.NewFormItem("", f.csvOn), widget.NewFormItem(lang.L("CSV key"), f.csvKey),
		widget.NewFormItem("", f.htmlOn), widget.NewFormItem(lang.L("HTML key"), f.htmlKey),
		widget.NewFormItem(lang.L("Page title"), f.title), widget.NewFormItem(lang.L("Access"), f.access),
	}
	d := dialog.NewForm(fmt.Sprintf(lang.L("Publish to %s"), v.bucket), lang.L("Publish"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		o := f.options()
		if o.CSVKey == "" && o.HTMLKey == "" {
			widgets.ShowError(v.win, lang.L("Nothing to publish"), errors.New(lang.L("tick the CSV, the HTML page, or both")))
			return
		}
		v.publish(o, false)
	}, v.win)
	d.Resize(fyne.NewSize(620, 380))
	d.Show()
}

func (f *publishForm) options() report.ReportPublishOptions {
	o := report.ReportPublishOptions{Title: strings.TrimSpace(f.title.Text), Public: f.access.Selected == lang.L(accessPublic)}
	if f.csvOn.Checked {
		o.CSVKey = strings.TrimSpace(f.csvKey.Text)
	}
	if f.htmlOn.Checked {
		o.HTMLKey = strings.TrimSpace(f.htmlKey.Text)
	}
	return o
}

// publish uploads; an existing key is only replaced after the user agrees.
func (v *CombineView) publish(o report.ReportPublishOptions, overwrite bool) {
	o.Overwrite = overwrite
	rep := v.report
	ctx, gen := v.run.Renew(v.jobs.Ctx())
	v.pubBtn.Disable()
	v.status.SetText(lang.L("Publishing…"))
	v.jobs.Go(func() {
		res, err := v.store.PublishReport(ctx, rep, o)
		v.jobs.Do(func() {
			if !v.run.Current(gen) || v.closed {
				return
			}
			v.pubBtn.Enable()
			if errors.Is(err, storage.ErrPreconditionFailed) && !overwrite {
				v.status.SetText(widgets.ErrorText(err))
				dialog.ShowConfirm(lang.L("Replace existing objects?"),
					fmt.Sprintf(lang.L("%s\n\nReplace it with the new report?"), widgets.ErrorText(err)), func(yes bool) {
						if yes {
							v.publish(o, true)
						}
					}, v.win)
				return
			}
			if errors.Is(err, share.ErrConsentRequired) {
				v.askPolicyConsent(res, err)
				return
			}
			if err != nil {
				msg := lang.L("Could not publish: ")
				if res.CSV.Key != "" || res.HTML.Key != "" {
					msg = lang.L("Uploaded, but not as asked: ")
				}
				v.status.SetText(msg + widgets.ErrorText(err))
				widgets.ShowError(v.win, lang.L("Could not publish"), err)
				return
			}
			v.status.SetText(publishedText(v.bucket, res, o.Public))
		})
	})
}

// askPolicyConsent follows a public publish the bucket's ACLs could not
// serve: the objects are uploaded but private until the user agrees to a
// bucket-policy statement for each of them.
func (v *CombineView) askPolicyConsent(res report.PublishedReport, cause error) {
	v.status.SetText(fmt.Sprintf(lang.L("Uploaded, but not public yet: %s"), widgets.ErrorText(cause)))
	dialog.ShowConfirm(lang.L("Add a bucket-policy statement?"), widgets.ErrorText(cause), func(yes bool) {
		if !yes {
			v.status.SetText(fmt.Sprintf(lang.L("%s Not public: you chose not to add a bucket-policy statement; share a presigned link instead."), publishedText(v.bucket, res, false)))
			return
		}
		ctx, gen := v.run.Renew(v.jobs.Ctx())
		v.pubBtn.Disable()
		v.status.SetText(lang.L("Making the report public…"))
		v.jobs.Go(func() {
			var err error
			for _, p := range []struct {
				key string
				out *share.PublicResult
			}{{res.CSV.Key, &res.CSVPublic}, {res.HTML.Key, &res.HTMLPublic}} {
				if p.key == "" || err != nil {
					continue
				}
				*p.out, err = v.store.MakePublic(ctx, v.bucket, p.key, share.PublicOptions{AllowPolicy: true})
			}
			v.jobs.Do(func() {
				if !v.run.Current(gen) || v.closed {
					return
				}
				v.pubBtn.Enable()
				if err != nil {
					v.status.SetText(fmt.Sprintf(lang.L("Uploaded, but not public: %s"), widgets.ErrorText(err)))
					widgets.ShowError(v.win, lang.L("Could not make the report public"), err)
					return
				}
				v.status.SetText(publishedText(v.bucket, res, true))
			})
		})
	}, v.win)
}

// publishedText says what was uploaded and, for public objects, the
// addresses that were checked to open without credentials.
func publishedText(bucket string, res report.PublishedReport, public bool) string {
	var done, urls []string
	for _, p := range []struct {
		ref  storage.ObjectRef
		size int64
		pub  share.PublicResult
	}{{res.CSV, res.CSVSize, res.CSVPublic}, {res.HTML, res.HTMLSize, res.HTMLPublic}} {
		if p.ref.Key == "" {
			continue
		}
		done = append(done, fmt.Sprintf("%s (%s)", p.ref.Key, widgets.Bytes(uint64(p.size))))
		if p.pub.URL != "" {
			urls = append(urls, p.pub.URL)
		}
	}
	text := fmt.Sprintf(lang.L("Published %s to %s"), strings.Join(done, " and "), bucket)
	if public && len(urls) > 0 {
		return fmt.Sprintf(lang.L("%s, public (checked: they open without credentials):\n%s"), text, strings.Join(urls, "\n"))
	}
	if len(res.StillPublic) > 0 {
		return fmt.Sprintf(lang.L("%s as private, but anyone can still open these (the bucket's policy or settings allow it; change them there to hide them):\n%s"), text, strings.Join(res.StillPublic, "\n"))
	}
	return fmt.Sprintf(lang.L("%s, private."), text)
}
