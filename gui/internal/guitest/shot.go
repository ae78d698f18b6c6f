// Package guitest holds test helpers shared by the gui packages' tests.
package guitest

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// Shot saves a PNG of the canvas to $S3DESK_SHOTS/name, to look at; it does
// nothing when the variable is unset.
func Shot(t *testing.T, c fyne.Canvas, name string) {
	t.Helper()
	dir := os.Getenv("S3DESK_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
}
