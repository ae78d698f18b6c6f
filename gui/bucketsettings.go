package gui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"s3desk/gui/bucketconfig"
	"s3desk/gui/widgets"
)

// The shell's wiring of the Bucket settings window (gui/bucketconfig): from
// the buckets list's row menu, and the one-click lifecycle rule of the
// Incomplete uploads view.

var errNotConnected = errors.New("not connected: choose an account on the left first")

// showBucketSettings opens the Bucket settings window of bucket.
func (mw *MainWindow) showBucketSettings(bucket string) {
	svc := mw.service()
	if svc == nil || svc.Settings == nil {
		widgets.ShowMessage(mw.win, lang.L("Not connected"), lang.L("Choose an account on the left first."))
		return
	}
	if w := mw.bucketSettings; w != nil && w.Open() && w.Bucket() == bucket && w.Store() == svc.Settings {
		w.Raise() // one window a bucket
		return
	}
	mw.bucketSettings = bucketconfig.Open(mw.jobs.Ctx(), mw.app, mw.jobs, svc.Settings, bucket)
}

// addAbortRule adds the "abort incomplete uploads after days" lifecycle
// rule to bucket (the Incomplete uploads view's one-click rule). UI
// goroutine; done is called there.
func (mw *MainWindow) addAbortRule(ctx context.Context, bucket string, days int, done func(error)) {
	svc := mw.service()
	if svc == nil || svc.Settings == nil {
		done(errNotConnected)
		return
	}
	store := svc.Settings
	mw.jobs.Go(func() {
		_, err := store.AddAbortIncompleteUploads(ctx, bucket, days)
		mw.jobs.Do(func() { done(err) })
	})
}
