package browser

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// ShowProperties shows the properties of the selection: one file's HeadObject
// data (editable), or the size of folders, several entries or, with nothing
// selected, the open folder.
func (v *ObjectsView) ShowProperties() {
	if v.bucket == "" || v.store == nil {
		return
	}
	sel := v.Selected()
	if len(sel) == 1 && !sel[0].IsFolder {
		v.showObjectProperties(sel[0])
		return
	}
	v.showSize(sel)
}

// propsDialog is the open Properties dialog of one object.
type propsDialog struct {
	v       *ObjectsView
	d       *dialog.CustomDialog
	body    *fyne.Container
	save    *widget.Button
	ctype   *widget.Entry
	cache   *widget.Entry
	meta    *fyne.Container // rows of metaRow
	rows    []*metaRow
	info    storage.ObjectInfo
	ref     storage.ObjectRef
	errText *widget.Label
	extra   *propSettings // tags, storage class, restore, object lock (propsettings.go)
}

type metaRow struct {
	key, value *widget.Entry
	box        *fyne.Container
}

func (v *ObjectsView) showObjectProperties(e storage.Entry) {
	p := &propsDialog{v: v, ref: storage.ObjectRef{Bucket: v.bucket, Key: e.Key}}
	act := widget.NewActivity()
	act.Start()
	p.body = container.NewStack(container.NewCenter(container.NewHBox(act, widget.NewLabel(lang.L("Reading properties…")))))
	p.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), p.doSave)
	p.save.Importance = widget.HighImportance
	p.save.Disable()
	closeBtn := widget.NewButton(lang.L("Close"), func() { p.d.Hide() })
	p.d = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.L("Properties of “%s”"), displayName(&e)), p.body, v.win)
	p.d.SetButtons([]fyne.CanvasObject{closeBtn, p.save})
	p.d.Resize(fyne.NewSize(560, 520))
	p.d.Show()
	store := v.store
	var info storage.ObjectInfo
	v.background(func(ctx context.Context) error {
		var err error
		info, err = store.Stat(ctx, p.ref.Bucket, p.ref.Key)
		return err
	}, func(err error) {
		act.Stop()
		if err != nil {
			msg := widget.NewLabel(widgets.ErrorText(err))
			msg.Wrapping = fyne.TextWrapWord
			p.body.Objects = []fyne.CanvasObject{container.NewVBox(widget.NewIcon(theme.ErrorIcon()), msg)}
			p.body.Refresh()
			return
		}
		p.info = info
		p.fill()
	})
}

// fill lays out the HeadObject data once it is read.
func (p *propsDialog) fill() {
	info := p.info
	ro := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Selectable = true
		l.Wrapping = fyne.TextWrapBreak
		return l
	}
	changed := func(string) { p.save.Enable() }
	p.ctype = widget.NewEntry()
	p.ctype.SetText(info.ContentType)
	p.ctype.SetPlaceHolder(lang.L("application/octet-stream"))
	p.ctype.OnChanged = changed
	p.cache = widget.NewEntry()
	p.cache.SetText(info.CacheControl)
	p.cache.SetPlaceHolder(lang.L("e.g. max-age=3600"))
	p.cache.OnChanged = changed
	modified := "—"
	if !info.LastModified.IsZero() {
		modified = info.LastModified.Local().Format(lang.X("format.datetime.full", "Monday 2 January 2006, 15:04:05 MST"))
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Key"), ro(info.Key)),
		widget.NewFormItem(lang.L("Size"), ro(fmt.Sprintf(lang.L("%s (%s bytes)"), widgets.Bytes(uint64(max(info.Size, 0))), widgets.Number(info.Size)))),
		widget.NewFormItem(lang.L("Last modified"), ro(modified)),
		widget.NewFormItem(lang.L("ETag"), ro(strings.Trim(info.ETag, `"`))),
	)
	if p.v.settings() == nil { // else the settings section shows it, with Change (propsettings.go)
		form.Append(lang.L("Storage class"), ro(storageClassName(info.StorageClass)))
	}
	form.Append(lang.L("Content-Type"), p.ctype)
	form.Append(lang.L("Cache-Control"), p.cache)
	if info.VersionID != "" {
		form.Append(lang.L("Version"), ro(info.VersionID))
	}
	p.meta = container.NewVBox()
	keys := make([]string, 0, len(info.Metadata))
	for k := range info.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p.addRow(k, info.Metadata[k])
	}
	add := widget.NewButtonWithIcon(lang.L("Add metadata"), theme.ContentAddIcon(), func() {
		p.addRow("", "")
		p.save.Enable()
	})
	add.Importance = widget.LowImportance
	p.errText = widget.NewLabel("")
	p.errText.Wrapping = fyne.TextWrapWord
	p.errText.Importance = widget.DangerImportance
	p.errText.Hide()
	metaTitle := widget.NewLabelWithStyle(lang.L("Metadata (x-amz-meta-)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	content := container.NewVBox(form)
	if extra := p.settingsSection(); extra != nil { // tags, storage class, restore, object lock
		content.Add(extra)
	}
	content.Objects = append(content.Objects, widget.NewSeparator(), metaTitle, p.meta, container.NewHBox(add), p.errText)
	p.body.Objects = []fyne.CanvasObject{container.NewVScroll(content)}
	p.body.Refresh()
}

func (p *propsDialog) addRow(k, val string) {
	r := &metaRow{key: widget.NewEntry(), value: widget.NewEntry()}
	r.key.SetText(k)
	r.key.SetPlaceHolder(lang.L("name"))
	r.value.SetText(val)
	r.value.SetPlaceHolder(lang.L("value"))
	r.key.OnChanged = func(string) { p.save.Enable() }
	r.value.OnChanged = func(string) { p.save.Enable() }
	rm := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), nil)
	rm.Importance = widget.LowImportance
	r.box = container.NewBorder(nil, nil, nil, rm, container.NewGridWithColumns(2, r.key, r.value))
	rm.OnTapped = func() {
		p.rows = slices.DeleteFunc(p.rows, func(x *metaRow) bool { return x == r })
		p.meta.Remove(r.box)
		p.save.Enable()
	}
	p.rows = append(p.rows, r)
	p.meta.Add(r.box)
}

// metadata collects and checks the edited metadata.
func (p *propsDialog) metadata() (map[string]string, error) {
	m := map[string]string{}
	for _, r := range p.rows {
		k := strings.ToLower(strings.TrimSpace(r.key.Text))
		val := r.value.Text
		if k == "" && val == "" {
			continue
		}
		if err := checkMetaKey(k); err != nil {
			return nil, err
		}
		for _, c := range val {
			if c < 0x20 || c > 0x7e {
				return nil, fmt.Errorf(lang.L("the value of “%s” has characters S3 cannot store in a header; use plain ASCII"), k)
			}
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf(lang.L("the metadata name “%s” appears twice"), k)
		}
		m[k] = val
	}
	return m, nil
}

func checkMetaKey(k string) error {
	if k == "" {
		return errors.New(lang.L("a metadata entry has a value but no name"))
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf(lang.L("the metadata name “%s” may use only letters, digits, “-”, “_” and “.”"), k)
		}
	}
	return nil
}

func (p *propsDialog) doSave() {
	if p.ctype == nil {
		return
	}
	m, err := p.metadata()
	if err != nil {
		p.errText.SetText(err.Error())
		p.errText.Show()
		return
	}
	p.errText.Hide()
	u := storage.MetadataUpdate{ContentType: strings.TrimSpace(p.ctype.Text), CacheControl: strings.TrimSpace(p.cache.Text), Metadata: m}
	p.save.Disable()
	v, ref, store := p.v, p.ref, p.v.store
	v.setStatus(fmt.Sprintf(lang.L("Saving properties of “%s”…"), ref.Key))
	v.background(func(ctx context.Context) error {
		return store.SetMetadata(ctx, ref, u)
	}, func(err error) {
		if err != nil {
			v.setStatus("")
			p.errText.SetText(widgets.ErrorText(err))
			p.errText.Show()
			p.save.Enable()
			return
		}
		v.setStatus(fmt.Sprintf(lang.L("Saved the properties of “%s”"), ref.Key))
		p.d.Hide()
		if v.bucket == ref.Bucket {
			v.refreshIfAt(ref.Bucket, v.prefix, ref.Key)
		}
	})
}
