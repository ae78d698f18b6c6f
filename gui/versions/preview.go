package versions

import (
	"bytes"
	"context"
	"fmt"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/preview"
)

// previewLimit is how much of a version a preview reads.
const previewLimit = 1 << 20

// Preview shows the start of version r: text or an image, read with one
// ranged GET of that version.
func (p *Pane) Preview(r row) {
	s := p.store()
	if s == nil || r.kind != rowVersion || r.v.IsDeleteMarker {
		return
	}
	ref := p.ref(&r)
	var (
		data []byte
		info storage.ObjectInfo
	)
	p.background(func(ctx context.Context) error {
		var err error
		data, info, err = s.Peek(ctx, ref, previewLimit)
		return err
	}, func(err error) {
		if err != nil {
			widgets.ShowError(p.win, lang.L("Could not preview the version"), err)
			return
		}
		p.showPreview(r, data, info)
	})
}

// previewContent is what a preview dialog shows for data.
func previewContent(key string, data []byte, info storage.ObjectInfo) (fyne.CanvasObject, bool) {
	switch preview.PreviewKindFor(key, info.ContentType) {
	case preview.PreviewImage:
		if img, _, err := preview.DecodeImage(bytes.NewReader(data)); err == nil {
			c := canvas.NewImageFromImage(img)
			c.FillMode = canvas.ImageFillContain
			return c, true
		}
	case preview.PreviewText, preview.PreviewCSV:
		if utf8.Valid(data) || len(data) == previewLimit {
			t := widget.NewLabel(string(bytes.ToValidUTF8(data, []byte("�"))))
			t.TextStyle.Monospace = true
			return container.NewScroll(t), true
		}
	}
	return widget.NewLabel(lang.L("There is no preview for this kind of file; download it instead.")), false
}

func (p *Pane) showPreview(r row, data []byte, info storage.ObjectInfo) {
	content, _ := previewContent(r.key, data, info)
	title := fmt.Sprintf(lang.L("%s — version %s"), r.name, short(r.v.VersionID))
	d := dialog.NewCustom(title, lang.L("Close"), content, p.win)
	d.Resize(fyne.NewSize(720, 520))
	d.Show()
}
