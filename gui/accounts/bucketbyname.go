package accounts

import (
	"errors"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/profiles"
)

// Many IAM users may read a bucket but not call ListBuckets
// (s3:ListAllMyBuckets). When the listing is refused, the view says so in
// plain words, lists the buckets this profile opened by name before
// (SetKnown) and offers "Open a bucket by name…".

// SetKnown sets the buckets the profile opened by name before (and its
// default bucket): they are listed when the account may not list its
// buckets.
func (v *BucketsView) SetKnown(buckets []string) {
	v.known = nil
	for _, b := range buckets {
		if b != "" && !slices.Contains(v.known, b) {
			v.known = append(v.known, b)
		}
	}
}

// Denied tells whether the account was refused the bucket list.
func (v *BucketsView) Denied() bool { return v.denied }

// ByNameButton is the "Open a bucket by name…" button of the refused state.
func (v *BucketsView) ByNameButton() *widget.Button { return v.byNameBtn }

// ByNameDialog is the open "Open a bucket by name" dialog's entry and
// message, or nil.
func (v *BucketsView) ByNameDialog() (entry *widgets.EscEntry, message *widget.Label, d *dialog.FormDialog) {
	if v.byName == nil {
		return nil, nil, nil
	}
	return v.byName.entry, v.byName.message, v.byName.dlg
}

// setDenied switches the refused state on or off.
func (v *BucketsView) setDenied(on bool) {
	v.denied = on
	if on {
		v.byNameBtn.Show()
	} else {
		v.byNameBtn.Hide()
	}
}

// showDenied shows the refused state when err is an access denied answer
// to ListBuckets, and tells whether it was one.
func (v *BucketsView) showDenied(err error, selectName string) bool {
	if !errors.Is(err, storage.ErrAccessDenied) {
		return false
	}
	v.setDenied(true)
	v.buckets = nil
	for _, b := range v.known {
		v.buckets = append(v.buckets, storage.Bucket{Name: b})
	}
	v.list.UnselectAll()
	v.list.Refresh()
	v.showMessage(lang.L("You may not see this account's list of buckets (the server answered “access denied”). If you know a bucket's name, you can still open it."))
	if len(v.known) > 0 {
		// The list is there: the explanation goes to the status bar.
		v.showMessage("")
		v.status.Say(lang.L("This account may not list its buckets: showing the buckets opened by name."))
	}
	v.current = ""
	v.autoOpen = false
	if selectName != "" {
		v.Select(selectName)
	}
	return true
}

// addOpened lists bucket (opened by name) in the refused state.
func (v *BucketsView) addOpened(bucket string) {
	if !slices.Contains(v.known, bucket) {
		v.known = append([]string{bucket}, v.known...)
	}
	if !v.denied {
		return
	}
	for _, b := range v.buckets {
		if b.Name == bucket {
			return
		}
	}
	v.buckets = append([]storage.Bucket{{Name: bucket}}, v.buckets...)
	v.list.UnselectAll()
	v.list.Refresh()
	v.showMessage("")
}

// forget drops a bucket opened by name from the list.
func (v *BucketsView) forget(bucket string) {
	v.known = slices.DeleteFunc(v.known, func(b string) bool { return b == bucket })
	if v.denied {
		v.buckets = slices.DeleteFunc(v.buckets, func(b storage.Bucket) bool { return b.Name == bucket })
		if v.current == bucket {
			v.current = ""
		}
		v.list.UnselectAll()
		v.list.Refresh()
	}
	if v.OnForget != nil {
		v.OnForget(bucket)
	}
}

type byNameDialog struct {
	entry   *widgets.EscEntry
	message *widget.Label
	dlg     *dialog.FormDialog
}

// ShowOpenByName asks for a bucket's name (or bucket/folder, or
// s3://bucket/folder) and opens it through OnOpenByName.
func (v *BucketsView) ShowOpenByName() {
	if v.store == nil || v.OnOpenByName == nil {
		v.status.Say(lang.L("Connect to a profile first to open a bucket."))
		return
	}
	d := &byNameDialog{entry: widgets.NewEscEntry(), message: widget.NewLabel("")}
	d.entry.SetPlaceHolder(lang.L("my-bucket or my-bucket/folder"))
	d.message.Wrapping = fyne.TextWrapWord
	d.message.SetText(lang.L("Type the name of a bucket you may read; S3 Desk remembers it for this profile."))
	d.entry.Validator = func(s string) error {
		_, _, err := profiles.ParsePlace(s)
		if err != nil {
			return errors.New(widgets.Sentence(widgets.ErrorText(err)))
		}
		return nil
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Bucket"), d.entry),
		widget.NewFormItem("", d.message),
	}
	d.dlg = dialog.NewForm(lang.L("Open a bucket by name"), lang.L("Open"), lang.L("Cancel"), items, func(ok bool) {
		v.byName = nil
		if !ok {
			return
		}
		bucket, prefix, err := profiles.ParsePlace(d.entry.Text)
		if err != nil {
			v.status.Say(widgets.Sentence(widgets.ErrorText(err)))
			return
		}
		v.addOpened(bucket)
		v.current = bucket
		v.Select(bucket)
		v.OnOpenByName(bucket, prefix)
	}, v.win)
	d.entry.OnSubmitted = func(string) { d.dlg.Submit() }
	d.entry.OnEscape = d.dlg.Hide
	v.byName = d
	d.dlg.Resize(fyne.NewSize(520, d.dlg.MinSize().Height))
	d.dlg.Show()
	v.win.Canvas().Focus(d.entry)
}
