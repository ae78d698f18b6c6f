package preview_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"

	"s3desk/storage/preview"
	"s3desk/storage/s3test"
)

func TestPreviewKindFor(t *testing.T) {
	cases := []struct {
		key, ct string
		want    preview.PreviewKind
	}{
		{"a/readme.md", "", preview.PreviewText},
		{"a/readme.md", "binary/octet-stream", preview.PreviewText},
		{"x.bin", "text/plain; charset=utf-8", preview.PreviewText},
		{"data.json", "application/json", preview.PreviewText},
		{"app.log", "application/octet-stream", preview.PreviewText},
		{"report.csv", "", preview.PreviewCSV},
		{"report", "text/csv", preview.PreviewCSV},
		{"r.TSV", "", preview.PreviewCSV},
		{"photo.JPG", "", preview.PreviewImage},
		{"pic", "image/webp", preview.PreviewImage},
		{"anim.gif", "application/octet-stream", preview.PreviewImage},
		{"archive.zip", "application/zip", preview.PreviewOther},
		{"noext", "", preview.PreviewOther},
		{"page.html", "text/html", preview.PreviewText},
	}
	for _, c := range cases {
		if got := preview.PreviewKindFor(c.key, c.ct); got != c.want {
			t.Errorf("PreviewKindFor(%q, %q) = %v, want %v", c.key, c.ct, got, c.want)
		}
	}
}

func TestPreviewTextReadsOnlyARange(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	const size = 50 << 20
	line := []byte("the quick brown fox jumps over the lazy dog, ünïcödé ✓\n")
	big := bytes.Repeat(line, size/len(line)+1)[:size]
	storetest.PutObject(t, srv.Client(t), b, "logs/big.log", "text/plain", big)

	svc, wire := storetest.CountingProxy(t, srv, nil)
	p, err := preview.New(svc).Preview(context.Background(), b, "logs/big.log")
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != preview.PreviewText || !p.Truncated {
		t.Fatalf("kind %v truncated %v, want text, truncated", p.Kind, p.Truncated)
	}
	if p.Info.Size != size {
		t.Errorf("Info.Size = %d, want %d", p.Info.Size, size)
	}
	if p.BytesRead != preview.TextPreviewBytes {
		t.Errorf("BytesRead = %d, want %d", p.BytesRead, preview.TextPreviewBytes)
	}
	if got := wire.Load(); got > preview.TextPreviewBytes+64<<10 {
		t.Errorf("the server sent %d body bytes for a preview of a %d-byte object; want about 1 MiB", got, size)
	} else {
		t.Logf("50 MiB text object: %d bytes on the wire, %d bytes read", got, p.BytesRead)
	}
	if !utf8.ValidString(p.Text) || strings.ContainsRune(p.Text, utf8.RuneError) {
		t.Errorf("preview text is not clean UTF-8 at the cut")
	}
	if !bytes.HasPrefix(big, []byte(p.Text)) || len(p.Text) < preview.TextPreviewBytes-4 {
		t.Errorf("preview text (%d bytes) is not the start of the object", len(p.Text))
	}
}

func TestPreviewTextSmallAndEmpty(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	c := srv.Client(t)
	storetest.PutObject(t, c, b, "notes.txt", "", append([]byte{0xEF, 0xBB, 0xBF}, "hello\nwörld\n"...))
	storetest.PutObject(t, c, b, "empty.md", "", nil)
	svc := srv.Service(t)
	p, err := preview.New(svc).Preview(context.Background(), b, "notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != preview.PreviewText || p.Truncated || p.Text != "hello\nwörld\n" {
		t.Errorf("got kind %v truncated %v text %q", p.Kind, p.Truncated, p.Text)
	}
	p, err = preview.New(svc).Preview(context.Background(), b, "empty.md")
	if err != nil || p.Text != "" || p.Truncated {
		t.Errorf("empty object: %+v, %v", p, err)
	}
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("z.txt"),
		Body: bytes.NewReader([]byte{0x1f, 0x8b, 8, 0}), ContentEncoding: aws.String("gzip")}); err != nil {
		t.Fatal(err)
	}
	if p, err := preview.New(svc).Preview(context.Background(), b, "z.txt"); err != nil || p.Kind != preview.PreviewOther || p.BytesRead != 0 {
		t.Errorf("gzip-encoded text: %+v, %v; want metadata only", p, err)
	}
	_, err = preview.New(svc).Preview(context.Background(), b, "missing.txt")
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("missing object: err = %v, want ErrNotFound", err)
	}
}

// tinyWebP is a 3×2 red WebP made with ImageMagick.
const tinyWebP = "UklGRjwAAABXRUJQVlA4IDAAAADQAQCdASoDAAIAAgA0JaACdLoB+AADsAD+8MQL/yC5YXXI1/8gP+QH/ID/+PIAAAA="

func testImage(w, h int) image.Image {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	for x := 0; x < w; x++ {
		img.SetColorIndex(x, x%h, 1)
	}
	return img
}

func TestPreviewImages(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	c := srv.Client(t)
	var pngB, jpgB, gifB bytes.Buffer
	png.Encode(&pngB, testImage(40, 30))
	jpeg.Encode(&jpgB, testImage(41, 31), nil)
	gif.Encode(&gifB, testImage(42, 32), nil)
	webpB, _ := base64.StdEncoding.DecodeString(tinyWebP)
	storetest.PutObject(t, c, b, "img/a.png", "image/png", pngB.Bytes())
	storetest.PutObject(t, c, b, "img/b.jpeg", "", jpgB.Bytes())
	storetest.PutObject(t, c, b, "img/c.gif", "application/octet-stream", gifB.Bytes())
	storetest.PutObject(t, c, b, "img/d", "image/webp", webpB)
	svc := srv.Service(t)
	for _, tc := range []struct {
		key, format string
		w, h        int
	}{{"img/a.png", "png", 40, 30}, {"img/b.jpeg", "jpeg", 41, 31}, {"img/c.gif", "gif", 42, 32}, {"img/d", "webp", 3, 2}} {
		p, err := preview.New(svc).Preview(context.Background(), b, tc.key)
		if err != nil {
			t.Errorf("%s: %v", tc.key, err)
			continue
		}
		if p.Kind != preview.PreviewImage || p.Format != tc.format || p.Width != tc.w || p.Height != tc.h || p.Image == nil {
			t.Errorf("%s: kind %v format %q %d×%d", tc.key, p.Kind, p.Format, p.Width, p.Height)
		}
	}

	// Bad data: garbage, a cut PNG, an empty "image".
	storetest.PutObject(t, c, b, "bad/garbage.png", "image/png", []byte("this is not a picture at all"))
	storetest.PutObject(t, c, b, "bad/cut.png", "image/png", pngB.Bytes()[:pngB.Len()/2])
	storetest.PutObject(t, c, b, "bad/empty.jpg", "", nil)
	for _, key := range []string{"bad/garbage.png", "bad/cut.png", "bad/empty.jpg"} {
		p, err := preview.New(svc).Preview(context.Background(), b, key)
		if !errors.Is(err, storage.ErrUnreadable) {
			t.Errorf("%s: err = %v, want ErrUnreadable", key, err)
		} else if p == nil || p.Info.Key != key || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: preview %v, message %q should name the object", key, p, err)
		}
	}
}

func TestDecodeImageRefusesHugeDimensions(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, testImage(4, 4))
	data := buf.Bytes()
	// Rewrite IHDR (after the 8-byte signature and 8-byte chunk header) to
	// claim 100000×100000 pixels, with a correct CRC.
	binary.BigEndian.PutUint32(data[16:], 100000)
	binary.BigEndian.PutUint32(data[20:], 100000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	_, _, err := preview.DecodeImage(bytes.NewReader(data))
	if !errors.Is(err, storage.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestParseCSVEdgeCases(t *testing.T) {
	in := "\uFEFFname,comment,url\n" +
		"alice,\"says \"\"hi\"\", twice\",https://example.com/a\n" +
		"bob,\"two\nlines\",\n" +
		"carol,short\n" + // line 5: ragged
		"dave,\"x\",y,extra\n" + // line 6: ragged
		"eve,bad\"quote,z\n" + // line 7: bare quote
		"frank,ok,ok\n"
	tb, err := preview.ParseCSV(strings.NewReader(in), ',', 100, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tb.Header, "|") != "name|comment|url" {
		t.Errorf("header %q (BOM not stripped?)", tb.Header)
	}
	if len(tb.Rows) != 5 {
		t.Fatalf("rows = %d %q, want 5", len(tb.Rows), tb.Rows)
	}
	if tb.Rows[0][1] != `says "hi", twice` || tb.Rows[1][1] != "two\nlines" || tb.Rows[4][0] != "frank" {
		t.Errorf("rows parsed wrongly: %q", tb.Rows)
	}
	wantLines := []int{5, 6, 7}
	if len(tb.Problems) != len(wantLines) {
		t.Fatalf("problems %v, want lines %v", tb.Problems, wantLines)
	}
	for i, p := range tb.Problems {
		if p.Line != wantLines[i] || !strings.Contains(p.String(), "line ") {
			t.Errorf("problem %d: %v, want line %d", i, p, wantLines[i])
		}
	}
	if tb.Truncated {
		t.Error("Truncated set for a complete small table")
	}

	// Row limit.
	var sb strings.Builder
	sb.WriteString("a\tb\n")
	for i := 0; i < 50; i++ {
		sb.WriteString("1\t2\n")
	}
	tb, _ = preview.ParseCSV(strings.NewReader(sb.String()), '\t', 10, false)
	if len(tb.Rows) != 10 || !tb.Truncated || len(tb.Header) != 2 {
		t.Errorf("TSV limit: %d rows, truncated %v, header %q", len(tb.Rows), tb.Truncated, tb.Header)
	}

	// A cut input drops the partial last record without calling it broken.
	tb, _ = preview.ParseCSV(strings.NewReader("h1,h2\n1,2\n3,\"unfini"), ',', 10, true)
	if len(tb.Rows) != 1 || len(tb.Problems) != 0 || !tb.Truncated {
		t.Errorf("cut input: rows %q problems %v truncated %v", tb.Rows, tb.Problems, tb.Truncated)
	}
	// An unclosed quote in a complete file is reported with its line.
	tb, _ = preview.ParseCSV(strings.NewReader("h1,h2\n1,2\n3,\"unfinished\n"), ',', 10, false)
	if len(tb.Rows) != 1 || len(tb.Problems) != 1 || tb.Problems[0].Line != 3 {
		t.Errorf("unclosed quote: rows %q problems %v", tb.Rows, tb.Problems)
	}
}

func TestPreviewCSV(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	c := srv.Client(t)
	var sb strings.Builder
	sb.WriteString("\uFEFFid,name\n")
	for i := 0; i < 3000; i++ {
		sb.WriteString(strings.Repeat("x", i%7) + ",\"n, " + string(rune('a'+i%26)) + "\"\n")
	}
	storetest.PutObject(t, c, b, "t/big.csv", "text/csv", []byte(sb.String()))
	storetest.PutObject(t, c, b, "t/small.tsv", "", []byte("a\tb\n1\t2\n3\n"))
	svc := srv.Service(t)
	p, err := preview.New(svc).Preview(context.Background(), b, "t/big.csv")
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != preview.PreviewCSV || len(p.Rows) != preview.CSVPreviewRows || !p.Truncated || p.Header[0] != "id" || p.Rows[1][1] != "n, b" {
		t.Errorf("big csv: kind %v rows %d truncated %v header %q row1 %q", p.Kind, len(p.Rows), p.Truncated, p.Header, p.Rows[1])
	}
	p, err = preview.New(svc).Preview(context.Background(), b, "t/small.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if p.Comma != '\t' || len(p.Rows) != 2 || p.Truncated || len(p.Problems) != 1 || p.Problems[0].Line != 3 {
		t.Errorf("tsv: comma %q rows %q truncated %v problems %v", p.Comma, p.Rows, p.Truncated, p.Problems)
	}
}

func TestPreviewOtherAndDownloadToTemp(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	data := bytes.Repeat([]byte{0, 1, 2, 3, 250}, 10000)
	storetest.PutObject(t, srv.Client(t), b, "dir/../weird:name.bin", "application/octet-stream", data)
	svc := srv.Service(t)
	p, err := preview.New(svc).Preview(context.Background(), b, "dir/../weird:name.bin")
	if err != nil {
		// versitygw's posix backend refuses ".." segments.
		storetest.PutObject(t, srv.Client(t), b, "dir/weird:name.bin", "application/octet-stream", data)
		p, err = preview.New(svc).Preview(context.Background(), b, "dir/weird:name.bin")
		if err != nil {
			t.Fatal(err)
		}
	}
	if p.Kind != preview.PreviewOther || p.Info.Size != int64(len(data)) || p.BytesRead != 0 || p.Info.ContentType != "application/octet-stream" {
		t.Errorf("other: kind %v size %d read %d type %q", p.Kind, p.Info.Size, p.BytesRead, p.Info.ContentType)
	}
	dir := t.TempDir()
	path, err := preview.New(svc).DownloadToTemp(context.Background(), b, p.Info.Key, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(dir, path); err != nil || strings.HasPrefix(rel, "..") || filepath.Base(path) != "weird_name.bin" {
		t.Errorf("temp file %q is not a plain name inside %q", path, dir)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) {
		t.Errorf("downloaded %d bytes, want the object's %d", len(got), len(data))
	}
}
