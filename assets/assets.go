// Package assets holds S3 Desk's embedded resources: the app icon and the
// sample data that seeds the local sandbox.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon.
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", iconPNG) }

// IconPNG returns the raw PNG bytes of the icon.
func IconPNG() []byte { return append([]byte(nil), iconPNG...) }
