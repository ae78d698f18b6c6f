package transfers

import (
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

// "Upload with options…": files and folders chosen one at a time, with a
// Content-Type, Cache-Control, metadata and "make public" for all of them,
// as the boto3 guide's upload_file(..., ExtraArgs={...}) does.

// commonContentTypes are the Content-Type choices; any other can be typed.
var commonContentTypes = []string{
	"text/html", "text/plain", "text/css", "text/csv", "text/markdown",
	"application/json", "application/javascript", "application/xml", "application/pdf",
	"application/zip", "application/gzip", "application/octet-stream",
	"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml",
	"audio/mpeg", "video/mp4",
}

// commonCacheControls are the Cache-Control choices; any other can be typed.
var commonCacheControls = []string{
	"no-cache", "no-store", "max-age=300", "max-age=3600", "public, max-age=86400",
	"public, max-age=31536000, immutable",
}

// maxMetadataBytes is S3's limit on the user metadata of one object.
const maxMetadataBytes = 2048

// ChosenUpload is what the dialog hands over when the user presses Upload.
type ChosenUpload struct {
	Paths  []string
	Opts   transfer.UploadOptions // ContentType, CacheControl, Metadata
	Public bool
}

// uploadMetaRow is one "key = value" line of the metadata.
type uploadMetaRow struct {
	key, value *widget.Entry
	box        *fyne.Container
}

// UploadOptionsDialog is the dialog. All methods run on the UI goroutine.
type UploadOptionsDialog struct {
	win            fyne.Window
	bucket, prefix string
	submit         func(ChosenUpload)
	OnClosed       func() // optional: the dialog was closed (Upload or Cancel)

	paths []string
	list  *fyne.Container // one row per chosen path
	empty *widget.Label
	// The fields the shell's tests fill in.
	ContentType  *widget.SelectEntry
	CacheControl *widget.SelectEntry
	meta         []*uploadMetaRow
	metaBox      *fyne.Container
	metaWin      *container.Scroll
	Public       *widget.Check
	Encryption   *encryptionChoice // uploadenc.go
	problem      *widget.Label
	UploadButton *widget.Button
	d            *dialog.CustomDialog
}

// Paths are the chosen local files and folders.
func (u *UploadOptionsDialog) Paths() []string { return append([]string(nil), u.paths...) }

// NewUploadOptionsDialog builds and shows the dialog; submit runs after
// Upload with the valid choices.
func NewUploadOptionsDialog(win fyne.Window, bucket, prefix string, submit func(ChosenUpload)) *UploadOptionsDialog {
	u := &UploadOptionsDialog{win: win, bucket: bucket, prefix: prefix, submit: submit}
	where := widget.NewLabel(fmt.Sprintf(lang.L("Into %s/%s"), bucket, prefix))
	where.Truncation = fyne.TextTruncateEllipsis

	u.empty = widget.NewLabel(lang.L("No files chosen yet. Add files or a folder, or drop them on the window."))
	u.empty.Importance = widget.LowImportance
	u.list = container.NewVBox(u.empty)
	scroll := container.NewVScroll(u.list)
	scroll.SetMinSize(fyne.NewSize(0, 120))
	addFiles := widget.NewButtonWithIcon(lang.L("Add files…"), theme.FileIcon(), u.pickFile)
	addFolder := widget.NewButtonWithIcon(lang.L("Add folder…"), theme.FolderIcon(), u.pickFolder)
	files := container.NewBorder(nil, container.NewHBox(addFiles, addFolder), nil, nil,
		container.NewStack(widget.NewCard("", "", nil), scroll))

	u.ContentType = widget.NewSelectEntry(commonContentTypes)
	u.ContentType.SetPlaceHolder(lang.L("Detect from each file"))
	u.ContentType.OnChanged = func(string) { u.validate() }
	u.CacheControl = widget.NewSelectEntry(commonCacheControls)
	u.CacheControl.SetPlaceHolder(lang.L("None"))
	u.CacheControl.OnChanged = func(string) { u.validate() }

	u.metaBox = container.NewVBox()
	addMeta := widget.NewButtonWithIcon(lang.L("Add metadata"), theme.ContentAddIcon(), func() {
		u.win.Canvas().Focus(u.AddMeta("", "").key)
	})
	addMeta.Importance = widget.LowImportance

	u.Public = widget.NewCheck(lang.L("Make public (anyone with the link can read)"), func(bool) { u.validate() })
	hint := widget.NewLabel(lang.L("After the upload, each file is made public the way Make public does it (object ACL, or a bucket-policy statement you are asked about), and the link is checked without credentials."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	hint.SizeName = theme.SizeNameCaptionText

	u.problem = widget.NewLabel("")
	u.problem.Importance = widget.DangerImportance
	u.problem.Wrapping = fyne.TextWrapWord
	u.problem.Hide()

	u.Encryption = newEncryptionChoice(u.validate)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Content-Type"), u.ContentType),
		widget.NewFormItem(lang.L("Cache-Control"), u.CacheControl),
		widget.NewFormItem(lang.L("Encryption"), container.NewVBox(u.Encryption.Mode, u.Encryption.box)),
	)
	metaHead := container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Metadata (x-amz-meta-…)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), addMeta)
	u.UploadButton = widget.NewButtonWithIcon(lang.L("Upload"), theme.UploadIcon(), u.done)
	u.UploadButton.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { u.d.Hide() })
	buttons := container.NewHBox(layout.NewSpacer(), cancel, u.UploadButton)
	top := container.NewVBox(where, widget.NewLabelWithStyle(lang.L("Files"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	u.metaWin = container.NewVScroll(u.metaBox) // rows scroll; the dialog keeps its size
	bottom := container.NewVBox(widget.NewSeparator(), form, metaHead, u.metaWin,
		widget.NewSeparator(), u.Public, hint, u.problem, buttons)
	body := container.NewBorder(top, bottom, nil, nil, files)
	u.d = dialog.NewCustomWithoutButtons(lang.L("Upload with options"), body, win)
	u.d.SetOnClosed(func() {
		if u.OnClosed != nil {
			u.OnClosed()
		}
	})
	u.AddMeta("", "")                                                                       // shows the key = value pattern; blank rows are ignored
	u.metaWin.SetMinSize(fyne.NewSize(0, 2*u.meta[0].box.MinSize().Height+theme.Padding())) // two rows
	u.d.Resize(fyne.NewSize(640, 740))
	u.validate()
	u.d.Show()
	return u
}

// pickFile adds one file (Fyne's chooser picks one at a time).
func (u *UploadOptionsDialog) pickFile() {
	showChooser(dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		u.AddPaths(path)
	}, u.win), u.win)
}

// pickFolder adds a folder, uploaded with everything under it.
func (u *UploadOptionsDialog) pickFolder() {
	showChooser(dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		u.AddPaths(l.Path())
	}, u.win), u.win)
}

// AddPaths adds local files or folders to the list (once each).
func (u *UploadOptionsDialog) AddPaths(paths ...string) {
	for _, p := range paths {
		if p != "" && !slices.Contains(u.paths, p) {
			u.paths = append(u.paths, p)
		}
	}
	u.showPaths()
}

// Dropped adds the local files and folders dropped on the window.
func (u *UploadOptionsDialog) Dropped(uris []fyne.URI) {
	for _, x := range uris {
		if x.Scheme() == "file" {
			u.AddPaths(x.Path())
		}
	}
}

func (u *UploadOptionsDialog) removePath(p string) {
	u.paths = slices.DeleteFunc(u.paths, func(x string) bool { return x == p })
	u.showPaths()
}

func (u *UploadOptionsDialog) showPaths() {
	u.list.Objects = nil
	if len(u.paths) == 0 {
		u.list.Objects = append(u.list.Objects, u.empty)
	}
	for _, p := range u.paths {
		icon := theme.FileIcon()
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			icon = theme.FolderIcon()
		}
		name := widget.NewLabel(filepath.Base(p) + "   " + filepath.Dir(p))
		name.Truncation = fyne.TextTruncateEllipsis
		rm := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { u.removePath(p) })
		rm.Importance = widget.LowImportance
		u.list.Objects = append(u.list.Objects, container.NewBorder(nil, nil, widget.NewIcon(icon), rm, name))
	}
	u.list.Refresh()
	u.validate()
}

// addMeta fills the last row when it is blank, else adds a row.
func (u *UploadOptionsDialog) AddMeta(key, value string) *uploadMetaRow {
	if n := len(u.meta); n > 0 && u.meta[n-1].key.Text == "" && u.meta[n-1].value.Text == "" {
		r := u.meta[n-1]
		r.key.SetText(key)
		r.value.SetText(value)
		return r
	}
	r := &uploadMetaRow{key: widget.NewEntry(), value: widget.NewEntry()}
	r.key.SetPlaceHolder(lang.L("key, e.g. owner"))
	r.value.SetPlaceHolder(lang.L("value"))
	r.key.SetText(key)
	r.value.SetText(value)
	r.key.OnChanged = func(string) { u.validate() }
	r.value.OnChanged = func(string) { u.validate() }
	rm := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() {
		u.meta = slices.DeleteFunc(u.meta, func(x *uploadMetaRow) bool { return x == r })
		u.metaBox.Remove(r.box)
		if len(u.meta) == 0 {
			u.AddMeta("", "") // keep one row to type into
		}
		u.validate()
	})
	rm.Importance = widget.LowImportance
	r.box = container.NewBorder(nil, nil, nil, rm,
		container.NewGridWithColumns(2, r.key, container.NewBorder(nil, nil, widget.NewLabel("="), nil, r.value)))
	u.meta = append(u.meta, r)
	u.metaBox.Add(r.box)
	if u.metaWin != nil {
		u.metaWin.ScrollToBottom()
	}
	u.validate()
	return r
}

// choices checks the fields and returns what to upload, or the first
// problem in words.
func (u *UploadOptionsDialog) choices() (ChosenUpload, string) {
	c := ChosenUpload{Paths: slices.Clone(u.paths), Public: u.Public.Checked}
	if len(c.Paths) == 0 {
		return c, lang.L("Add at least one file or folder.")
	}
	ct := strings.TrimSpace(u.ContentType.Text)
	if ct != "" {
		if _, _, err := mime.ParseMediaType(ct); err != nil || !strings.Contains(ct, "/") {
			return c, fmt.Sprintf(lang.L("Content-Type %q is not a media type such as text/html or text/plain; charset=utf-8."), ct)
		}
	}
	c.Opts.ContentType = ct
	cc := strings.TrimSpace(u.CacheControl.Text)
	if !headerSafe(cc) {
		return c, lang.L("Cache-Control must be plain ASCII text on one line, e.g. max-age=3600.")
	}
	c.Opts.CacheControl = cc
	size := 0
	for i, r := range u.meta {
		k, v := strings.TrimSpace(r.key.Text), strings.TrimSpace(r.value.Text)
		if k == "" && v == "" {
			continue
		}
		if err := checkUploadMetaKey(k); err != "" {
			return c, fmt.Sprintf(lang.L("Metadata row %d: %s"), i+1, err)
		}
		if !headerSafe(v) {
			return c, fmt.Sprintf(lang.L("Metadata %q: the value must be plain ASCII text on one line (S3 sends metadata as HTTP headers)."), k)
		}
		lk := strings.ToLower(k)
		if _, dup := c.Opts.Metadata[lk]; dup {
			return c, fmt.Sprintf(lang.L("Metadata key %q appears twice (keys are not case-sensitive)."), k)
		}
		if c.Opts.Metadata == nil {
			c.Opts.Metadata = map[string]string{}
		}
		c.Opts.Metadata[lk] = v
		size += len(lk) + len(v)
	}
	if size > maxMetadataBytes {
		return c, fmt.Sprintf(lang.L("The metadata adds up to %d bytes; S3 allows %d per object."), size, maxMetadataBytes)
	}
	if u.Encryption != nil {
		enc, msg := u.Encryption.choice()
		if msg != "" {
			return c, msg
		}
		if enc.Mode == storage.SSECustomer && c.Public {
			return c, "Files encrypted with your own key (SSE-C) cannot be read without it, so they cannot be public; untick Make public or choose another encryption."
		}
		c.Opts.Encryption = enc
	}
	return c, ""
}

// checkUploadMetaKey says what is wrong with a metadata key, or "".
func checkUploadMetaKey(k string) string {
	if k == "" {
		return lang.L("the key is empty.")
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Sprintf(lang.L("the key %q may hold only ASCII letters, digits and -."), k)
		}
	}
	return ""
}

// headerSafe reports whether s can be sent as an HTTP header value as is.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// validate shows the first problem and enables Upload when there is none.
func (u *UploadOptionsDialog) validate() {
	if u.UploadButton == nil {
		return
	}
	_, msg := u.choices()
	// "Add a file" is what the empty list says already.
	if msg != "" && len(u.paths) > 0 {
		u.problem.SetText(msg)
		u.problem.Show()
	} else {
		u.problem.Hide()
	}
	if msg != "" {
		u.UploadButton.Disable()
	} else {
		u.UploadButton.Enable()
	}
}

func (u *UploadOptionsDialog) done() {
	c, msg := u.choices()
	if msg != "" {
		u.validate()
		return
	}
	u.d.Hide()
	u.submit(c)
}

// showChooser shows a file or folder chooser at a useful size: 900×600, or
// 90% of a smaller window.
func showChooser(d *dialog.FileDialog, win fyne.Window) {
	w, h := float32(900), float32(600)
	if win != nil {
		if s := win.Canvas().Size(); s.Width > 0 && s.Height > 0 {
			w, h = min(w, s.Width*0.9), min(h, s.Height*0.9)
		}
	}
	d.Resize(fyne.NewSize(w, h))
	d.Show()
}
