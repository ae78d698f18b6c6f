package transfers

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// IncompleteView lists a bucket's incomplete multipart uploads (parts that
// take space but are no object yet) and aborts them.
type IncompleteView struct {
	win    fyne.Window
	deps   TransferDeps
	store  IncompleteStore
	bucket string
	ctx    context.Context // a child of the connection's, ended when the dialog closes
	end    context.CancelFunc

	uploads []storage.MultipartUpload
	list    *widget.List
	status  *widget.Label
	refresh *widget.Button
	rule    *widget.Button // the one-click lifecycle rule (deps.AbortRule), or nil
	dlg     *dialog.CustomDialog
}

// AbortRuleDays is the one-click rule's "abort incomplete uploads after N days".
const AbortRuleDays = 7

// ShowIncomplete opens the incomplete-uploads view of bucket.
func (p *TransfersPanel) ShowIncomplete(bucket string) {
	if p.incomplete == nil {
		p.deps.Alert(lang.L("Not connected"), lang.L("Choose an account on the left first."))
		return
	}
	v := NewIncompleteView(p.connCtx(), p.win, p.deps, p.incomplete, bucket)
	v.Show()
}

// NewIncompleteView builds the view; Show opens it.
// Its requests run beneath ctx and end when the dialog closes.
func NewIncompleteView(ctx context.Context, win fyne.Window, deps TransferDeps, store IncompleteStore, bucket string) *IncompleteView {
	v := &IncompleteView{win: win, deps: deps, store: store, bucket: bucket}
	v.ctx, v.end = context.WithCancel(ctx)
	v.status = widget.NewLabel(lang.L("Loading…"))
	v.status.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.uploads) }, func() fyne.CanvasObject {
		name := widget.NewLabel("")
		name.Truncation = fyne.TextTruncateEllipsis
		info := widget.NewLabel("")
		abort := widget.NewButtonWithIcon(lang.L("Abort"), theme.DeleteIcon(), nil)
		return container.NewBorder(nil, nil, nil, container.NewHBox(info, abort), name)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(v.uploads) {
			return
		}
		u := v.uploads[i]
		c := o.(*fyne.Container)
		c.Objects[0].(*widget.Label).SetText(u.Key)
		right := c.Objects[1].(*fyne.Container)
		right.Objects[0].(*widget.Label).SetText(fmt.Sprintf(lang.L("%s in %d parts · started %s"),
			widgets.Bytes(uint64(u.Size)), u.Parts, humanize.Time(u.Initiated)))
		right.Objects[1].(*widget.Button).OnTapped = func() { v.confirmAbort(u) }
	})
	v.refresh = widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), v.load)
	if deps.AbortRule != nil {
		v.rule = widget.NewButton(fmt.Sprintf(lang.L("Add rule: abort incomplete uploads after %d days"), AbortRuleDays), v.addRule)
	}
	return v
}

// addRule adds the bucket's lifecycle rule that aborts what stays
// incomplete, so nobody has to come back here.
func (v *IncompleteView) addRule() {
	v.rule.Disable()
	v.status.SetText(lang.L("Adding the lifecycle rule…"))
	v.deps.AbortRule(v.ctx, v.bucket, AbortRuleDays, func(err error) {
		v.rule.Enable()
		if err != nil {
			v.status.SetText(fmt.Sprintf(lang.L("Could not add the rule: %s"), widgets.ErrorText(err)))
			return
		}
		v.status.SetText(fmt.Sprintf(lang.L("Added: %s now aborts uploads still incomplete %d days after they started (S3 applies lifecycle rules about once a day)."), v.bucket, AbortRuleDays))
	})
}

// Show opens the dialog and loads the list.
func (v *IncompleteView) Show() {
	right := fyne.CanvasObject(v.refresh)
	if v.rule != nil {
		right = container.NewHBox(v.rule, v.refresh)
	}
	top := container.NewBorder(nil, nil, nil, right, v.status)
	body := container.NewBorder(top, nil, nil, nil, v.list)
	v.dlg = dialog.NewCustom(fmt.Sprintf(lang.L("Incomplete uploads in %s"), v.bucket), lang.L("Close"), body, v.win)
	v.dlg.Resize(fyne.NewSize(720, 420))
	v.dlg.SetOnClosed(v.end)
	v.dlg.Show()
	v.load()
}

func (v *IncompleteView) load() {
	v.status.SetText(lang.L("Loading…"))
	v.refresh.Disable()
	v.deps.Jobs.Go(func() {
		ups, err := v.store.ListMultipartUploads(v.ctx, v.bucket, "")
		v.deps.Jobs.Do(func() {
			v.refresh.Enable()
			if err != nil {
				v.status.SetText(fmt.Sprintf(lang.L("Could not list incomplete uploads: %s"), widgets.ErrorText(err)))
				return
			}
			v.uploads = ups
			var total int64
			for _, u := range ups {
				total += u.Size
			}
			switch len(ups) {
			case 0:
				v.status.SetText(lang.L("No incomplete uploads: nothing takes space here without being an object."))
			case 1:
				v.status.SetText(fmt.Sprintf(lang.L("1 incomplete upload holds %s of parts that are not an object yet. Abort it if nobody is sending it any more."),
					widgets.Bytes(uint64(total))))
			default:
				v.status.SetText(fmt.Sprintf(lang.L("%d incomplete uploads hold %s of parts that are not objects yet. Abort the ones nobody is sending any more."),
					len(ups), widgets.Bytes(uint64(total))))
			}
			v.list.Refresh()
		})
	})
}

func (v *IncompleteView) confirmAbort(u storage.MultipartUpload) {
	dialog.ShowConfirm(lang.L("Abort upload?"), fmt.Sprintf(lang.L("The %d parts (%s) already sent for %q are deleted. An app still sending it will fail."),
		u.Parts, widgets.Bytes(uint64(u.Size)), u.Key), func(ok bool) {
		if !ok {
			return
		}
		v.deps.Jobs.Go(func() {
			err := v.store.AbortMultipartUpload(v.ctx, u.Bucket, u.Key, u.UploadID)
			v.deps.Jobs.Do(func() {
				if err != nil {
					v.status.SetText(fmt.Sprintf(lang.L("Could not abort: %s"), widgets.ErrorText(err)))
					return
				}
				v.load()
			})
		})
	}, v.win)
}
