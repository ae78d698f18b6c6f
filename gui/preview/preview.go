package preview

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/preview"
)

// PreviewStore is what the preview window needs; *preview.Previewer has it.
type PreviewStore interface {
	Preview(ctx context.Context, bucket, key string) (*preview.Preview, error)
	SaveToOpen(ctx context.Context, bucket, key, dir string, progress func(written int64)) (string, error)
}

// PreviewView is a window showing one object: the start of a text, an
// image scaled to fit, the first rows of a CSV/TSV table, or the metadata of
// anything else, with "Open with system app". It reads only what it shows
// (see preview.Preview) and cancels its reads when closed.
type PreviewView struct {
	app    fyne.App
	win    fyne.Window
	store  PreviewStore
	jobs   *async.Jobs
	load   async.Gen
	open   async.Gen
	bucket string
	key    string
	size   int64

	// openDir holds the files opened with a system app (SetOpenDir); ""
	// means there is none and opening fails with a message.
	openDir string
	openDlg *dialog.CustomDialog // the open-with progress, while it runs

	info    *widget.Label // what the object is: size, type, dimensions
	notice  *widget.Label // "showing the first 1 MiB" and problems
	body    *fyne.Container
	openBtn *widget.Button
	copyBtn *widget.Button // text only: the shown text to the clipboard
	spinner *widget.ProgressBarInfinite

	result *preview.Preview // the loaded preview (UI goroutine)
	lines  []string         // the text as display lines
	text   *widget.List     // one monospace line per row (virtualised: 1 MiB stays fast)
	image  *canvas.Image
	table  *widget.Table
	meta   *widget.Form
	closed bool
}

// NewPreviewWindow opens a preview window for entry and starts loading it.
// j runs the background work (tests wait on it).
func NewPreviewWindow(a fyne.App, store PreviewStore, j *async.Jobs, bucket string, entry storage.Entry) *PreviewView {
	v := &PreviewView{app: a, store: store, jobs: j, bucket: bucket, key: entry.Key, size: entry.Size}
	v.win = a.NewWindow(previewTitle(entry.Key))
	v.info = widget.NewLabel(widgets.Bytes(uint64(max(entry.Size, 0))))
	v.info.Truncation = fyne.TextTruncateEllipsis
	v.notice = widget.NewLabel("")
	v.notice.Wrapping = fyne.TextWrapWord
	v.notice.Importance = widget.WarningImportance
	v.notice.Hide()
	v.spinner = widget.NewProgressBarInfinite()
	v.body = container.NewStack(container.NewCenter(container.NewVBox(widget.NewLabel(lang.L("Loading preview…")), v.spinner)))
	v.openBtn = widget.NewButtonWithIcon(lang.L("Open with system app"), theme.ComputerIcon(), v.openWithSystemApp)
	v.copyBtn = widget.NewButtonWithIcon(lang.L("Copy text"), theme.ContentCopyIcon(), func() {
		if v.result != nil {
			v.win.Clipboard().SetContent(v.result.Text)
		}
	})
	v.copyBtn.Hide()
	closeBtn := widget.NewButton(lang.L("Close"), func() { v.win.Close() })
	keyLabel := widget.NewLabelWithStyle(entry.Key, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	keyLabel.Truncation = fyne.TextTruncateEllipsis
	top := container.NewVBox(keyLabel, v.info)
	bottom := container.NewVBox(v.notice, container.NewHBox(v.openBtn, v.copyBtn, layout.NewSpacer(), closeBtn))
	v.win.SetContent(container.NewBorder(top, bottom, nil, nil, v.body))
	v.win.Resize(fyne.NewSize(820, 620))
	// Space and Escape close the preview, as Quick Look does.
	v.win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape || e.Name == fyne.KeySpace {
			v.win.Close()
		}
	})
	v.win.SetOnClosed(func() {
		v.closed = true
		v.load.Stop()
		v.open.Stop()
	})
	v.win.Show()
	v.reload()
	return v
}

// SetOpenDir sets the private folder for files opened with a system app.
func (v *PreviewView) SetOpenDir(dir string) { v.openDir = dir }

// Window is the preview's window.
func (v *PreviewView) Window() fyne.Window { return v.win }

func previewTitle(key string) string {
	name := key
	if i := strings.LastIndexByte(strings.TrimRight(key, "/"), '/'); i >= 0 {
		name = key[i+1:]
	}
	if name == "" {
		name = key
	}
	return fmt.Sprintf(lang.L("%s — Preview"), name)
}

func (v *PreviewView) reload() {
	ctx, gen := v.load.Renew(v.jobs.Ctx())
	v.jobs.Go(func() {
		p, err := v.store.Preview(ctx, v.bucket, v.key)
		v.jobs.Do(func() {
			if !v.load.Current(gen) || v.closed {
				return
			}
			v.show(p, err)
		})
	})
}

// show fills the window with p (UI goroutine). A preview that failed still
// shows what is known (metadata) with the error.
func (v *PreviewView) show(p *preview.Preview, err error) {
	v.spinner.Stop()
	v.result = p
	if p != nil {
		v.info.SetText(infoLine(p))
	}
	if err != nil {
		msg := widgets.ErrorText(err)
		if p != nil {
			v.body.Objects = []fyne.CanvasObject{container.NewBorder(previewErrorLabel(msg), nil, nil, nil, v.metaForm(p.Info))}
		} else {
			v.body.Objects = []fyne.CanvasObject{container.NewCenter(previewErrorLabel(msg))}
		}
		v.body.Refresh()
		return
	}
	var content fyne.CanvasObject
	var notes []string
	switch p.Kind {
	case preview.PreviewText:
		v.lines = displayLines(p.Text)
		v.text = newLinesList(v.lines)
		content = v.text
		v.copyBtn.Show()
		if p.Truncated {
			notes = append(notes, fmt.Sprintf(lang.L("Showing the first %s of %s."), widgets.Bytes(uint64(p.BytesRead)), widgets.Bytes(uint64(p.Info.Size))))
		}
	case preview.PreviewImage:
		v.image = canvas.NewImageFromImage(p.Image)
		v.image.FillMode = canvas.ImageFillContain
		v.image.ScaleMode = canvas.ImageScaleSmooth
		// Small images are shown at their own size, large ones scaled to fit.
		v.image.SetMinSize(fyne.NewSize(float32(min(p.Width, 64)), float32(min(p.Height, 64))))
		content = v.image
	case preview.PreviewCSV:
		v.table = newPreviewTable(p.Header, p.Rows)
		// The table ends with its last row: column lines stop there.
		content = container.New(&fitRowsLayout{t: v.table}, v.table)
		if p.Truncated {
			notes = append(notes, fmt.Sprintf(lang.L("Showing the header and the first %s rows."), widgets.Number(int64(len(p.Rows)))))
		}
		notes = append(notes, problemNotes(p.Problems)...)
	default:
		content = v.metaForm(p.Info)
		notes = append(notes, lang.L("This kind of file has no preview. “Open with system app” downloads it to a temporary file and opens it."))
	}
	v.body.Objects = []fyne.CanvasObject{content}
	v.body.Refresh()
	if len(notes) > 0 {
		v.notice.SetText(strings.Join(notes, "\n"))
		v.notice.Show()
	}
}

func previewErrorLabel(msg string) *widget.Label {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	return l
}

// infoLine is the one-line description under the key.
func infoLine(p *preview.Preview) string {
	parts := []string{widgets.Bytes(uint64(max(p.Info.Size, 0)))}
	if p.Kind == preview.PreviewImage && p.Width > 0 {
		parts = append(parts, fmt.Sprintf(lang.L("%s image, %d × %d px"), strings.ToUpper(p.Format), p.Width, p.Height))
	}
	if p.Kind == preview.PreviewCSV && p.Header != nil {
		parts = append(parts, fmt.Sprintf(lang.N("%d column", len(p.Header)), len(p.Header)))
	}
	if p.Info.ContentType != "" {
		parts = append(parts, p.Info.ContentType)
	}
	if !p.Info.LastModified.IsZero() {
		// As the objects list writes it ("Today 19:04").
		parts = append(parts, fmt.Sprintf(lang.L("modified %s"), widgets.FormatTime(p.Info.LastModified, time.Now())))
	}
	return strings.Join(parts, " · ")
}

// problemNotes lists the first few malformed rows.
func problemNotes(ps []preview.CSVProblem) []string {
	if len(ps) == 0 {
		return nil
	}
	out := []string{fmt.Sprintf(lang.L("%d malformed row(s):"), len(ps))}
	for i, p := range ps {
		if i == 3 {
			out = append(out, fmt.Sprintf(lang.L("…and %d more."), len(ps)-3))
			break
		}
		out = append(out, "• "+p.String())
	}
	return out
}

func (v *PreviewView) metaForm(info storage.ObjectInfo) fyne.CanvasObject {
	f := widget.NewForm()
	add := func(label, value string) {
		if value == "" {
			return
		}
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapBreak
		f.Append(label, l)
	}
	add(lang.L("Key"), info.Key)
	add(lang.L("Size"), fmt.Sprintf(lang.L("%s (%s bytes)"), widgets.Bytes(uint64(max(info.Size, 0))), widgets.Number(info.Size)))
	if !info.LastModified.IsZero() {
		add(lang.L("Last modified"), info.LastModified.Local().Format(lang.X("format.datetime.seconds", "2006-01-02 15:04:05 MST")))
	}
	add(lang.L("Content type"), info.ContentType)
	add(lang.L("Content encoding"), info.ContentEncoding)
	add(lang.L("Cache control"), info.CacheControl)
	add(lang.L("Content disposition"), info.ContentDisposition)
	add(lang.L("Storage class"), info.StorageClass)
	add(lang.L("ETag"), info.ETag)
	add(lang.L("Version"), info.VersionID)
	keys := make([]string, 0, len(info.Metadata))
	for k := range info.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(fmt.Sprintf("x-amz-meta-%s", k), info.Metadata[k])
	}
	v.meta = f
	return container.NewVScroll(f)
}

// maxLineRunes is where long text lines are folded for display.
const maxLineRunes = 160

// displayLines splits text into lines, folding long ones (minified JSON,
// logs without newlines) into pieces of maxLineRunes and showing tabs as
// four spaces.
func displayLines(text string) []string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\t", "    ")
	text = strings.TrimSuffix(text, "\n")
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for utf8.RuneCountInString(line) > maxLineRunes {
			i, n := 0, 0
			for n < maxLineRunes {
				_, size := utf8.DecodeRuneInString(line[i:])
				i += size
				n++
			}
			out = append(out, line[:i])
			line = line[i:]
		}
		out = append(out, line)
	}
	return out
}

// newLinesList shows lines in a virtualised list of monospace labels.
func newLinesList(lines []string) *widget.List {
	return widget.NewList(
		func() int { return len(lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			l.Truncation = fyne.TextTruncateClip
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lines[id]) })
}

// Preview cell display limits: a cell shows one line of at most this many
// characters; columns are at most maxColumnWidth wide.
const (
	maxCellChars   = 200
	maxColumnWidth = 360
	minColumnWidth = 48
)

// cellText is a table cell as one display line.
func cellText(s string) string {
	s = strings.NewReplacer("\r\n", " ⏎ ", "\n", " ⏎ ", "\r", " ⏎ ", "\t", " ").Replace(s)
	if utf8.RuneCountInString(s) > maxCellChars {
		r := []rune(s)
		s = string(r[:maxCellChars]) + "…"
	}
	return s
}

// numberCell matches a cell that reads as a number: 2136, -3.5, 1,234,567,
// 1e-9, 12%, $4.99.
var numberCell = regexp.MustCompile(`^[-+]?[$€£¥]?(\d{1,3}(,\d{3})+|\d+|)(\.\d+)?([eE][-+]?\d+)?%?$`)

// isNumber says whether a table cell reads as a number (right-aligned, as
// spreadsheets do).
func isNumber(s string) bool {
	s = strings.TrimSpace(s)
	return strings.ContainsAny(s, "0123456789") && numberCell.MatchString(s)
}

// numericColumns marks the columns whose non-empty cells (among the first
// rows) are all numbers: their headers are right-aligned over the numbers.
func numericColumns(rows [][]string, cols int) []bool {
	out := make([]bool, cols)
	seen := make([]bool, cols)
	for c := range out {
		out[c] = true
	}
	for i, r := range rows {
		if i == 200 {
			break
		}
		for c := 0; c < cols && c < len(r); c++ {
			if strings.TrimSpace(r[c]) == "" {
				continue
			}
			seen[c] = true
			if !isNumber(r[c]) {
				out[c] = false
			}
		}
	}
	for c := range out {
		out[c] = out[c] && seen[c]
	}
	return out
}

// setCell shows text in a table label, right-aligned when right.
func setCell(l *widget.Label, text string, right bool) {
	align := fyne.TextAlignLeading
	if right {
		align = fyne.TextAlignTrailing
	}
	if l.Text == text && l.Alignment == align {
		return
	}
	l.Alignment = align
	l.SetText(text)
}

// fitRowsLayout gives a table no more height than its header and rows
// take, so that its column lines end at the last row; it scrolls when the
// rows need more room than there is.
type fitRowsLayout struct{ t *widget.Table }

func (l *fitRowsLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.t.MinSize() }

func (l *fitRowsLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	rows, _ := l.t.Length()
	head := l.t.CreateHeader().MinSize()
	cell := l.t.CreateCell().MinSize().Max(head)
	pad := l.t.Theme().Size(theme.SizeNamePadding)
	h := head.Height + float32(rows)*cell.Height + float32(max(rows-1, 0))*pad
	l.t.Move(fyne.NewPos(0, 0))
	l.t.Resize(fyne.NewSize(size.Width, min(size.Height, h)))
}

// newPreviewTable is a read-only table with a sticky header row and columns
// sized to their content (header and the first rows).
func newPreviewTable(header []string, rows [][]string) *widget.Table {
	cols := len(header)
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	cell := func(r []string, c int) string {
		if c < len(r) {
			return cellText(r[c])
		}
		return ""
	}
	numeric := numericColumns(rows, cols)
	t := widget.NewTable(
		func() (int, int) { return len(rows), cols },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(rows) {
				text := cell(rows[id.Row], id.Col)
				setCell(o.(*widget.Label), text, isNumber(text))
			}
		})
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < cols {
			setCell(o.(*widget.Label), cell(header, id.Col), numeric[id.Col])
		}
	}
	pad := theme.Padding()*4 + 2
	size := theme.TextSize()
	for c := 0; c < cols; c++ {
		w := fyne.MeasureText(cell(header, c), size, fyne.TextStyle{Bold: true}).Width
		for i, r := range rows {
			if i == 200 {
				break
			}
			w = max(w, fyne.MeasureText(cell(r, c), size, fyne.TextStyle{}).Width)
		}
		t.SetColumnWidth(c, min(max(w+pad, minColumnWidth), maxColumnWidth))
	}
	return t
}
