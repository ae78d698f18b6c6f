package browser

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
)

// sizeDialog counts the objects and bytes of folders with a streamed
// recursive listing, showing the running total; closing it cancels.
type sizeDialog struct {
	d        *dialog.CustomDialog
	objects  *widget.Label
	bytes    *widget.Label
	state    *widget.Label
	act      *widget.Activity
	stop     *widget.Button
	total    storage.Usage // final or running total
	finished bool
	err      error
	cancel   context.CancelFunc
}

// ShowFolderSize counts the open folder (the whole bucket at its root).
func (v *ObjectsView) ShowFolderSize() {
	if v.bucket == "" || v.store == nil {
		return
	}
	v.showSize(nil)
}

// showSize counts sel (folders recursively, files by their listed size), or
// the open folder when sel is empty.
func (v *ObjectsView) showSize(sel []storage.Entry) {
	bucket, store := v.bucket, v.store
	var folders []string
	var base storage.Usage
	title := ""
	switch {
	case len(sel) == 0:
		folders = []string{v.prefix}
		title = fmt.Sprintf(lang.L("Size of “%s”"), bucket+"/"+v.prefix)
	case len(sel) == 1:
		title = fmt.Sprintf(lang.L("Size of “%s”"), displayName(&sel[0]))
	default:
		title = fmt.Sprintf(lang.L("Size of %s"), widgets.Count(len(sel), "item", "items"))
	}
	for _, e := range sel {
		if e.IsFolder {
			folders = append(folders, e.Key)
		} else {
			base.Objects++
			base.Bytes += e.Size
		}
	}
	s := &sizeDialog{
		objects: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		bytes:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		state:   widget.NewLabel(lang.L("Counting…")),
		act:     widget.NewActivity(),
		total:   base,
	}
	s.show(base)
	ctx, cancel := context.WithCancel(v.life)
	s.cancel = cancel
	s.stop = widget.NewButton(lang.L("Stop"), cancel)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Objects"), s.objects),
		widget.NewFormItem(lang.L("Total size"), s.bytes),
	)
	content := container.NewVBox(form, container.NewBorder(nil, nil, s.act, s.stop, s.state))
	s.d = dialog.NewCustom(title, lang.L("Close"), content, v.win)
	s.d.SetOnClosed(cancel)
	s.d.Resize(fyne.NewSize(420, s.d.MinSize().Height))
	s.d.Show()
	s.act.Start()
	v.sizeDlg = s

	progress := async.NewThrottle(async.Every, v.jobs.Do, func(u storage.Usage) {
		if !s.finished {
			s.show(u)
		}
	})
	var total storage.Usage
	v.background(func(context.Context) error {
		defer progress.Flush()
		total = base
		for _, f := range folders {
			start := total
			u, err := store.Usage(ctx, bucket, f, func(u storage.Usage) {
				progress.Push(storage.Usage{Objects: start.Objects + u.Objects, Bytes: start.Bytes + u.Bytes})
			})
			total.Objects += u.Objects
			total.Bytes += u.Bytes
			if err != nil {
				return err
			}
		}
		return nil
	}, func(err error) {
		s.finished = true
		s.err = err
		s.total = total
		s.show(total)
		s.act.Stop()
		s.act.Hide()
		s.stop.Hide()
		switch {
		case err == nil:
			s.state.SetText(lang.L("Done."))
		case errors.Is(err, context.Canceled):
			s.state.SetText(lang.L("Stopped: the count above is partial."))
		default:
			s.state.SetText(widgets.ErrorText(err))
			s.state.Wrapping = fyne.TextWrapWord
			s.state.Importance = widget.DangerImportance
			s.state.Refresh()
		}
		cancel()
	})
}

func (s *sizeDialog) show(u storage.Usage) {
	s.total = u
	s.objects.SetText(widgets.Number(u.Objects))
	s.bytes.SetText(fmt.Sprintf(lang.L("%s (%s bytes)"), widgets.Bytes(uint64(max(u.Bytes, 0))), widgets.Number(u.Bytes)))
}
