package report

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/report"
)

// combineStep is step 2: the combined table, the report's columns and
// whether link cells become links.
type combineStep struct {
	w         *Wizard
	progress  *widget.ProgressBar
	counts    *widget.Label
	details   *widget.Label
	colBox    *fyne.Container
	colChecks []*widget.Check
	links     *widget.Check
	saveBtn   *widget.Button
	tableBox  *fyne.Container
	table     *widget.Table

	rep *report.CSVReport
	ask *mismatchPrompt
}

// mismatchPrompt is the open "header differs" question.
type mismatchPrompt struct {
	d          dialog.Dialog
	skip, stop *widget.Button
}

func (c *combineStep) build(w *Wizard) fyne.CanvasObject {
	c.w = w
	c.progress = widget.NewProgressBar()
	c.counts = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.details = widget.NewLabel("")
	c.details.Wrapping = fyne.TextWrapWord
	c.colBox = container.NewHBox()
	c.links = widget.NewCheck(lang.L("Show web addresses (http, https) as links"), func(bool) {})
	c.links.SetChecked(true)
	c.saveBtn = widget.NewButtonWithIcon(lang.L("Save CSV…"), theme.DocumentSaveIcon(), c.saveLocally)
	c.saveBtn.Disable()
	c.tableBox = container.NewStack()
	cols := container.NewVBox(widget.NewLabel(lang.L("Columns in the report:")), container.NewHScroll(c.colBox),
		container.NewHBox(c.links, layout.NewSpacer(), c.saveBtn))
	top := container.NewVBox(c.progress, c.counts, c.details, cols)
	return container.NewBorder(top, nil, nil, nil, c.tableBox)
}

func (c *combineStep) close() {
	if c.rep != nil {
		c.rep.Close()
		c.rep = nil
	}
}

// columns are the ticked columns, in the table's order.
func (c *combineStep) columns() []string {
	var out []string
	for _, ch := range c.colChecks {
		if ch.Checked {
			out = append(out, ch.Text)
		}
	}
	return out
}

// start combines the files chosen in step 1.
func (c *combineStep) start() {
	w := c.w
	keys := w.pick.chosen()
	c.close()
	c.colChecks = nil
	c.colBox.Objects = nil
	c.colBox.Refresh()
	c.tableBox.Objects = nil
	c.tableBox.Refresh()
	c.saveBtn.Disable()
	c.progress.SetValue(0)
	c.progress.Show()
	c.counts.SetText("")
	c.details.SetText("")
	w.publish.done = nil
	ctx, gen := w.run.Renew(w.jobs.Ctx())
	progress := async.NewThrottle(async.Every, w.jobs.Do, func(p report.CombineProgress) {
		if !w.run.Current(gen) || w.closed {
			return
		}
		if p.FilesTotal > 0 {
			c.progress.SetValue(float64(p.FilesDone) / float64(p.FilesTotal))
		}
		w.say(fmt.Sprintf(lang.L("Reading %s (%d of %d) — %s rows"), p.Key, min(p.FilesDone+1, p.FilesTotal), p.FilesTotal, humanize.Comma(p.Rows)), false)
	})
	opts := report.CombineOptions{Keys: keys, OnProgress: progress.Push}
	opts.OnMismatch = func(m report.HeaderMismatch) report.MismatchAction {
		progress.Flush()
		answer := make(chan report.MismatchAction, 1)
		w.jobs.Do(func() {
			if !w.run.Current(gen) || w.closed {
				answer <- report.StopCombine
				return
			}
			c.askMismatch(m, answer)
		})
		select {
		case a := <-answer:
			return a
		case <-ctx.Done():
			return report.StopCombine
		}
	}
	w.say(fmt.Sprintf(lang.L("Combining %s files…"), fmt.Sprint(len(keys))), false)
	w.jobs.Go(func() {
		rep, err := w.store.CombineCSV(ctx, w.bucket, opts)
		progress.Flush()
		w.jobs.Do(func() {
			if !w.run.Current(gen) || w.closed {
				if rep != nil {
					rep.Close()
				}
				return
			}
			c.finish(rep, err)
		})
	})
}

// askMismatch asks whether to skip a file whose header differs, or stop.
func (c *combineStep) askMismatch(m report.HeaderMismatch, answer chan<- report.MismatchAction) {
	msg := widget.NewLabel(fmt.Sprintf(lang.L("“%s” has a different header from the first file, so its rows do not fit the table.\n\nIts header:  %s\nExpected:    %s"),
		m.Key, strings.Join(m.Header, ", "), strings.Join(m.Want, ", ")))
	msg.Wrapping = fyne.TextWrapWord
	p := &mismatchPrompt{}
	reply := func(a report.MismatchAction) {
		if c.ask == p {
			c.ask = nil
		}
		p.d.Hide()
		answer <- a
	}
	p.skip = widget.NewButton(lang.L("Skip this file"), func() { reply(report.SkipFile) })
	p.skip.Importance = widget.HighImportance
	p.stop = widget.NewButton(lang.L("Stop"), func() { reply(report.StopCombine) })
	content := container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), p.stop, p.skip), nil, nil,
		container.NewGridWrap(fyne.NewSize(480, 140), msg))
	p.d = dialog.NewCustomWithoutButtons(lang.L("Header differs"), content, c.w.win)
	c.ask = p
	p.d.Show()
}

func (c *combineStep) finish(rep *report.CSVReport, err error) {
	w := c.w
	c.progress.SetValue(1)
	c.progress.Hide()
	if err != nil {
		w.say(fmt.Sprintf(lang.L("Could not combine: %s"), widgets.ErrorText(err)), true)
		c.counts.SetText(lang.L("Nothing was combined."))
		w.stopAuto(widgets.ErrorText(err))
		w.refreshNav()
		return
	}
	c.rep = rep
	c.counts.SetText(fmt.Sprintf(lang.L("%s %s from %s %s, %d columns"), humanize.Comma(rep.Rows), widgets.Plural(int(rep.Rows), "row", "rows"),
		humanize.Comma(int64(len(rep.Files))), widgets.Plural(len(rep.Files), "file", "files"), len(rep.Header)))
	var notes []string
	for i, s := range rep.Skipped {
		if i == 5 {
			notes = append(notes, fmt.Sprintf("…and %d more skipped.", len(rep.Skipped)-5))
			break
		}
		notes = append(notes, fmt.Sprintf("Skipped %s: %s.", s.Key, s.Reason))
	}
	for i, pr := range rep.Problems {
		if i == 3 {
			notes = append(notes, fmt.Sprintf("…and %d more rows with problems.", len(rep.Problems)-3))
			break
		}
		notes = append(notes, fmt.Sprintf("%s line %d: %s.", pr.Key, pr.Line, pr.Msg))
	}
	if int64(len(rep.Preview)) < rep.Rows {
		notes = append(notes, fmt.Sprintf("The table shows the first %s rows; the report has all %s.", humanize.Comma(int64(len(rep.Preview))), humanize.Comma(rep.Rows)))
	}
	c.details.SetText(strings.Join(notes, "\n"))
	c.details.Hidden = len(notes) == 0
	want := rep.Header
	links := true
	if w.auto != nil && len(w.auto.Columns) > 0 {
		want, links = w.auto.Columns, w.auto.RenderLinks
	}
	c.colChecks = nil
	c.colBox.Objects = nil
	for _, h := range rep.Header {
		ch := widget.NewCheck(h, func(bool) { w.refreshNav() })
		ch.SetChecked(slices.Contains(want, h))
		c.colChecks = append(c.colChecks, ch)
		c.colBox.Add(ch)
	}
	c.colBox.Refresh()
	c.links.SetChecked(links)
	c.table = newTable(rep.Header, rep.Preview)
	c.tableBox.Objects = []fyne.CanvasObject{c.table}
	c.tableBox.Refresh()
	c.saveBtn.Enable()
	w.say(lang.L("Combined. Untick the columns the report should leave out, then press Next."), false)
	w.chart.reset(rep)
	w.refreshNav()
	if w.auto != nil {
		if missing := missingColumns(w.auto.Columns, rep.Header); len(missing) > 0 {
			w.stopAuto("this month's files have no column " + strings.Join(missing, ", ") + "; choose the columns again")
			return
		}
		w.advance()
	}
}

func missingColumns(want, header []string) []string {
	var out []string
	for _, c := range want {
		if !slices.Contains(header, c) {
			out = append(out, c)
		}
	}
	return out
}

// newTable shows the preview rows.
func newTable(header []string, rows [][]string) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(rows), len(header) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			text := ""
			if id.Row < len(rows) && id.Col < len(rows[id.Row]) {
				text = rows[id.Row][id.Col]
			}
			o.(*widget.Label).SetText(text)
		})
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		switch {
		case id.Row < 0 && id.Col >= 0 && id.Col < len(header):
			l.SetText(header[id.Col])
			l.TextStyle.Bold = true
		case id.Col < 0 && id.Row >= 0:
			l.SetText(fmt.Sprint(id.Row + 1))
		default:
			l.SetText("")
		}
	}
	for i := range header {
		t.SetColumnWidth(i, 220)
	}
	return t
}

// saveLocally streams the combined CSV (the chosen columns) into a file.
func (c *combineStep) saveLocally() {
	rep := c.rep
	if rep == nil {
		return
	}
	cols := c.columns()
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			widgets.ShowError(c.w.win, lang.L("Could not save"), err)
			return
		}
		if wc == nil {
			return
		}
		c.saveTo(rep, cols, wc)
	}, c.w.win)
	d.SetFileName(reportBase(c.w.pick.prefix()) + "_report.csv")
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// saveTo streams the chosen columns of the combined CSV into wc.
func (c *combineStep) saveTo(rep *report.CSVReport, cols []string, wc fyne.URIWriteCloser) {
	c.saveBtn.Disable()
	c.w.jobs.Go(func() {
		err := rep.WriteCSVColumns(wc, cols)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		c.w.jobs.Do(func() {
			if c.w.closed {
				return
			}
			c.saveBtn.Enable()
			if err != nil {
				c.w.say(fmt.Sprintf(lang.L("Could not save: %s"), widgets.ErrorText(err)), true)
				return
			}
			c.w.say(fmt.Sprintf(lang.L("Saved %s."), wc.URI().Path()), false)
		})
	})
}

// reportBase is a file-name-friendly name of the month's folder.
func reportBase(prefix string) string {
	b := strings.Trim(prefix, "/")
	if b == "" {
		return "combined"
	}
	return strings.ReplaceAll(b, "/", "_")
}
