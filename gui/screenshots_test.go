package gui

// TestScreenshots renders the README screenshots from the real windows: the
// main window built by NewMainWindow, connected to the real Local sandbox
// (storage/sandbox, seeded with the guide's sample data), drawn by the Fyne
// test driver's software renderer. It runs only when S3DESK_SCREENSHOTS
// names a folder; .ci/screenshots regenerates assets/screenshots/ with it and
// .ci/checks/50-screenshots.sh runs it in CI.

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"s3desk/gui/internal/guitest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/sharing"
	"s3desk/gui/transfers"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/ledger"
	"s3desk/storage/profiles"
	"s3desk/storage/share"
	"s3desk/storage/transfer"
)

func TestScreenshots(t *testing.T) {
	dir := os.Getenv("S3DESK_SCREENSHOTS")
	if dir == "" {
		t.Skip("renders the README screenshots; run: S3DESK_SCREENSHOTS=$PWD/assets/screenshots go test -tags ci -run TestScreenshots ./gui/ (or .ci/screenshots)")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l := os.Getenv("S3DESK_SCREENSHOTS_LANG"); l != "" { // e.g. de_DE.UTF-8, to see a translation in its window
		withLanguage(t, l, LanguageSystem)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// The real Local sandbox, seeded with the sample data, behind a proxy
	// that can slow transfers down so that progress bars are caught
	// part-way.
	sb := NewLazySandbox(filepath.Join(t.TempDir(), "sandbox"))
	t.Cleanup(sb.Close)
	cfg, err := sb.Config(ctx)
	if err != nil {
		t.Fatalf("starting the Local sandbox: %v", err)
	}
	slow := newShotProxy(t, cfg.Endpoint)
	cfg.Endpoint = slow.url
	plantReports(t, cfg)

	kc := &guitest.MemKeychain{}
	store, err := profiles.Open(t.TempDir(), kc)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		p      profiles.Profile
		secret string
	}{
		{profiles.Profile{Name: "Work AWS", Provider: profiles.ProviderAWS, Region: "eu-west-1", AccessKeyID: "AKIAIOSFODNN7EXAMPLE"}, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
		{profiles.Profile{Name: "Backblaze archive", Provider: profiles.ProviderB2, Region: "us-west-004",
			Endpoint: "https://s3.us-west-004.backblazeb2.com", Compatibility: true, AccessKeyID: "004a1b2c3d4e5f60000000001"}, "K004examplekeyexamplekeyexample"},
		{profiles.Profile{Name: "MinIO at home", Provider: profiles.ProviderMinIO, Region: "us-east-1", Endpoint: "http://127.0.0.1:9000",
			PathStyle: true, Compatibility: true, AccessKeyID: "minioadmin"}, "minioadmin"},
	} {
		if err := store.Add(ctx, p.p, profiles.Secret{SecretAccessKey: p.secret}); err != nil {
			t.Fatalf("add profile %s: %v", p.p.Name, err)
		}
	}

	marks := shotBookmarks(t) // gui/screenshots_scaled_test.go
	a := test.NewTempApp(t)
	ApplyTheme(a, ThemeLight)
	mw := NewMainWindow(t.Context(), a, Deps{
		Bookmarks: marks,
		Profiles:  store,
		Discover: func(context.Context) ([]profiles.ImportCandidate, error) {
			return []profiles.ImportCandidate{{Name: "sso-dev", Region: "eu-central-1", Kind: "SSO"}}, nil
		},
		Sandbox: func(context.Context) (storage.Config, error) { return cfg, nil },
		Version: "1.0.0",
	})
	onUI(mw, func() { mw.win.Resize(fyne.NewSize(1200, 760)) })
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	if mw.service() == nil {
		t.Fatalf("not connected to the Local sandbox: %q", mw.buckets.Message().Text)
	}
	// Links copied in the Share dialog go to a ledger in a temporary
	// folder, not the user's.
	ledgerDir := t.TempDir()
	onUI(mw, func() {
		mw.share = sharing.NewSharer(mw.win, mw.jobs, func() sharing.ShareStore {
			if s := mw.service(); s != nil {
				return s.Sharing
			}
			return nil
		}, func() string { return mw.profile }, func() (sharing.LinkLedger, error) { return ledger.Open(ledgerDir) })
	})

	shoot := func(name string, c fyne.Canvas) {
		t.Helper()
		var img image.Image
		onUI(mw, func() {
			frame(c)
			img = c.Capture()
		})
		saveShot(t, filepath.Join(dir, name), img)
	}

	// buckets.png: the account's buckets, the sample bucket open, and the
	// bucket's context menu.
	openBucket(t, mw, "sampled")
	onUI(mw, func() { rightClickSideRow(t, mw.buckets.List(), "sampled") })
	shoot("buckets.png", mw.win.Canvas())
	onUI(mw, func() {
		top := mw.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no context menu on the bucket")
		}
		mw.win.Canvas().Overlays().Remove(top)
	})

	// objects.png: a folder of the sample bucket, one file selected.
	onUI(mw, func() { mw.objects.Open("sampled", "22_Sept/") })
	settle(t, mw)
	csvKey := "22_Sept/requests_2022-09-14.csv"
	onUI(mw, func() { selectKey(t, mw, csvKey) })
	shoot("objects.png", mw.win.Canvas())

	// share.png: a presigned download link for that file, copied.
	var entry storage.Entry
	onUI(mw, func() {
		sel := mw.objects.Selected()
		if len(sel) != 1 {
			t.Fatalf("selected %v", sel)
		}
		entry = sel[0]
	})
	// The same call as the objects view's Share action, keeping the dialog.
	var sd *sharing.ShareDialog
	onUI(mw, func() { sd = mw.sharer().ShowShare("sampled", []storage.Entry{entry}) })
	mw.wait()
	onUI(mw, func() {
		sd.SetExpiry(share.MaxShareExpiry)
		sd.SetNote("for Ann, September requests")
	})
	mw.wait()
	onUI(mw, sd.Copy)
	mw.wait()
	if got := a.Clipboard().Content(); !strings.HasPrefix(got, slow.url+"/sampled/") {
		t.Errorf("copied %q, want a link into the sandbox", got)
	}
	shoot("share.png", mw.win.Canvas())
	onUI(mw, sd.Hide)

	// csv-preview.png: the table preview of the CSV, in its own window.
	before := len(a.Driver().AllWindows())
	onUI(mw, func() { mw.objects.Actions().Preview("sampled", entry) })
	mw.wait()
	wins := a.Driver().AllWindows()
	if len(wins) != before+1 {
		t.Fatalf("the preview opened %d windows", len(wins)-before)
	}
	pw := wins[len(wins)-1]
	shoot("csv-preview.png", pw.Canvas())
	onUI(mw, pw.Close)

	// bucket-settings.png: the Bucket settings window of the sample
	// bucket, on its Policy tab with a public-read statement checked.
	shootBucketSettings(t, mw, shoot)
	// report-chart.png: the monthly report wizard's chart, then the report
	// published and shared (its index page for the browser screenshot).
	shootReport(t, mw, shoot)

	// transfers.png: downloads and an upload part-way, throttled.
	shootTransfers(t, mw, slow, shoot)

	// profiles.png: the side panel's profiles and the form adding a
	// Cloudflare R2 profile.
	onUI(mw, func() {
		test.Tap(mw.profiles.AddButton())
		f := mw.profiles.Form()
		f.Name.SetText("Cloudflare R2")
		f.Provider.SetSelected(guitest.PresetLabel(nil, profiles.ProviderR2))
		f.Endpoint.SetText("https://4f0c2e5a9d1b7386e2c4a8f01b3d5e7c.r2.cloudflarestorage.com")
		f.AccessKey.SetText("e2c4a8f01b3d5e7c4f0c2e5a9d1b7386")
		f.Secret.SetText("not-a-real-secret-just-a-screenshot")
	})
	shoot("profiles.png", mw.win.Canvas())
	onUI(mw, func() { mw.profiles.Form().Close() })

	// versions.png: a folder's versions (gui/screenshots_versions_test.go).
	shootVersions(t, a, dir)
}

// shootBucketSettings opens the Bucket settings of "sampled" as its row
// menu does, saves a policy that lets anyone read its charts, and shoots
// the Policy tab with the statement listed as anonymous.
func shootBucketSettings(t *testing.T, mw *MainWindow, shoot func(string, fyne.Canvas)) {
	t.Helper()
	onUI(mw, func() { mw.buckets.OnSettings("sampled") })
	mw.wait()
	w := mw.bucketSettings
	if w == nil {
		t.Fatal("no Bucket settings window")
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicCharts","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sampled/charts/*"}]}`
	onUI(mw, func() {
		w.Win().Resize(fyne.NewSize(900, 560))
		w.ShowTab("Policy")
		w.Policy.Editor.SetText(policy)
		w.Policy.Save()
	})
	mw.wait()
	if !strings.Contains(w.Policy.Anonymous(), "PublicCharts: anyone may s3:GetObject") {
		t.Fatalf("policy tab: %q / %q", w.Policy.Status(), w.Policy.Anonymous())
	}
	shoot("bucket-settings.png", w.Win().Canvas())
	onUI(mw, func() {
		w.Policy.Remove() // the sample bucket stays private for the shots after this one
	})
	mw.wait()
	onUI(mw, w.Close)
}

// frame prepares c for a capture as a driver's frame would: the test
// canvas has no render loop, so containers whose children changed their
// minimum size are not laid out again; frame lays every container and
// widget out again, top down. It also gives rectangles without a fill
// colour a transparent one: Fyne's software painter (unlike the OpenGL one)
// crashes on a nil fill, as the transfers panel's spacer has; it draws the
// same.
func frame(c fyne.Canvas) {
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, root := range roots {
		walkDrawn(root, func(o fyne.CanvasObject) {
			switch x := o.(type) {
			case *canvas.Rectangle:
				if x.FillColor == nil {
					x.FillColor = color.Transparent
				}
			case *fyne.Container:
				if x.Layout != nil {
					x.Layout.Layout(x.Objects, x.Size())
				}
			case fyne.Widget:
				test.WidgetRenderer(x).Layout(x.Size())
			}
		})
	}
}

// walkDrawn calls fn on o and then on everything under it, parents first,
// through the renderers the canvas draws with. (test.LaidOutObjects makes
// new renderers, and a Table given a new renderer stops drawing its
// updates.)
func walkDrawn(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, k := range x.Objects {
			walkDrawn(k, fn)
		}
	case fyne.Widget:
		for _, k := range test.WidgetRenderer(x).Objects() {
			walkDrawn(k, fn)
		}
	}
}

// rightClickSideRow opens the context menu of the side-panel row named
// name, as a right-click on it does.
func rightClickSideRow(t *testing.T, list *widget.List, name string) {
	t.Helper()
	var row *widgets.SideRow
	walkDrawn(list, func(o fyne.CanvasObject) {
		if r, ok := o.(*widgets.SideRow); ok && r.Visible() && r.Name.Text == name {
			row = r
		}
	})
	if row == nil {
		t.Fatalf("no row %q in the side panel", name)
	}
	at := fyne.NewPos(row.Size().Width*0.6, row.Size().Height*0.6)
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(row).Add(at)
	row.TappedSecondary(&fyne.PointEvent{Position: at, AbsolutePosition: abs})
}

// openBucket selects bucket in the side panel, as a click does, and waits
// for its listing.
func openBucket(t *testing.T, mw *MainWindow, bucket string) {
	t.Helper()
	ok := false
	onUI(mw, func() { ok = mw.buckets.Select(bucket) })
	if !ok {
		t.Fatalf("no bucket %s in the side panel", bucket)
	}
	settle(t, mw)
	if mw.objects.Bucket() != bucket {
		t.Fatalf("selecting %s opened %q", bucket, mw.objects.Bucket())
	}
}

// selectKey selects the row of key in the objects view, as a click would.
func selectKey(t *testing.T, mw *MainWindow, key string) {
	t.Helper()
	if !mw.objects.ClickKey(key) {
		t.Fatalf("no row for %s", key)
	}
}

// saveShot writes img as a PNG and fails when it is blank (one colour).
func saveShot(t *testing.T, path string, img image.Image) {
	t.Helper()
	if sd := lumaStdDev(img); sd < 4 {
		t.Errorf("%s looks blank: luminance standard deviation %.2f", filepath.Base(path), sd)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%dx%d)", path, img.Bounds().Dx(), img.Bounds().Dy())
}

// lumaStdDev is the standard deviation of the pixels' luminance (0-255).
func lumaStdDev(img image.Image) float64 {
	b := img.Bounds()
	var sum, sq, n float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += l
			sq += l * l
			n++
		}
	}
	if n == 0 {
		return 0
	}
	mean := sum / n
	return math.Sqrt(math.Max(0, sq/n-mean*mean))
}

// plantReports adds a second bucket, "reports", with a few larger files to
// download in the transfers screenshot.
func plantReports(t *testing.T, cfg storage.Config) {
	t.Helper()
	ctx := context.Background()
	svc, err := storage.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateBucket(ctx, "reports", storage.CreateBucketOptions{}); err != nil {
		t.Fatalf("create bucket reports: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range []struct {
		key  string
		size int
	}{
		{"2022/requests-2022-q3.csv", 14 << 20},
		{"2022/access-logs-september.tar.gz", 24 << 20},
		{"2022/summary.html", 48 << 10},
	} {
		body := make([]byte, f.size)
		for i := range body {
			body[i] = byte(rng.Uint32())
		}
		if err := svc.Put(ctx, "reports", f.key, bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
			t.Fatalf("put %s: %v", f.key, err)
		}
	}
}

// shootTransfers downloads the reports and uploads a video while the proxy
// slows the bytes down, and captures the panel with the bars part-way.
func shootTransfers(t *testing.T, mw *MainWindow, slow *shotProxy, shoot func(string, fyne.Canvas)) {
	t.Helper()
	src := t.TempDir()
	video := filepath.Join(src, "product-demo.mp4")
	if err := os.WriteFile(video, make([]byte, 40<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(src, "notes.txt")
	if err := os.WriteFile(small, []byte("Notes for the September report.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()

	openBucket(t, mw, "reports")
	onUI(mw, func() { mw.objects.Open("reports", "2022/") })
	settle(t, mw)
	var entries []storage.Entry
	onUI(mw, func() {
		for _, k := range []string{"2022/requests-2022-q3.csv", "2022/access-logs-september.tar.gz"} {
			e, ok := mw.objects.Shown(k)
			if !ok {
				t.Fatalf("no row for %s", k)
			}
			entries = append(entries, e)
		}
	})
	slow.rate.Store(1 << 20) // bytes per second per request
	onUI(mw, func() {
		mw.xfer.StartUpload("reports", "2022/", []string{small})
	})
	waitTransfers(t, mw, "the small upload", func(rows []transfers.RowState) bool {
		return len(rows) == 1 && rows[0].State == transfer.StateDone
	})
	onUI(mw, func() {
		mw.xfer.StartDownload("reports", entries, dest)
		mw.xfer.StartUpload("reports", "2022/", []string{video})
	})
	// 1 MiB/s per request: the bars fill at different speeds (the upload
	// sends three parts at once); wait until each is at least a fifth full.
	waitTransfers(t, mw, "bars part-way", func(rows []transfers.RowState) bool {
		partial := 0
		for _, r := range rows {
			if r.State == transfer.StateRunning && r.Total > 0 && r.Done*5 >= r.Total && r.Done*10 < r.Total*9 {
				partial++
			}
		}
		return len(rows) == 4 && partial == 3
	})
	onUI(mw, mw.xfer.Flush)
	shoot("transfers.png", mw.win.Canvas())

	slow.rate.Store(0)
	waitTransfers(t, mw, "the transfers to finish", func(rows []transfers.RowState) bool {
		for _, r := range rows {
			if !r.State.Finished() {
				return false
			}
		}
		return true
	})
	onUI(mw, func() {
		mw.xfer.ClearFinished()
		mw.objects.Open("sampled", "22_Sept/")
	})
	settle(t, mw)
}

// waitTransfers polls the transfers panel's rows until cond holds.
func waitTransfers(t *testing.T, mw *MainWindow, what string, cond func([]transfers.RowState) bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if cond(mw.xfer.Rows()) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// shotProxy is a reverse proxy to the sandbox that, while rate > 0, moves
// request and response bodies at about rate bytes per second each.
type shotProxy struct {
	url  string
	rate atomic.Int64
}

func newShotProxy(t *testing.T, target string) *shotProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	th := &shotProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error {
		r.Body = &slowBody{ReadCloser: r.Body, th: th}
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = &slowBody{ReadCloser: r.Body, th: th}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		th.rate.Store(0)
		srv.Close()
	})
	th.url = srv.URL
	return th
}

// slowBody reads at most 32 KiB at a time and sleeps to keep the rate.
type slowBody struct {
	io.ReadCloser
	th *shotProxy
}

func (b *slowBody) Read(p []byte) (int, error) {
	rate := b.th.rate.Load()
	if rate <= 0 {
		return b.ReadCloser.Read(p)
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	n, err := b.ReadCloser.Read(p)
	time.Sleep(time.Duration(float64(n) / float64(rate) * float64(time.Second)))
	return n, err
}
