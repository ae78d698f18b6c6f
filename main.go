// S3 Desk: point-and-click file management for Amazon S3 and S3-compatible stores.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"s3desk/assets"
)

func main() {
	a := app.NewWithID("io.s3desk.app")
	a.SetIcon(assets.Icon())
	w := a.NewWindow("S3 Desk")
	w.SetContent(widget.NewLabel("S3 Desk"))
	w.ShowAndRun()
}
