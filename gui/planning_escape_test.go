//go:build ci

package gui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

// blockingPlanner is an engine whose upload planning lasts until its
// context ends; it records any upload that starts anyway.
type blockingPlanner struct {
	mu      sync.Mutex
	uploads int
}

func (b *blockingPlanner) NewID() int64 { return 1 }
func (b *blockingPlanner) Cancel(int64) {}
func (b *blockingPlanner) Close()       {}
func (b *blockingPlanner) PlanUpload(ctx context.Context, _ string, _ []string) (transfer.UploadPlan, error) {
	<-ctx.Done()
	return transfer.UploadPlan{}, ctx.Err()
}
func (b *blockingPlanner) Existing(context.Context, string, []string) ([]string, error) {
	return nil, nil
}
func (b *blockingPlanner) Upload(context.Context, string, []transfer.UploadItem, transfer.UploadOptions, transfer.ProgressFunc) transfer.BatchResult {
	b.mu.Lock()
	b.uploads++
	b.mu.Unlock()
	return transfer.BatchResult{}
}
func (b *blockingPlanner) PlanDownload(context.Context, string, string, []storage.Entry) (transfer.DownloadPlan, error) {
	return transfer.DownloadPlan{}, nil
}
func (b *blockingPlanner) Download(context.Context, string, []transfer.DownloadItem, transfer.DownloadOptions, transfer.ProgressFunc) transfer.BatchResult {
	return transfer.BatchResult{}
}
func (b *blockingPlanner) Resumable() []transfer.ResumableUpload                       { return nil }
func (b *blockingPlanner) Resume(context.Context, string, transfer.ProgressFunc) error { return nil }
func (b *blockingPlanner) Discard(context.Context, string) error                       { return nil }

// Escape on the main window stops a planning when no dialog is open.
func TestEscapeStopsPlanning(t *testing.T) {
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Sandbox: func(context.Context) (storage.Config, error) { return storage.Config{}, errors.New("no sandbox here") },
	})
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	f := &blockingPlanner{}
	onUI(mw, func() {
		mw.xfer.SetEngine(f, nil)
		mw.xfer.StartUpload("b", "", []string{"a.txt"})
	})
	if n := mw.xfer.Planning(); n != 1 {
		t.Fatalf("%d plannings, want 1", n)
	}
	onUI(mw, func() {
		mw.win.Canvas().(test.WindowlessCanvas).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	})
	for end := time.Now().Add(2 * time.Second); mw.xfer.Planning() != 0 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := mw.xfer.Planning(); n != 0 {
		t.Fatalf("%d plannings after Escape", n)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.uploads != 0 {
		t.Fatalf("%d uploads after a stopped planning", f.uploads)
	}
}
