package bucketconfig

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/internal/guitest"
)

func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	bs := guitest.FindButtons(o, func(b *widget.Button) bool { return b.Text == text })
	if len(bs) != 1 {
		t.Fatalf("%d buttons %q", len(bs), text)
	}
	return bs[0]
}
