// Command iconsizes renders S3 Desk's icon (assets/icon.png) in the
// hicolor theme's sizes for the Linux packages (.ci/package):
//
//	go run ./assets/iconsizes -out DIR
//
// writes DIR/<N>x<N>/apps/io.s3desk.app.png for each size, scaled with a
// Catmull-Rom filter and keeping the transparency.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"

	"s3desk/assets"
)

// Sizes are the hicolor sizes desktops look for.
var sizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

func main() {
	out := flag.String("out", "", "the hicolor folder to write (…/share/icons/hicolor)")
	name := flag.String("name", "io.s3desk.app", "the icon's name (the .desktop file's Icon=)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "iconsizes: -out is required")
		os.Exit(2)
	}
	if err := render(*out, *name); err != nil {
		fmt.Fprintln(os.Stderr, "iconsizes:", err)
		os.Exit(1)
	}
}

func render(out, name string) error {
	src, err := png.Decode(bytes.NewReader(assets.IconPNG()))
	if err != nil {
		return fmt.Errorf("the icon is not a PNG: %w", err)
	}
	for _, n := range sizes {
		dst := image.NewNRGBA(image.Rect(0, 0, n, n))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		dir := filepath.Join(out, fmt.Sprintf("%dx%d", n, n), "apps")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, dst); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
