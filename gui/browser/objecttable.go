package browser

import (
	"fmt"
	"fyne.io/fyne/v2/lang"
	"image/color"
	"path"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// colTitles are shown as lang.L(title) (i18n:keys).
var colTitles = [numCols]string{"Name", "Size", "Last modified", "Storage class"}

// fixed widths of the columns after Name, which takes the rest.
var colWidths = [numCols]float32{0, 104, 170, 150}

func (v *ObjectsView) buildTable() {
	t := &objTable{v: v}
	t.Length = func() (int, int) { return len(v.rows), numCols }
	t.CreateCell = func() fyne.CanvasObject { return newObjCell(v) }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { v.updateCell(id, o.(*objCell)) }
	t.ShowHeaderRow = true
	t.ExtendBaseWidget(t)
	t.HideSeparators = true
	t.CreateHeader = func() fyne.CanvasObject { return newHeaderCell(v) }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		h := o.(*headerCell)
		h.col = id.Col
		if id.Col < 0 {
			h.label.SetText("")
			h.arrow.Hide()
			return
		}
		h.label.SetText(lang.L(colTitles[id.Col]))
		if id.Col == colSize {
			h.label.Alignment = fyne.TextAlignTrailing
		} else {
			h.label.Alignment = fyne.TextAlignLeading
		}
		if id.Col == v.sortCol {
			if v.sortDesc {
				h.arrow.SetResource(theme.MenuDropDownIcon())
			} else {
				h.arrow.SetResource(theme.MenuDropUpIcon())
			}
			h.arrow.Show()
			h.label.TextStyle.Bold = true
		} else {
			h.arrow.Hide()
			h.label.TextStyle.Bold = false
		}
		h.label.Refresh()
	}
	for c := colSize; c < numCols; c++ {
		t.SetColumnWidth(c, colWidth(c))
	}
	t.SetColumnWidth(colName, 320)
	v.table = t
	v.list = newObjectList(v, t)
}

// updateCell fills a recycled cell; it allocates no widgets.
func (v *ObjectsView) updateCell(id widget.TableCellID, c *objCell) {
	c.row, c.col = id.Row, id.Col
	if id.Row < 0 || id.Row >= len(v.rows) {
		return
	}
	e := &v.entries[v.rows[id.Row]]
	var bg color.Color
	switch {
	case v.selected[e.Key]:
		bg = theme.Color(theme.ColorNameSelection)
	case id.Row == v.hover:
		bg = theme.Color(theme.ColorNameHover)
	case id.Row%2 == 1:
		bg = theme.Color(theme.ColorNameInputBackground)
	default:
		bg = theme.Color(theme.ColorNameBackground)
	}
	if c.bg.FillColor != bg {
		c.bg.FillColor = bg
		c.bg.Refresh()
	}
	text := ""
	align := fyne.TextAlignLeading
	imp := widget.MediumImportance
	var icon fyne.Resource
	switch id.Col {
	case colName:
		text = displayName(e)
		icon = entryIcon(e)
	case colSize:
		align = fyne.TextAlignTrailing
		if e.IsFolder {
			text, imp = "—", widget.LowImportance
		} else {
			text = widgets.Bytes(uint64(max(e.Size, 0)))
		}
	case colModified:
		if e.IsFolder || e.LastModified.IsZero() {
			text, imp = "—", widget.LowImportance
		} else {
			text = widgets.FormatTime(e.LastModified, v.now())
		}
	case colClass:
		if e.IsFolder {
			text, imp = "—", widget.LowImportance
		} else {
			text = classCell(e) // storageclass.go
		}
	}
	if icon == nil {
		c.icon.Hide()
	} else {
		if c.icon.Resource != icon {
			c.icon.SetResource(icon)
		}
		c.icon.Show()
	}
	// Shaping text is the costly part of a refresh: skip unchanged labels.
	if c.label.Text != text || c.label.Alignment != align || c.label.Importance != imp {
		c.label.Text, c.label.Alignment, c.label.Importance = text, align, imp
		c.label.Refresh()
	}
}

func entryIcon(e *storage.Entry) fyne.Resource {
	if e.IsFolder {
		return theme.FolderIcon()
	}
	switch strings.ToLower(path.Ext(e.Key)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff", ".heic", ".ico":
		return theme.FileImageIcon()
	case ".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v":
		return theme.FileVideoIcon()
	case ".mp3", ".wav", ".flac", ".ogg", ".m4a", ".aac":
		return theme.FileAudioIcon()
	case ".txt", ".md", ".csv", ".tsv", ".json", ".xml", ".yaml", ".yml", ".log", ".html", ".htm", ".css", ".js", ".go", ".py":
		return theme.FileTextIcon()
	case ".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".exe", ".dmg", ".pkg", ".deb", ".rpm", ".jar", ".bin":
		return theme.FileApplicationIcon()
	}
	return theme.FileIcon()
}

// ---- sorting and filtering ----

// SetShowHidden shows or hides keys whose name starts with "." (Settings and
// View → Show hidden).
func (v *ObjectsView) SetShowHidden(show bool) {
	if v.hidden(show) {
		v.anchor, v.cursor = -1, -1
		v.refreshList()
	}
}

// ShowHidden tells whether names starting with "." are shown.
func (v *ObjectsView) ShowHidden() bool { return v.showHidden }

// addEntries appends a batch of listed entries and merges the ones that pass
// the filter into the sorted rows: O(n) per batch, so 100k entries stay quick.
func (v *ObjectsView) addEntries(batch []storage.Entry) {
	if len(batch) == 0 {
		v.showState()
		return
	}
	v.add(v.prefix, batch)
	if v.pendingSelect != "" {
		v.selectPending()
	}
	v.refreshList()
}

// resort rebuilds the rows from all entries.
func (v *ObjectsView) resort() {
	v.sortRows()
	v.anchor, v.cursor = -1, -1
	v.refreshList()
}

// SortBy sorts by a column; asking again for the same column flips the order.
func (v *ObjectsView) SortBy(col int) {
	v.sortBy(col)
	v.anchor, v.cursor = -1, -1
	v.refreshList()
}

func (v *ObjectsView) setFilter(s string) {
	if v.filterBy(s) {
		v.anchor, v.cursor = -1, -1
		v.refreshList()
	}
}

func (v *ObjectsView) refreshList() {
	v.table.Refresh()
	v.showState()
}

func (v *ObjectsView) updateCount() {
	n := len(v.entries)
	var s string
	switch {
	case v.bucket == "" || v.store == nil:
		s = ""
	case !v.complete:
		s = fmt.Sprintf(lang.L("%s of many…"), widgets.Number(int64(n)))
	default:
		s = widgets.Count(n, "item", "items")
	}
	if v.complete && len(v.rows) != n && n > 0 {
		s = fmt.Sprintf(lang.L("%s of %s shown"), widgets.Number(int64(len(v.rows))), s)
	}
	if k := len(v.selected); k > 0 {
		s += ", " + fmt.Sprintf(lang.L("%s selected"), widgets.Number(int64(k)))
	}
	v.countLabel.SetText(s)
}

// ---- selection ----

func (v *ObjectsView) selectPendingIfLoaded() {
	if v.pendingSelect != "" {
		v.selectPending()
		v.refreshList()
	}
}

func (v *ObjectsView) selectPending() {
	r := v.rowOf(v.pendingSelect)
	if r < 0 {
		return
	}
	v.pendingSelect = ""
	v.selected = map[string]bool{v.entries[v.rows[r]].Key: true}
	v.anchor, v.cursor = r, r
	v.table.ScrollTo(widget.TableCellID{Row: r, Col: 0})
}

// clickRow applies a click with modifiers: plain selects one row, Ctrl/Cmd
// toggles, Shift extends from the anchor.
func (v *ObjectsView) clickRow(row int, mods fyne.KeyModifier) {
	if row < 0 || row >= len(v.rows) {
		return
	}
	key := v.entries[v.rows[row]].Key
	toggle := mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
	switch {
	case mods&fyne.KeyModifierShift != 0 && v.anchor >= 0 && v.anchor < len(v.rows):
		if !toggle {
			v.selected = map[string]bool{}
		}
		lo, hi := min(v.anchor, row), max(v.anchor, row)
		for r := lo; r <= hi; r++ {
			v.selected[v.entries[v.rows[r]].Key] = true
		}
	case toggle:
		if v.selected[key] {
			delete(v.selected, key)
		} else {
			v.selected[key] = true
		}
		v.anchor = row
	default:
		v.selected = map[string]bool{key: true}
		v.anchor = row
	}
	v.cursor = row
	v.refreshList()
}

// typeAhead selects the first row whose name starts with the letters typed
// within a second of each other, as in Finder.
func (v *ObjectsView) typeAhead(r rune, now time.Time) {
	if now.Sub(v.typedAt) > time.Second {
		v.typed = ""
	}
	v.typedAt = now
	v.typed += strings.ToLower(string(r))
	for i, ri := range v.rows {
		if strings.HasPrefix(v.lower[ri], v.typed) {
			v.clickRow(i, 0)
			v.table.ScrollTo(widget.TableCellID{Row: i, Col: 0})
			return
		}
	}
}

// SelectAll selects every shown row.
func (v *ObjectsView) SelectAll() {
	for _, r := range v.rows {
		v.selected[v.entries[r].Key] = true
	}
	v.refreshList()
}

func (v *ObjectsView) clearSelection() {
	v.selected = map[string]bool{}
	v.anchor, v.cursor = -1, -1
	v.refreshList()
}

// moveCursor moves the keyboard row by delta; with Shift it extends.
func (v *ObjectsView) moveCursor(delta int, extend bool) {
	if len(v.rows) == 0 {
		return
	}
	r := v.cursor + delta
	if v.cursor < 0 {
		r = 0
		if delta < 0 {
			r = len(v.rows) - 1
		}
	}
	r = max(0, min(r, len(v.rows)-1))
	if extend {
		if v.anchor < 0 {
			v.anchor = max(v.cursor, 0)
		}
		v.clickRow(r, fyne.KeyModifierShift)
	} else {
		v.clickRow(r, 0)
	}
	v.table.ScrollTo(widget.TableCellID{Row: r, Col: 0})
}

func (v *ObjectsView) setHover(row int) {
	if row == v.hover {
		return
	}
	old := v.hover
	v.hover = row
	for c := 0; c < numCols; c++ {
		if old >= 0 && old < len(v.rows) {
			v.table.RefreshItem(widget.TableCellID{Row: old, Col: c})
		}
		if row >= 0 && row < len(v.rows) {
			v.table.RefreshItem(widget.TableCellID{Row: row, Col: c})
		}
	}
}

// activateRow opens a folder, or previews a file when preview is available.
func (v *ObjectsView) activateRow(row int) {
	if row < 0 || row >= len(v.rows) {
		return
	}
	e := v.entries[v.rows[row]]
	if e.IsFolder {
		v.Open(v.bucket, e.Key)
		return
	}
	if v.actions.Preview != nil {
		v.actions.Preview(v.bucket, e)
	}
}
