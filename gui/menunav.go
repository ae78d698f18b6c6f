package gui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// The main menu's navigation entries: Forward, tabs, windows, bookmarks
// and opening a bucket by name.

// MenuBookmark is one bookmark in Go → Bookmarks.
type MenuBookmark struct {
	Label string
	Open  func()
}

func lblForward() string     { return lang.L("Forward") }
func lblOpenByName() string  { return lang.L("Open a bucket by name…") }
func lblAddBookmark() string { return lang.L("Add bookmark…") }
func lblNewTab() string      { return lang.L("New tab") }
func lblCloseTab() string    { return lang.L("Close tab") }
func lblNextTab() string     { return lang.L("Next tab") }
func lblPrevTab() string     { return lang.L("Previous tab") }
func lblNewWindow() string   { return lang.L("New window") }

// navShortcuts are the bindings of these entries. Ctrl+T is Show transfers,
// so tabs take Ctrl+Shift+T (and Ctrl+W closes one, as in browsers).
func navShortcuts() []shortcut {
	return []shortcut{
		{lblForward(), fyne.KeyRight, fyne.KeyModifierAlt, func(a MenuActions) func() { return a.Forward }},
		{lblOpenByName(), fyne.KeyO, primary, func(a MenuActions) func() { return a.OpenByName }},
		{lblAddBookmark(), fyne.KeyB, primary, func(a MenuActions) func() { return a.AddBookmark }},
		{lblNewTab(), fyne.KeyT, primary | fyne.KeyModifierShift, func(a MenuActions) func() { return a.NewTab }},
		{lblCloseTab(), fyne.KeyW, primary, func(a MenuActions) func() { return a.CloseTab }},
		{lblNextTab(), fyne.KeyPageDown, primary, func(a MenuActions) func() { return a.NextTab }},
		{lblPrevTab(), fyne.KeyPageUp, primary, func(a MenuActions) func() { return a.PrevTab }},
		{lblNewWindow(), fyne.KeyN, primary, func(a MenuActions) func() { return a.NewWindow }},
	}
}

// goMenu is Go: Back, Forward, Up, the tabs, opening a bucket by name and
// the bookmarks.
func goMenu(a MenuActions, item func(string, func()) *fyne.MenuItem) *fyne.Menu {
	marks := fyne.NewMenuItem(lang.L("Bookmarks"), nil)
	var children []*fyne.MenuItem
	for _, b := range a.Bookmarks {
		children = append(children, fyne.NewMenuItem(b.Label, b.Open))
	}
	if len(children) == 0 {
		none := fyne.NewMenuItem(lang.L("No bookmarks yet"), nil)
		none.Disabled = true
		children = append(children, none)
	}
	marks.ChildMenu = fyne.NewMenu("", children...)
	return fyne.NewMenu(lang.L("Go"),
		item("Back", nil), item(lblForward(), nil), item("Up", nil),
		fyne.NewMenuItemSeparator(), item(lblNextTab(), nil), item(lblPrevTab(), nil),
		fyne.NewMenuItemSeparator(), item(lblOpenByName(), nil),
		fyne.NewMenuItemSeparator(), item(lblAddBookmark(), nil), marks)
}

// navNoDialog makes the navigation actions wait while a dialog is open
// (see whenNoDialog).
func navNoDialog(a *MenuActions, g func(func()) func()) {
	a.Forward, a.OpenByName, a.AddBookmark = g(a.Forward), g(a.OpenByName), g(a.AddBookmark)
	a.NewTab, a.CloseTab, a.NextTab, a.PrevTab, a.NewWindow = g(a.NewTab), g(a.CloseTab), g(a.NextTab), g(a.PrevTab), g(a.NewWindow)
	a.Bookmarks = slices.Clone(a.Bookmarks)
	for i := range a.Bookmarks {
		a.Bookmarks[i].Open = g(a.Bookmarks[i].Open)
	}
}
