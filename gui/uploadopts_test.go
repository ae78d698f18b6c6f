package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/internal/guitest"
	"s3desk/gui/transfers"
	"s3desk/storage"
	"s3desk/storage/s3test"
)

func writeTemp(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// uiText is overlayText read as the UI goroutine would.
func uiText(mw *MainWindow) string {
	var s string
	onUI(mw, func() { s = overlayText(mw) })
	return s
}

// uiHasButton tells whether the top dialog shows a button labelled text.
func uiHasButton(mw *MainWindow, text string) bool {
	var ok bool
	onUI(mw, func() { ok = hasButton(mw.win.Canvas().Overlays().Top(), text) })
	return ok
}

// uploadWindow is newSandboxWindow for tests that upload: the transfers
// panel's throttled refresh must have fired before the next test starts.
func uploadWindow(t *testing.T, srv *s3test.Server) *MainWindow {
	t.Helper()
	mw := newSandboxWindow(t, srv)
	t.Cleanup(func() { mw.wait(); time.Sleep(3 * transfers.RefreshEvery) })
	return mw
}

// waitFor polls cond (run on the UI side) until it holds.
func waitFor(t *testing.T, mw *MainWindow, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; {
		mw.wait()
		ok := false
		onUI(mw, func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; dialog says %q", what, uiText(mw))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func hasButton(o fyne.CanvasObject, text string) bool {
	if o == nil {
		return false
	}
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() {
			return true
		}
	}
	return false
}

func TestUploadWithOptionsStoresHeadersAndMetadata(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	mw := uploadWindow(t, srv)
	onUI(mw, func() { mw.objects.Open(b, "site/") })
	settle(t, mw)
	// The toolbar's More menu and the File menu offer it.
	onUI(mw, func() {
		found := false
		for _, it := range mw.objects.MoreMenu().Items {
			found = found || it.Label == "Upload with options…"
		}
		if !found {
			t.Error("More menu has no Upload with options…")
		}
		if menuItem(t, mw.win.MainMenu(), "File", "Upload with options…").Disabled {
			t.Error("File → Upload with options… is disabled")
		}
	})
	src := writeTemp(t, "index.html", "<h1>hello</h1>")
	var u *transfers.UploadOptionsDialog
	onUI(mw, func() {
		u = mw.openUploadOptions(b, "site/")
		// Dropping on the window while the dialog is open adds to its list.
		mw.dropped(fyne.NewPos(10, 10), []fyne.URI{fstorage.NewFileURI(src)})
		if len(u.Paths()) != 1 || u.Paths()[0] != src {
			t.Errorf("drop while the dialog is open: list %v", u.Paths())
		}
		u.ContentType.SetText("text/html; charset=utf-8")
		u.CacheControl.SetText("max-age=60")
		u.AddMeta("Owner", "ann")
		u.AddMeta("build-2", "7")
	})
	onUI(mw, func() { guitest.Shot(t, mw.win.Canvas(), "upload_options_window.png") })
	onUI(mw, func() { test.Tap(u.UploadButton) })
	onUI(mw, func() {
		if mw.uploadOpts != nil {
			t.Error("the closed dialog still takes drops")
		}
	})
	c := srv.Client(t)
	var head *s3.HeadObjectOutput
	waitFor(t, mw, "the upload", func() bool {
		var err error
		head, err = c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("site/index.html")})
		return err == nil
	})
	if aws.ToString(head.ContentType) != "text/html; charset=utf-8" || aws.ToString(head.CacheControl) != "max-age=60" ||
		head.Metadata["owner"] != "ann" || head.Metadata["build-2"] != "7" {
		t.Fatalf("stored Content-Type %q, Cache-Control %q, metadata %v",
			aws.ToString(head.ContentType), aws.ToString(head.CacheControl), head.Metadata)
	}
	// The panel counts in the singular for one file.
	waitFor(t, mw, "the total line", func() bool { return strings.HasPrefix(mw.xfer.TotalText(), "1 of 1 file ·") })
	var open bool
	onUI(mw, func() { open = mw.win.Canvas().Overlays().Top() != nil })
	if open {
		t.Fatalf("an upload without Make public left a dialog open: %q", uiText(mw))
	}
}

func TestUploadWithOptionsPublicViaConsentedPolicy(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t) // default versitygw bucket: object ACLs refused
	mw := uploadWindow(t, srv)
	onUI(mw, func() { mw.objects.Open(b, "") })
	settle(t, mw)
	upload := func(name, body string) {
		t.Helper()
		src := writeTemp(t, name, body)
		onUI(mw, func() {
			u := mw.openUploadOptions(b, "pub/")
			u.AddPaths(src)
			u.ContentType.SetText("text/html")
			u.Public.SetChecked(true)
			test.Tap(u.UploadButton)
		})
		waitFor(t, mw, "the bucket-policy question", func() bool {
			return hasButton(mw.win.Canvas().Overlays().Top(), "Add statement")
		})
	}
	svc := mw.service().Sharing

	upload("yes.html", "<p>public</p>")
	onUI(mw, func() { guitest.Shot(t, mw.win.Canvas(), "upload_options_consent.png") })
	onUI(mw, func() { guitest.TapButton(t, mw.win.Canvas().Overlays().Top(), "Add statement") })
	waitFor(t, mw, "the outcome", func() bool { return strings.Contains(overlayText(mw), "pub/yes.html") })
	if msg := uiText(mw); !strings.Contains(msg, "✓ pub/yes.html: public (bucket-policy statement") || !strings.Contains(msg, "opens without credentials") {
		t.Fatalf("outcome: %q", msg)
	}
	url, err := svc.PublicURL(b, "pub/yes.html")
	if err != nil {
		t.Fatal(err)
	}
	if code, body := guitest.HTTP(t, "GET", url, ""); code != 200 || body != "<p>public</p>" {
		t.Fatalf("anonymous GET %s: %d %q", url, code, body)
	}
	onUI(mw, func() { guitest.TapButton(t, mw.win.Canvas().Overlays().Top(), "Close") })

	// Refusing the statement says so plainly, and the file stays private.
	upload("no.html", "<p>private</p>")
	onUI(mw, func() { guitest.TapButton(t, mw.win.Canvas().Overlays().Top(), "Cancel") })
	waitFor(t, mw, "the outcome", func() bool { return strings.Contains(overlayText(mw), "pub/no.html") })
	if msg := uiText(mw); !strings.Contains(msg, "✗ pub/no.html: Not made public: you chose not to add a bucket-policy statement") {
		t.Fatalf("outcome after refusing: %q", msg)
	}
	if !uiHasButton(mw, "Share a presigned link instead…") {
		t.Fatal("no presigned alternative offered")
	}
	url, _ = svc.PublicURL(b, "pub/no.html")
	if code, _ := guitest.HTTP(t, "GET", url, ""); code == 200 {
		t.Fatalf("anonymous GET of a refused file worked: %s", url)
	}
}

func TestUploadWithOptionsPublicNothingUploaded(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	mw := uploadWindow(t, srv)
	empty := t.TempDir()
	onUI(mw, func() {
		u := mw.openUploadOptions(b, "")
		u.AddPaths(empty)
		u.Public.SetChecked(true)
		test.Tap(u.UploadButton)
	})
	waitFor(t, mw, "the outcome", func() bool { return strings.Contains(overlayText(mw), "nothing was made public") })
}

func TestFolderRightClickOffersCombine(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b, "data/a.csv", "x\n1\n")
	guitest.PutObject(t, srv.Client(t), b, "notes.txt", "hi")
	mw := newSandboxWindow(t, srv)
	onUI(mw, func() { mw.objects.Open(b, "") })
	settle(t, mw)
	var gotPrefix string
	var gotEntries []storage.Entry
	onUI(mw, func() {
		a := mw.objects.Actions()
		a.CombineCSV = func(_, prefix string, es []storage.Entry) { gotPrefix, gotEntries = prefix, es }
		mw.objects.SetActions(a)
		selectKey(t, mw, "notes.txt")
		for _, it := range mw.objects.ContextMenu().Items {
			if it.Label == "Combine CSVs…" {
				t.Error("a .txt file offers Combine CSVs…")
			}
		}
		selectKey(t, mw, "data/")
		for _, it := range mw.objects.ContextMenu().Items {
			if it.Label == "Combine CSVs…" {
				it.Action()
			}
		}
	})
	if gotPrefix != "data/" || len(gotEntries) != 1 || !gotEntries[0].IsFolder || gotEntries[0].Key != "data/" {
		t.Fatalf("Combine got prefix %q entries %+v", gotPrefix, gotEntries)
	}
}

func TestChoosersOpenLarge(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	mw := newSandboxWindow(t, srv)
	onUI(mw, func() { mw.objects.Open(b, "") })
	settle(t, mw)
	for name, open := range map[string]func(){
		"files":  func() { mw.xfer.UploadFiles(b, "") },
		"folder": func() { mw.xfer.UploadFolder(b, "") },
	} {
		var got fyne.Size
		onUI(mw, func() {
			open()
			top, ok := mw.win.Canvas().Overlays().Top().(*widget.PopUp)
			if !ok {
				t.Fatalf("%s: no chooser", name)
			}
			got = top.Content.Size()
			top.Hide()
		})
		if got.Width < 880 || got.Height < 580 { // 900×600 less the pop-up's inner padding
			t.Fatalf("%s chooser is %v, want about 900×600", name, got)
		}
	}
}
