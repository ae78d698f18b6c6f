package gui

import (
	"context"
	"image/png"
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

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// shot saves a PNG of the window to $S3DESK_SHOTS/name, to look at.
func shot(t *testing.T, c fyne.Canvas, name string) {
	t.Helper()
	dir := os.Getenv("S3DESK_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
}

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
	t.Cleanup(func() { mw.wait(); time.Sleep(3 * refreshEvery) })
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

func TestUploadOptionsValidation(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("t")
	w.Resize(fyne.NewSize(1000, 760))
	var got *chosenUpload
	u := newUploadOptionsDialog(w, "b", "p/", func(c chosenUpload) { got = &c })
	if !u.uploadBtn.Disabled() {
		t.Fatal("Upload is enabled with no file chosen")
	}
	u.addPaths("/tmp/a.txt", "/tmp/a.txt", "/tmp/b.txt")
	if len(u.paths) != 2 || u.uploadBtn.Disabled() {
		t.Fatalf("paths %v, disabled %v", u.paths, u.uploadBtn.Disabled())
	}
	u.removePath("/tmp/a.txt")
	if len(u.paths) != 1 || u.paths[0] != "/tmp/b.txt" {
		t.Fatalf("after remove: %v", u.paths)
	}
	for _, c := range []struct{ ctype, cache, key, val, want string }{
		{"text html", "", "", "", "not a media type"},
		{"", "max-age=1\r\nx: y", "", "", "Cache-Control"},
		{"", "", "bad key", "v", "only ASCII letters, digits and -"},
		{"", "", "ünï", "v", "only ASCII letters"},
		{"", "", "", "v", "key is empty"},
		{"", "", "k", "é", "plain ASCII"},
		{"", "", "k", strings.Repeat("x", 3000), "S3 allows 2048"},
	} {
		u.ctype.SetText(c.ctype)
		u.cache.SetText(c.cache)
		for len(u.meta) > 0 {
			u.metaBox.Remove(u.meta[0].box)
			u.meta = u.meta[1:]
		}
		u.addMeta(c.key, c.val)
		if !u.uploadBtn.Disabled() || !u.problem.Visible() || !strings.Contains(u.problem.Text, c.want) {
			t.Fatalf("%+v: disabled %v, problem %q", c, u.uploadBtn.Disabled(), u.problem.Text)
		}
	}
	u.ctype.SetText("text/html; charset=utf-8")
	u.cache.SetText("public, max-age=60")
	u.meta[0].key.SetText("Owner-Id")
	u.meta[0].value.SetText("ann 42")
	u.addMeta("owner-id", "dup")
	if len(u.meta) != 2 || !strings.Contains(u.problem.Text, "twice") {
		t.Fatalf("duplicate key: %d rows, %q", len(u.meta), u.problem.Text)
	}
	u.meta[1].key.SetText("") // a blank row is ignored
	u.meta[1].value.SetText("")
	u.public.SetChecked(true)
	if u.uploadBtn.Disabled() || u.problem.Visible() {
		t.Fatalf("valid input refused: %q", u.problem.Text)
	}
	shot(t, w.Canvas(), "upload_options.png")
	test.Tap(u.uploadBtn)
	if got == nil {
		t.Fatal("Upload did not hand over the choices")
	}
	if got.Opts.ContentType != "text/html; charset=utf-8" || got.Opts.CacheControl != "public, max-age=60" ||
		len(got.Opts.Metadata) != 1 || got.Opts.Metadata["owner-id"] != "ann 42" || !got.Public || len(got.Paths) != 1 {
		t.Fatalf("choices %+v", *got)
	}
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
	var u *uploadOptionsDialog
	onUI(mw, func() {
		u = mw.openUploadOptions(b, "site/")
		// Dropping on the window while the dialog is open adds to its list.
		mw.dropped(fyne.NewPos(10, 10), []fyne.URI{fstorage.NewFileURI(src)})
		if len(u.paths) != 1 || u.paths[0] != src {
			t.Errorf("drop while the dialog is open: list %v", u.paths)
		}
		u.ctype.SetText("text/html; charset=utf-8")
		u.cache.SetText("max-age=60")
		u.addMeta("Owner", "ann")
		u.addMeta("build-2", "7")
	})
	onUI(mw, func() { shot(t, mw.win.Canvas(), "upload_options_window.png") })
	onUI(mw, func() { test.Tap(u.uploadBtn) })
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
	waitFor(t, mw, "the total line", func() bool { return strings.HasPrefix(mw.xfer.totalLabel.Text, "1 of 1 file ·") })
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
			u.addPaths(src)
			u.ctype.SetText("text/html")
			u.public.SetChecked(true)
			test.Tap(u.uploadBtn)
		})
		waitFor(t, mw, "the bucket-policy question", func() bool {
			return hasButton(mw.win.Canvas().Overlays().Top(), "Add statement")
		})
	}
	svc := mw.service()

	upload("yes.html", "<p>public</p>")
	onUI(mw, func() { shot(t, mw.win.Canvas(), "upload_options_consent.png") })
	onUI(mw, func() { tapButton(t, mw.win.Canvas().Overlays().Top(), "Add statement") })
	waitFor(t, mw, "the outcome", func() bool { return strings.Contains(overlayText(mw), "pub/yes.html") })
	if msg := uiText(mw); !strings.Contains(msg, "✓ pub/yes.html: public (bucket-policy statement") || !strings.Contains(msg, "opens without credentials") {
		t.Fatalf("outcome: %q", msg)
	}
	url, err := svc.PublicURL(b, "pub/yes.html")
	if err != nil {
		t.Fatal(err)
	}
	if code, body := httpGet(t, "GET", url, ""); code != 200 || body != "<p>public</p>" {
		t.Fatalf("anonymous GET %s: %d %q", url, code, body)
	}
	onUI(mw, func() { tapButton(t, mw.win.Canvas().Overlays().Top(), "Close") })

	// Refusing the statement says so plainly, and the file stays private.
	upload("no.html", "<p>private</p>")
	onUI(mw, func() { tapButton(t, mw.win.Canvas().Overlays().Top(), "Cancel") })
	waitFor(t, mw, "the outcome", func() bool { return strings.Contains(overlayText(mw), "pub/no.html") })
	if msg := uiText(mw); !strings.Contains(msg, "✗ pub/no.html: Not made public: you chose not to add a bucket-policy statement") {
		t.Fatalf("outcome after refusing: %q", msg)
	}
	if !uiHasButton(mw, "Share a presigned link instead…") {
		t.Fatal("no presigned alternative offered")
	}
	url, _ = svc.PublicURL(b, "pub/no.html")
	if code, _ := httpGet(t, "GET", url, ""); code == 200 {
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
		u.addPaths(empty)
		u.public.SetChecked(true)
		test.Tap(u.uploadBtn)
	})
	waitFor(t, mw, "the outcome", func() bool { return strings.Contains(overlayText(mw), "nothing was made public") })
}

func TestFolderRightClickOffersCombine(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	putObject(t, srv.Client(t), b, "data/a.csv", "x\n1\n")
	putObject(t, srv.Client(t), b, "notes.txt", "hi")
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
