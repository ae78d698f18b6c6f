package versions

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
)

// UndeleteFolder counts the deleted files under prefix first (streamed,
// cancellable), asks, then brings them back with progress and Cancel. Only
// keys under prefix are touched.
func (p *Pane) UndeleteFolder(prefix string) {
	s := p.store()
	if s == nil || prefix == "" || p.parent == nil {
		return
	}
	bucket := p.bucket
	ctx, cancel := context.WithCancel(p.parent)
	text := widget.NewLabel(fmt.Sprintf(lang.L("Counting the deleted files under %s…"), quoted(prefix)))
	d := dialog.NewCustom(lang.L("Undelete folder"), lang.L("Cancel"), container.NewVBox(text, widget.NewProgressBarInfinite()), p.win)
	d.SetOnClosed(cancel)
	d.Show()
	p.jobs.Go(func() {
		n, err := s.PlanUndeleteFolder(ctx, bucket, prefix, func(k int64) {
			p.jobs.Do(func() {
				text.SetText(fmt.Sprintf(lang.L("Counting the deleted files under %s… %d so far"), quoted(prefix), k))
			})
		})
		p.jobs.Do(func() {
			if ctx.Err() != nil {
				return // cancelled
			}
			d.Hide()
			switch {
			case err != nil:
				widgets.ShowError(p.win, lang.L("Could not count the deleted files"), err)
			case n == 0:
				widgets.ShowMessage(p.win, lang.L("Nothing to undelete"), fmt.Sprintf(lang.L("No file under %s is deleted."), quoted(prefix)))
			default:
				c := dialog.NewConfirm(lang.L("Undelete folder"),
					fmt.Sprintf(lang.L("Bring back %s under %s? Each gets its newest version back; nothing outside the folder changes."),
						widgets.Count(n, "deleted file", "deleted files"), quoted(prefix)),
					func(ok bool) {
						if ok {
							p.runUndeleteFolder(bucket, prefix, n)
						}
					}, p.win)
				c.SetConfirmText(fmt.Sprintf(lang.L("Undelete %s"), widgets.Count(n, "file", "files")))
				c.Show()
			}
		})
	})
}

// runUndeleteFolder brings back the n deleted files under prefix.
func (p *Pane) runUndeleteFolder(bucket, prefix string, n int64) {
	s := p.store()
	if s == nil {
		return
	}
	ctx, cancel := context.WithCancel(p.parent)
	bar := widget.NewProgressBar()
	bar.Max = float64(n)
	text := widget.NewLabel(fmt.Sprintf(lang.L("Bringing back the deleted files under %s…"), quoted(prefix)))
	d := dialog.NewCustom(lang.L("Undelete folder"), lang.L("Cancel"), container.NewVBox(text, bar), p.win)
	d.SetOnClosed(cancel)
	widgets.FitDialog(d, 420)
	d.Show()
	p.ops++
	p.refresh()
	p.jobs.Go(func() {
		res, err := s.UndeleteFolder(ctx, bucket, prefix, func(k int64) {
			p.jobs.Do(func() { bar.SetValue(float64(min(k, n))) })
		})
		p.jobs.Do(func() {
			p.ops--
			cancelled := ctx.Err() != nil
			d.Hide()
			msg := fmt.Sprintf("Brought back %s under %s", widgets.Count(res.Keys, "file", "files"), quoted(prefix))
			switch {
			case err != nil && !cancelled:
				widgets.ShowError(p.win, lang.L("Undelete folder stopped"), err)
				msg += "; then it stopped"
			case len(res.Failed) > 0:
				widgets.ShowMessage(p.win, lang.L("Some files were not brought back"),
					fmt.Sprintf("%s: %s", widgets.Count(len(res.Failed), "file was", "files were"), widgets.ErrorText(res.Failed[0].Err)))
			case cancelled:
				msg += "; cancelled"
			}
			p.setStatus(msg)
			if p.bucket == bucket {
				p.reload()
			}
		})
	})
}

var _ fyne.Widget = (*verRow)(nil)
