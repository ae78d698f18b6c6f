package report

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/report"
)

// publishStep is step 4: where the report goes, and the upload.
type publishStep struct {
	w         *Wizard
	bucket    *widget.Select
	newBucket *widget.Button
	folder    *widget.Entry
	title     *widget.Entry
	sources   *widget.Check
	pubBtn    *widget.Button
	result    *widget.Label
	files     *widget.List
	loaded    bool // the bucket list was asked for

	done *report.MonthlyReport // what the last publish wrote
}

func (p *publishStep) build(w *Wizard) fyne.CanvasObject {
	p.w = w
	p.bucket = widget.NewSelect(nil, func(string) { p.done = nil; w.refreshNav() })
	p.bucket.PlaceHolder = "(choose a bucket)"
	p.newBucket = widget.NewButtonWithIcon(lang.L("New bucket…"), theme.ContentAddIcon(), p.askNewBucket)
	p.folder = widget.NewEntry()
	p.folder.Validator = func(s string) error {
		if strings.Trim(strings.TrimSpace(s), "/") == "" {
			return errors.New("choose a folder, for example reports/22_Sept/")
		}
		return nil
	}
	p.title = widget.NewEntry()
	p.sources = widget.NewCheck(lang.L("Also upload the month's source files (into data/ beside the report)"), nil)
	p.pubBtn = widget.NewButtonWithIcon(lang.L("Publish"), theme.UploadIcon(), func() { p.publish(false) })
	p.pubBtn.Importance = widget.HighImportance
	p.result = widget.NewLabel(lang.L("The report is uploaded private; the next step shares it."))
	p.result.Wrapping = fyne.TextWrapWord
	p.files = widget.NewList(func() int {
		if p.done == nil {
			return 0
		}
		return len(p.done.Files)
	}, func() fyne.CanvasObject {
		return widget.NewLabel(sizing("reports/22_Sept/report.html   text/html   4.1 KiB"))
	},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if p.done != nil && i < len(p.done.Files) {
				f := p.done.Files[i]
				o.(*widget.Label).SetText(fmt.Sprintf("%s   %s   %s", f.Key, f.ContentType, humanize.IBytes(uint64(f.Size))))
			}
		})
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Bucket"), container.NewBorder(nil, nil, nil, p.newBucket, p.bucket)),
		widget.NewFormItem(lang.L("Folder"), p.folder),
		widget.NewFormItem(lang.L("Page title"), p.title),
		widget.NewFormItem("", p.sources),
	)
	intro := widget.NewLabel(lang.L("S3 Desk uploads report.csv, report.html, chart.html and chart.png into the folder, then an index.html listing every file in it with its size and date."))
	intro.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(intro, form, container.NewHBox(p.pubBtn), p.result)
	return container.NewBorder(top, nil, nil, nil, p.files)
}

func (p *publishStep) bucketName() string { return p.bucket.Selected }

// prefix is the destination folder, with a trailing "/".
func (p *publishStep) prefix() string {
	f := strings.TrimLeft(strings.TrimSpace(p.folder.Text), "/")
	if f != "" && !strings.HasSuffix(f, "/") {
		f += "/"
	}
	return f
}

// entered fills the defaults and lists the buckets (once).
func (p *publishStep) entered() {
	w := p.w
	base := reportBase(w.pick.prefix())
	if a := w.auto; a != nil {
		p.folder.SetText(a.DestPrefix)
		p.title.SetText(a.Title)
		p.sources.SetChecked(a.IncludeSources)
	} else {
		if p.folder.Text == "" {
			p.folder.SetText(fmt.Sprintf(lang.L("reports/%s/"), base))
		}
		if p.title.Text == "" {
			p.title.SetText(fmt.Sprintf(lang.L("Report %s"), strings.ReplaceAll(base, "_", " ")))
		}
	}
	want := w.bucket
	if w.auto != nil {
		want = w.auto.DestBucket
	} else if p.bucket.Selected != "" {
		want = p.bucket.Selected
	}
	if p.loaded && w.auto == nil {
		return
	}
	p.loaded = true
	p.loadBuckets(want, w.auto != nil)
}

// loadBuckets lists the buckets and selects want; then publishes when a
// saved report is running.
func (p *publishStep) loadBuckets(want string, thenPublish bool) {
	w := p.w
	ctx := w.jobs.Ctx()
	w.jobs.Go(func() {
		bs, err := w.store.ListBuckets(ctx)
		w.jobs.Do(func() {
			if w.closed {
				return
			}
			names := []string{}
			for _, b := range bs {
				names = append(names, b.Name)
			}
			if err != nil {
				// Listing buckets may be denied where writing is allowed.
				p.result.SetText(fmt.Sprintf(lang.L("Could not list the buckets (%s); the source bucket is offered."), widgets.ErrorText(err)))
				names = []string{w.bucket}
			}
			if want != "" && !slices.Contains(names, want) {
				names = append(names, want)
			}
			p.bucket.Options = names
			p.bucket.SetSelected(want)
			if thenPublish && w.auto != nil {
				p.publish(false)
			}
		})
	})
}

// askNewBucket creates a bucket for the report.
func (p *publishStep) askNewBucket() {
	w := p.w
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("monthly-reports"))
	name.Validator = storage.ValidateBucketName
	d := dialog.NewForm(lang.L("New bucket"), lang.L("Create"), lang.L("Cancel"), []*widget.FormItem{widget.NewFormItem(lang.L("Name"), name)}, func(ok bool) {
		if !ok {
			return
		}
		n := strings.TrimSpace(name.Text)
		ctx := w.jobs.Ctx()
		p.result.SetText(fmt.Sprintf(lang.L("Creating bucket %s…"), n))
		w.jobs.Go(func() {
			err := w.store.CreateBucket(ctx, n, storage.CreateBucketOptions{})
			w.jobs.Do(func() {
				if w.closed {
					return
				}
				if err != nil {
					p.result.SetText(fmt.Sprintf(lang.L("Could not create the bucket: %s"), widgets.ErrorText(err)))
					return
				}
				if !slices.Contains(p.bucket.Options, n) {
					p.bucket.Options = append(p.bucket.Options, n)
				}
				p.bucket.SetSelected(n)
				p.result.SetText(fmt.Sprintf(lang.L("Created bucket %s. Press Publish."), n))
			})
		})
	}, w.win)
	d.Resize(fyne.NewSize(420, 180))
	d.Show()
}

// options are the publish settings as chosen in the wizard.
func (p *publishStep) options(overwrite bool) report.MonthlyOptions {
	w := p.w
	o := report.MonthlyOptions{Bucket: p.bucket.Selected, Prefix: p.prefix(), Title: strings.TrimSpace(p.title.Text),
		Columns: w.combine.columns(), RenderLinks: w.combine.links.Checked, Chart: w.chart.spec(), Overwrite: overwrite}
	if p.sources.Checked {
		o.Sources, o.SourceBucket = slices.Clone(w.pick.files), w.bucket
	}
	return o
}

// publish uploads; existing files are replaced only when the user agrees.
func (p *publishStep) publish(overwrite bool) {
	w := p.w
	rep := w.combine.rep
	if rep == nil {
		return
	}
	if err := p.folder.Validate(); err != nil {
		p.result.SetText(err.Error())
		w.stopAuto(err.Error())
		return
	}
	if p.bucket.Selected == "" {
		p.result.SetText(lang.L("Choose the bucket to publish to, or make a new one."))
		w.stopAuto("no bucket chosen")
		return
	}
	o := p.options(overwrite)
	ctx, gen := w.run.Renew(w.jobs.Ctx())
	progress := func(s string) { w.jobs.Do(func() { p.result.SetText(s) }) }
	o.Progress = progress
	p.pubBtn.Disable()
	p.done = nil
	p.files.Refresh()
	w.refreshNav()
	p.result.SetText(lang.L("Publishing…"))
	w.jobs.Go(func() {
		m, err := w.store.PublishMonthly(ctx, rep, o)
		w.jobs.Do(func() {
			if !w.run.Current(gen) || w.closed {
				return
			}
			p.pubBtn.Enable()
			if errors.Is(err, storage.ErrPreconditionFailed) && !overwrite {
				p.result.SetText(widgets.ErrorText(err))
				cd := dialog.NewConfirm(lang.L("Replace the earlier report?"), fmt.Sprintf(lang.L("%s\n\nReplace the files with this report?"), widgets.ErrorText(err)), func(yes bool) {
					if yes {
						p.publish(true)
					} else {
						w.stopAuto("you chose not to replace the earlier report")
					}
				}, w.win)
				cd.SetConfirmText(lang.L("Replace"))
				cd.Show()
				return
			}
			if err != nil {
				p.result.SetText(fmt.Sprintf(lang.L("Could not publish: %s"), widgets.ErrorText(err)))
				w.stopAuto(widgets.ErrorText(err))
				return
			}
			p.done = &m
			p.files.Refresh()
			p.result.SetText(fmt.Sprintf(lang.L("Published %d files to %s/%s (private so far). Press Next to share the report."), len(m.Files), m.Bucket, m.Prefix))
			w.share.reset()
			w.refreshNav()
			if w.auto != nil {
				w.advance()
				w.share.doShare()
			}
		})
	})
}
