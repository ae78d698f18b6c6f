package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/gui/internal/guitest"
	"s3desk/storage/s3test"
)

// shownLabels is the text of every label in the window that is on screen
// (it and every parent visible).
func shownLabels(mw *MainWindow) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(mw.win.Content())
	return b.String()
}

// The "Show versions" toggle is hidden on a bucket that never had
// versioning, offered on a versioned (or suspended) one, and shows each
// key's versions in place of the table; turning it off brings the table
// back.
func TestShowVersionsToggle(t *testing.T) {
	srv := s3test.StartVersityVersioned(t)
	mw := newSandboxWindow(t, srv)
	plain, ver := srv.Bucket(t), srv.Bucket(t)
	if _, err := srv.Client(t).PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(ver),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	guitest.PutObject(t, srv.Client(t), plain, "doc.txt", "plain")
	offered := func(bucket string) bool {
		onUI(mw, func() { mw.objects.Open(bucket, "") })
		settle(t, mw)
		var ok bool
		onUI(mw, func() { ok = mw.objects.VersionsOffered() })
		return ok
	}
	if offered(plain) {
		t.Error("Show versions offered on a bucket that never had versioning")
	}
	if !offered(ver) {
		t.Fatal("Show versions not offered on a bucket with suspended versioning")
	}
	// Versions written while it was enabled stay listed when suspended.
	if _, err := srv.Client(t).PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(ver),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	guitest.PutObject(t, srv.Client(t), ver, "doc.txt", "one")
	guitest.PutObject(t, srv.Client(t), ver, "doc.txt", "two")
	if _, err := srv.Client(t).PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(ver),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	onUI(mw, func() { mw.objects.ShowVersions(true) })
	settle(t, mw)
	labels := shownLabels(mw)
	if !strings.Contains(labels, "Versions in "+ver) || !strings.Contains(labels, "2 versions of 1 file") || !strings.Contains(labels, "latest") {
		t.Errorf("with versions shown the window says:\n%s", labels)
	}
	onUI(mw, func() { mw.objects.ShowVersions(false) })
	settle(t, mw)
	if labels := shownLabels(mw); strings.Contains(labels, "Versions in ") || !strings.Contains(labels, "doc.txt") {
		t.Errorf("with versions hidden the window says:\n%s", labels)
	}
	// Another bucket turns it off and asks again.
	onUI(mw, func() { mw.objects.ShowVersions(true) })
	if offered(plain) {
		t.Error("the toggle stayed on another bucket")
	}
	onUI(mw, func() {
		if mw.objects.VersionsShown() {
			t.Error("versions still shown on a bucket without them")
		}
	})
}
