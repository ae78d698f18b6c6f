package gui

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/sharing"
	"s3desk/storage"
	"s3desk/storage/bookmarks"
	"s3desk/storage/ledger"
	"s3desk/storage/profiles"
	"s3desk/storage/share"
)

// scaledScreen is the screen the scaled screenshots assume, in pixels (the
// size of the CI's Xvfb screen).
var scaledScreen = fyne.NewSize(1280, 800)

// TestScreenshotsScaled renders the main window, the share dialog and
// Settings as Fyne draws them with FYNE_SCALE=1.5 (or the scale in
// FYNE_SCALE) on a 1280×800 screen: every size in the layout is 1.5 times
// as many pixels, so the windows have two thirds of the room. The test
// driver's software painter draws at the canvas's scale, as the OpenGL
// driver does at FYNE_SCALE; the PNGs are there to look at for clipped
// text (README, "Accessibility").
func TestScreenshotsScaled(t *testing.T) {
	dir := os.Getenv("S3DESK_SCREENSHOTS")
	if dir == "" {
		t.Skip("renders the scaled README screenshots; run .ci/screenshots")
	}
	scale := float32(1.5)
	if s, err := strconv.ParseFloat(os.Getenv("FYNE_SCALE"), 32); err == nil && s >= 1 {
		scale = float32(s)
	}
	ctx := t.Context()
	sb := NewLazySandbox(filepath.Join(t.TempDir(), "sandbox"))
	t.Cleanup(sb.Close)
	cfg, err := sb.Config(ctx)
	if err != nil {
		t.Fatalf("starting the Local sandbox: %v", err)
	}
	marks := shotBookmarks(t)
	a := test.NewTempApp(t)
	ApplyTheme(a, ThemeLight)
	mw := NewMainWindow(ctx, a, Deps{
		Sandbox:   func(context.Context) (storage.Config, error) { return cfg, nil },
		Bookmarks: marks,
		Version:   "1.0.0",
	})
	room := fyne.NewSize(scaledScreen.Width/scale, scaledScreen.Height/scale)
	setScale := func(c fyne.Canvas) { c.(test.WindowlessCanvas).SetScale(scale) }
	onUI(mw, func() {
		setScale(mw.win.Canvas())
		mw.win.Resize(room)
	})
	t.Cleanup(func() { mw.wait(); closeIfOpen(a, mw.win) })
	settle(t, mw)
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
		var width float32
		onUI(mw, func() {
			frame(c)
			img = c.Capture()
			width = c.Size().Width
		})
		if got := img.Bounds().Dx(); float32(got) < width*scale-2 {
			t.Errorf("%s is %d pixels wide: not drawn at scale %.1f", name, got, scale)
		}
		saveShot(t, filepath.Join(dir, name), img)
	}

	openBucket(t, mw, "sampled")
	onUI(mw, func() { mw.objects.Open("sampled", "22_Sept/") })
	settle(t, mw)
	csvKey := "22_Sept/requests_2022-09-14.csv"
	onUI(mw, func() { selectKey(t, mw, csvKey) })
	shoot("main-scale-1.5.png", mw.win.Canvas())

	var entry storage.Entry
	onUI(mw, func() { entry = mw.objects.Selected()[0] })
	var sd *sharing.ShareDialog
	onUI(mw, func() { sd = mw.sharer().ShowShare("sampled", []storage.Entry{entry}) })
	mw.wait()
	onUI(mw, func() { sd.SetExpiry(share.MaxShareExpiry) })
	mw.wait()
	shoot("share-scale-1.5.png", mw.win.Canvas())
	onUI(mw, sd.Hide)

	onUI(mw, mw.showSettings)
	sw := mw.settings
	if sw == nil {
		t.Fatal("no Settings window")
	}
	onUI(mw, func() {
		setScale(sw.Canvas())
		sw.Resize(fyne.NewSize(min(640, room.Width), room.Height))
	})
	shoot("settings-scale-1.5.png", sw.Canvas())
	onUI(mw, sw.Close)
}

// shotBookmarks are the bookmarks the screenshots show.
func shotBookmarks(t *testing.T) *bookmarks.Store {
	t.Helper()
	marks, err := bookmarks.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []bookmarks.Bookmark{
		{Name: "September requests", Profile: profiles.SandboxName, Bucket: "sampled", Prefix: "22_Sept/"},
		{Name: "Monthly reports", Profile: "Work AWS", Bucket: "acme-reports", Prefix: "2026/"},
	} {
		if _, err := marks.Add(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	return marks
}
