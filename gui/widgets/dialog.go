package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// messageWidth is how wide a message dialog is; its text wraps inside.
const messageWidth = 440

// ShowError shows err in a dialog titled title, unless it is a
// cancellation (ErrorText is "") or there is no window.
func ShowError(win fyne.Window, title string, err error) {
	text := ErrorText(err)
	if text == "" {
		return
	}
	ShowMessage(win, title, Sentence(text))
}

// ShowMessage shows a wrapped message with an OK button: the one message
// dialog of the app.
func ShowMessage(win fyne.Window, title, message string) {
	if win == nil {
		return
	}
	l := widget.NewLabel(message)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, lang.L("OK"), container.NewGridWrap(fyne.NewSize(messageWidth, l.MinSize().Height*3), l), win)
	d.Show()
}

// FitDialog sizes d to width and to the height its content needs now (a
// wrapped message may have grown).
func FitDialog(d dialog.Dialog, width float32) {
	min := d.MinSize()
	d.Resize(fyne.NewSize(max(width, min.Width), min.Height))
}
