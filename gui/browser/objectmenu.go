package browser

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// SetActions replaces the callbacks of other features; the toolbar, menus
// and empty state follow.
func (v *ObjectsView) SetActions(a ObjectActions) {
	v.actions = a
	v.showState()
}

// actionsMask says which callbacks are set, to notice when they change.
func actionsMask(a ObjectActions) uint16 {
	var m uint16
	for i, set := range []bool{a.UploadFiles != nil, a.UploadFolder != nil, a.Download != nil, a.Share != nil,
		a.MakePublic != nil, a.PublishIndex != nil, a.Preview != nil, a.CombineCSV != nil, a.Incomplete != nil} {
		if set {
			m |= 1 << i
		}
	}
	return m | 1<<15 // "built at least once"
}

// syncActions rebuilds the toolbar and empty state when the set of
// callbacks has changed (also when a caller assigned v.actions directly).
func (v *ObjectsView) syncActions() {
	if m := actionsMask(v.actions); m != v.builtMask {
		v.builtMask = m
		v.buildToolbar()
		v.buildEmptyState()
	}
}

// buildToolbar makes the action bar. Buttons of other features appear only
// when their callback is set; they call the current callback when tapped.
func (v *ObjectsView) buildToolbar() {
	a := v.actions
	btn := func(label string, icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, f)
		b.Importance = widget.LowImportance
		return b
	}
	upFiles := func() {
		if f := v.actions.UploadFiles; f != nil {
			f(v.bucket, v.prefix)
		}
	}
	upFolder := func() {
		if f := v.actions.UploadFolder; f != nil {
			f(v.bucket, v.prefix)
		}
	}
	var left []fyne.CanvasObject
	v.uploadBtn, v.selButtons = nil, nil
	switch {
	case a.UploadFiles != nil && a.UploadFolder != nil:
		v.uploadBtn = btn(lang.L("Upload"), theme.UploadIcon(), nil)
		v.uploadBtn.OnTapped = func() {
			m := fyne.NewMenu("",
				fyne.NewMenuItem(lang.L("Upload files…"), upFiles),
				fyne.NewMenuItem(lang.L("Upload folder…"), upFolder))
			v.popUpBelow(m, v.uploadBtn)
		}
	case a.UploadFiles != nil:
		v.uploadBtn = btn(lang.L("Upload files…"), theme.UploadIcon(), upFiles)
	case a.UploadFolder != nil:
		v.uploadBtn = btn(lang.L("Upload folder…"), theme.UploadIcon(), upFolder)
	}
	if v.uploadBtn != nil {
		v.uploadBtn.Importance = widget.HighImportance
		left = append(left, v.uploadBtn)
	}
	v.newFolder = btn(lang.L("New folder"), theme.FolderNewIcon(), v.NewFolder)
	left = append(left, v.newFolder)
	sel := func(b *widget.Button) *widget.Button {
		v.selButtons = append(v.selButtons, b)
		left = append(left, b)
		return b
	}
	if a.Download != nil {
		sel(btn(lang.L("Download"), theme.DownloadIcon(), func() {
			if f := v.actions.Download; f != nil && len(v.selected) > 0 {
				f(v.bucket, v.Selected())
			}
		}))
	}
	if a.Share != nil {
		sel(btn(lang.L("Share"), theme.MailForwardIcon(), func() {
			if f := v.actions.Share; f != nil && len(v.selected) > 0 {
				f(v.bucket, v.Selected())
			}
		}))
	}
	sel(btn(lang.L("Rename"), theme.DocumentCreateIcon(), v.RenameSelected))
	sel(btn(lang.L("Delete"), theme.DeleteIcon(), v.DeleteSelected))
	v.propsBtn = btn(lang.L("Properties"), theme.InfoIcon(), v.ShowProperties)
	left = append(left, v.propsBtn)
	v.moreBtn = btn("", theme.MoreHorizontalIcon(), nil)
	v.moreBtn.OnTapped = func() { v.popUpBelow(v.moreMenu(), v.moreBtn) }
	left = append(left, v.moreBtn)
	v.refreshBtn = btn("", theme.ViewRefreshIcon(), v.Refresh)
	objs := append(left, layout.NewSpacer(), v.refreshBtn)
	if v.toolbar == nil {
		v.toolbar = container.NewHBox(objs...)
	} else {
		v.toolbar.Objects = objs
		v.toolbar.Refresh()
	}
}

// updateButtons enables what the current selection allows.
func (v *ObjectsView) updateButtons() {
	open := v.bucket != "" && v.store != nil
	n := len(v.selected)
	for _, b := range v.selButtons {
		ok := open && n > 0
		if b.Text == lang.L("Rename") {
			ok = open && n == 1
		}
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	for _, b := range []*widget.Button{v.newFolder, v.refreshBtn, v.uploadBtn, v.moreBtn, v.propsBtn} {
		if b == nil {
			continue
		}
		if open {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (v *ObjectsView) popUpBelow(m *fyne.Menu, under fyne.CanvasObject) {
	if v.win == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(under).AddXY(0, under.Size().Height)
	widget.ShowPopUpMenuAtPosition(m, v.win.Canvas(), pos)
}

// moreMenu holds the less frequent actions.
func (v *ObjectsView) moreMenu() *fyne.Menu {
	a := v.actions
	sel := v.Selected()
	var items []*fyne.MenuItem
	add := func(label string, enabled bool, f func()) {
		it := fyne.NewMenuItem(label, f)
		it.Disabled = !enabled
		items = append(items, it)
	}
	if a.UploadWithOptions != nil {
		add(lang.L("Upload with options…"), true, func() { a.UploadWithOptions(v.bucket, v.prefix) })
	}
	add(lang.L("Copy key"), len(sel) > 0, v.CopyKeys)
	add(lang.L("Select all"), len(v.rows) > 0, v.SelectAll)
	add(lang.L("Find in bucket…"), true, v.ShowFind)
	add(lang.L("Folder size…"), true, v.ShowFolderSize)
	items = append(items, v.settingsMenuItems()...)
	if a.MakePublic != nil {
		add(lang.L("Make public"), len(sel) > 0, func() { a.MakePublic(v.bucket, v.Selected(), true) })
		add(lang.L("Make private"), len(sel) > 0, func() { a.MakePublic(v.bucket, v.Selected(), false) })
	}
	if a.PublishIndex != nil {
		add(lang.L("Publish index page"), true, func() { a.PublishIndex(v.bucket, v.prefix) })
	}
	if a.CombineCSV != nil {
		add(lang.L("Combine CSVs…"), true, func() { a.CombineCSV(v.bucket, v.prefix, v.Selected()) })
	}
	if a.Incomplete != nil {
		add(lang.L("Incomplete uploads…"), true, func() { a.Incomplete(v.bucket) })
	}
	if a.Bulk != nil {
		add(lang.L("Bulk action…"), true, func() { a.Bulk(v.bucket, v.prefix, v.Selected()) })
	}
	if a.Sync != nil {
		add(lang.L("Sync this folder…"), true, func() { a.Sync(v.bucket, v.prefix) })
	}
	return fyne.NewMenu("", items...)
}

// contextMenu is the right-click menu for the selection.
func (v *ObjectsView) contextMenu() *fyne.Menu {
	a := v.actions
	sel := v.Selected()
	var items []*fyne.MenuItem
	add := func(label string, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		items = append(items, it)
		return it
	}
	single := len(sel) == 1
	if single && sel[0].IsFolder {
		add(lang.L("Open"), func() { v.Open(v.bucket, sel[0].Key) })
	}
	if single && !sel[0].IsFolder && a.Preview != nil {
		add(lang.L("Preview"), func() { a.Preview(v.bucket, sel[0]) }).Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeySpace}
	}
	if single && !sel[0].IsFolder && a.Edit != nil {
		add(lang.L("Edit"), func() { a.Edit(v.bucket, sel[0]) }).Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	}
	if a.Download != nil {
		add(lang.L("Download…"), func() { a.Download(v.bucket, sel) })
	}
	if a.Share != nil {
		add(lang.L("Share…"), func() { a.Share(v.bucket, sel) })
	}
	if a.MakePublic != nil {
		add(lang.L("Make public"), func() { a.MakePublic(v.bucket, sel, true) })
		add(lang.L("Make private"), func() { a.MakePublic(v.bucket, sel, false) })
	}
	if a.CopyTo != nil {
		add(lang.L("Copy to…"), func() { a.CopyTo(v.bucket, sel, false) })
		add(lang.L("Move to…"), func() { a.CopyTo(v.bucket, sel, true) })
	}
	if a.CombineCSV != nil && allCSV(sel) && len(sel) > 1 {
		add(lang.L("Combine CSVs…"), func() { a.CombineCSV(v.bucket, v.prefix, sel) })
	}
	if a.CombineCSV != nil && single && sel[0].IsFolder {
		add(lang.L("Combine CSVs…"), func() { a.CombineCSV(v.bucket, sel[0].Key, sel) }) // every .csv under the folder
	}
	if len(items) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
	}
	add(lang.L("Copy key"), v.CopyKeys).Shortcut = &fyne.ShortcutCopy{}
	if a.CopyLink != nil && anyFile(sel) {
		add(lang.L("Copy link"), func() { a.CopyLink(v.bucket, sel) }).Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	}
	if single {
		add(lang.L("Rename…"), v.RenameSelected).Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF2}
	}
	add(lang.L("Properties…"), v.ShowProperties)
	items = append(items, v.settingsMenuItems()...) // tags, storage class, restore (objsettings.go)
	if a.Bulk != nil {
		add(lang.L("Bulk action…"), func() { a.Bulk(v.bucket, v.prefix, sel) })
	}
	items = append(items, fyne.NewMenuItemSeparator())
	del := add(lang.L("Delete…"), v.DeleteSelected)
	del.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyDelete}
	del.Icon = theme.DeleteIcon()
	return fyne.NewMenu("", items...)
}

// folderMenu is the right-click menu of the empty area: the open folder's
// actions.
func (v *ObjectsView) folderMenu() *fyne.Menu {
	a := v.actions
	items := []*fyne.MenuItem{fyne.NewMenuItem(lang.L("New folder…"), v.NewFolder)}
	if a.UploadFiles != nil {
		items = append(items, fyne.NewMenuItem(lang.L("Upload files…"), func() { a.UploadFiles(v.bucket, v.prefix) }))
	}
	if a.UploadFolder != nil {
		items = append(items, fyne.NewMenuItem(lang.L("Upload folder…"), func() { a.UploadFolder(v.bucket, v.prefix) }))
	}
	if a.UploadWithOptions != nil {
		items = append(items, fyne.NewMenuItem(lang.L("Upload with options…"), func() { a.UploadWithOptions(v.bucket, v.prefix) }))
	}
	items = append(items, fyne.NewMenuItemSeparator())
	refresh := fyne.NewMenuItem(lang.L("Refresh"), v.Refresh)
	refresh.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF5}
	items = append(items, refresh,
		fyne.NewMenuItem(lang.L("Select all"), v.SelectAll),
		fyne.NewMenuItem(lang.L("Folder size…"), v.ShowFolderSize),
		fyne.NewMenuItem(lang.L("Find in bucket…"), v.ShowFind))
	if a.PublishIndex != nil {
		items = append(items, fyne.NewMenuItem(lang.L("Publish index page…"), func() { a.PublishIndex(v.bucket, v.prefix) }))
	}
	if a.Sync != nil {
		items = append(items, fyne.NewMenuItem(lang.L("Sync this folder…"), func() { a.Sync(v.bucket, v.prefix) }))
	}
	return fyne.NewMenu("", items...)
}

func allCSV(es []storage.Entry) bool {
	for _, e := range es {
		if e.IsFolder || !strings.HasSuffix(strings.ToLower(e.Key), ".csv") {
			return false
		}
	}
	return len(es) > 0
}

func (v *ObjectsView) showContextMenu(pos fyne.Position) {
	if v.win == nil || len(v.selected) == 0 {
		return
	}
	widget.ShowPopUpMenuAtPosition(v.contextMenu(), v.win.Canvas(), pos)
}

// typedKey handles the keys of the focused list.
func (v *ObjectsView) typedKey(e *fyne.KeyEvent) {
	shift := v.list.shift
	switch e.Name {
	case fyne.KeyDown:
		v.moveCursor(1, shift)
	case fyne.KeyUp:
		v.moveCursor(-1, shift)
	case fyne.KeyPageDown:
		v.moveCursor(20, shift)
	case fyne.KeyPageUp:
		v.moveCursor(-20, shift)
	case fyne.KeyHome:
		v.moveCursor(-len(v.rows), shift)
	case fyne.KeyEnd:
		v.moveCursor(len(v.rows), shift)
	case fyne.KeyReturn, fyne.KeyEnter:
		v.openSelected()
	case fyne.KeyBackspace:
		v.Up()
	case fyne.KeyDelete:
		v.DeleteSelected()
	case fyne.KeyF2:
		v.RenameSelected()
	case fyne.KeyF5:
		v.Refresh()
	case fyne.KeyEscape:
		v.clearSelection()
	case fyne.KeySpace:
		v.previewSelected()
	}
}

// typedShortcut handles the list's shortcuts; false lets the window have it.
func (v *ObjectsView) typedShortcut(s fyne.Shortcut) bool {
	switch s := s.(type) {
	case *fyne.ShortcutSelectAll:
		v.SelectAll()
		return true
	case *fyne.ShortcutCopy:
		v.CopyKeys()
		return true
	case *desktop.CustomShortcut:
		ctrl := s.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
		shift := s.Modifier&fyne.KeyModifierShift != 0
		alt := s.Modifier&fyne.KeyModifierAlt != 0
		switch {
		case ctrl && !shift && s.KeyName == fyne.KeyR:
			v.Refresh()
		case ctrl && shift && s.KeyName == fyne.KeyN:
			v.NewFolder()
		case ctrl && shift && s.KeyName == fyne.KeyF:
			v.ShowFind()
		case ctrl && !shift && s.KeyName == fyne.KeyF:
			v.win.Canvas().Focus(v.filterEntry)
		case ctrl && s.KeyName == fyne.KeyI:
			v.ShowProperties()
		case ctrl && !shift && s.KeyName == fyne.KeyE:
			if sel := v.Selected(); len(sel) == 1 && !sel[0].IsFolder && v.actions.Edit != nil {
				v.actions.Edit(v.bucket, sel[0])
			}
		case ctrl && s.KeyName == fyne.KeyBackspace:
			v.DeleteSelected()
		case (alt || ctrl) && s.KeyName == fyne.KeyUp:
			v.Up()
		case alt && s.KeyName == fyne.KeyLeft:
			v.Back()
		case ctrl && s.KeyName == fyne.KeyDown:
			v.openSelected()
		default:
			return false
		}
		return true
	}
	return false
}

// openSelected opens the selected folder, or previews the selected file.
func (v *ObjectsView) openSelected() {
	sel := v.Selected()
	if len(sel) != 1 {
		return
	}
	if sel[0].IsFolder {
		v.Open(v.bucket, sel[0].Key)
	} else if v.actions.Preview != nil {
		v.actions.Preview(v.bucket, sel[0])
	}
}

func (v *ObjectsView) previewSelected() {
	sel := v.Selected()
	if len(sel) == 1 && !sel[0].IsFolder && v.actions.Preview != nil {
		v.actions.Preview(v.bucket, sel[0])
	}
}

// CopyKeys puts the selected keys on the clipboard, one a line.
func (v *ObjectsView) CopyKeys() {
	sel := v.Selected()
	if len(sel) == 0 {
		return
	}
	keys := make([]string, len(sel))
	for i, e := range sel {
		keys[i] = e.Key
	}
	if app := fyne.CurrentApp(); app != nil {
		app.Clipboard().SetContent(strings.Join(keys, "\n"))
	}
	if len(keys) == 1 {
		v.setStatus(fmt.Sprintf(lang.L("Copied the key “%s”"), keys[0]))
	} else {
		v.setStatus(fmt.Sprintf(lang.L("Copied %s"), widgets.Count(len(keys), "key", "keys")))
	}
}

// anyFile reports whether entries hold a file (not only folders).
func anyFile(entries []storage.Entry) bool {
	for _, e := range entries {
		if !e.IsFolder {
			return true
		}
	}
	return false
}
