package gui

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// shootVersions renders versions.png: the Local sandbox keeps no versions,
// so a second main window connects to a versioned versitygw, opens a folder
// with "Show versions" on (each key with its versions under it, a deleted
// file's delete marker) and right-clicks an older version.
func shootVersions(t *testing.T, a fyne.App, dir string) {
	t.Helper()
	srv := s3test.StartVersityVersioned(t)
	c := srv.Client(t)
	ctx := context.Background()
	const b = "reports"
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	put := func(key, body string) string {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(key), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.VersionId)
	}
	var older string
	rows := "date,requests\n"
	for i := range 3 {
		rows += strings.Repeat(fmt.Sprintf("2022-09-%02d,%d\n", 10+i, 1200+37*i), 40*(i+1))
		if v := put("2022/summary.csv", rows); i == 1 {
			older = v
		}
	}
	put("2022/notes.txt", "First notes.\n")
	put("2022/notes.txt", "First notes.\nSecond thoughts.\n")
	put("2022/draft.txt", strings.Repeat("An early draft.\n", 20))
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("2022/draft.txt")}); err != nil {
		t.Fatal(err)
	}
	put("2022/charts/september.png", "png")

	mw := NewMainWindow(t.Context(), a, Deps{
		Sandbox: func(context.Context) (storage.Config, error) { return srv.Config(), nil },
		Version: "1.0.0",
	})
	onUI(mw, func() { mw.win.Resize(fyne.NewSize(1200, 760)) })
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	openBucket(t, mw, b)
	onUI(mw, func() { mw.objects.Open(b, "2022/") })
	settle(t, mw)
	onUI(mw, func() {
		if !mw.objects.VersionsOffered() {
			t.Fatal("Show versions is not offered on a versioned bucket")
		}
		mw.objects.ShowVersions(true)
	})
	settle(t, mw)
	onUI(mw, func() {
		frame(mw.win.Canvas())
		row, at := rowWithLabel(mw.win.Content(), fyne.NewPos(0, 0), older)
		if row == nil {
			t.Fatalf("no row for version %s", older)
		}
		row.TappedSecondary(&fyne.PointEvent{Position: fyne.NewPos(380, 20), AbsolutePosition: at.AddXY(380, 20)})
	})
	var img image.Image
	onUI(mw, func() {
		frame(mw.win.Canvas())
		img = mw.win.Canvas().Capture()
	})
	saveShot(t, filepath.Join(dir, "versions.png"), img)
}

// children are o's drawn children (a container's, or a widget's renderer's).
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch x := o.(type) {
	case *fyne.Container:
		return x.Objects
	case fyne.Widget:
		return test.WidgetRenderer(x).Objects()
	}
	return nil
}

// hasLabel tells whether a label under o reads text.
func hasLabel(o fyne.CanvasObject, text string) bool {
	if l, ok := o.(*widget.Label); ok {
		return l.Text == text
	}
	for _, c := range children(o) {
		if hasLabel(c, text) {
			return true
		}
	}
	return false
}

// rowWithLabel is the right-clickable object under o (drawn at pos) that
// holds a label reading text, and where it is in the window.
func rowWithLabel(o fyne.CanvasObject, pos fyne.Position, text string) (fyne.SecondaryTappable, fyne.Position) {
	if !o.Visible() {
		return nil, pos
	}
	if st, ok := o.(fyne.SecondaryTappable); ok && hasLabel(o, text) {
		return st, pos
	}
	for _, c := range children(o) {
		if st, at := rowWithLabel(c, pos.Add(c.Position()), text); st != nil {
			return st, at
		}
	}
	return nil, pos
}
