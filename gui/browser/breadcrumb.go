package browser

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// crumb is one part of the breadcrumb path.
type crumb struct {
	label  string
	prefix string // the folder it opens ("" = the bucket's root)
}

// crumbParts splits a folder into its breadcrumb parts, root first.
// Keys are data, so empty segments ("a//b/") are kept as parts of their own.
func crumbParts(bucket, prefix string) []crumb {
	parts := []crumb{{label: bucket}}
	if prefix == "" {
		return parts
	}
	segs := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	acc := ""
	for _, s := range segs {
		acc += s + "/"
		label := s
		if label == "" {
			label = lang.L("(empty name)")
		}
		parts = append(parts, crumb{label: label, prefix: acc})
	}
	return parts
}

// rebuildCrumbs shows bucket › folder › folder, each part a button.
func (v *ObjectsView) rebuildCrumbs() {
	v.crumbs.RemoveAll()
	if v.bucket == "" {
		v.crumbs.Add(widget.NewLabelWithStyle(lang.L("No bucket"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
		v.crumbs.Refresh()
		return
	}
	parts := crumbParts(v.bucket, v.prefix)
	for i, p := range parts {
		if i > 0 {
			sep := widget.NewIcon(theme.NavigateNextIcon())
			v.crumbs.Add(sep)
		}
		var icon fyne.Resource
		if i == 0 {
			icon = theme.StorageIcon()
		}
		prefix := p.prefix
		b := widget.NewButtonWithIcon(p.label, icon, func() { v.Open(v.bucket, prefix) })
		if i == len(parts)-1 {
			b.Importance = widget.MediumImportance
		} else {
			b.Importance = widget.LowImportance
		}
		v.crumbs.Add(b)
	}
	v.crumbs.Refresh()
}
