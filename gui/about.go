package gui

import (
	"fmt"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Licence is S3 Desk's own licence.
const Licence = "MIT License"

// Credits names the libraries S3 Desk is built on, with their licences.
var Credits = [][3]string{
	{"Fyne", "fyne.io/fyne/v2", "BSD-3-Clause"},
	{"AWS SDK for Go v2", "github.com/aws/aws-sdk-go-v2", "Apache-2.0"},
	{"go-keyring", "github.com/zalando/go-keyring", "MIT"},
	{"GoFakeS3 (local sandbox)", "github.com/johannesboyne/gofakes3", "MIT"},
	{"go-humanize", "github.com/dustin/go-humanize", "MIT"},
	{"mimetype", "github.com/gabriel-vasile/mimetype", "MIT"},
	{"versitygw (test server)", "github.com/versity/versitygw", "Apache-2.0"},
}

// AboutView is the content of the About dialog.
type AboutView struct {
	Version string
	content fyne.CanvasObject
}

// NewAboutView builds the About content for the given version and icon.
func NewAboutView(version string, icon fyne.Resource) *AboutView {
	img := canvas.NewImageFromResource(icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(64, 64))
	title := widget.NewLabelWithStyle("S3 Desk", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	ver := widget.NewLabelWithStyle(fmt.Sprintf(lang.L("Version %s"), version), fyne.TextAlignCenter, fyne.TextStyle{})
	blurb := widget.NewLabelWithStyle(lang.L("Point-and-click file management for Amazon S3\nand S3-compatible storage."), fyne.TextAlignCenter, fyne.TextStyle{})
	credits := widget.NewForm()
	for _, c := range Credits {
		credits.Append(c[0], widget.NewLabel(c[1]+" — "+c[2]))
	}
	v := &AboutView{Version: version}
	v.content = container.NewVBox(img, title, ver, blurb,
		widget.NewLabelWithStyle(Licence, fyne.TextAlignCenter, fyne.TextStyle{Italic: true}),
		widget.NewSeparator(), widget.NewLabelWithStyle(lang.L("Built with"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), credits)
	return v
}

// CanvasObject is the view's root widget.
func (v *AboutView) CanvasObject() fyne.CanvasObject { return v.content }

// ShowAboutDialog shows the About dialog over w.
func ShowAboutDialog(w fyne.Window, version string, icon fyne.Resource) {
	dialog.ShowCustom(lang.L("About S3 Desk"), lang.L("Close"), NewAboutView(version, icon).CanvasObject(), w)
}
