package bucketconfig

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	bc "s3desk/storage/bucketconfig"
)

// TagsTab edits the bucket's tags as key / value rows.
type TagsTab struct {
	*section
	rows   *fyne.Container
	pairs  []tagRow
	loaded []bc.Tag
}

type tagRow struct{ key, value *widget.Entry }

func newTagsTab(w *Window) *TagsTab {
	t := &TagsTab{rows: container.NewVBox()}
	form := container.NewVScroll(t.rows)
	t.section = newSection(w, "Tags label the bucket (team, project, cost centre) for billing reports and access policies. Up to 50.", form)
	t.extra.Add(widget.NewButtonWithIcon(lang.L("Add tag"), theme.ContentAddIcon(), func() { t.AddRow("", "") }))
	t.fetch = func(ctx context.Context) (func(), error) {
		tags, err := w.store.Tags(ctx, w.bucket)
		return func() { t.loaded = tags; t.set(tags) }, err
	}
	t.revert = func() { t.set(t.loaded) }
	t.collect = func() (func(ctx context.Context) error, error) {
		tags := t.Edited()
		if err := bc.ValidateTags(tags); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return w.store.PutTags(ctx, w.bucket, tags) }, nil
	}
	return t
}

func (t *TagsTab) set(tags []bc.Tag) {
	t.pairs = nil
	t.rows.RemoveAll()
	for _, tg := range tags {
		t.AddRow(tg.Key, tg.Value)
	}
	if len(tags) == 0 {
		t.rows.Add(widget.NewLabel(lang.L("No tags.")))
	}
	t.rows.Refresh()
}

// AddRow adds a key / value row.
func (t *TagsTab) AddRow(key, value string) {
	if len(t.pairs) == 0 {
		t.rows.RemoveAll() // the "No tags." line
	}
	k, v := widget.NewEntry(), widget.NewEntry()
	k.SetPlaceHolder(lang.L("Key"))
	v.SetPlaceHolder(lang.L("Value"))
	k.SetText(key)
	v.SetText(value)
	row := tagRow{k, v}
	t.pairs = append(t.pairs, row)
	var line *fyne.Container
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		for i, p := range t.pairs {
			if p == row {
				t.pairs = append(t.pairs[:i:i], t.pairs[i+1:]...)
			}
		}
		t.rows.Remove(line)
	})
	line = container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(2, k, v))
	t.rows.Add(line)
}

// Edited are the tags the rows hold (rows with neither key nor value are
// left out).
func (t *TagsTab) Edited() []bc.Tag {
	var out []bc.Tag
	for _, p := range t.pairs {
		if p.key.Text == "" && p.value.Text == "" {
			continue
		}
		out = append(out, bc.Tag{Key: p.key.Text, Value: p.value.Text})
	}
	return out
}

// Row is the key and value entries of row i, for tests.
func (t *TagsTab) Row(i int) (key, value *widget.Entry) { return t.pairs[i].key, t.pairs[i].value }
