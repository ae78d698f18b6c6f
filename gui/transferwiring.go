package gui

import (
	"fmt"
	"s3desk/gui/transfers"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/transfer"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// The shell's wiring of the transfers panel: its links to the window, drops and
// "Upload with options…".

// transferDeps link the transfers panel to the main window.
func (mw *MainWindow) transferDeps() transfers.TransferDeps {
	return transfers.TransferDeps{
		Life: mw.jobs.Life(),
		Jobs: mw.jobs,
		Notify: func(title, body string) {
			mw.app.SendNotification(fyne.NewNotification(title, body))
		},
		Settings: func() transfers.Settings { return LoadSettings(mw.app.Preferences()).Transfers() },
		Uploaded: mw.uploaded, // gui/windowmenu.go: refreshes the folder being viewed

		AbortRule: mw.addAbortRule, // gui/bucketsettings.go: Incomplete uploads' one-click lifecycle rule
	}
}

// dropped uploads what was dropped on the window into the open folder.
func (mw *MainWindow) dropped(_ fyne.Position, uris []fyne.URI) {
	if u := mw.uploadOpts; u != nil { // gui/uploadopts.go: added to its list instead
		u.Dropped(uris)
		return
	}
	mw.xfer.Dropped(mw.objects.Bucket(), mw.objects.Prefix(), uris)
}

// transferDataDir is where the resume journal lives: the app's storage.
func (mw *MainWindow) transferDataDir() string {
	return mw.app.Storage().RootURI().Path()
}

// openUploadOptions shows the dialog for bucket/prefix; Upload queues the
// files in the transfers panel and, when asked, makes the uploaded files
// public through the Sharer once the batch has ended.
func (mw *MainWindow) openUploadOptions(bucket, prefix string) *transfers.UploadOptionsDialog {
	u := transfers.NewUploadOptionsDialog(mw.win, bucket, prefix, func(c transfers.ChosenUpload) {
		var after func(transfer.BatchResult)
		if c.Public {
			after = func(res transfer.BatchResult) { mw.publishUploaded(bucket, res) }
		}
		mw.xfer.StartUploadWith(bucket, prefix, c.Paths, c.Opts, after)
	})
	mw.uploadOpts = u
	u.OnClosed = func() {
		if mw.uploadOpts == u {
			mw.uploadOpts = nil
		}
	}
	return u
}

// uploadWithOptions is "Upload with options…" of the toolbar and File menu.
func (mw *MainWindow) uploadWithOptions(bucket, prefix string) { mw.openUploadOptions(bucket, prefix) }

// publishUploaded makes the files res uploaded public (UI goroutine).
func (mw *MainWindow) publishUploaded(bucket string, res transfer.BatchResult) {
	var entries []storage.Entry
	for _, it := range res.Items {
		if it.Upload && it.State == transfer.StateDone && it.Bucket == bucket {
			entries = append(entries, storage.Entry{Key: it.Key, Name: it.Key, Size: it.Total})
		}
	}
	if len(entries) == 0 {
		notDone := res.Failed + res.Cancelled + res.SkippedN
		msg := lang.L("No file was uploaded, so nothing was made public.")
		if notDone > 0 {
			msg = fmt.Sprintf(lang.L("No file was uploaded (%s failed, cancelled or skipped; see the transfers panel), so nothing was made public."), widgets.Count(notDone, "file", "files"))
		}
		dialog.ShowInformation(lang.L("Make public"), msg, mw.win)
		return
	}
	mw.sharer().MakePublic(bucket, entries, true)
}
