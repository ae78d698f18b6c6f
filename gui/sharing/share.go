package sharing

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/ledger"
	"s3desk/storage/share"
)

// Link kinds offered by the Share dialog, shown as lang.L(kind) (i18n:keys).
const (
	shareDownload = "Download link (presigned)"
	shareUpload   = "Upload link (anyone can upload one file)"
	sharePublic   = "Public link (no expiry; the file must be public)"
)

// ShareDialog is the Share window for one object or a selection.
type ShareDialog struct {
	sh      *Sharer
	store   ShareStore // the service when the dialog opened
	bucket  string
	profile string
	files   []storage.Entry
	folders []storage.Entry
	load    async.Gen

	kind       *widget.RadioGroup
	expiry     *widget.Select
	custom     *widget.Entry
	problem    *widget.Label // validation message
	downloadAs *widget.Entry
	uploadKey  *widget.Entry
	note       *widget.Entry
	works      *widget.Label // real expiry
	why        *widget.Label // why it is earlier than asked
	copyBtn    *widget.Button
	publicBtn  *widget.Button
	confirm    *widget.Label // "Copied …"
	copied     *widget.Icon  // the success mark before confirm, once copied
	confirmRow *fyne.Container
	link       *widget.Label   // the link(s) as copied: selectable, wrapped, whole
	linkBox    *fyne.Container // link on a field-like background
	form       *widget.Form
	rows       map[string]*widget.FormItem
	content    *fyne.Container
	scroll     *container.Scroll
	dlg        *dialog.CustomDialog
	height     float32 // the dialog's height so far (it only grows)
}

// shareDialogWidth is the Share dialog's width; its height follows its
// content (up to the window's).
const shareDialogWidth = 620

// ShowShare opens the Share dialog for entries of bucket.
func (sh *Sharer) ShowShare(bucket string, entries []storage.Entry) *ShareDialog {
	d := &ShareDialog{sh: sh, store: sh.store(), bucket: bucket, profile: sh.profile()}
	for _, e := range entries {
		if e.IsFolder {
			d.folders = append(d.folders, e)
		} else {
			d.files = append(d.files, e)
		}
	}
	d.build()
	d.dlg.Show()
	d.refresh()
	d.fit()
	return d
}

func (d *ShareDialog) build() {
	d.problem = widget.NewLabel("")
	d.problem.Importance = widget.DangerImportance
	d.problem.Wrapping = fyne.TextWrapWord
	d.works = widget.NewLabel("")
	d.works.TextStyle = fyne.TextStyle{Bold: true}
	d.why = widget.NewLabel("")
	d.why.Wrapping = fyne.TextWrapWord
	d.why.Importance = widget.WarningImportance
	// The confirmation is ordinary text after a success mark: green text
	// on white is hard to read.
	d.confirm = widget.NewLabel("")
	d.confirm.Wrapping = fyne.TextWrapWord
	d.copied = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	d.copied.Hide()
	// The copied link, whole: monospace, broken anywhere to fit, and
	// selectable (not a disabled, greyed-out entry cut off at its edge).
	d.link = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.link.Wrapping = fyne.TextWrapBreak
	d.link.Selectable = true
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	d.linkBox = container.NewStack(bg, d.link)
	d.linkBox.Hide()
	d.note = widget.NewEntry()
	d.note.SetPlaceHolder(lang.L("Note for your Links list, e.g. \"for Ann, Q3 report\""))

	var labels []string
	sel := expiryPresets()[0].label
	for _, p := range expiryPresets() {
		labels = append(labels, p.label)
		if p.d == d.sh.DefaultExpiry {
			sel = p.label
		}
	}
	d.custom = widget.NewEntry()
	d.custom.SetPlaceHolder(lang.L("e.g. 36h, 3d, 90m"))
	d.custom.OnChanged = func(string) { d.refresh() }
	d.custom.Hide()
	d.expiry = widget.NewSelect(labels, func(s string) {
		if s == expiryPresets()[len(expiryPresets())-1].label {
			d.custom.Show()
		} else {
			d.custom.Hide()
		}
		d.refresh()
	})
	d.expiry.SetSelected(sel)

	d.downloadAs = widget.NewEntry()
	d.downloadAs.SetPlaceHolder(lang.L("optional: the file name the browser saves"))
	d.downloadAs.OnChanged = func(string) { d.refresh() }
	d.uploadKey = widget.NewEntry()
	d.uploadKey.OnChanged = func(string) { d.refresh() }
	switch {
	case len(d.files) == 1:
		d.uploadKey.SetText(d.files[0].Key)
	case len(d.folders) == 1:
		d.uploadKey.SetText(d.folders[0].Key + "upload.bin")
	}

	kinds := []string{lang.L(shareDownload), lang.L(shareUpload), lang.L(sharePublic)}
	d.kind = widget.NewRadioGroup(kinds, func(string) { d.refresh() })
	d.kind.Required = true
	d.kind.SetSelected(lang.L(shareDownload))

	d.copyBtn = widget.NewButtonWithIcon(lang.L("Copy link"), theme.ContentCopyIcon(), d.copyLink)
	d.copyBtn.Importance = widget.HighImportance
	d.publicBtn = widget.NewButton(lang.L("Make public…"), func() {
		d.sh.MakePublic(d.bucket, append(append([]storage.Entry(nil), d.files...), d.folders...), true)
	})
	d.publicBtn.Hide()

	what := widgets.Count(len(d.files), "file", "files")
	if len(d.files) == 1 {
		what = d.files[0].Key
	}
	head := widget.NewLabel(fmt.Sprintf(lang.L("%s in %s"), what, d.bucket))
	head.Wrapping = fyne.TextWrapWord
	d.rows = map[string]*widget.FormItem{
		"kind":     widget.NewFormItem(lang.L("Link"), d.kind),
		"expiry":   widget.NewFormItem(lang.L("Expires after"), container.NewVBox(d.expiry, d.custom)),
		"download": widget.NewFormItem(lang.L("Download as"), d.downloadAs),
		"upload":   widget.NewFormItem(lang.L("Upload to key"), d.uploadKey),
		"note":     widget.NewFormItem(lang.L("Note"), d.note),
	}
	d.form = widget.NewForm(d.rows["kind"], d.rows["expiry"], d.rows["download"], d.rows["note"])
	d.confirmRow = container.NewBorder(nil, nil, container.NewCenter(d.copied), nil, d.confirm)
	d.confirmRow.Hide()
	content := container.NewVBox(head, d.form, d.problem, d.works, d.why,
		container.NewHBox(d.copyBtn, d.publicBtn), d.confirmRow, d.linkBox)
	if len(d.folders) > 0 {
		fl := widget.NewLabel(lang.L("Folders get no download link; use Publish index page, or Make public, to share a folder."))
		fl.Wrapping = fyne.TextWrapWord
		fl.Importance = widget.LowImportance
		content.Add(fl)
	}
	d.content = content
	d.scroll = container.NewVScroll(content)
	d.dlg = dialog.NewCustom(lang.L("Share"), lang.L("Close"), d.scroll, d.sh.win)
	d.dlg.SetOnClosed(d.load.Stop)
}

// fit sizes the dialog to its content, up to the window's height (the
// content scrolls beyond that). It only grows, so that the buttons do not
// jump under the pointer when an option hides a row.
func (d *ShareDialog) fit() {
	if d.dlg == nil {
		return
	}
	limit := d.sh.win.Canvas().Size().Height - 4*theme.Padding()
	for range 2 { // wrapped labels know their height once laid out at the final width
		chrome := d.dlg.MinSize().Height - d.scroll.MinSize().Height
		h := max(d.height, chrome+d.content.MinSize().Height)
		if limit > 0 {
			h = min(h, limit)
		}
		d.height = h
		d.dlg.Resize(fyne.NewSize(shareDialogWidth, h))
	}
}

// options reads the form; it returns a message when something is wrong.
func (d *ShareDialog) options() (share.ShareOptions, string) {
	var o share.ShareOptions
	if d.selectedKind() == sharePublic {
		return o, ""
	}
	for _, p := range expiryPresets() {
		if p.label == d.expiry.Selected {
			o.Expiry = p.d
		}
	}
	if o.Expiry == 0 {
		dur, err := parseShareExpiry(d.custom.Text)
		if err != nil {
			return o, shareSentence(err.Error())
		}
		o.Expiry = dur
	}
	if err := share.ValidateExpiry(o.Expiry); err != nil {
		return o, shareSentence(widgets.ErrorText(err))
	}
	switch d.selectedKind() {
	case shareDownload:
		if len(d.files) == 0 {
			return o, lang.L("Choose one or more files to share a download link.")
		}
		if name := strings.TrimSpace(d.downloadAs.Text); name != "" {
			if _, err := share.ContentDispositionFor(name); err != nil {
				return o, shareSentence(widgets.ErrorText(err))
			}
			o.DownloadAs = name
		}
	case shareUpload:
		k := d.uploadKey.Text
		if k == "" || strings.HasSuffix(k, "/") {
			return o, lang.L("Type the key the upload will be saved as (a file name, not ending in /).")
		}
	}
	return o, ""
}

// refresh updates the form after a change and works out the real expiry in
// the background (resolving credentials may need the network).
func (d *ShareDialog) refresh() {
	if d.copyBtn == nil {
		return // still building
	}
	kind := d.selectedKind()
	show := func(o fyne.CanvasObject, on bool) {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
	rows := []*widget.FormItem{d.rows["kind"]}
	if kind != sharePublic {
		rows = append(rows, d.rows["expiry"])
	}
	if kind == shareDownload && len(d.files) == 1 {
		rows = append(rows, d.rows["download"])
	}
	if kind == shareUpload {
		rows = append(rows, d.rows["upload"])
	}
	show(d.publicBtn, kind == sharePublic)
	if kind != sharePublic && d.expiry.Selected == expiryPresets()[len(expiryPresets())-1].label {
		d.custom.Show()
	} else {
		d.custom.Hide()
	}
	// A fresh form: widget.Form keeps a row's old widget when Items change.
	form := widget.NewForm(append(rows, d.rows["note"])...)
	for i, o := range d.content.Objects {
		if o == d.form {
			d.content.Objects[i] = form
		}
	}
	d.form = form
	// A confirmation belongs to the options it was made with.
	d.setConfirm("", false)
	d.link.SetText("")
	d.linkBox.Hide()
	defer d.fit()
	defer d.content.Refresh()
	d.copyBtn.SetText(map[string]string{shareDownload: lang.L("Copy link"), shareUpload: lang.L("Copy upload link"), sharePublic: lang.L("Check and copy public link")}[kind])
	opts, msg := d.options()
	d.problem.SetText(msg)
	show(d.problem, msg != "")
	d.why.SetText("")
	d.why.Hide()
	if msg != "" {
		d.copyBtn.Disable()
		d.works.SetText("")
		return
	}
	d.copyBtn.Enable()
	if kind == sharePublic {
		d.works.SetText(lang.L("Public links do not expire; they work until you make the file private."))
		return
	}
	store := d.store
	if store == nil {
		d.works.SetText(lang.L("Not connected."))
		d.copyBtn.Disable()
		return
	}
	ctx, gen := d.load.Renew(d.sh.jobs.Ctx())
	bucket, key := d.bucket, d.uploadKey.Text
	if kind == shareDownload {
		key = d.files[0].Key
	}
	d.sh.jobs.Go(func() {
		l, err := store.PresignGet(ctx, bucket, key, share.ShareOptions{Expiry: opts.Expiry})
		d.sh.jobs.Do(func() {
			if !d.load.Current(gen) {
				return
			}
			if err != nil {
				d.works.SetText(widgets.ErrorText(err))
				return
			}
			d.showExpiry(l)
		})
	})
}

func (d *ShareDialog) showExpiry(l share.SharedLink) {
	d.works.SetText(fmt.Sprintf(lang.L("Works until %s"), whenText(l.Expires, time.Now())))
	why := l.Why
	if d.selectedKind() == shareUpload {
		for _, f := range d.files {
			if f.Key == d.uploadKey.Text {
				why = strings.TrimSpace(why + " " + fmt.Sprintf(lang.L("Whoever uses this link replaces the existing file %s."), f.Key))
			}
		}
	}
	d.why.SetText(why)
	if why != "" {
		d.why.Show()
	} else {
		d.why.Hide()
	}
	d.fit()
}

// showProblem shows msg above the expiry and makes room for it.
func (d *ShareDialog) showProblem(msg string) {
	d.problem.SetText(msg)
	d.problem.Show()
	d.content.Refresh()
	d.fit()
}

// setConfirm shows text under the Copy button, after a success mark when
// done.
func (d *ShareDialog) setConfirm(text string, done bool) {
	d.confirm.SetText(text)
	if text == "" {
		d.confirmRow.Hide()
	} else {
		d.confirmRow.Show()
	}
	if done {
		d.copied.Show()
	} else {
		d.copied.Hide()
	}
}

// copyLink makes the link(s), copies them and records them in the ledger.
func (d *ShareDialog) copyLink() {
	opts, msg := d.options()
	if msg != "" {
		d.showProblem(msg)
		return
	}
	store := d.store
	if store == nil {
		d.showProblem(lang.L("Not connected."))
		return
	}
	kind, note, bucket, uploadKey, prof := d.selectedKind(), d.note.Text, d.bucket, d.uploadKey.Text, d.profile
	files := append([]storage.Entry(nil), d.files...)
	ctx, gen := d.load.Renew(d.sh.jobs.Ctx())
	d.copyBtn.Disable()
	d.setConfirm(lang.L("Making the link…"), false)
	d.sh.jobs.Go(func() {
		var lines []string
		var last share.SharedLink
		var err error
		var recNote string
		switch kind {
		case shareUpload:
			last, err = store.PresignPut(ctx, bucket, uploadKey, opts)
			if err == nil {
				lines = append(lines, last.URL)
				recNote = d.sh.record(ctx, ledger.Link{Kind: ledger.Upload, Profile: prof, Bucket: bucket, Key: uploadKey, URL: last.URL,
					Created: last.Created, Expires: last.Expires, Why: last.Why, Note: note})
			}
		case shareDownload:
			for _, f := range files {
				var l share.SharedLink
				if l, err = store.PresignGet(ctx, bucket, f.Key, opts); err != nil {
					break
				}
				last = l
				lines = append(lines, l.URL)
				if n := d.sh.record(ctx, ledger.Link{Kind: ledger.Presigned, Profile: prof, Bucket: bucket, Key: f.Key, URL: l.URL,
					Created: l.Created, Expires: l.Expires, Why: l.Why, Note: note}); n != "" {
					recNote = n
				}
			}
		case sharePublic:
			for _, f := range files {
				var u string
				if u, err = store.PublicURL(bucket, f.Key); err != nil {
					break
				}
				if _, err = store.VerifyPublic(ctx, u); err != nil {
					break
				}
				lines = append(lines, u)
				if n := d.sh.record(ctx, ledger.Link{Kind: ledger.Public, Profile: prof, Bucket: bucket, Key: f.Key, URL: u, Created: time.Now(), Note: note}); n != "" {
					recNote = n
				}
			}
		}
		d.sh.jobs.Do(func() {
			if !d.load.Current(gen) {
				return
			}
			d.copyBtn.Enable()
			if err != nil {
				d.setConfirm("", false)
				msg := shareSentence(widgets.ErrorText(err))
				if errors.Is(err, share.ErrNotPublic) {
					msg += lang.L(" Use \"Make public…\" first, or copy a download link instead.")
				}
				d.showProblem(msg)
				return
			}
			text := strings.Join(lines, "\n")
			d.sh.clip.SetContent(text)
			// On screen a blank line parts links that wrap over several lines.
			d.link.SetText(strings.Join(lines, "\n\n"))
			d.linkBox.Show()
			defer d.fit()
			defer d.content.Refresh()
			n := lang.L("the link")
			if len(lines) > 1 {
				n = fmt.Sprintf(lang.L("%d links"), len(lines))
			}
			// The expiry is said once, in the bold line above the button.
			switch kind {
			case sharePublic:
				d.setConfirm(fmt.Sprintf(lang.L("Copied %s to the clipboard. Checked: anyone can open it without credentials."), n)+recNote, true)
			default:
				d.showExpiry(last)
				d.setConfirm(fmt.Sprintf(lang.L("Copied %s to the clipboard."), n)+recNote, true)
			}
		})
	})
}

// selectedKind is the chosen link kind (shareDownload, shareUpload or
// sharePublic), whatever the language of its label.
func (d *ShareDialog) selectedKind() string {
	for _, k := range []string{shareDownload, shareUpload, sharePublic} {
		if lang.L(k) == d.kind.Selected {
			return k
		}
	}
	return ""
}
