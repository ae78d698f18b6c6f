package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// SideRow is one row of a side-panel list: an icon, a name and a small
// detail line. A click selects the row; a right-click (or long press)
// selects it and opens its context menu.
type SideRow struct {
	widget.BaseWidget
	Icon   *widget.Icon
	Name   *widget.Label
	Detail *widget.Label

	ID   widget.ListItemID
	list *widget.List
	menu func(id widget.ListItemID) *fyne.Menu // nil: no context menu
}

func NewSideRow(list func() *widget.List, menu func(widget.ListItemID) *fyne.Menu, icon fyne.Resource) *SideRow {
	r := &SideRow{Icon: widget.NewIcon(icon), Name: widget.NewLabel(lang.L("name")), Detail: widget.NewLabel(lang.L("detail")), menu: menu}
	r.Name.Truncation = fyne.TextTruncateEllipsis
	r.Detail.Truncation = fyne.TextTruncateEllipsis
	r.Detail.SizeName = theme.SizeNameCaptionText
	r.list = list()
	r.ExtendBaseWidget(r)
	return r
}

func (r *SideRow) CreateRenderer() fyne.WidgetRenderer {
	texts := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), r.Name, r.Detail)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.Icon, nil, texts))
}

// Tapped selects the row (the list's own item handles taps outside it).
func (r *SideRow) Tapped(*fyne.PointEvent) {
	if r.list != nil {
		r.list.Select(r.ID)
	}
}

// TappedSecondary selects the row and shows its context menu.
func (r *SideRow) TappedSecondary(ev *fyne.PointEvent) {
	if r.list == nil || r.menu == nil {
		return
	}
	r.list.Select(r.ID)
	m := r.menu(r.ID)
	if m == nil || len(m.Items) == 0 {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(r)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtPosition(m, c, ev.AbsolutePosition)
}
