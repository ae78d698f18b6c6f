package preview

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/preview"
	"s3desk/storage/s3test"
)

// urlApp records the URLs the app is asked to open.
type urlApp struct {
	fyne.App
	mu     sync.Mutex
	opened []*url.URL
}

func (a *urlApp) OpenURL(u *url.URL) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.opened = append(a.opened, u)
	return nil
}

func previewPlant(t *testing.T, srv *s3test.Server, bucket, key, contentType string, body []byte) storage.Entry {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if _, err := srv.Client(t).PutObject(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	name := key[strings.LastIndexByte(key, '/')+1:]
	return storage.Entry{Key: key, Name: name, Size: int64(len(body))}
}

func TestPreviewOpensForEachKind(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	svc := srv.Service(t)
	a := &urlApp{App: test.NewTempApp(t)}
	j := async.New(t.Context())
	t.Cleanup(j.Wait)

	// Text, cut at 1 MiB.
	big := strings.Repeat("line of log text <b>not markup</b>\n", (3<<20)/35)
	v := NewPreviewWindow(a, preview.New(svc), j, b, previewPlant(t, srv, b, "logs/app.log", "", []byte(big)))
	j.Wait()
	if v.text == nil || len(v.lines) < 20000 || v.lines[0] != "line of log text <b>not markup</b>" {
		t.Fatalf("text preview not shown; notice %q", v.notice.Text)
	}
	if !v.notice.Visible() || !strings.Contains(v.notice.Text, "Showing the first 1.0 MiB") {
		t.Errorf("truncation notice %q (visible %v)", v.notice.Text, v.notice.Visible())
	}
	v.win.Close()

	// Image.
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	img.Set(3, 3, color.White)
	var pb bytes.Buffer
	png.Encode(&pb, img)
	v = NewPreviewWindow(a, preview.New(svc), j, b, previewPlant(t, srv, b, "pics/p.png", "image/png", pb.Bytes()))
	j.Wait()
	if v.image == nil || v.image.Image == nil || !strings.Contains(v.info.Text, "64 × 48 px") || !strings.Contains(v.info.Text, "PNG") {
		t.Errorf("image preview: image %v, info %q", v.image, v.info.Text)
	}
	v.win.Close()

	// Bad image: a readable error, metadata still shown.
	v = NewPreviewWindow(a, preview.New(svc), j, b, previewPlant(t, srv, b, "pics/bad.png", "image/png", []byte("nope")))
	j.Wait()
	if v.image != nil || v.meta == nil {
		t.Errorf("bad image: image %v meta %v", v.image, v.meta)
	}
	v.win.Close()

	// CSV with a header row, quoted fields and a ragged row.
	csv := "name,comment\nann,\"hello, world\"\nbob,\"two\nlines\"\ncarl\n"
	v = NewPreviewWindow(a, preview.New(svc), j, b, previewPlant(t, srv, b, "t/people.csv", "", []byte(csv)))
	j.Wait()
	if v.table == nil {
		t.Fatalf("table preview not shown: %q", v.notice.Text)
	}
	if r, c := v.table.Length(); r != 3 || c != 2 {
		t.Errorf("table is %d×%d, want 3 rows × 2 columns", r, c)
	}
	v.win.Resize(fyne.NewSize(820, 620))
	texts := append(previewLabelTexts(v.table), tableCells(v.table)...)
	for _, want := range []string{"name", "comment", "hello, world", "two ⏎ lines"} {
		if !previewContains(texts, want) {
			t.Errorf("table lacks %q; shows %q", want, texts)
		}
	}
	if !strings.Contains(v.notice.Text, "line 5: has 1 fields, the header has 2") {
		t.Errorf("problem notice %q", v.notice.Text)
	}
	v.win.Close()

	// Anything else: metadata and "Open with system app".
	v = NewPreviewWindow(a, preview.New(svc), j, b, previewPlant(t, srv, b, "bin/blob.dat", "application/octet-stream", []byte{1, 2, 3, 0, 9}))
	j.Wait()
	if v.meta == nil || v.text != nil || v.table != nil || v.image != nil {
		t.Fatal("other: metadata form not shown")
	}
	openDir := filepath.Join(t.TempDir(), "open")
	v.openDir = openDir
	test.Tap(v.openBtn)
	j.Wait()
	a.mu.Lock()
	opened := a.opened
	a.mu.Unlock()
	if len(opened) != 1 || opened[0].Scheme != "file" || !strings.HasSuffix(opened[0].Path, "/blob.dat") {
		t.Fatalf("opened %v, want one file://…/blob.dat", opened)
	}
	if !strings.HasPrefix(opened[0].Path, openDir+"/") {
		t.Errorf("opened %s outside the private folder %s", opened[0].Path, openDir)
	}
	if st, err := os.Stat(openDir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("private folder %v, %v", st, err)
	}
	if v.openDlg == nil || v.openDlg.MinSize().Width == 0 {
		t.Error("no progress dialog")
	}
	got, err := os.ReadFile(opened[0].Path)
	if err != nil || !bytes.Equal(got, []byte{1, 2, 3, 0, 9}) {
		t.Errorf("temp file %v, %v", got, err)
	}
	v.win.Close()

	// Above the cap it asks first, and downloads nothing until yes.
	e := previewPlant(t, srv, b, "bin/huge.iso", "application/octet-stream", []byte{7})
	e.Size = 300 << 20
	v = NewPreviewWindow(a, preview.New(svc), j, b, e)
	v.openDir = openDir
	j.Wait()
	test.Tap(v.openBtn)
	j.Wait()
	a.mu.Lock()
	n := len(a.opened)
	a.mu.Unlock()
	if n != 1 || v.openDlg != nil {
		t.Fatalf("a 300 MiB object was downloaded without asking (%d opened)", n)
	}
	if top := v.win.Canvas().Overlays().Top(); top == nil {
		t.Fatal("no confirmation above the cap")
	}
	v.win.Close()
}

// tableCells is the text of every cell, as the table's callbacks give it.
func tableCells(t *widget.Table) []string {
	var out []string
	rows, cols := t.Length()
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			o := t.CreateCell()
			t.UpdateCell(widget.TableCellID{Row: r, Col: c}, o)
			out = append(out, o.(*widget.Label).Text)
		}
	}
	return out
}

// previewLabelTexts is the text of every label laid out inside o.
func previewLabelTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok && l.Visible() {
			out = append(out, l.Text)
		}
	}
	return out
}

func previewContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Numbers are right-aligned (and their column's header with them); the
// table is no taller than its rows, so its column lines end at the last row.
func TestPreviewTableAlignsNumbersAndEndsAtLastRow(t *testing.T) {
	test.NewTempApp(t)
	header := []string{"service", "requests", "share", "note"}
	rows := [][]string{
		{"s3", "2136", "12.5%", "1,234"},
		{"sns", "481", "-0.5", "n/a"},
		{"lambda", "", "1e3", "$4.99"},
	}
	tbl := newPreviewTable(header, rows)
	box := container.New(&fitRowsLayout{t: tbl}, tbl)
	w := test.NewTempWindow(t, box)
	w.Resize(fyne.NewSize(600, 500))

	align := func(r, c int) fyne.TextAlign {
		o := tbl.CreateCell()
		tbl.UpdateCell(widget.TableCellID{Row: r, Col: c}, o)
		return o.(*widget.Label).Alignment
	}
	for _, c := range []struct {
		r, c  int
		right bool
	}{{0, 0, false}, {0, 1, true}, {0, 2, true}, {1, 2, true}, {2, 2, true}, {0, 3, true}, {1, 3, false}, {2, 3, true}} {
		if got := align(c.r, c.c) == fyne.TextAlignTrailing; got != c.right {
			t.Errorf("cell %q right-aligned %v, want %v", rows[c.r][c.c], got, c.right)
		}
	}
	headAlign := func(c int) fyne.TextAlign {
		o := tbl.CreateHeader()
		tbl.UpdateHeader(widget.TableCellID{Row: -1, Col: c}, o)
		return o.(*widget.Label).Alignment
	}
	if headAlign(1) != fyne.TextAlignTrailing || headAlign(2) != fyne.TextAlignTrailing || headAlign(0) != fyne.TextAlignLeading || headAlign(3) != fyne.TextAlignLeading {
		t.Errorf("header alignment: %v %v %v %v", headAlign(0), headAlign(1), headAlign(2), headAlign(3))
	}
	for _, s := range []string{"NaN", "inf", "0x1F", "-", "1.2.3", "12 apples", "2026-11-25"} {
		if isNumber(s) {
			t.Errorf("%q taken for a number", s)
		}
	}

	cell := tbl.CreateCell().MinSize().Height
	if h := tbl.Size().Height; h > 5*cell || h < 4*cell {
		t.Errorf("table %.0f px high for a header and 3 rows of %.0f px; the window gives %.0f", h, cell, box.Size().Height)
	}
	// Many rows: the table takes the height there is and scrolls.
	many := make([][]string, 500)
	for i := range many {
		many[i] = []string{"x", "1"}
	}
	big := newPreviewTable([]string{"a", "b"}, many)
	bigBox := container.New(&fitRowsLayout{t: big}, big)
	w.SetContent(bigBox)
	w.Resize(fyne.NewSize(600, 400))
	if big.Size().Height != bigBox.Size().Height {
		t.Errorf("500 rows: table %.0f px in %.0f px", big.Size().Height, bigBox.Size().Height)
	}
}

// The modified date reads as in the objects list.
func TestPreviewInfoLineDateAsInObjectsList(t *testing.T) {
	now := time.Now()
	p := &preview.Preview{Kind: preview.PreviewCSV, Header: []string{"a"},
		Info: storage.ObjectInfo{Size: 347, ContentType: "text/csv", LastModified: now}}
	got := infoLine(p)
	if want := "modified " + widgets.FormatTime(p.Info.LastModified, now); !strings.HasSuffix(got, want) || !strings.Contains(got, "Today") {
		t.Errorf("info line %q, want it to end with %q", got, want)
	}
}
