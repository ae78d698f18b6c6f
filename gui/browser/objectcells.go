package browser

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// objCell is one recycled table cell. It takes the clicks so that selection,
// double-click and the context menu work on whole rows.
type objCell struct {
	widget.BaseWidget
	v        *ObjectsView
	row, col int
	mods     fyne.KeyModifier
	bg       *canvas.Rectangle
	icon     *widget.Icon
	label    *widget.Label
}

func newObjCell(v *ObjectsView) *objCell {
	c := &objCell{v: v, row: -1,
		bg:    canvas.NewRectangle(theme.Color(theme.ColorNameBackground)),
		icon:  widget.NewIcon(theme.FileIcon()),
		label: widget.NewLabel(lang.L("Template name.txt")),
	}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *objCell) CreateRenderer() fyne.WidgetRenderer {
	return &cellRenderer{c: c, content: container.NewBorder(nil, nil, c.icon, nil, c.label)}
}

// cellRenderer draws the row background across the table's cell gaps, so a
// selected row reads as one band, as in Finder.
type cellRenderer struct {
	c       *objCell
	content *fyne.Container
}

func (r *cellRenderer) Layout(s fyne.Size) {
	pad := theme.Padding()
	r.c.bg.Move(fyne.NewPos(-pad/2, -pad/2))
	r.c.bg.Resize(s.AddWidthHeight(pad, pad))
	r.content.Resize(s)
}

func (r *cellRenderer) MinSize() fyne.Size           { return r.content.MinSize() }
func (r *cellRenderer) Refresh()                     { r.c.bg.Refresh(); r.content.Refresh() }
func (r *cellRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.c.bg, r.content} }
func (r *cellRenderer) Destroy()                     {}

func (c *objCell) MouseDown(e *desktop.MouseEvent) { c.mods = e.Modifier }
func (c *objCell) MouseUp(*desktop.MouseEvent)     {}
func (c *objCell) MouseIn(*desktop.MouseEvent)     { c.v.setHover(c.row) }
func (c *objCell) MouseMoved(*desktop.MouseEvent)  { c.v.setHover(c.row) }
func (c *objCell) MouseOut()                       { c.v.setHover(-1) }

func (c *objCell) Tapped(*fyne.PointEvent) {
	mods := c.mods
	c.mods = 0
	c.v.clickRow(c.row, mods)
	c.v.focusList()
}

func (c *objCell) DoubleTapped(*fyne.PointEvent) {
	c.v.clickRow(c.row, 0)
	c.v.activateRow(c.row)
}

func (c *objCell) TappedSecondary(e *fyne.PointEvent) {
	if c.row < 0 || c.row >= len(c.v.rows) {
		return
	}
	if !c.v.selected[c.v.entries[c.v.rows[c.row]].Key] {
		c.v.clickRow(c.row, 0)
	}
	c.v.focusList()
	c.v.showContextMenu(e.AbsolutePosition)
}

// headerCell is a column title; a click sorts by it.
type headerCell struct {
	widget.BaseWidget
	v     *ObjectsView
	col   int
	label *widget.Label
	arrow *widget.Icon
}

func newHeaderCell(v *ObjectsView) *headerCell {
	h := &headerCell{v: v, label: widget.NewLabel(lang.L("Header")), arrow: widget.NewIcon(theme.MenuDropUpIcon())}
	h.label.Truncation = fyne.TextTruncateEllipsis
	h.ExtendBaseWidget(h)
	return h
}

func (h *headerCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, widget.NewSeparator(), nil, h.arrow, h.label))
}

func (h *headerCell) Tapped(*fyne.PointEvent) {
	if h.col >= 0 {
		h.v.SortBy(h.col)
	}
}

func (h *headerCell) Cursor() desktop.Cursor { return desktop.PointerCursor }

// objectList wraps the table to take the keyboard focus: the table's own
// focus handling moves a single cell, this one moves and extends the row
// selection and runs the shortcuts.
type objectList struct {
	widget.BaseWidget
	v       *ObjectsView
	table   *objTable
	focused bool
	shift   bool // Shift is held: arrows extend the selection
}

func (l *objectList) KeyDown(e *fyne.KeyEvent) {
	if e.Name == desktop.KeyShiftLeft || e.Name == desktop.KeyShiftRight {
		l.shift = true
	}
}

func (l *objectList) KeyUp(e *fyne.KeyEvent) {
	if e.Name == desktop.KeyShiftLeft || e.Name == desktop.KeyShiftRight {
		l.shift = false
	}
}

func newObjectList(v *ObjectsView, t *objTable) *objectList {
	l := &objectList{v: v, table: t}
	l.ExtendBaseWidget(l)
	return l
}

func (l *objectList) CreateRenderer() fyne.WidgetRenderer {
	return &listRenderer{l: l, objects: []fyne.CanvasObject{l.table}}
}

func (l *objectList) FocusGained() { l.focused = true }
func (l *objectList) FocusLost()   { l.focused, l.shift = false, false }
func (l *objectList) TypedRune(r rune) {
	if r == ' ' && l.v.typed == "" {
		l.v.previewSelected()
		return
	}
	l.v.typeAhead(r, time.Now())
}

func (l *objectList) TypedKey(e *fyne.KeyEvent) { l.v.typedKey(e) }

func (l *objectList) TypedShortcut(s fyne.Shortcut) {
	if l.v.typedShortcut(s) {
		return
	}
	if sh, ok := l.v.win.Canvas().(fyne.Shortcutable); ok {
		sh.TypedShortcut(s)
	}
}

func (v *ObjectsView) focusList() {
	if v.win != nil {
		v.win.Canvas().Focus(v.list)
	}
}

// listRenderer lays the table out and gives the Name column whatever width
// the fixed columns leave.
type listRenderer struct {
	l       *objectList
	objects []fyne.CanvasObject
	lastW   float32
}

func (r *listRenderer) Layout(s fyne.Size) {
	r.l.table.Resize(s)
	fixed := float32(0)
	for c := colSize; c < numCols; c++ {
		fixed += colWidth(c)
	}
	w := max(200, s.Width-fixed-theme.Padding()*2-theme.ScrollBarSize())
	if w != r.lastW {
		r.lastW = w
		r.l.table.SetColumnWidth(colName, w)
	}
}

func (r *listRenderer) MinSize() fyne.Size           { return fyne.NewSize(400, 120) }
func (r *listRenderer) Refresh()                     { r.l.table.Refresh() }
func (r *listRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *listRenderer) Destroy()                     {}

// objTable is the table with the keyboard and empty-area clicks taken over:
// a click below the rows clears the selection, a right-click there offers
// the folder's actions, and it never shows the table's own cell focus.
type objTable struct {
	widget.Table
	v *ObjectsView
}

func (t *objTable) Tapped(*fyne.PointEvent) {
	t.v.clearSelection()
	t.v.focusList()
}

func (t *objTable) TappedSecondary(e *fyne.PointEvent) {
	t.v.clearSelection()
	t.v.focusList()
	if t.v.win != nil && t.v.bucket != "" {
		widget.ShowPopUpMenuAtPosition(t.v.folderMenu(), t.v.win.Canvas(), e.AbsolutePosition)
	}
}

func (t *objTable) FocusGained()                  {}
func (t *objTable) FocusLost()                    {}
func (t *objTable) TypedKey(e *fyne.KeyEvent)     { t.v.typedKey(e) }
func (t *objTable) TypedRune(r rune)              { t.v.list.TypedRune(r) }
func (t *objTable) TypedShortcut(s fyne.Shortcut) { t.v.list.TypedShortcut(s) }
