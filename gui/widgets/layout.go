package widgets

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// CenteredMessageBox is a large greyed icon over a bold title and a hint.
func CenteredMessageBox(icon fyne.Resource, title, hint string) *fyne.Container {
	img := canvas.NewImageFromResource(theme.NewDisabledResource(icon))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(64))
	return container.NewVBox(
		container.NewCenter(img),
		widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(hint, fyne.TextAlignCenter, fyne.TextStyle{}))
}

// CenteredMessage is CenteredMessageBox in the middle of its space.
func CenteredMessage(icon fyne.Resource, title, hint string) fyne.CanvasObject {
	return container.NewCenter(CenteredMessageBox(icon, title, hint))
}

// SectionTitle is a small bold upper-case heading.
func SectionTitle(text string) *widget.Label {
	l := widget.NewLabel(strings.ToUpper(text))
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	return l
}

// SetEnabled enables or disables w.
func SetEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}
