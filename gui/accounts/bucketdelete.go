package accounts

import (
	"context"
	"errors"
	"fmt"
	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// "Delete bucket": count first, then confirm (a full bucket wants its name typed).

// deleteBucketDialog confirms a bucket deletion. For a bucket that holds
// objects it shows what would go and wants the bucket's name typed.
type deleteBucketDialog struct {
	dlg     *dialog.CustomDialog
	summary *widget.Label
	confirm *widgets.EscEntry // nil for an empty bucket
	del     *widget.Button
	cancel  *widget.Button
	result  *widget.Label
}

// ConfirmDelete counts what bucket holds, then asks before deleting it.
func (v *BucketsView) ConfirmDelete(bucket string) {
	store := v.store
	if store == nil || bucket == "" {
		return
	}
	ctx, cancel := context.WithCancel(v.jobs.Ctx())
	update, end := v.status.Begin(fmt.Sprintf(lang.L("Counting what “%s” holds…"), bucket))
	counting := dialog.NewCustomWithoutButtons(lang.L("Delete bucket"),
		container.NewVBox(widget.NewLabel(fmt.Sprintf(lang.L("Counting what “%s” holds…"), bucket)), widget.NewProgressBarInfinite()), v.win)
	stop := widget.NewButton(lang.L("Cancel"), func() { cancel() })
	counting.SetButtons([]fyne.CanvasObject{stop})
	counting.Show()
	v.jobs.Go(func() {
		progress := async.NewThrottle(async.Every, v.jobs.Do, func(u storage.Usage) {
			update(fmt.Sprintf(lang.L("Counting “%s”: %s objects so far…"), bucket, widgets.Number(u.Objects)))
		})
		usage, err := store.Usage(ctx, bucket, "", progress.Push)
		progress.Flush()
		cancel()
		v.jobs.Do(func() {
			end()
			counting.Hide()
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return
				}
				widgets.ShowError(v.win, fmt.Sprintf(lang.L("Could not look into “%s”"), bucket), err)
				return
			}
			v.showDeleteDialog(store, bucket, usage)
		})
	})
}

func (v *BucketsView) showDeleteDialog(store BucketStore, bucket string, usage storage.Usage) {
	d := &deleteBucketDialog{}
	v.del = d
	d.del = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), nil)
	d.del.Importance = widget.DangerImportance
	d.cancel = widget.NewButton(lang.L("Cancel"), nil)
	d.result = widget.NewLabel("")
	d.result.Wrapping = fyne.TextWrapWord
	d.result.Importance = widget.DangerImportance
	d.result.Hide()
	force := usage.Objects > 0
	items := []fyne.CanvasObject{}
	if !force {
		d.summary = widget.NewLabel(fmt.Sprintf(lang.L("“%s” is empty. Delete it?\nThis cannot be undone."), bucket))
		items = append(items, d.summary)
	} else {
		d.summary = widget.NewLabel(fmt.Sprintf(
			lang.L("“%s” holds %s %s (%s). Deleting it deletes all of them, with their old versions and unfinished uploads. This cannot be undone."),
			bucket, widgets.Number(usage.Objects), widgets.Plural(int(usage.Objects), "object", "objects"), widgets.Bytes(uint64(usage.Bytes))))
		d.summary.Wrapping = fyne.TextWrapWord
		d.confirm = widgets.NewEscEntry() // Escape cancels
		d.confirm.SetPlaceHolder(bucket)
		d.del.SetText(lang.L("Delete everything"))
		d.del.Disable()
		d.confirm.OnChanged = func(s string) {
			if s == bucket {
				d.del.Enable()
			} else {
				d.del.Disable()
			}
		}
		items = append(items, d.summary, widget.NewLabel(lang.L("Type the bucket name to confirm:")), d.confirm)
	}
	items = append(items, d.result, container.NewHBox(layout.NewSpacer(), d.cancel, d.del))
	d.dlg = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.L("Delete bucket “%s”"), bucket), container.NewVBox(items...), v.win)
	ctx, cancel := context.WithCancel(v.jobs.Ctx())
	d.cancel.OnTapped = func() {
		cancel()
		d.dlg.Hide()
	}
	if d.confirm != nil {
		d.confirm.OnEscape = d.cancel.OnTapped
	}
	d.del.OnTapped = func() {
		d.del.Disable()
		if d.confirm != nil {
			d.confirm.Disable()
		}
		update, end := v.status.Begin(fmt.Sprintf(lang.L("Deleting bucket %s…"), bucket))
		v.jobs.Go(func() {
			progress := async.NewThrottle(async.Every, v.jobs.Do, func(n int64) {
				text := fmt.Sprintf(lang.L("Deleting bucket %s: %s objects deleted…"), bucket, widgets.Number(n))
				update(text)
				d.result.Importance = widget.LowImportance
				d.result.SetText(text)
				d.result.Show()
			})
			err := store.DeleteBucket(ctx, bucket, storage.DeleteBucketOptions{Force: force, Progress: progress.Push})
			progress.Flush()
			v.jobs.Do(func() {
				end()
				if err != nil {
					if errors.Is(err, context.Canceled) {
						v.status.Say(fmt.Sprintf(lang.L("Stopped deleting %s"), bucket))
						return
					}
					if !force && errors.Is(err, storage.ErrBucketNotEmpty) {
						// Old versions or unfinished uploads that Usage does not count.
						d.dlg.Hide()
						v.showDeleteDialog(store, bucket, storage.Usage{Objects: 1})
						v.del.summary.SetText(fmt.Sprintf(lang.L("“%s” still holds old object versions or unfinished uploads. Deleting it deletes them too. This cannot be undone."), bucket))
						return
					}
					d.result.Importance = widget.DangerImportance
					d.result.SetText(widgets.Sentence(widgets.ErrorText(err)))
					d.result.Show()
					widgets.FitDialog(d.dlg, 480)
					d.del.Enable()
					if d.confirm != nil {
						d.confirm.Enable()
					}
					return
				}
				d.dlg.Hide()
				v.status.Say(fmt.Sprintf(lang.L("Deleted bucket %s"), bucket))
				if v.store == store {
					if v.current == bucket {
						v.current = ""
						if v.OnSelect != nil {
							v.OnSelect("")
						}
					}
					v.reload(v.current, false)
				}
			})
		})
	}
	widgets.FitDialog(d.dlg, 480)
	d.dlg.Show()
	if d.confirm != nil {
		v.win.Canvas().Focus(d.confirm)
	}
}
