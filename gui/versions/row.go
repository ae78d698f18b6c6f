package versions

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
)

// verRow is one recycled line of the pane: a folder, a key, or a version
// indented under its key. It takes the clicks: double-click opens a folder,
// right-click shows the row's menu.
type verRow struct {
	widget.BaseWidget
	p      *Pane
	id     int
	indent *canvas.Rectangle
	icon   *widget.Icon
	name   *widget.Label
	tags   *widget.Label
	size   *widget.Label
	date   *widget.Label
}

func newVerRow(p *Pane) *verRow {
	r := &verRow{p: p, id: -1,
		indent: canvas.NewRectangle(nil),
		icon:   widget.NewIcon(theme.FileIcon()),
		name:   widget.NewLabel(sizing("template-name.txt")),
		tags:   widget.NewLabel(sizing("delete marker, latest")),
		size:   widget.NewLabel(sizing("1023.9 MiB")),
		date:   widget.NewLabel(sizing("Yesterday 23:59")),
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.size.Alignment = fyne.TextAlignTrailing
	r.tags.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

func (r *verRow) CreateRenderer() fyne.WidgetRenderer {
	right := container.NewHBox(r.tags,
		container.NewGridWrap(fyne.NewSize(104, r.size.MinSize().Height), r.size),
		container.NewGridWrap(fyne.NewSize(170, r.date.MinSize().Height), r.date))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewHBox(r.indent, r.icon), right, r.name))
}

// update fills the row for line id.
func (r *verRow) update(id int) {
	r.id = id
	p := r.p
	if id < 0 || id >= p.rows.len() {
		return
	}
	row := p.rows.at(id)
	indent := float32(0)
	name, tags, size, date := row.name, "", "", ""
	var icon fyne.Resource = theme.FileIcon()
	nameStyle := fyne.TextStyle{}
	tagsLook := widget.LowImportance
	switch row.kind {
	case rowFolder:
		icon = theme.FolderIcon()
	case rowKey:
		nameStyle.Bold = true
		if row.deleted {
			tags, tagsLook = "deleted", widget.WarningImportance
		}
	case rowVersion:
		indent = 28
		name, size, tags = versionText(row.v)
		date = widgets.FormatTime(row.v.LastModified, time.Now())
		icon = theme.HistoryIcon()
		switch {
		case row.v.IsDeleteMarker:
			icon, tagsLook = theme.DeleteIcon(), widget.WarningImportance
		case row.v.IsLatest:
			tagsLook = widget.SuccessImportance
		}
	}
	r.indent.SetMinSize(fyne.NewSize(indent, 1))
	r.icon.SetResource(icon)
	r.name.TextStyle = nameStyle
	r.name.SetText(name)
	r.tags.Importance = tagsLook
	r.tags.SetText(tags)
	r.size.SetText(size)
	r.date.SetText(date)
	r.Refresh()
}

func (r *verRow) Tapped(*fyne.PointEvent) {
	if r.id >= 0 {
		r.p.list.Select(r.id)
	}
}

func (r *verRow) DoubleTapped(*fyne.PointEvent) {
	if r.id < 0 || r.id >= r.p.rows.len() {
		return
	}
	if row := r.p.rows.at(r.id); row.kind == rowFolder && r.p.open != nil {
		r.p.open(row.key)
	}
}

func (r *verRow) TappedSecondary(e *fyne.PointEvent) {
	if r.id < 0 || r.id >= r.p.rows.len() || r.p.win == nil {
		return
	}
	r.p.list.Select(r.id)
	if m := r.p.menuFor(r.id); m != nil {
		widget.ShowPopUpMenuAtPosition(m, r.p.win.Canvas(), e.AbsolutePosition)
	}
}

// sizing is a row template's text: it sizes the list's rows before any
// row is shown, and is never shown itself (so it is not translated).
func sizing(s string) string { return s }
