package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// EscEntry is a text field that runs OnEscape when Escape is typed in it.
// A Fyne entry keeps the Escape key to itself, so a dialog whose field has
// the focus would otherwise not close on Escape.
type EscEntry struct {
	widget.Entry
	OnEscape func()
}

func NewEscEntry() *EscEntry {
	e := &EscEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey runs OnEscape for Escape; other keys edit the text.
func (e *EscEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.OnEscape != nil {
		e.OnEscape()
		return
	}
	e.Entry.TypedKey(ev)
}
