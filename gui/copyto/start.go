package copyto

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/transfer"
)

// engineDir keeps these engines' journal apart from the transfers panel's.
const engineDir = "copy-engines"

// Start copies (or moves) the selection to the chosen place: it plans the
// objects, asks once if some exist there, and queues them.
func (d *Dialog) Start() {
	profile, bucket, prefix := d.Profile.Selected, d.Bucket.Selected, d.Prefix.Text
	if profile == "" || bucket == "" {
		d.Status.SetText(lang.L("Choose a profile and a bucket."))
		return
	}
	ctx := d.ctx
	d.deps.Jobs.Go(func() {
		src, err := d.deps.Connect(ctx, d.deps.Current)
		var dst Conn
		if err == nil {
			dst, err = d.deps.Connect(ctx, profile)
		}
		var items []transfer.CopyItem
		if err == nil {
			items, err = transfer.PlanCopy(ctx, src.Service(), d.bucket, d.base, d.entries, bucket, prefix)
		}
		if err == nil && src.Service() == dst.Service() && bucket == d.bucket {
			for _, it := range items {
				if it.Src.Key == it.Dst.Key {
					err = &storage.Error{Op: "copy", Bucket: bucket, Key: it.Src.Key, Kind: storage.ErrInvalidArgument,
						Msg: "copy: that is where the selection already is; choose another folder"}
					break
				}
			}
		}
		var e *transfer.Engine
		if err == nil {
			opts := transfer.TransferOptions{}
			if d.deps.Options != nil {
				opts = d.deps.Options()
			}
			dir := d.deps.DataDir
			if dir != "" {
				dir += "/" + engineDir
			}
			e, err = dst.Engine(ctx, dir, opts)
		}
		var existing []string
		if err == nil {
			keys := make([]string, len(items))
			for i, it := range items {
				keys[i] = it.Dst.Key
			}
			existing, err = e.Existing(ctx, bucket, keys)
		}
		d.deps.Jobs.Do(func() {
			if err != nil {
				if e != nil {
					e.Close()
				}
				widgets.ShowMessage(d.win, lang.L("Copy"), widgets.Sentence(widgets.ErrorText(err)))
				return
			}
			run := func(policy transfer.ConflictPolicy, ok bool) {
				if !ok {
					e.Close()
					return
				}
				d.run(ctx, src.Service(), e, bucket, prefix, items, policy)
			}
			if len(existing) == 0 {
				run(transfer.ConflictSkip, true)
				return
			}
			if d.Conflict != nil {
				d.Conflict(len(existing), run)
				return
			}
			d.askConflict(len(existing), run)
		})
	})
}

// askConflict asks once what to do with objects that exist there.
func (d *Dialog) askConflict(n int, done func(transfer.ConflictPolicy, bool)) {
	var dlg dialog.Dialog
	pick := func(p transfer.ConflictPolicy) func() {
		return func() { dlg.Hide(); done(p, true) }
	}
	msg := widget.NewLabel(fmt.Sprintf(lang.L("%d of these already exist there."), n))
	btns := []*widget.Button{widget.NewButton(lang.L("Overwrite"), pick(transfer.ConflictOverwrite)),
		widget.NewButton(lang.L("Skip"), pick(transfer.ConflictSkip)), widget.NewButton(lang.L("Keep both"), pick(transfer.ConflictKeepBoth))}
	box := widgetsRow(msg, btns)
	dlg = dialog.NewCustom(lang.L("Already there"), lang.L("Cancel"), box, d.win)
	dlg.Show()
}

// run queues the copies in the transfers panel; each row can be cancelled
// and retried.
func (d *Dialog) run(ctx context.Context, src *storage.Service, e *transfer.Engine, bucket, prefix string,
	items []transfer.CopyItem, policy transfer.ConflictPolicy) {
	opts := transfer.CopyOptions{Conflict: policy, Move: d.move}
	context.AfterFunc(ctx, e.Close) // rows stay retryable while the account is open
	var fn transfer.ProgressFunc
	if d.deps.Track != nil {
		rows := make([]Item, len(items))
		for i := range items {
			items[i].ID = e.NewID()
			rows[i] = Item{ID: items[i].ID, Upload: true, Name: items[i].Dst.Key, Where: bucket + "/" + prefix, Total: items[i].Size}
		}
		fn = d.deps.Track(e, rows, func(ctx context.Context, it Item, fn transfer.ProgressFunc) {
			one := byName(items, it.Name)
			one.ID = it.ID
			e.Copy(ctx, src, []transfer.CopyItem{one}, opts, fn)
		})
	}
	d.deps.Jobs.Go(func() {
		res := e.Copy(ctx, src, items, opts, fn)
		d.deps.Jobs.Do(func() {
			if d.deps.Done != nil {
				d.deps.Done(res)
			}
		})
	})
}

func byName(items []transfer.CopyItem, dstKey string) transfer.CopyItem {
	for _, it := range items {
		if it.Dst.Key == dstKey {
			return it
		}
	}
	return transfer.CopyItem{}
}
