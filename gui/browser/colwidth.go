package browser

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// colWidth is a fixed column's width: its default, or wider when the
// header's translation needs it ("Classe de armazenamento"), with room for
// the sort arrow.
func colWidth(c int) float32 {
	need := fyne.MeasureText(lang.L(colTitles[c]), theme.TextSize(), fyne.TextStyle{Bold: true}).Width +
		theme.IconInlineSize() + 4*theme.Padding()
	return max(colWidths[c], need)
}
