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

	"s3desk/gui/transfers"
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
	t.Cleanup(func() { mw.wait(); time.Sleep(3 * transfers.RefreshEvery) })
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
