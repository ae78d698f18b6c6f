package copyto

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func widgetsRow(msg *widget.Label, btns []*widget.Button) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(btns))
	for i, b := range btns {
		objs[i] = b
	}
	return container.NewVBox(msg, container.NewHBox(objs...))
}
