package gui

import (
	"s3desk/gui/preview"
	"s3desk/storage"
)

// preview is the objects view's "Preview" (Space): a window for entry.
func (mw *MainWindow) preview(bucket string, entry storage.Entry) {
	if svc := mw.service(); svc != nil && !entry.IsFolder {
		v := preview.NewPreviewWindow(mw.app, svc.Preview, mw.jobs, bucket, entry)
		if c := mw.cacheDir(); c != "" {
			v.SetOpenDir(openedDir(c))
		}
	}
}
