package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"s3desk/gui/edit"
	"s3desk/gui/transfers"
	"s3desk/storage"
	sedit "s3desk/storage/edit"
	"s3desk/storage/transfer"
)

// editRoot is the private folder of files being edited in place.
func (mw *MainWindow) editRoot() string {
	if c := mw.cacheDir(); c != "" {
		return filepath.Join(c, "edits")
	}
	return filepath.Join(mw.transferDataDir(), "edits")
}

// cleanEdits removes the edit files a previous run left (at start).
func (mw *MainWindow) cleanEdits() {
	root := mw.editRoot()
	mw.jobs.Go(func() { sedit.Clean(root) })
}

// editObject is the objects view's "Edit" (Ctrl+E). S3DESK_EDITOR, when
// set, is the editor command ("code --wait"); else the system's app.
func (mw *MainWindow) editObject(bucket string, entry storage.Entry) {
	if mw.svc == nil || mw.svc.Edit == nil {
		return
	}
	deps := edit.Deps{Jobs: mw.jobs, Win: mw.win, Root: mw.editRoot(), Editor: strings.Fields(os.Getenv("S3DESK_EDITOR")),
		OpenURL: mw.app.OpenURL,
		Track: func(r edit.Runner, items []edit.Item, _ func(context.Context, edit.Item, transfer.ProgressFunc)) transfer.ProgressFunc {
			ti := make([]transfers.TrackedItem, len(items))
			for i, it := range items {
				ti[i] = transfers.TrackedItem(it)
			}
			mw.xfer.ShowRows()
			return mw.xfer.Track(r, ti, nil)
		}}
	edit.Start(mw.jobs.Ctx(), deps, mw.svc.Edit, bucket, entry)
}
