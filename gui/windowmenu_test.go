package gui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/internal/guitest"
	"s3desk/gui/sharing"
	"s3desk/storage/ledger"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

func TestAppVersionReadsFyneAppToml(t *testing.T) {
	raw, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	got := AppVersion(raw)
	if got == "dev" || !strings.Contains(string(raw), `Version = "`+got+`"`) {
		t.Fatalf("AppVersion(FyneApp.toml) = %q", got)
	}
	for in, want := range map[string]string{
		"[Details]\nName = \"x\"\nVersion = \"2.3.4\" # comment\n":       "2.3.4",
		"[Other]\nVersion = \"9\"\n[Details]\n  Version=\"1.0.0-rc1\"\n": "1.0.0-rc1",
		"[Other]\nVersion = \"9\"\n":                                     "dev",
		"":                                                               "dev",
	} {
		if got := AppVersion([]byte(in)); got != want {
			t.Errorf("AppVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// useTempLedger points the main window's Sharer at a ledger in a temporary
// folder, not the user's.
func useTempLedger(t *testing.T, mw *MainWindow) *ledger.Store {
	t.Helper()
	led, err := ledger.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	onUI(mw, func() {
		mw.share = sharing.NewSharer(mw.win, mw.jobs, func() sharing.ShareStore {
			if s := mw.service(); s != nil {
				return s.Sharing
			}
			return nil
		}, func() string { return mw.profile }, func() (sharing.LinkLedger, error) { return led, nil })
	})
	return led
}

func TestMenuUploadDownloadAndCopyLink(t *testing.T) {
	srv := s3test.StartVersity(t)
	b1, _ := srv.Bucket(t), srv.Bucket(t) // two buckets: none opens by itself
	guitest.PutObject(t, srv.Client(t), b1, "docs/report.pdf", "%PDF-1.4 hello")
	mw := newSandboxWindow(t, srv)
	led := useTempLedger(t, mw)
	a := mw.menuActions()
	menu := BuildMainMenu(a)
	for _, l := range [][2]string{{"File", "Upload files…"}, {"File", "Upload folder…"}, {"File", "Download…"}, {"Edit", "Copy link"}} {
		if menuItem(t, menu, l[0], l[1]).Disabled {
			t.Fatalf("%s → %s is disabled", l[0], l[1])
		}
	}
	for name, fn := range map[string]func(){"UploadFiles": a.UploadFiles, "UploadFolder": a.UploadFolder, "Download": a.Download, "CopyLink": a.CopyLink} {
		// With no bucket open, each says what to do and opens nothing.
		onUI(mw, func() { mw.status.Say("") })
		onUI(mw, fn)
		mw.wait()
		if !strings.Contains(mw.status.idle, "Open a bucket first") || mw.win.Canvas().Overlays().Top() != nil {
			t.Fatalf("%s with no bucket open: status %q", name, mw.status.idle)
		}
	}

	onUI(mw, func() { mw.objects.Open(b1, "docs/") })
	settle(t, mw)

	// Upload files… and Upload folder… open a chooser.
	for _, fn := range []func(){a.UploadFiles, a.UploadFolder} {
		onUI(mw, fn)
		top := mw.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("Upload did not open a file chooser")
		}
		onUI(mw, top.Hide)
	}
	// Download… with nothing selected says so; with a selection it asks
	// for a folder.
	onUI(mw, a.Download)
	if !strings.Contains(mw.status.idle, "Select files") {
		t.Fatalf("Download with nothing selected: %q", mw.status.idle)
	}
	onUI(mw, func() { selectKey(t, mw, "docs/report.pdf") })
	onUI(mw, a.Download)
	if top := mw.win.Canvas().Overlays().Top(); top == nil {
		t.Fatal("Download did not ask for a folder")
	} else {
		onUI(mw, top.Hide)
	}

	// Copy link uses the expiry from Settings and records the link.
	s := LoadSettings(mw.app.Preferences())
	s.PresignExpiry = 2 * time.Hour
	if err := s.Save(mw.app.Preferences()); err != nil {
		t.Fatal(err)
	}
	onUI(mw, a.CopyLink)
	mw.wait()
	url := mw.app.Clipboard().Content()
	if !strings.Contains(url, "report.pdf") || !strings.Contains(url, "X-Amz-Expires=7200") {
		t.Fatalf("copied %q (status %q)", url, mw.status.idle)
	}
	if !strings.Contains(mw.status.idle, "Copied the link to “report.pdf”") {
		t.Fatalf("status %q", mw.status.idle)
	}
	links, err := led.List(context.Background())
	if err != nil || len(links) != 1 || links[0].URL != url || links[0].Key != "docs/report.pdf" {
		t.Fatalf("ledger %v %v", links, err)
	}
	// The right-click menu offers it for files, not for folders.
	hasCopyLink := func() bool {
		for _, it := range mw.objects.ContextMenu().Items {
			if it.Label == "Copy link" {
				return true
			}
		}
		return false
	}
	if !hasCopyLink() {
		t.Fatal("the right-click menu of a file has no Copy link")
	}
	// Folders have no link.
	onUI(mw, func() { mw.objects.Open(b1, "") })
	settle(t, mw)
	onUI(mw, func() { selectKey(t, mw, "docs/") })
	if hasCopyLink() {
		t.Fatal("the right-click menu of a folder offers Copy link")
	}
	onUI(mw, a.CopyLink)
	mw.wait()
	if !strings.Contains(mw.status.idle, "Select one or more files") {
		t.Fatalf("Copy link on a folder: %q", mw.status.idle)
	}
}

func TestFinishedUploadShowsInViewedFolder(t *testing.T) {
	srv := s3test.StartVersity(t)
	b1, _ := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b1, "docs/old.txt", "old")
	mw := newSandboxWindow(t, srv)
	onUI(mw, func() { mw.objects.Open(b1, "docs/") })
	settle(t, mw)

	guitest.PutObject(t, srv.Client(t), b1, "docs/new.txt", "new")
	guitest.PutObject(t, srv.Client(t), b1, "other/x.txt", "x")
	// A batch elsewhere leaves the view alone; one into this folder
	// refreshes it.
	onUI(mw, func() {
		mw.uploaded(transfer.BatchResult{Items: []transfer.Progress{{Upload: true, Bucket: b1, Key: "other/x.txt", State: transfer.StateDone}}})
	})
	settle(t, mw)
	if mw.objects.Listed("docs/new.txt") {
		t.Fatal("an upload elsewhere refreshed the view")
	}
	onUI(mw, func() {
		mw.uploaded(transfer.BatchResult{Items: []transfer.Progress{{Upload: true, Bucket: b1, Key: "docs/new.txt", State: transfer.StateDone}}})
	})
	settle(t, mw)
	if !mw.objects.Listed("docs/new.txt") {
		t.Fatal("the uploaded file does not show in the folder being viewed")
	}
}

func TestDeleteWithoutConfirmationWhenTurnedOff(t *testing.T) {
	srv := s3test.StartVersity(t)
	b1, _ := srv.Bucket(t), srv.Bucket(t)
	c := srv.Client(t)
	guitest.PutObject(t, c, b1, "a.txt", "a")
	guitest.PutObject(t, c, b1, "dir/b.txt", "b")
	mw := newSandboxWindow(t, srv)
	s := LoadSettings(mw.app.Preferences())
	s.ConfirmDelete = false
	if err := s.Save(mw.app.Preferences()); err != nil {
		t.Fatal(err)
	}
	onUI(mw, func() { mw.objects.Open(b1, "") })
	settle(t, mw)

	// A file goes at once.
	onUI(mw, func() { selectKey(t, mw, "a.txt"); mw.objects.DeleteSelected() })
	settle(t, mw)
	if top := mw.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("deleting a file asked although confirmation is off: %q", overlayText(mw))
	}
	if mw.objects.Listed("a.txt") {
		t.Fatal("a.txt was not deleted")
	}
	// A folder still asks.
	onUI(mw, func() { selectKey(t, mw, "dir/"); mw.objects.DeleteSelected() })
	settle(t, mw)
	txt := overlayText(mw)
	if !strings.Contains(txt, "holding 1 object") {
		t.Fatalf("deleting a folder did not ask: %q", txt)
	}
	onUI(mw, func() { mw.win.Canvas().Overlays().Top().Hide() })
	if !mw.objects.Listed("dir/") {
		t.Fatal("the folder went without confirmation")
	}
}

func TestSettingsSavedSaysWhenTransferSettingsApply(t *testing.T) {
	a := DefaultSettings()
	b := a
	b.PartSizeMiB = 32
	if got := settingsSavedText(a, b, true); !strings.Contains(got, "next start") {
		t.Fatalf("a part size change while connected says %q", got)
	}
	if got := settingsSavedText(a, b, false); got != "Settings saved" {
		t.Fatalf("not connected: %q", got)
	}
	b = a
	b.ShowHidden = true
	if got := settingsSavedText(a, b, true); got != "Settings saved" {
		t.Fatalf("an unrelated change: %q", got)
	}
}

func TestCtrlAAndCtrlCWorkWhenNothingHasFocus(t *testing.T) {
	n, copied := 0, 0
	w := test.NewTempWindow(t, widget.NewLabel("x"))
	RegisterShortcuts(w.Canvas(), MenuActions{SelectAll: func() { n++ }, CopyKey: func() { copied++ }})
	w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(&fyne.ShortcutSelectAll{})
	w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(&fyne.ShortcutCopy{})
	if n != 1 || copied != 1 {
		t.Fatalf("Ctrl+A ran Select all %d times, Ctrl+C Copy key %d times", n, copied)
	}
}

func TestKeysWaitWhileADialogIsOpen(t *testing.T) {
	srv := s3test.StartVersity(t)
	b1, _ := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b1, "a.txt", "a")
	mw := newSandboxWindow(t, srv)
	onUI(mw, func() { mw.objects.Open(b1, "") })
	settle(t, mw)
	onUI(mw, func() { selectKey(t, mw, "a.txt") })
	c := mw.win.Canvas()
	onUI(mw, func() { dialog.ShowInformation("Hello", "A dialog is open", mw.win) })
	info := c.Overlays().Top()
	onUI(mw, func() {
		c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyDelete})
		c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF2})
		c.(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	})
	// The real driver runs a menu item's shortcut straight from the menu.
	onUI(mw, menuItem(t, mw.win.MainMenu(), "File", "New folder").Action)
	onUI(mw, menuItem(t, mw.win.MainMenu(), "Edit", "Delete").Action)
	mw.wait()
	if c.Overlays().Top() != info || len(c.Overlays().List()) != 1 {
		t.Fatalf("keys pressed in a dialog acted on the list behind it: %q", overlayText(mw))
	}
	// With the dialog closed, Delete asks about the selected file again.
	onUI(mw, info.Hide)
	onUI(mw, func() { c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyDelete}) })
	mw.wait()
	if txt := overlayText(mw); !strings.Contains(txt, "1 file") {
		t.Fatalf("Delete with no dialog open: %q", txt)
	}
}

func TestEscapeClosesTheDialogAsCancel(t *testing.T) {
	srv := s3test.StartVersity(t)
	b1, _ := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b1, "a.txt", "a")
	mw := newSandboxWindow(t, srv)
	onUI(mw, func() { mw.objects.Open(b1, "") })
	settle(t, mw)
	c := mw.win.Canvas()
	esc := func() { onUI(mw, func() { c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) }); mw.wait() }

	onUI(mw, func() { dialog.ShowInformation("Hello", "Press Escape", mw.win) })
	esc()
	if c.Overlays().Top() != nil {
		t.Fatal("Escape left the message open")
	}
	// The delete confirmation closes as Cancel: nothing is deleted.
	onUI(mw, func() { selectKey(t, mw, "a.txt"); mw.objects.DeleteSelected() })
	if !strings.Contains(overlayText(mw), "1 file") {
		t.Fatalf("no confirmation: %q", overlayText(mw))
	}
	esc()
	settle(t, mw)
	if c.Overlays().Top() != nil || !mw.objects.Listed("a.txt") {
		t.Fatal("Escape did not cancel the delete")
	}
	if _, err := srv.Client(t).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &b1, Key: aws.String("a.txt")}); err != nil {
		t.Fatalf("a.txt is gone: %v", err)
	}
	// Properties closes too.
	onUI(mw, func() { mw.objects.ShowProperties() })
	settle(t, mw)
	if c.Overlays().Top() == nil {
		t.Fatal("no Properties dialog")
	}
	esc()
	if c.Overlays().Top() != nil {
		t.Fatalf("Escape left Properties open: %q", overlayText(mw))
	}
	// With no dialog, Escape is the list's (clears the selection) and harmless here.
	esc()

	// Dialogs whose text field has the focus close too, as Cancel.
	for name, open := range map[string]func(){
		"New folder": mw.objects.NewFolder,
		"Rename":     func() { selectKey(t, mw, "a.txt"); mw.objects.RenameSelected() },
		"Find":       mw.objects.ShowFind,
	} {
		onUI(mw, open)
		var f fyne.Focusable
		onUI(mw, func() { f = c.Focused() })
		if c.Overlays().Top() == nil || f == nil {
			t.Fatalf("%s: no dialog with a focused field", name)
		}
		onUI(mw, func() {
			test.Type(f.(fyne.Focusable), "zz")
			f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		})
		settle(t, mw)
		if c.Overlays().Top() != nil {
			t.Fatalf("%s: Escape in its field left the dialog open", name)
		}
	}
	if mw.objects.Listed("zz/") || !mw.objects.Listed("a.txt") {
		t.Fatal("a cancelled dialog changed the bucket")
	}
}

func TestSettingsWindowOpensAtAUsableSize(t *testing.T) {
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{})
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	onUI(mw, mw.showSettings)
	if mw.settings == nil {
		t.Fatal("no Settings window")
	}
	t.Cleanup(mw.settings.Close)
	mw.wait()
	if s := mw.settings.Canvas().Size(); s.Width < 600 || s.Height < 600 {
		t.Fatalf("Settings opens at %v: its sections would be cut off", s)
	}
}

func TestSettingsSaveAppliesBandwidthAndExpiryAtOnce(t *testing.T) {
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{})
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	onUI(mw, func() {
		mw.share = sharing.NewSharer(mw.win, mw.jobs, func() sharing.ShareStore { return nil }, nil, nil)
	})
	onUI(mw, mw.showSettings)
	t.Cleanup(mw.settings.Close)
	var entries []*widget.Entry
	var save *widget.Button
	var expiry *widget.Select
	mw.wait()
	onUI(mw, func() {
		for _, o := range test.LaidOutObjects(mw.settings.Content()) {
			switch x := o.(type) {
			case *widget.Entry:
				entries = append(entries, x)
			case *widget.Button:
				if x.Text == "Save" {
					save = x
				}
			case *widget.Select:
				if x.Selected == "1 hour" {
					expiry = x
				}
			}
		}
	})
	if len(entries) < 3 || save == nil || expiry == nil {
		t.Fatalf("Settings form: %d entries, save %v, expiry %v", len(entries), save != nil, expiry != nil)
	}
	onUI(mw, func() {
		entries[2].SetText("3") // bandwidth limit, MiB/s
		expiry.SetSelected("1 day")
		test.Tap(save)
	})
	if got := mw.xfer.Rate(); got != 3<<20 {
		t.Fatalf("bandwidth limit %d B/s after saving 3 MiB/s", got)
	}
	if mw.share.DefaultExpiry != 24*time.Hour {
		t.Fatalf("the open Sharer still uses %v", mw.share.DefaultExpiry)
	}
}
