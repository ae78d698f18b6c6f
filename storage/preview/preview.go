package preview

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register GIF for image.Decode
	_ "image/jpeg" // register JPEG for image.Decode
	_ "image/png"  // register PNG for image.Decode
	"io"
	"mime"
	"os"
	"strings"
	"unicode/utf8"

	_ "golang.org/x/image/webp" // register WebP for image.Decode

	"s3desk/storage"
	"s3desk/storage/internal/csvread"
)

// Previewer reads objects for the preview window and for "Open with system
// app", through the core service's verified reads.
type Previewer struct{ svc *storage.Service }

// New is a Previewer reading through svc.
func New(svc *storage.Service) *Previewer { return &Previewer{svc: svc} }

// PreviewKind says how an object can be shown.
type PreviewKind int

// Kinds of preview.
const (
	PreviewOther PreviewKind = iota // metadata only; open with a system app
	PreviewText
	PreviewImage
	PreviewCSV
)

func (k PreviewKind) String() string {
	switch k {
	case PreviewText:
		return "text"
	case PreviewImage:
		return "image"
	case PreviewCSV:
		return "table"
	}
	return "other"
}

// Preview limits. A preview never asks the server for more than these.
const (
	TextPreviewBytes  = 1 << 20             // text shows the first 1 MiB
	CSVPreviewRows    = csvread.PreviewRows // tables show the header and the first 1,000 rows
	CSVPreviewBytes   = 16 << 20            // ...read from at most the first 16 MiB
	ImagePreviewBytes = 40 << 20            // larger images are not previewed
	ImageMaxPixels    = 64 << 20            // decoded images are capped at 64 megapixels (256 MiB RGBA)
)

var textExt = map[string]bool{
	"txt": true, "text": true, "md": true, "markdown": true, "rst": true, "json": true, "jsonl": true, "ndjson": true,
	"yaml": true, "yml": true, "toml": true, "ini": true, "cfg": true, "conf": true, "env": true, "log": true,
	"xml": true, "html": true, "htm": true, "css": true, "js": true, "mjs": true, "ts": true, "go": true, "py": true,
	"rb": true, "rs": true, "java": true, "c": true, "h": true, "cpp": true, "hpp": true, "cs": true, "sh": true,
	"bash": true, "zsh": true, "ps1": true, "sql": true, "svg": true, "properties": true, "gitignore": true,
	"dockerfile": true, "makefile": true, "tf": true, "hcl": true, "proto": true, "kt": true, "swift": true, "php": true,
	"pl": true, "lua": true, "r": true, "tex": true, "srt": true, "vtt": true, "gradle": true, "mod": true, "sum": true,
}

var imageExt = map[string]bool{"png": true, "jpg": true, "jpeg": true, "jpe": true, "gif": true, "webp": true}

// PreviewKindFor decides how to show an object from its Content-Type and,
// when that is missing or generic, the extension of its key.
func PreviewKindFor(key, contentType string) PreviewKind {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch mt {
	case "text/csv", "application/csv", "text/tab-separated-values", "text/x-csv":
		return PreviewCSV
	case "image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp":
		return PreviewImage
	case "application/json", "application/x-ndjson", "application/xml", "application/yaml", "application/x-yaml",
		"application/javascript", "application/x-sh", "application/toml", "image/svg+xml", "application/sql":
		return PreviewText
	}
	ext := csvread.KeyExt(key)
	switch {
	case ext == "csv" || ext == "tsv" || ext == "tab":
		return PreviewCSV
	case imageExt[ext]:
		return PreviewImage
	case textExt[ext]:
		return PreviewText
	}
	if strings.HasPrefix(mt, "text/") {
		return PreviewText
	}
	return PreviewOther
}

// CSVProblem is one row a table reader could not take as it is.
type CSVProblem = csvread.Problem

// Preview is what the preview pane shows of one object. Only the fields of
// its Kind are filled.
type Preview struct {
	Kind PreviewKind
	Info storage.ObjectInfo

	// Truncated says only the start of the object is shown.
	Truncated bool
	// BytesRead is how many bytes of the object were transferred.
	BytesRead int64

	Text string // PreviewText: valid UTF-8

	Image         image.Image // PreviewImage
	Format        string      // "png", "jpeg", "gif", "webp"
	Width, Height int

	Comma    rune         // PreviewCSV: ',' or '\t'
	Header   []string     // PreviewCSV
	Rows     [][]string   // PreviewCSV: at most CSVPreviewRows
	Problems []CSVProblem // PreviewCSV: malformed rows, by line
}

// Preview reads just enough of an object to show it: a ranged GET of the
// first TextPreviewBytes of text, the first CSVPreviewRows rows of a table,
// a whole image only up to ImagePreviewBytes, and nothing but the metadata
// of anything else.
func (s *Previewer) Preview(ctx context.Context, bucket, key string) (*Preview, error) {
	info, err := s.previewHead(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	p := &Preview{Info: info, Kind: PreviewKindFor(key, info.ContentType)}
	if enc := strings.ToLower(strings.TrimSpace(info.ContentEncoding)); enc != "" && enc != "identity" && enc != "aws-chunked" && enc != "utf-8" {
		// Compressed bytes (gzip, br, ...) cannot be shown from a range.
		p.Kind = PreviewOther
	}
	switch p.Kind {
	case PreviewText:
		return p, s.previewText(ctx, p)
	case PreviewImage:
		return p, s.previewImage(ctx, p)
	case PreviewCSV:
		return p, s.previewCSV(ctx, p)
	}
	return p, nil
}

func (s *Previewer) previewText(ctx context.Context, p *Preview) error {
	body, n, err := s.previewRange(ctx, p.Info, TextPreviewBytes)
	if err != nil {
		return err
	}
	defer body.Close()
	buf, err := io.ReadAll(io.LimitReader(body, TextPreviewBytes))
	p.BytesRead = int64(len(buf))
	if err != nil {
		return storage.MapError("preview", p.Info.Bucket, p.Info.Key, err)
	}
	p.Truncated = p.Info.Size > int64(len(buf)) || n > int64(len(buf))
	if p.Truncated {
		// Do not show half a character at the cut.
		for i := 0; i < utf8.UTFMax && len(buf) > 0; i++ {
			if r, size := utf8.DecodeLastRune(buf); r != utf8.RuneError || size != 1 {
				break
			}
			buf = buf[:len(buf)-1]
		}
	}
	buf = bytes.TrimPrefix(buf, csvread.UTF8BOM)
	p.Text = strings.ToValidUTF8(string(buf), "\uFFFD")
	return nil
}

func (s *Previewer) previewImage(ctx context.Context, p *Preview) error {
	if p.Info.Size > ImagePreviewBytes {
		return &storage.Error{Op: "preview", Bucket: p.Info.Bucket, Key: p.Info.Key, Kind: storage.ErrTooLarge,
			Msg: fmt.Sprintf("%q is %d MB; images over %d MB are not previewed, open it with a system app instead",
				p.Info.Key, p.Info.Size>>20, ImagePreviewBytes>>20)}
	}
	body, _, err := s.previewRange(ctx, p.Info, ImagePreviewBytes)
	if err != nil {
		return err
	}
	defer body.Close()
	cr := &csvread.CountingReader{R: io.LimitReader(body, ImagePreviewBytes)}
	img, format, err := DecodeImage(cr)
	p.BytesRead = cr.N
	if err != nil {
		var se *storage.Error
		if errors.As(err, &se) {
			se.Op, se.Bucket, se.Key = "preview", p.Info.Bucket, p.Info.Key
			se.Msg = fmt.Sprintf("%q: %s", p.Info.Key, se.Msg)
		}
		return err
	}
	b := img.Bounds()
	p.Image, p.Format, p.Width, p.Height = img, format, b.Dx(), b.Dy()
	return nil
}

// DecodeImage decodes a PNG, JPEG, GIF or WebP image. Data that is not a
// decodable image, or one over ImageMaxPixels, gives an storage.ErrUnreadable or
// storage.ErrTooLarge error; a decoder panic on hostile data is turned into an error.
func DecodeImage(r io.Reader) (img image.Image, format string, err error) {
	br := bufio.NewReader(r)
	defer func() {
		if v := recover(); v != nil {
			img, format = nil, ""
			err = &storage.Error{Op: "decode image", Kind: storage.ErrUnreadable, Msg: fmt.Sprintf("the image data is damaged (%v)", v)}
		}
	}()
	head, _ := br.Peek(64 << 10)
	cfg, format, err := image.DecodeConfig(bytes.NewReader(head))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, "", &storage.Error{Op: "decode image", Kind: storage.ErrUnreadable, Err: err,
			Msg: "not a readable PNG, JPEG, GIF or WebP image (" + err.Error() + ")"}
	}
	if err == nil && int64(cfg.Width)*int64(cfg.Height) > ImageMaxPixels {
		return nil, "", &storage.Error{Op: "decode image", Kind: storage.ErrTooLarge,
			Msg: fmt.Sprintf("the image is %d×%d pixels; previews stop at %d megapixels", cfg.Width, cfg.Height, ImageMaxPixels>>20)}
	}
	img, format, err = image.Decode(br)
	if err != nil {
		return nil, "", &storage.Error{Op: "decode image", Kind: storage.ErrUnreadable, Err: err,
			Msg: "not a readable PNG, JPEG, GIF or WebP image (" + err.Error() + ")"}
	}
	return img, format, nil
}

func (s *Previewer) previewCSV(ctx context.Context, p *Preview) error {
	p.Comma = csvread.Comma(p.Info.Key, p.Info.ContentType)
	body, n, err := s.previewRange(ctx, p.Info, CSVPreviewBytes)
	if err != nil {
		return err
	}
	defer body.Close()
	cr := &csvread.CountingReader{R: io.LimitReader(body, CSVPreviewBytes)}
	cut := n < p.Info.Size // the range ends before the object does
	t, err := ParseCSV(cr, p.Comma, CSVPreviewRows, cut)
	p.BytesRead = cr.N
	if err != nil {
		return storage.MapError("preview", p.Info.Bucket, p.Info.Key, err)
	}
	p.Header, p.Rows, p.Problems, p.Truncated = t.Header, t.Rows, t.Problems, t.Truncated
	return nil
}

// CSVTable is the start of a table read by ParseCSV.
type CSVTable struct {
	Header    []string
	Rows      [][]string
	Problems  []CSVProblem
	Truncated bool // there were more rows than asked for, or the input was cut
}

// ParseCSV reads a header and up to maxRows rows. It accepts quoted fields
// with embedded delimiters, quotes and newlines, strips a UTF-8 BOM, keeps
// rows whose field count differs from the header (reporting them by line),
// and skips rows with broken quoting (reporting those too). cut says the
// input is the first part of a longer object, so its last record may be
// partial and is dropped. Only a read failure is an error.
func ParseCSV(r io.Reader, comma rune, maxRows int, cut bool) (CSVTable, error) {
	var t CSVTable
	rd, guard := csvread.NewReader(r, comma, tableTooLong)
	type rec struct {
		fields []string
		line   int
	}
	// When the input is cut, the last item read (record or problem) may be
	// the partial end of the range, so each is held back until the next.
	var pending *rec
	var pendingProblem *CSVProblem
	addProblem := func(p CSVProblem) {
		if len(t.Problems) < csvread.MaxProblems {
			t.Problems = append(t.Problems, p)
		}
	}
	take := func(r *rec) bool {
		if t.Header == nil {
			t.Header = r.fields
			return true
		}
		if len(t.Rows) >= maxRows {
			t.Truncated = true
			return false
		}
		if len(r.fields) != len(t.Header) {
			addProblem(CSVProblem{Line: r.line, Msg: fmt.Sprintf("has %d fields, the header has %d", len(r.fields), len(t.Header))})
		}
		t.Rows = append(t.Rows, r.fields)
		return true
	}
	flush := func() bool {
		if pendingProblem != nil {
			addProblem(*pendingProblem)
			pendingProblem = nil
		}
		if pending != nil {
			r := pending
			pending = nil
			return take(r)
		}
		return true
	}
	for {
		fields, err := rd.Read()
		guard.Mark()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p := CSVProblem{Line: pe.StartLine, Msg: csvread.ErrText(pe)}
			if !cut {
				addProblem(p)
				continue
			}
			if !flush() {
				return t, nil
			}
			pendingProblem = &p
			continue
		}
		if err != nil {
			return t, err
		}
		line, _ := rd.FieldPos(0)
		r := &rec{fields: fields, line: line}
		if !cut {
			if !take(r) {
				return t, nil
			}
			continue
		}
		if !flush() {
			return t, nil
		}
		pending = r
	}
	if cut {
		t.Truncated = true
		if pending != nil && t.Header == nil {
			take(pending) // a header alone is still a header
		}
	}
	return t, nil
}

// previewHead is Stat, reported as the preview's.
func (s *Previewer) previewHead(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, err := s.svc.Stat(ctx, bucket, key)
	if err != nil {
		var se *storage.Error
		if errors.As(err, &se) {
			se.Op = "preview"
		}
		return storage.ObjectInfo{}, err
	}
	return info, nil
}

// previewRange GETs the first limit bytes of the object described by info
// (pinned to its ETag, so a concurrent overwrite is noticed). It returns the
// body and the Content-Length the server sent.
func (s *Previewer) previewRange(ctx context.Context, info storage.ObjectInfo, limit int64) (io.ReadCloser, int64, error) {
	if info.Size == 0 {
		return io.NopCloser(strings.NewReader("")), 0, nil
	}
	body, got, err := s.svc.Open(ctx, info.Bucket, info.Key, storage.ReadOptions{Length: limit, IfMatch: info.ETag})
	if err != nil {
		var se *storage.Error
		if errors.As(err, &se) {
			se.Op = "preview"
		}
		return nil, 0, err
	}
	return body, min(limit, got.Size), nil
}

// DownloadToTemp saves an object to a new folder in dir (os.TempDir() when
// empty); see SaveToOpen.
func (s *Previewer) DownloadToTemp(ctx context.Context, bucket, key, dir string) (string, error) {
	return s.SaveToOpen(ctx, bucket, key, dir, nil)
}

// SaveToOpen saves an object for "Open with system app": to a new private
// folder (0700) in dir, as a file (0600) named after the key's last segment
// so that a system app recognises its type, and returns the file's path.
// It reads through Open (so the read is verified as every read is) and
// reports the bytes written so far to progress (nil: none) about every
// MiB. On an error or a cancelled ctx nothing is left behind. The caller
// removes the file when the app no longer needs it.
func (s *Previewer) SaveToOpen(ctx context.Context, bucket, key, dir string, progress func(written int64)) (string, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	body, _, err := s.svc.Open(ctx, bucket, key, storage.ReadOptions{})
	if err != nil {
		return "", err
	}
	defer body.Close()
	sub, err := os.MkdirTemp(dir, "s3desk-open-")
	if err != nil {
		return "", &storage.Error{Op: "download", Bucket: bucket, Key: key, Err: err, Msg: "could not create a temporary folder: " + err.Error()}
	}
	p := sub + string(os.PathSeparator) + safeFileName(key)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		os.RemoveAll(sub)
		return "", &storage.Error{Op: "download", Bucket: bucket, Key: key, Err: err, Msg: "could not create a temporary file: " + err.Error()}
	}
	var w io.Writer = f
	if progress != nil {
		w = &progressWriter{w: f, fn: progress}
	}
	_, err = io.Copy(w, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		os.RemoveAll(sub)
		return "", storage.MapError("download", bucket, key, err)
	}
	if progress != nil {
		if st, serr := os.Stat(p); serr == nil {
			progress(st.Size())
		}
	}
	return p, nil
}

// progressWriter reports the bytes written to fn, about every MiB.
type progressWriter struct {
	w    io.Writer
	fn   func(int64)
	n    int64
	last int64
}

func (pw *progressWriter) Write(b []byte) (int, error) {
	n, err := pw.w.Write(b)
	pw.n += int64(n)
	if pw.n-pw.last >= 1<<20 {
		pw.last = pw.n
		pw.fn(pw.n)
	}
	return n, err
}

// safeFileName turns a key's last segment into a plain file name: no path
// separators, no leading dots, no control characters, at most 200 bytes.
func safeFileName(key string) string {
	base := key
	if i := strings.LastIndexByte(strings.TrimRight(key, "/"), '/'); i >= 0 {
		base = key[i+1:]
	}
	base = strings.TrimRight(base, "/")
	var b strings.Builder
	for _, r := range base {
		switch {
		case r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name := strings.TrimLeft(b.String(), ". ")
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		name = "object"
	}
	return name
}

// tableTooLong is the error of a record longer than csvread.MaxRecordBytes.
func tableTooLong(msg string) error {
	return &storage.Error{Op: "read table", Kind: storage.ErrUnreadable, Msg: msg}
}
