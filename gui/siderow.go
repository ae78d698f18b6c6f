package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sideRow is one row of a side-panel list: an icon, a name and a small
// detail line. A click selects the row; a right-click (or long press)
// selects it and opens its context menu.
type sideRow struct {
	widget.BaseWidget
	icon   *widget.Icon
	name   *widget.Label
	detail *widget.Label

	id   widget.ListItemID
	list *widget.List
	menu func(id widget.ListItemID) *fyne.Menu // nil: no context menu
}

func newSideRow(list func() *widget.List, menu func(widget.ListItemID) *fyne.Menu, icon fyne.Resource) *sideRow {
	r := &sideRow{icon: widget.NewIcon(icon), name: widget.NewLabel("name"), detail: widget.NewLabel("detail"), menu: menu}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.list = list()
	r.ExtendBaseWidget(r)
	return r
}

func (r *sideRow) CreateRenderer() fyne.WidgetRenderer {
	texts := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), r.name, r.detail)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.icon, nil, texts))
}

// Tapped selects the row (the list's own item handles taps outside it).
func (r *sideRow) Tapped(*fyne.PointEvent) {
	if r.list != nil {
		r.list.Select(r.id)
	}
}

// TappedSecondary selects the row and shows its context menu.
func (r *sideRow) TappedSecondary(ev *fyne.PointEvent) {
	if r.list == nil || r.menu == nil {
		return
	}
	r.list.Select(r.id)
	m := r.menu(r.id)
	if m == nil || len(m.Items) == 0 {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(r)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtPosition(m, c, ev.AbsolutePosition)
}
