package gui

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage/s3test"
)

// overlayText is the text of the labels in the top dialog.
func overlayText(mw *MainWindow) string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
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
	if top := mw.win.Canvas().Overlays().Top(); top != nil {
		walk(top)
	}
	return strings.Join(out, " ")
}

func TestWindowDropUploadsIntoViewedFolder(t *testing.T) {
	srv := s3test.StartVersity(t)
	b1, _ := srv.Bucket(t), srv.Bucket(t) // two buckets: none opens by itself
	mw := newSandboxWindow(t, srv)
	// Let the panel's last throttled redraw run before the next test.
	t.Cleanup(func() { mw.wait(); time.Sleep(3 * refreshEvery) })
	src := t.TempDir()
	_ = os.MkdirAll(filepath.Join(src, "album", "2024"), 0o755)
	_ = os.WriteFile(filepath.Join(src, "notes.csv"), []byte("a,b\n"), 0o644)
	_ = os.WriteFile(filepath.Join(src, "album", "2024", "p.png"), []byte("\x89PNG\r\n\x1a\n"), 0o644)
	uris := []fyne.URI{repository.NewFileURI(filepath.Join(src, "notes.csv")), repository.NewFileURI(filepath.Join(src, "album"))}

	onUI(mw, func() { mw.dropped(fyne.Position{}, uris) })
	if txt := overlayText(mw); !strings.Contains(txt, "Open a bucket first") {
		t.Fatalf("a drop with no bucket open said %q", txt)
	}
	onUI(mw, func() { mw.win.Canvas().Overlays().Top().Hide() })

	onUI(mw, func() { mw.objects.Open(b1, "docs/") })
	settle(t, mw)
	onUI(mw, func() { mw.dropped(fyne.Position{}, uris) })
	settle(t, mw)
	out, err := srv.Client(t).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &b1})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "docs/album/2024/p.png,docs/notes.csv" {
		t.Fatalf("keys %v", keys)
	}
}

func TestIncompleteUploadsViewAborts(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	c := srv.Client(t)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: aws.String("half.bin")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("half.bin"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader(strings.Repeat("x", 5<<20))})
	if err != nil {
		t.Fatal(err)
	}
	h := newPanelHarness(t)
	h.p.Connect(t.Context(), engineMaker{srv.Service(t)}, t.TempDir())
	h.j.Wait()
	var v *IncompleteView
	h.j.Do(func() {
		v = NewIncompleteView(t.Context(), h.w, h.p.deps, h.p.incomplete, bucket)
		v.Show()
	})
	h.j.Wait()
	if len(v.uploads) != 1 || v.uploads[0].Size != 5<<20 || !strings.HasPrefix(v.status.Text, "1 incomplete upload holds 5.0 MiB") {
		t.Fatalf("view: %q %+v", v.status.Text, v.uploads)
	}
	var aborts []*widget.Button
	h.j.Do(func() {
		aborts = findButtons(h.w.Canvas().Overlays().Top(), func(b *widget.Button) bool { return b.Text == "Abort" })
	})
	if len(aborts) != 1 {
		t.Fatalf("Abort buttons: %d", len(aborts))
	}
	test.Tap(aborts[0])
	var yes []*widget.Button
	h.j.Do(func() {
		yes = findButtons(h.w.Canvas().Overlays().Top(), func(b *widget.Button) bool { return b.Text == "Yes" })
	})
	if len(yes) != 1 {
		t.Fatalf("confirm buttons: %d", len(yes))
	}
	test.Tap(yes[0])
	h.j.Wait()
	h.j.Wait()
	out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &bucket})
	if err != nil || len(out.Uploads) != 0 {
		t.Fatalf("after abort: %v %d uploads", err, len(out.Uploads))
	}
	if !strings.HasPrefix(v.status.Text, "No incomplete uploads") {
		t.Fatalf("status %q", v.status.Text)
	}
}
