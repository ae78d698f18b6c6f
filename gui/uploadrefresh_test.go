package gui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"s3desk/gui/internal/guitest"
	"s3desk/gui/transfers"
	"s3desk/storage/s3test"
)

func TestUploadShowsInTheViewedFolderWhenDone(t *testing.T) {
	srv := s3test.StartVersity(t)
	b1, _ := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b1, "docs/old.txt", "old")
	mw := newSandboxWindow(t, srv)
	t.Cleanup(func() { mw.wait(); time.Sleep(3 * transfers.RefreshEvery) })
	onUI(mw, func() { mw.objects.Open(b1, "docs/") })
	settle(t, mw)
	src := filepath.Join(t.TempDir(), "new.txt")
	if err := os.WriteFile(src, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	onUI(mw, func() { mw.xfer.StartUpload(b1, "docs/", []string{src}) })
	for deadline := time.Now().Add(time.Minute); ; {
		settle(t, mw)
		found := false
		onUI(mw, func() { found = mw.objects.Listed("docs/new.txt") })
		if found {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the uploaded file never showed in the folder being viewed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
