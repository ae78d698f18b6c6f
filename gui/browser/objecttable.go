package browser

import (
	"cmp"
	"image/color"
	"path"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// Columns of the table.
const (
	colName = iota
	colSize
	colModified
	colClass
	numCols
)

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
		h.label.SetText(colTitles[id.Col])
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
		t.SetColumnWidth(c, colWidths[c])
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
			text = humanize.IBytes(uint64(max(e.Size, 0)))
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
			text = storageClassName(e.StorageClass)
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

// displayName is the name shown for e: its part below the open folder,
// without a folder's trailing slash.
func displayName(e *storage.Entry) string {
	n := e.Name
	if n == "" {
		n = path.Base(e.Key)
	}
	if e.IsFolder {
		n = strings.TrimSuffix(n, "/")
	}
	if n == "" {
		return "(no name)"
	}
	return n
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

var classNames = map[string]string{
	"":                    "Standard",
	"STANDARD":            "Standard",
	"STANDARD_IA":         "Standard-IA",
	"ONEZONE_IA":          "One Zone-IA",
	"INTELLIGENT_TIERING": "Intelligent-Tiering",
	"GLACIER":             "Glacier Flexible",
	"GLACIER_IR":          "Glacier Instant",
	"DEEP_ARCHIVE":        "Glacier Deep Archive",
	"REDUCED_REDUNDANCY":  "Reduced Redundancy",
	"EXPRESS_ONEZONE":     "Express One Zone",
	"OUTPOSTS":            "Outposts",
	"SNOW":                "Snow",
}

func storageClassName(c string) string {
	if n, ok := classNames[c]; ok {
		return n
	}
	return c
}

// ---- sorting and filtering ----

// less orders entries i and j by the sort column; folders come first.
func (v *ObjectsView) less(i, j int) int {
	a, b := &v.entries[i], &v.entries[j]
	if a.IsFolder != b.IsFolder {
		if a.IsFolder {
			return -1
		}
		return 1
	}
	var c int
	switch v.sortCol {
	case colSize:
		c = cmp.Compare(a.Size, b.Size)
	case colModified:
		c = a.LastModified.Compare(b.LastModified)
	case colClass:
		c = cmp.Compare(storageClassName(a.StorageClass), storageClassName(b.StorageClass))
	}
	if c == 0 {
		c = cmp.Compare(v.lower[i], v.lower[j])
	}
	if c == 0 {
		c = cmp.Compare(a.Key, b.Key)
	}
	if v.sortDesc {
		c = -c
	}
	return c
}

func (v *ObjectsView) matches(i int) bool {
	if !v.showHidden && strings.HasPrefix(v.lower[i], ".") {
		return false
	}
	return v.filter == "" || strings.Contains(v.lower[i], v.filterLower)
}

// SetShowHidden shows or hides keys whose name starts with "." (Settings and
// View → Show hidden).
func (v *ObjectsView) SetShowHidden(show bool) {
	if show == v.showHidden {
		return
	}
	v.showHidden = show
	v.resort()
	v.pruneSelection()
	v.refreshList()
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
	start := len(v.entries)
	for _, e := range batch {
		if !e.IsFolder && e.Key == v.prefix {
			continue // the folder's own marker object
		}
		v.entries = append(v.entries, e)
		v.lower = append(v.lower, strings.ToLower(displayName(&e)))
	}
	var add []int
	for i := start; i < len(v.entries); i++ {
		if v.matches(i) {
			add = append(add, i)
		}
	}
	slices.SortFunc(add, v.less)
	merged := make([]int, 0, len(v.rows)+len(add))
	a, b := 0, 0
	for a < len(v.rows) && b < len(add) {
		if v.less(add[b], v.rows[a]) < 0 {
			merged = append(merged, add[b])
			b++
		} else {
			merged = append(merged, v.rows[a])
			a++
		}
	}
	merged = append(merged, v.rows[a:]...)
	merged = append(merged, add[b:]...)
	v.rows = merged
	if v.pendingSelect != "" {
		v.selectPending()
	}
	v.refreshList()
}

// resort rebuilds the rows from all entries.
func (v *ObjectsView) resort() {
	rows := v.rows[:0]
	for i := range v.entries {
		if v.matches(i) {
			rows = append(rows, i)
		}
	}
	slices.SortFunc(rows, v.less)
	v.rows = rows
	v.anchor, v.cursor = -1, -1
	v.refreshList()
}

// SortBy sorts by a column; asking again for the same column flips the order.
func (v *ObjectsView) SortBy(col int) {
	if col == v.sortCol {
		v.sortDesc = !v.sortDesc
	} else {
		v.sortCol, v.sortDesc = col, false
	}
	v.resort()
}

func (v *ObjectsView) setFilter(s string) {
	if s == v.filter {
		return
	}
	v.filter = s
	v.filterLower = strings.ToLower(s)
	v.resort()
	v.pruneSelection()
	v.refreshList()
}

// pruneSelection drops rows that are not shown from the selection, so actions
// never touch what the user cannot see.
func (v *ObjectsView) pruneSelection() {
	if len(v.selected) > 0 {
		shown := make(map[string]bool, len(v.rows))
		for _, r := range v.rows {
			shown[v.entries[r].Key] = true
		}
		for k := range v.selected {
			if !shown[k] {
				delete(v.selected, k)
			}
		}
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
		s = humanize.Comma(int64(n)) + " of many…"
	case n == 1:
		s = "1 item"
	default:
		s = humanize.Comma(int64(n)) + " items"
	}
	if v.complete && len(v.rows) != n && n > 0 {
		s = humanize.Comma(int64(len(v.rows))) + " of " + s + " shown"
	}
	if k := len(v.selected); k > 0 {
		s += ", " + humanize.Comma(int64(k)) + " selected"
	}
	v.countLabel.SetText(s)
}

// ---- selection ----

// rowOf is the row showing key, or -1.
func (v *ObjectsView) rowOf(key string) int {
	return slices.IndexFunc(v.rows, func(r int) bool { return v.entries[r].Key == key })
}

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
