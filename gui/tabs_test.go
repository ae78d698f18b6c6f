package gui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/internal/guitest"
	"s3desk/storage/profiles"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// Each tab has its own place and history; the menu acts on the tab in
// front; Ctrl+W closes it and the strip goes with the second-last tab.
func TestTabsKeepTheirOwnPlaceAndHistory(t *testing.T) {
	srv := s3test.StartVersity(t)
	b, _ := srv.Bucket(t), srv.Bucket(t)
	for _, k := range []string{"a/1.txt", "a/deeper/2.txt", "x/3.txt"} {
		guitest.PutObject(t, srv.Client(t), b, k, "v")
	}
	mw := newSandboxWindow(t, srv)
	ctrl := fyne.KeyModifierShortcutDefault
	first := mw.objects
	onUI(mw, func() { mw.objects.Open(b, "") })
	settle(t, mw)
	onUI(mw, func() { mw.objects.Open(b, "a/") })
	settle(t, mw)
	if _, ok := mw.tabs.area.Objects[0].(*container.DocTabs); ok {
		t.Fatal("a tab strip with one tab")
	}
	onUI(mw, func() { press(mw, fyne.KeyT, ctrl|fyne.KeyModifierShift) })
	settle(t, mw)
	second := mw.objects
	if mw.tabs.Len() != 2 || second == first {
		t.Fatalf("Ctrl+Shift+T: %d tabs, front is the first: %v", mw.tabs.Len(), second == first)
	}
	dt, ok := mw.tabs.area.Objects[0].(*container.DocTabs)
	if !ok || len(dt.Items) != 2 || dt.SelectedIndex() != 1 {
		t.Fatal("no tab strip with the new tab selected")
	}
	onUI(mw, func() {
		if second.Bucket() != b || second.Prefix() != "a/" || !second.Listed("a/1.txt") {
			t.Fatalf("the new tab opened at %q %q", second.Bucket(), second.Prefix())
		}
		if second.CanGoBack() {
			t.Error("the new tab has the first tab's history")
		}
		if dt.Items[1].Text != "a/" {
			t.Errorf("tab title %q", dt.Items[1].Text)
		}
	})
	// Navigate the second tab; the first stays where it was.
	onUI(mw, func() { mw.objects.Open(b, "x/") })
	settle(t, mw)
	if first.Prefix() != "a/" || second.Prefix() != "x/" {
		t.Fatalf("places %q %q", first.Prefix(), second.Prefix())
	}
	if mw.win.Title() != b+"/x — S3 Desk" {
		t.Errorf("title %q", mw.win.Title())
	}
	// Alt+← in the second tab goes back within its own history.
	onUI(mw, func() { press(mw, fyne.KeyLeft, fyne.KeyModifierAlt) })
	settle(t, mw)
	if second.Prefix() != "a/" || first.Prefix() != "a/" || second.CanGoBack() {
		t.Fatalf("Back in tab 2: %q (tab 1 %q)", second.Prefix(), first.Prefix())
	}
	// Ctrl+PageUp brings the first tab in front; its Back goes to the root.
	onUI(mw, func() { press(mw, fyne.KeyPageUp, ctrl) })
	if mw.objects != first || dt.SelectedIndex() != 0 {
		t.Fatal("Ctrl+PageUp did not select the first tab")
	}
	onUI(mw, menuItem(t, mw.win.MainMenu(), "Go", "Back").Action)
	settle(t, mw)
	if first.Prefix() != "" || second.Prefix() != "a/" {
		t.Fatalf("Go → Back acted on %q / %q", first.Prefix(), second.Prefix())
	}
	// A third tab, then Ctrl+W twice: the tab in front closes each time.
	onUI(mw, func() { mw.tabs.New() })
	settle(t, mw)
	third := mw.objects
	onUI(mw, func() { press(mw, fyne.KeyW, ctrl) })
	if mw.tabs.Len() != 2 || mw.objects == third {
		t.Fatalf("Ctrl+W: %d tabs", mw.tabs.Len())
	}
	onUI(mw, func() { press(mw, fyne.KeyW, ctrl) })
	if mw.tabs.Len() != 1 {
		t.Fatalf("second Ctrl+W: %d tabs", mw.tabs.Len())
	}
	if _, ok := mw.tabs.area.Objects[0].(*container.DocTabs); ok {
		t.Fatal("the strip stayed with one tab")
	}
	left := mw.objects
	if left.CanvasObject() != mw.tabs.area.Objects[0] || !left.CanvasObject().Visible() {
		t.Fatal("the remaining tab is not shown")
	}
	onUI(mw, func() { press(mw, fyne.KeyW, ctrl) }) // the last tab stays
	if mw.tabs.Len() != 1 {
		t.Fatal("the last tab closed")
	}
	// The remaining tab still works.
	onUI(mw, func() { mw.objects.Open(b, "a/deeper/") })
	settle(t, mw)
	if !mw.objects.Listed("a/deeper/2.txt") {
		t.Fatal("the remaining tab does not list")
	}
}

// File → New window opens a second window with its own connection:
// switching its profile leaves the first alone; closing it does not quit,
// closing the last does.
func TestNewWindowHasItsOwnConnection(t *testing.T) {
	sandbox := s3test.StartFake(t)
	work := s3test.StartVersity(t)
	sb := sandbox.Bucket(t)
	wb := work.Bucket(t)
	store, err := profiles.Open(t.TempDir(), &guitest.MemKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	saveProfile(t, store, "Work", work, nil)
	a := test.NewTempApp(t)
	mw := profileWindow(t, a, store, sandbox, "")
	quits := 0
	mw.deps.group.quit = func() { quits++ }
	if _, quiet := mw.engines(mw.svc).(quietMaker); quiet {
		t.Fatal("the only window does not offer interrupted uploads")
	}
	var mw2 *MainWindow
	onUI(mw, func() { mw2 = mw.newWindow() })
	t.Cleanup(func() { mw2.wait(); closeIfOpen(a, mw2.win) })
	settle(t, mw2)
	if mw2.profile != profiles.SandboxName || mw2.service() == nil {
		t.Fatalf("the new window is not connected to the profile in use: %q", mw2.profile)
	}
	if mw2.svc == mw.svc {
		t.Fatal("the windows share one connection")
	}
	// The second window does not offer the journal's uploads, which may be
	// running in the first.
	if _, quiet := mw2.engines(mw2.svc).(quietMaker); !quiet {
		t.Error("a second window offers the journal's uploads as interrupted")
	}
	e, err := (quietMaker{mw2.svc.Engines}).NewEngine(t.Context(), t.TempDir(), transfer.TransferOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Resumable() != nil {
		t.Error("the quiet engine offers uploads")
	}
	if it := menuItem(t, mw.win.MainMenu(), "File", "New window"); it.Shortcut == nil {
		t.Error("File → New window has no shortcut")
	}
	onUI(mw2, func() { mw2.profiles.Select("Work") })
	settle(t, mw2)
	if mw2.profile != "Work" || mw.profile != profiles.SandboxName {
		t.Fatalf("profiles %q / %q", mw.profile, mw2.profile)
	}
	if got := bucketNames(mw2.buckets); !slices.Equal(got, []string{wb}) {
		t.Errorf("second window lists %v", got)
	}
	if got := bucketNames(mw.buckets); !slices.Equal(got, []string{sb}) {
		t.Errorf("first window lists %v", got)
	}
	if len(mw.windows()) != 2 {
		t.Fatalf("%d windows in the group", len(mw.windows()))
	}
	// Closing the first (the one started with the app) does not quit.
	onUI(mw, func() { mw.win.Close() })
	mw.wait()
	if quits != 0 {
		t.Fatal("closing one window quit the app")
	}
	onUI(mw2, func() { mw2.objects.Open(wb, "") })
	settle(t, mw2)
	if mw2.service() == nil || !mw2.objects.Idle() {
		t.Fatal("the second window died with the first")
	}
	onUI(mw2, func() { mw2.win.Close() })
	if quits != 1 {
		t.Fatalf("closing the last window: %d quits, want 1", quits)
	}
}
