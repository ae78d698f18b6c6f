package gui

import (
	"errors"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// The shell opens the Bucket settings window for the chosen bucket on the
// connected account, and its one-click rule reaches storage.
func TestBucketSettingsFromShell(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	mw := newSandboxWindow(t, srv)
	if mw.buckets.OnSettings == nil {
		t.Fatal("the buckets list offers no Bucket settings")
	}
	onUI(mw, func() { mw.buckets.OnSettings(b) })
	mw.wait()
	w := mw.bucketSettings
	if w == nil || w.Bucket() != b || w.Win().Title() != "Bucket settings — "+b {
		t.Fatalf("window %+v", w)
	}
	if !w.Tags.Loaded || !strings.Contains(w.Lifecycle.Status(), "does not implement lifecycle rules") {
		t.Fatalf("tabs: tags loaded %v, lifecycle %q", w.Tags.Loaded, w.Lifecycle.Status())
	}
	// The same bucket again brings that window forward; another opens its own.
	onUI(mw, func() { mw.buckets.OnSettings(b) })
	mw.wait()
	if mw.bucketSettings != w {
		t.Fatal("a second window for the same bucket")
	}
	onUI(mw, w.Close)
	onUI(mw, func() { mw.buckets.OnSettings(b) })
	mw.wait()
	if mw.bucketSettings == w || !mw.bucketSettings.Open() {
		t.Fatal("a closed window was reused")
	}
	onUI(mw, mw.bucketSettings.Close)
	var got error
	done := make(chan struct{})
	onUI(mw, func() {
		mw.addAbortRule(mw.jobs.Ctx(), b, 7, func(err error) { got = err; close(done) })
	})
	mw.wait()
	<-done
	if !errors.Is(got, storage.ErrNotSupported) {
		t.Fatalf("abort rule on versitygw: %v", got)
	}
}
