package browser

import (
	"context"
	"errors"
	"fmt"
	"maps"
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

// tagEditor edits a set of object tags as "key = value" rows, and checks
// them against S3's limits as they are typed.
type tagEditor struct {
	rows     []*tagRow
	box      *fyne.Container
	count    *widget.Label
	problem  *widget.Label
	addBtn   *widget.Button
	root     fyne.CanvasObject
	onChange func() // optional: a row changed
}

type tagRow struct {
	key, value *widget.Entry
	box        *fyne.Container
}

func newTagEditor(tags map[string]string, onChange func()) *tagEditor {
	t := &tagEditor{box: container.NewVBox(), onChange: onChange}
	t.count = widget.NewLabel("")
	t.count.Importance = widget.LowImportance
	t.problem = widget.NewLabel("")
	t.problem.Importance = widget.DangerImportance
	t.problem.Wrapping = fyne.TextWrapWord
	t.problem.Hide()
	t.addBtn = widget.NewButtonWithIcon(lang.L("Add tag"), theme.ContentAddIcon(), func() { t.addRow("", "") })
	t.addBtn.Importance = widget.LowImportance
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		t.addRow(k, tags[k])
	}
	if len(t.rows) == 0 {
		t.addRow("", "") // a row to type into
	}
	scroll := container.NewVScroll(t.box)
	scroll.SetMinSize(fyne.NewSize(0, 160))
	t.root = container.NewBorder(nil, container.NewVBox(container.NewHBox(t.addBtn, t.count), t.problem), nil, nil, scroll)
	t.check()
	return t
}

func (t *tagEditor) addRow(k, val string) *tagRow {
	r := &tagRow{key: widget.NewEntry(), value: widget.NewEntry()}
	r.key.SetPlaceHolder(lang.L("key, e.g. project"))
	r.value.SetPlaceHolder(lang.L("value"))
	r.key.SetText(k)
	r.value.SetText(val)
	changed := func(string) {
		t.check()
		if t.onChange != nil {
			t.onChange()
		}
	}
	r.key.OnChanged = changed
	r.value.OnChanged = changed
	rm := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), nil)
	rm.Importance = widget.LowImportance
	r.box = container.NewBorder(nil, nil, nil, rm,
		container.NewGridWithColumns(2, r.key, container.NewBorder(nil, nil, widget.NewLabel("="), nil, r.value)))
	rm.OnTapped = func() {
		t.rows = slices.DeleteFunc(t.rows, func(x *tagRow) bool { return x == r })
		t.box.Remove(r.box)
		changed("")
	}
	t.rows = append(t.rows, r)
	t.box.Add(r.box)
	t.check()
	return r
}

// Tags are the rows as a tag set (blank rows ignored), or the first
// problem in words.
func (t *tagEditor) Tags() (map[string]string, error) {
	tags := map[string]string{}
	for i, r := range t.rows {
		k, val := strings.TrimSpace(r.key.Text), strings.TrimSpace(r.value.Text)
		if k == "" && val == "" {
			continue
		}
		if k == "" {
			return nil, fmt.Errorf("tag %d has a value but no key", i+1)
		}
		if _, dup := tags[k]; dup {
			return nil, fmt.Errorf("the tag key “%s” appears twice (keys are case-sensitive, each once)", k)
		}
		tags[k] = val
	}
	if err := storage.ValidateTags(tags); err != nil {
		return nil, errors.New(widgets.Sentence(strings.TrimPrefix(err.Error(), "set tags: ")))
	}
	return tags, nil
}

// check shows the count and the first problem.
func (t *tagEditor) check() {
	if t.count == nil {
		return
	}
	n := 0
	for _, r := range t.rows {
		if strings.TrimSpace(r.key.Text) != "" || strings.TrimSpace(r.value.Text) != "" {
			n++
		}
	}
	t.count.SetText(fmt.Sprintf(lang.L("%d of %d tags"), n, storage.MaxObjectTags))
	widgets.SetEnabled(t.addBtn, len(t.rows) < storage.MaxObjectTags)
	_, err := t.Tags()
	was := t.problem.Visible()
	if err != nil {
		t.problem.SetText(err.Error())
		t.problem.Show()
	} else {
		t.problem.Hide()
	}
	if c, ok := t.root.(*fyne.Container); ok && was != t.problem.Visible() {
		c.Refresh() // the Border gives the problem line its room
	}
}

// tagSummary is a tag set on one line: "owner = me, project = desk".
func tagSummary(tags map[string]string) string {
	if len(tags) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+" = "+tags[k])
	}
	return strings.Join(parts, ", ")
}

// tagsDialog edits the tags of one object, or sets the same tags on
// every file of a selection.
type tagsDialog struct {
	v       *ObjectsView
	d       *dialog.CustomDialog
	body    *fyne.Container
	editor  *tagEditor
	save    *widget.Button
	errText *widget.Label
	refs    []storage.ObjectRef
	saved   func(map[string]string) // optional: after a save of one object
}

// EditTags opens the tag editor for the selected files.
func (v *ObjectsView) EditTags() { v.editTags(v.selectedFiles(), nil) }

func (v *ObjectsView) editTags(files []storage.Entry, saved func(map[string]string)) *tagsDialog {
	st := v.settings()
	if st == nil || len(files) == 0 || v.bucket == "" {
		return nil
	}
	t := &tagsDialog{v: v, refs: refsOf(v.bucket, files), saved: saved}
	title := fmt.Sprintf(lang.L("Tags of “%s”"), displayName(&files[0]))
	if len(files) > 1 {
		title = fmt.Sprintf(lang.L("Tags of %s"), widgets.Count(len(files), "file", "files"))
	}
	t.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), t.doSave)
	t.save.Importance = widget.HighImportance
	t.save.Disable()
	t.errText = widget.NewLabel("")
	t.errText.Wrapping = fyne.TextWrapWord
	t.errText.Importance = widget.DangerImportance
	t.errText.Hide()
	t.body = container.NewStack()
	t.d = dialog.NewCustomWithoutButtons(title, t.body, v.win)
	t.d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), func() { t.d.Hide() }), t.save})
	t.d.Resize(fyne.NewSize(560, 420))
	if len(files) > 1 {
		t.edit(nil, fmt.Sprintf("These tags replace all tags of the %s selected (up to %d; leave it empty to remove their tags).", widgets.Count(len(files), "file", "files"), storage.MaxObjectTags))
		t.d.Show()
		return t
	}
	act := widget.NewActivity()
	act.Start()
	t.body.Objects = []fyne.CanvasObject{container.NewCenter(container.NewHBox(act, widget.NewLabel(lang.L("Reading tags…"))))}
	t.d.Show()
	var tags map[string]string
	ref := t.refs[0]
	v.background(func(ctx context.Context) error {
		var err error
		tags, err = st.ObjectTags(ctx, ref)
		return err
	}, func(err error) {
		act.Stop()
		if err != nil {
			t.fail(err)
			return
		}
		t.edit(tags, "Tags label an object for lifecycle rules, policies and billing (up to 10).")
	})
	return t
}

func (t *tagsDialog) edit(tags map[string]string, hint string) {
	t.editor = newTagEditor(tags, t.changed)
	h := widget.NewLabel(hint)
	h.Wrapping = fyne.TextWrapWord
	h.Importance = widget.LowImportance
	t.body.Objects = []fyne.CanvasObject{container.NewBorder(h, t.errText, nil, nil, t.editor.root)}
	t.body.Refresh()
	if len(t.refs) > 1 {
		t.changed()
	}
}

func (t *tagsDialog) changed() {
	_, err := t.editor.Tags()
	widgets.SetEnabled(t.save, err == nil)
}

// fail shows err in place of the editor; a server without tags says so.
func (t *tagsDialog) fail(err error) {
	msg := widgets.Sentence(widgets.ErrorText(err))
	if errors.Is(err, storage.ErrNotImplemented) {
		msg = "This server does not implement object tags, so they cannot be read or set here."
	}
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	t.body.Objects = []fyne.CanvasObject{container.NewVBox(widget.NewIcon(theme.ErrorIcon()), l)}
	t.body.Refresh()
	t.save.Disable()
}

func (t *tagsDialog) doSave() {
	if t.editor == nil {
		return
	}
	tags, err := t.editor.Tags()
	if err != nil {
		t.errText.SetText(err.Error())
		t.errText.Show()
		return
	}
	t.errText.Hide()
	v, st := t.v, t.v.settings()
	apply := func(ctx context.Context, ref storage.ObjectRef) error {
		if len(tags) == 0 {
			return st.DeleteObjectTags(ctx, ref)
		}
		return st.PutObjectTags(ctx, ref, tags)
	}
	t.save.Disable()
	if len(t.refs) == 1 {
		ref := t.refs[0]
		v.setStatus(fmt.Sprintf(lang.L("Saving the tags of “%s”…"), ref.Key))
		v.background(func(ctx context.Context) error { return apply(ctx, ref) }, func(err error) {
			if err != nil {
				v.setStatus("")
				if errors.Is(err, storage.ErrNotImplemented) {
					t.fail(err)
					return
				}
				t.errText.SetText(widgets.ErrorText(err))
				t.errText.Show()
				t.save.Enable()
				return
			}
			v.setStatus(fmt.Sprintf(lang.L("Saved the tags of “%s”"), ref.Key))
			t.d.Hide()
			if t.saved != nil {
				t.saved(tags)
			}
		})
		return
	}
	t.d.Hide()
	verb, did := "Tagging", "tagged"
	if len(tags) == 0 {
		verb, did = "Removing tags of", "removed the tags of"
	}
	v.bulkRun("Setting tags", verb, t.refs, apply, func(r bulkResult) {
		msg := bulkMessage(r, len(t.refs), did)
		v.setStatus(msg)
		if r.done < len(t.refs) {
			if r.failed > 0 && errors.Is(r.failures[0], storage.ErrNotImplemented) {
				msg = "This server does not implement object tags; no file was tagged."
			}
			widgets.ShowMessage(v.win, lang.L("Tags"), msg)
		}
	})
}
