package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/s3test"
)

// Alt+← and Alt+→ walk the history both ways; opening another folder
// drops what was ahead.
func TestBackAndForward(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b, "a/b/c/f.txt", "f")
	guitest.PutObject(t, srv.Client(t), b, "x/y.txt", "y")
	mw := newSandboxWindow(t, srv)
	at := func(want string) {
		t.Helper()
		settle(t, mw)
		onUI(mw, func() {
			if got := mw.objects.Prefix(); mw.objects.Bucket() != b || got != want {
				t.Fatalf("at %q %q, want %q", mw.objects.Bucket(), got, want)
			}
			if !mw.objects.Idle() {
				t.Fatal("still loading")
			}
		})
	}
	alt := func(k fyne.KeyName) { onUI(mw, func() { press(mw, k, fyne.KeyModifierAlt) }) }
	for _, p := range []string{"", "a/", "a/b/", "a/b/c/"} {
		onUI(mw, func() { mw.objects.Open(b, p) })
		at(p)
	}
	if !mw.objects.ForwardButton().Disabled() {
		t.Fatal("Forward enabled with nothing ahead")
	}
	alt(fyne.KeyLeft)
	at("a/b/")
	alt(fyne.KeyLeft)
	at("a/")
	if mw.objects.ForwardButton().Disabled() {
		t.Fatal("Forward disabled after Back")
	}
	alt(fyne.KeyRight)
	at("a/b/")
	onUI(mw, func() { test.Tap(mw.objects.ForwardButton()) }) // the toolbar's button does the same
	at("a/b/c/")
	alt(fyne.KeyRight) // nothing ahead: stays
	at("a/b/c/")
	if !mw.objects.Listed("a/b/c/f.txt") {
		t.Fatal("the folder is not listed after Forward")
	}
	// Back twice, then open another folder: Forward has nothing left.
	alt(fyne.KeyLeft)
	alt(fyne.KeyLeft)
	at("a/")
	onUI(mw, func() { mw.objects.Open(b, "x/") })
	at("x/")
	alt(fyne.KeyRight)
	at("x/")
	if !mw.objects.ForwardButton().Disabled() {
		t.Fatal("Forward enabled after opening another folder")
	}
	// The Go menu has Forward with its shortcut.
	if it := menuItem(t, mw.win.MainMenu(), "Go", "Forward"); it.Shortcut == nil || it.Disabled {
		t.Fatal("Go → Forward missing its shortcut")
	}
}

// The last place of a profile opens at the next start (same preferences).
func TestLastPlaceReopensAtStart(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b, "deep/er/f.txt", "f")
	a := test.NewTempApp(t)
	open := func() *MainWindow {
		mw := NewMainWindow(t.Context(), a, Deps{
			Sandbox: func(context.Context) (storage.Config, error) { return srv.Config(), nil },
		})
		mw.win.Resize(fyne.NewSize(1120, 720))
		t.Cleanup(func() { mw.wait(); closeIfOpen(a, mw.win) })
		settle(t, mw)
		return mw
	}
	mw := open()
	if mw.objects.Bucket() != "" {
		t.Fatalf("first start opened %q", mw.objects.Bucket())
	}
	onUI(mw, func() { mw.objects.Open(b, "deep/er/") })
	settle(t, mw)
	onUI(mw, func() { mw.win.Close() })

	mw2 := open()
	onUI(mw2, func() {
		if got, p := mw2.objects.Bucket(), mw2.objects.Prefix(); got != b || p != "deep/er/" || !mw2.objects.Listed("deep/er/f.txt") {
			t.Fatalf("second start at %q %q", got, p)
		}
		if mw2.buckets.Selected() != b {
			t.Errorf("side panel selects %q", mw2.buckets.Selected())
		}
	})
}
