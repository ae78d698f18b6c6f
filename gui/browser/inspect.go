package browser

import (
	"fyne.io/fyne/v2"

	"s3desk/storage"
)

// These read the view's state for the shell and its tests. Call them on
// the UI goroutine.

// Idle tells whether the listing is complete and no operation runs.
func (v *ObjectsView) Idle() bool { return v.complete && v.ops == 0 }

// Actions are the callbacks of other features the view was given.
func (v *ObjectsView) Actions() ObjectActions { return v.actions }

// Listed tells whether key is in the loaded listing (shown or filtered out).
func (v *ObjectsView) Listed(key string) bool { return v.rowOfKey(key) }

// Shown is the entry of key when its row is shown.
func (v *ObjectsView) Shown(key string) (storage.Entry, bool) {
	r := v.rowOf(key)
	if r < 0 {
		return storage.Entry{}, false
	}
	return v.entries[v.rows[r]], true
}

// ClickKey selects the row of key as a plain click would; false if it is
// not shown.
func (v *ObjectsView) ClickKey(key string) bool {
	r := v.rowOf(key)
	if r < 0 {
		return false
	}
	v.clickRow(r, 0)
	return true
}

// ContextMenu is the menu a right-click on the selection opens.
func (v *ObjectsView) ContextMenu() *fyne.Menu { return v.contextMenu() }

// MoreMenu is the toolbar's "more" menu.
func (v *ObjectsView) MoreMenu() *fyne.Menu { return v.moreMenu() }
