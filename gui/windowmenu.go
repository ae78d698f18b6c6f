package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/browser"
	"s3desk/storage"
	"s3desk/storage/transfer"
)

// The main menu's File and Edit items that act on the open folder: they do
// what the objects view's toolbar does, or say in the status bar why not.

// inBucket runs fn with the open bucket and folder, or says what to do
// first when none is open.
func (mw *MainWindow) inBucket(what string, fn func(bucket, prefix string)) func() {
	return func() {
		b := mw.objects.Bucket()
		if b == "" {
			mw.status.Say(fmt.Sprintf(lang.L("Open a bucket first to %s."), what))
			return
		}
		fn(b, mw.objects.Prefix())
	}
}

// menuUploadFiles is File → Upload files….
func (mw *MainWindow) menuUploadFiles() func() {
	return mw.inBucket(lang.L("upload files"), func(bucket, prefix string) { mw.xfer.UploadFiles(bucket, prefix) })
}

// menuUploadFolder is File → Upload folder….
func (mw *MainWindow) menuUploadFolder() func() {
	return mw.inBucket(lang.L("upload a folder"), func(bucket, prefix string) { mw.xfer.UploadFolder(bucket, prefix) })
}

// menuDownload is File → Download…: the selection, to a folder the user
// chooses.
func (mw *MainWindow) menuDownload() func() {
	return mw.inBucket(lang.L("download"), func(bucket, _ string) {
		sel := mw.objects.Selected()
		if len(sel) == 0 {
			mw.status.Say(lang.L("Select files or folders to download."))
			return
		}
		mw.xfer.Download(bucket, sel)
	})
}

// menuCopyLink is Edit → Copy link: a presigned download link for each
// selected file, with the default expiry from Settings.
func (mw *MainWindow) menuCopyLink() func() {
	return mw.inBucket(lang.L("copy a link"), func(bucket, _ string) { mw.copyLink(bucket, mw.objects.Selected()) })
}

// copyLink copies a presigned download link of each file in entries, with
// the default expiry from Settings (gui/copylink.go).
func (mw *MainWindow) copyLink(bucket string, entries []storage.Entry) {
	sh := mw.sharer()
	sh.DefaultExpiry = LoadSettings(mw.app.Preferences()).PresignExpiry
	sh.CopyLink(bucket, entries, mw.status.Say)
}

// uploaded refreshes the objects view when an upload batch put something
// into the folder being viewed (directly, or into a subfolder, which may be
// new), so new files show without pressing F5. Call on the UI goroutine
// when a batch ends.
func (mw *MainWindow) uploaded(res transfer.BatchResult) {
	mw.tabs.each(func(v *browser.ObjectsView) { // every tab showing that folder
		b, p := v.Bucket(), v.Prefix()
		if b == "" {
			return
		}
		for _, it := range res.Items {
			if it.Upload && it.State == transfer.StateDone && it.Bucket == b && strings.HasPrefix(it.Key, p) {
				v.Refresh()
				return
			}
		}
	})
}

// settingsSavedText is the status after Settings → Save. The transfer
// engine takes its part size and concurrency when an account connects, so
// a change says when it applies.
func settingsSavedText(before, after Settings, connected bool) string {
	if connected && (before.PartSizeMiB != after.PartSizeMiB || before.Concurrency != after.Concurrency) {
		return lang.L("Settings saved. The new part size and concurrency apply to transfers from the next start of S3 Desk or account switch.")
	}
	return lang.L("Settings saved")
}

// whenNoDialog makes the actions of a wait while a dialog (or a pop-up
// menu) is open over the window: Delete, F2 or Ctrl+Shift+N pressed in a
// dialog must not act on the list behind it. It wraps the menu too,
// because the window runs a menu item's shortcut before any widget sees
// it. Quit and Settings still work.
func (mw *MainWindow) whenNoDialog(a MenuActions) MenuActions {
	free := func() bool { return mw.win.Canvas().Overlays().Top() == nil }
	g := func(fn func()) func() {
		if fn == nil {
			return nil
		}
		return func() {
			if free() {
				fn()
			}
		}
	}
	a.NewFolder, a.UploadFiles, a.UploadFolder, a.Download = g(a.NewFolder), g(a.UploadFiles), g(a.UploadFolder), g(a.Download)
	a.UploadWithOptions = g(a.UploadWithOptions)
	a.CopyKey, a.CopyLink, a.SelectAll, a.Delete, a.Rename = g(a.CopyKey), g(a.CopyLink), g(a.SelectAll), g(a.Delete), g(a.Rename)
	a.Refresh, a.ShowTransfers, a.ShowLinks = g(a.Refresh), g(a.ShowTransfers), g(a.ShowLinks)
	a.Back, a.Up, a.About, a.Shortcuts = g(a.Back), g(a.Up), g(a.About), g(a.Shortcuts)
	a.ShowLogFolder, a.CopyDiagnostics = g(a.ShowLogFolder), g(a.CopyDiagnostics)
	navNoDialog(&a, g) // gui/menunav.go
	if t := a.ToggleHidden; t != nil {
		a.ToggleHidden = func(show bool) {
			if free() {
				t(show)
			}
		}
	}
	return a
}

// escape closes the dialog on top of the window as its Cancel, Close or No
// button would (so its callbacks run), or an OK-only message. It tells
// whether it closed one. Fyne dialogs do not close on Escape themselves;
// this covers those where no text field has the focus.
func (mw *MainWindow) escape(ev *fyne.KeyEvent) bool {
	if ev.Name != fyne.KeyEscape {
		return false
	}
	pop, ok := mw.win.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok {
		return false
	}
	if b := dismissButton(pop.Content); b != nil {
		b.Tapped(&fyne.PointEvent{})
		return true
	}
	return false
}

// dismissButton finds the button that closes a dialog without doing
// anything: Cancel, Close or No; else the only button, when there is one.
func dismissButton(root fyne.CanvasObject) *widget.Button {
	var all []*widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Button:
			all = append(all, x)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		case *container.Split:
			walk(x.Leading)
			walk(x.Trailing)
		}
	}
	walk(root)
	for _, want := range []string{"cancel", "close", "no"} {
		for _, b := range all {
			if strings.EqualFold(strings.TrimSpace(b.Text), want) && !b.Disabled() {
				return b
			}
		}
	}
	if len(all) == 1 && !all[0].Disabled() {
		return all[0]
	}
	return nil
}
