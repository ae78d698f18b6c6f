package gui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/bookmarks"
	"s3desk/storage/profiles"
	"s3desk/storage/s3test"
)

// configWindow opens a main window over the profiles and bookmarks in dir
// (as main does from ~/.config/s3desk), with the sandbox served by sandbox.
func configWindow(t *testing.T, dir string, kc profiles.Keychain, sandbox *s3test.Server) *MainWindow {
	t.Helper()
	store, err := profiles.Open(dir, kc)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := bookmarks.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Profiles:  store,
		Bookmarks: marks,
		Sandbox:   func(context.Context) (storage.Config, error) { return sandbox.Config(), nil },
	})
	mw.win.Resize(fyne.NewSize(1120, 720))
	t.Cleanup(func() { mw.wait(); closeIfOpen(a, mw.win) })
	settle(t, mw)
	return mw
}

// closeIfOpen closes w unless the test closed it already.
func closeIfOpen(a fyne.App, w fyne.Window) {
	if slices.Contains(a.Driver().AllWindows(), w) {
		w.Close()
	}
}

// press types a shortcut on the window, as the keyboard would.
func press(mw *MainWindow, key fyne.KeyName, mod fyne.KeyModifier) {
	mw.win.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
}

// addBookmark bookmarks the open place with Ctrl+B under name.
func addBookmark(t *testing.T, mw *MainWindow, name string) {
	t.Helper()
	onUI(mw, func() { press(mw, fyne.KeyB, fyne.KeyModifierShortcutDefault) })
	e, _ := mw.marks.AddDialog()
	if e == nil {
		t.Fatalf("Ctrl+B opened no dialog (status %q)", mw.status.idle)
	}
	onUI(mw, func() {
		test.Type(e, name) // the suggested name is selected: typing replaces it
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	settle(t, mw)
}

func markNames(mw *MainWindow) string {
	var names []string
	for _, b := range mw.marks.Bookmarks() {
		names = append(names, b.Name)
	}
	return strings.Join(names, ",")
}

// Three bookmarks across two profiles survive a restart, and opening one of
// the other profile connects it and opens the place.
func TestBookmarksAcrossProfilesSurviveRestart(t *testing.T) {
	sandbox := s3test.StartFake(t)
	work := s3test.StartVersity(t)
	fb, _ := sandbox.Bucket(t), sandbox.Bucket(t) // two: none opens by itself
	guitest.PutObject(t, sandbox.Client(t), fb, "photos/2026/p.jpg", "p")
	wb := work.Bucket(t)
	guitest.PutObject(t, work.Client(t), wb, "reports/q1/r.csv", "r")
	guitest.PutObject(t, work.Client(t), wb, "top.txt", "t")

	dir := t.TempDir()
	kc := &guitest.MemKeychain{}
	{
		store, err := profiles.Open(dir, kc)
		if err != nil {
			t.Fatal(err)
		}
		saveProfile(t, store, "Work", work, nil)
	}
	mw := configWindow(t, dir, kc, sandbox)
	if got := markNames(mw); got != "" {
		t.Fatalf("bookmarks before any: %q", got)
	}
	onUI(mw, func() { press(mw, fyne.KeyB, fyne.KeyModifierShortcutDefault) })
	if e, _ := mw.marks.AddDialog(); e != nil {
		t.Fatal("Ctrl+B with no bucket open offered a bookmark")
	}
	onUI(mw, func() { mw.objects.Open(fb, "photos/2026/") })
	settle(t, mw)
	addBookmark(t, mw, "Photos")
	onUI(mw, func() { mw.objects.Open(fb, "") })
	settle(t, mw)
	addBookmark(t, mw, "Sandbox root")

	onUI(mw, func() { mw.profiles.Select("Work") })
	settle(t, mw)
	if mw.profile != "Work" || mw.service() == nil {
		t.Fatalf("not connected to Work: %q", mw.buckets.Message().Text)
	}
	onUI(mw, func() { mw.objects.Open(wb, "reports/q1/") })
	settle(t, mw)
	addBookmark(t, mw, "Q1 reports")
	// A name taken (whatever the case) is refused, and nothing is added.
	addBookmark(t, mw, "photos")
	if got := markNames(mw); got != "Photos,Sandbox root,Q1 reports" {
		t.Fatalf("bookmarks %q", got)
	}
	if !strings.Contains(mw.status.idle, "exists") {
		t.Errorf("duplicate name: status %q", mw.status.idle)
	}
	goBookmarks := func(mw *MainWindow) []*fyne.MenuItem {
		return menuItem(t, mw.win.MainMenu(), "Go", "Bookmarks").ChildMenu.Items
	}
	if items := goBookmarks(mw); len(items) != 3 || !strings.HasPrefix(items[2].Label, "Q1 reports") {
		t.Fatalf("Go → Bookmarks: %d items", len(items))
	}
	onUI(mw, func() { mw.win.Close() })

	// A restart: a new window over the same folder. It starts on the sandbox.
	mw2 := configWindow(t, dir, kc, sandbox)
	if got := markNames(mw2); got != "Photos,Sandbox root,Q1 reports" {
		t.Fatalf("after restart: %q", got)
	}
	onUI(mw2, func() { tapListRow(t, mw2.marks.List(), "Q1 reports") })
	settle(t, mw2)
	onUI(mw2, func() {
		if mw2.profile != "Work" || mw2.profiles.Current() != "Work" {
			t.Fatalf("the bookmark of Work did not connect it: %q", mw2.profile)
		}
		if b, p := mw2.objects.Bucket(), mw2.objects.Prefix(); b != wb || p != "reports/q1/" || !mw2.objects.Listed("reports/q1/r.csv") {
			t.Fatalf("open %q %q", b, p)
		}
	})
	// From the Go menu, back to a sandbox place.
	var photos *fyne.MenuItem
	for _, it := range goBookmarks(mw2) {
		if strings.HasPrefix(it.Label, "Photos") {
			photos = it
		}
	}
	onUI(mw2, photos.Action)
	settle(t, mw2)
	onUI(mw2, func() {
		if mw2.profile != profiles.SandboxName || mw2.objects.Bucket() != fb || mw2.objects.Prefix() != "photos/2026/" {
			t.Fatalf("Go → Bookmarks → Photos: %q %q %q", mw2.profile, mw2.objects.Bucket(), mw2.objects.Prefix())
		}
	})
	// Removing one, from its context menu.
	onUI(mw2, func() {
		rightClickRow(t, mw2.marks.List(), "Sandbox root")
		tapMenuItem(t, mw2.win.Canvas(), "Remove bookmark")
	})
	settle(t, mw2)
	if got := markNames(mw2); got != "Photos,Q1 reports" {
		t.Fatalf("after remove: %q", got)
	}
}

// A damaged bookmarks file: the window says where it was kept, and new
// bookmarks work.
func TestDamagedBookmarksFileIsReported(t *testing.T) {
	srv := s3test.StartFake(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, bookmarks.FileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	marks, err := bookmarks.Open(dir)
	if marks == nil || err == nil {
		t.Fatalf("Open: %v", err)
	}
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Bookmarks: marks,
		Sandbox:   func(context.Context) (storage.Config, error) { return srv.Config(), nil },
	})
	t.Cleanup(func() { mw.wait(); closeIfOpen(a, mw.win) })
	settle(t, mw)
	aside, _ := filepath.Glob(filepath.Join(dir, "bookmarks-damaged-*.json"))
	if msg := mw.marks.Message().Text; len(aside) != 1 || !strings.Contains(msg, aside[0]) || !mw.marks.Message().Visible() {
		t.Fatalf("the Bookmarks section says %q, not naming the kept file %v", msg, aside)
	}
	onUI(mw, func() { mw.objects.Open(b, "") })
	settle(t, mw)
	addBookmark(t, mw, "Fresh")
	if got := markNames(mw); got != "Fresh" {
		t.Fatalf("bookmarks %q", got)
	}
}
