package gui

import (
	"fmt"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// MenuActions are what the main menu and the keyboard shortcuts call. A nil
// action shows its menu item disabled.
type MenuActions struct {
	// File
	NewFolder, UploadFiles, UploadFolder, UploadWithOptions, Download, Settings, Quit func()
	Sync                                                                              func() // folder sync (gui/sync)
	// Edit
	CopyKey, CopyLink, SelectAll, Delete, Rename func()
	// View
	Refresh, ShowTransfers, ShowLinks func()
	ToggleHidden                      func(show bool)
	HiddenShown                       func() bool
	// Go
	Back, Up func()
	// Forward, tabs, windows, bookmarks and buckets opened by name
	// (gui/menunav.go).
	Forward, OpenByName, AddBookmark, NewTab, CloseTab, NextTab, PrevTab, NewWindow func()
	Bookmarks                                                                       []MenuBookmark
	// Help
	About, Shortcuts func()
	ShowLogFolder    func() // opens the log folder in the system file manager
	CopyDiagnostics  func() // versions, OS and profile kinds to the clipboard, no secrets
}

// shortcut is one keyboard binding: a modifier shortcut (registered on the
// canvas) or a plain key (handled through the canvas's typed-key hook).
type shortcut struct {
	Label  string
	Key    fyne.KeyName
	Mod    fyne.KeyModifier
	action func(MenuActions) func()
}

// Ctrl on Linux and Windows, Cmd on macOS.
const primary = fyne.KeyModifierShortcutDefault

// shortcuts are the bindings; their labels are catalogue keys (i18n:keys).
func shortcuts() []shortcut {
	return append([]shortcut{
		{"New folder", fyne.KeyN, primary | fyne.KeyModifierShift, func(a MenuActions) func() { return a.NewFolder }},
		{"Upload files…", fyne.KeyU, primary, func(a MenuActions) func() { return a.UploadFiles }},
		{"Upload folder…", fyne.KeyU, primary | fyne.KeyModifierShift, func(a MenuActions) func() { return a.UploadFolder }},
		{"Download…", fyne.KeyD, primary, func(a MenuActions) func() { return a.Download }},
		{"Settings…", fyne.KeyComma, primary, func(a MenuActions) func() { return a.Settings }},
		{"Quit", fyne.KeyQ, primary, func(a MenuActions) func() { return a.Quit }},
		{"Copy key", fyne.KeyC, primary | fyne.KeyModifierShift, func(a MenuActions) func() { return a.CopyKey }},
		{"Copy link", fyne.KeyL, primary, func(a MenuActions) func() { return a.CopyLink }},
		{"Select all", fyne.KeyA, primary, func(a MenuActions) func() { return a.SelectAll }},
		{"Delete", fyne.KeyDelete, 0, func(a MenuActions) func() { return a.Delete }},
		{"Rename", fyne.KeyF2, 0, func(a MenuActions) func() { return a.Rename }},
		{"Refresh", fyne.KeyR, primary, func(a MenuActions) func() { return a.Refresh }},
		{"Refresh", fyne.KeyF5, 0, func(a MenuActions) func() { return a.Refresh }},
		{"Show transfers", fyne.KeyT, primary, func(a MenuActions) func() { return a.ShowTransfers }},
		{"Show hidden", fyne.KeyH, primary, func(a MenuActions) func() {
			if a.ToggleHidden == nil {
				return nil
			}
			return func() { a.ToggleHidden(a.HiddenShown == nil || !a.HiddenShown()) }
		}},
		{"Back", fyne.KeyLeft, fyne.KeyModifierAlt, func(a MenuActions) func() { return a.Back }},
		{"Up", fyne.KeyUp, fyne.KeyModifierAlt, func(a MenuActions) func() { return a.Up }},
	}, navShortcuts()...)
}

func findShortcut(label string) *shortcut {
	for _, s := range shortcuts() {
		if s.Label == label {
			return &s
		}
	}
	return nil
}

// BuildMainMenu builds File, Edit, View, Go and Help. Its labels are
// catalogue keys, translated in item (i18n:keys).
func BuildMainMenu(a MenuActions) *fyne.MainMenu {
	item := func(label string, fn func()) *fyne.MenuItem {
		if s := findShortcut(label); s != nil {
			fn = s.action(a)
			it := fyne.NewMenuItem(lang.L(label), fn)
			// Plain keys (Delete, F2, F5) are shown too, except in macOS's
			// native menu, where a plain key equivalent would take the key
			// from text fields.
			if s.Mod != 0 || runtime.GOOS != "darwin" {
				it.Shortcut = &desktop.CustomShortcut{KeyName: s.Key, Modifier: s.Mod}
			}
			it.Disabled = fn == nil
			return it
		}
		it := fyne.NewMenuItem(lang.L(label), fn)
		it.Disabled = fn == nil
		return it
	}
	quit := item("Quit", nil)
	quit.IsQuit = true
	hidden := item("Show hidden", nil)
	if a.HiddenShown != nil {
		hidden.Checked = a.HiddenShown()
	}
	return fyne.NewMainMenu(
		fyne.NewMenu(lang.L("File"),
			item("New folder", nil), item("Upload files…", nil), item("Upload folder…", nil),
			item("Upload with options…", a.UploadWithOptions), item("Download…", nil),
			item(lang.L("Sync…"), a.Sync),
			fyne.NewMenuItemSeparator(), item(lblNewWindow(), nil), item(lblNewTab(), nil), item(lblCloseTab(), nil),
			fyne.NewMenuItemSeparator(), item("Settings…", nil), fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu(lang.L("Edit"),
			item("Copy key", nil), item("Copy link", nil), item("Select all", nil),
			fyne.NewMenuItemSeparator(), item("Rename", nil), item("Delete", nil)),
		fyne.NewMenu(lang.L("View"),
			item("Refresh", nil), item("Show transfers", nil), item("Shared links", a.ShowLinks), hidden),
		goMenu(a, item),
		fyne.NewMenu(lang.L("Help"), item("Keyboard shortcuts", a.Shortcuts), fyne.NewMenuItemSeparator(),
			item("Show log folder", a.ShowLogFolder), item("Copy diagnostics", a.CopyDiagnostics),
			fyne.NewMenuItemSeparator(), item("About S3 Desk", a.About)),
	)
}

// RegisterShortcuts binds every modifier shortcut of the menu on the canvas.
// Plain keys (Delete, F2, F5) go through HandleKey, because Fyne delivers them
// as typed keys rather than shortcuts.
func RegisterShortcuts(c fyne.Canvas, a MenuActions) {
	for _, s := range shortcuts() {
		fn := s.action(a)
		if s.Mod == 0 || fn == nil {
			continue
		}
		c.AddShortcut(&desktop.CustomShortcut{KeyName: s.Key, Modifier: s.Mod}, func(fyne.Shortcut) { fn() })
	}
	// Fyne delivers Ctrl+A (Cmd+A) as its own SelectAll shortcut, not as a
	// custom one.
	if a.SelectAll != nil {
		c.AddShortcut(&fyne.ShortcutSelectAll{}, func(fyne.Shortcut) { a.SelectAll() })
	}
	// Ctrl+C copies the selected keys when no text field has the focus
	// (the list handles it itself when focused). The menu shows
	// Ctrl+Shift+C, which works everywhere.
	if a.CopyKey != nil {
		c.AddShortcut(&fyne.ShortcutCopy{}, func(fyne.Shortcut) { a.CopyKey() })
	}
}

// HandleKey runs the action of a plain key and tells whether it had one.
func HandleKey(a MenuActions, ev *fyne.KeyEvent) bool {
	for _, s := range shortcuts() {
		if s.Mod == 0 && s.Key == ev.Name {
			if fn := s.action(a); fn != nil {
				fn()
				return true
			}
		}
	}
	return false
}

// ShortcutLabel renders a binding for the current platform, e.g. "Ctrl+Shift+N".
func ShortcutLabel(key fyne.KeyName, mod fyne.KeyModifier) string {
	out := ""
	if mod&fyne.KeyModifierControl != 0 {
		out += lang.X("key.Ctrl", "Ctrl") + "+" // Strg on German keyboards
	}
	if mod&fyne.KeyModifierSuper != 0 {
		out += "Cmd+"
	}
	if mod&fyne.KeyModifierAlt != 0 {
		out += "Alt+"
	}
	if mod&fyne.KeyModifierShift != 0 {
		out += lang.X("key.Shift", "Shift") + "+"
	}
	switch key {
	case fyne.KeyComma:
		return out + ","
	case fyne.KeyLeft:
		return out + "←"
	case fyne.KeyRight:
		return out + "→"
	case fyne.KeyPageUp:
		return fmt.Sprintf(lang.L("%sPageUp"), out)
	case fyne.KeyPageDown:
		return fmt.Sprintf(lang.L("%sPageDown"), out)
	case fyne.KeyUp:
		return out + "↑"
	}
	return out + string(key)
}

// extraKeys are bindings the object view handles itself, listed for the
// shortcuts help (i18n:keys).
var extraKeys = [][2]string{
	{"Open folder", "Enter or double-click"},
	{"Preview", "Space"},
	{"Edit a text file in place", "Ctrl+E"},
	{"Select several", "Ctrl-click, Shift-click"},
	{"Upload", "Drop files or folders on the window"},
	{"Move between fields and lists", "Tab, Shift+Tab"},
}

// ShowShortcutsDialog lists every keyboard shortcut.
func ShowShortcutsDialog(w fyne.Window) {
	grid := container.NewGridWithColumns(2)
	for _, s := range shortcuts() {
		grid.Add(widget.NewLabel(lang.L(s.Label)))
		grid.Add(widget.NewLabelWithStyle(ShortcutLabel(s.Key, s.Mod), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	}
	for _, k := range extraKeys {
		grid.Add(widget.NewLabel(lang.L(k[0])))
		grid.Add(widget.NewLabelWithStyle(lang.L(k[1]), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	}
	scroll := container.NewVScroll(grid)
	scroll.SetMinSize(fyne.NewSize(420, 420))
	dialog.ShowCustom(lang.L("Keyboard shortcuts"), lang.L("Close"), scroll, w)
}
