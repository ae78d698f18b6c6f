package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/assets"
)

func menuItem(t *testing.T, m *fyne.MainMenu, menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, mm := range m.Items {
		if mm.Label != menu {
			continue
		}
		for _, it := range mm.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("menu %s has no item %q", menu, label)
	return nil
}

func TestMainMenuHasTheExpectedItems(t *testing.T) {
	calls := 0
	a := MenuActions{Refresh: func() { calls++ }}
	m := BuildMainMenu(a)
	want := map[string][]string{
		"File": {"New folder", "Upload files…", "Upload folder…", "Download…", "Settings…", "Quit"},
		"Edit": {"Copy key", "Copy link", "Select all", "Delete", "Rename"},
		"View": {"Refresh", "Show transfers", "Show hidden"},
		"Go":   {"Back", "Up"},
		"Help": {"About S3 Desk", "Copy diagnostics", "Keyboard shortcuts", "Show log folder"},
	}
	for menu, labels := range want {
		for _, l := range labels {
			menuItem(t, m, menu, l)
		}
	}
	if !menuItem(t, m, "File", "Quit").IsQuit {
		t.Fatal("Quit must be the quit item")
	}
	if !menuItem(t, m, "Edit", "Rename").Disabled {
		t.Fatal("an item without an action must be disabled")
	}
	r := menuItem(t, m, "View", "Refresh")
	if r.Disabled || r.Shortcut == nil {
		t.Fatal("Refresh should be enabled and show its shortcut")
	}
	r.Action()
	if calls != 1 {
		t.Fatalf("Refresh action ran %d times", calls)
	}
}

func TestShortcutsCallTheirActions(t *testing.T) {
	var got []string
	rec := func(name string) func() { return func() { got = append(got, name) } }
	a := MenuActions{
		Refresh: rec("refresh"), UploadFiles: rec("upload"), Back: rec("back"), Delete: rec("delete"), Rename: rec("rename"),
		ToggleHidden: func(show bool) { got = append(got, map[bool]string{true: "show", false: "hide"}[show]) },
		HiddenShown:  func() bool { return false },
	}
	w := test.NewWindow(widget.NewLabel("x"))
	defer w.Close()
	RegisterShortcuts(w.Canvas(), a)

	type sc = desktop.CustomShortcut
	for _, s := range []*sc{
		{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.KeyU, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.KeyLeft, Modifier: fyne.KeyModifierAlt},
		{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault},
	} {
		w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(s)
	}
	if !HandleKey(a, &fyne.KeyEvent{Name: fyne.KeyDelete}) || !HandleKey(a, &fyne.KeyEvent{Name: fyne.KeyF2}) {
		t.Fatal("plain keys not handled")
	}
	if HandleKey(a, &fyne.KeyEvent{Name: fyne.KeyF9}) {
		t.Fatal("an unbound key claimed to be handled")
	}
	want := "refresh,upload,back,show,delete,rename"
	if strings.Join(got, ",") != want {
		t.Fatalf("actions ran %v, want %s", got, want)
	}
}

func TestAboutShowsVersionLicenceAndCredits(t *testing.T) {
	v := NewAboutView("1.2.3", assets.Icon())
	w := test.NewWindow(v.CanvasObject())
	defer w.Close()
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			texts = append(texts, x.Text)
		case *widget.Form:
			for _, it := range x.Items {
				texts = append(texts, it.Text)
				walk(it.Widget)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(v.CanvasObject())
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Version 1.2.3", Licence, "fyne.io/fyne/v2", "github.com/aws/aws-sdk-go-v2"} {
		if !strings.Contains(all, want) {
			t.Fatalf("About lacks %q:\n%s", want, all)
		}
	}
}
