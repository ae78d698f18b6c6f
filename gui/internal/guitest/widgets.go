package guitest

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TapButton taps the visible button labelled text inside o (e.g. an overlay).
func TapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no button %q", text)
}

// FindButtons walks o for buttons matching keep.
func FindButtons(o fyne.CanvasObject, keep func(*widget.Button) bool) []*widget.Button {
	var out []*widget.Button
	switch x := o.(type) {
	case *widget.Button:
		if keep(x) {
			out = append(out, x)
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			out = append(out, FindButtons(c, keep)...)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		for _, c := range r.Objects() {
			out = append(out, FindButtons(c, keep)...)
		}
	}
	return out
}
