package bucketconfig

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	bc "s3desk/storage/bucketconfig"
)

// Versioning choices as the radio group shows them.
const (
	choiceEnabled   = "Enabled: keep every version"
	choiceSuspended = "Suspended: stop keeping new versions"
)

// VersioningTab enables or suspends versioning.
type VersioningTab struct {
	*section
	choice  *widget.RadioGroup
	meaning *widget.Label
	loaded  bc.Versioning
}

func newVersioningTab(w *Window) *VersioningTab {
	t := &VersioningTab{}
	t.choice = widget.NewRadioGroup([]string{choiceEnabled, choiceSuspended}, func(string) { t.explain() })
	t.meaning = widget.NewLabel("")
	t.meaning.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(t.choice, t.meaning)
	t.section = newSection(w, "Versioning keeps earlier versions of every object, so an overwritten or deleted file can be brought back.", form)
	t.section.fetch = func(ctx context.Context) (func(), error) {
		v, err := w.store.Versioning(ctx, w.bucket)
		return func() { t.loaded = v; t.show(v) }, err
	}
	t.section.revert = func() { t.show(t.loaded) }
	t.section.collect = func() (func(ctx context.Context) error, error) {
		v := t.Chosen()
		if v == bc.Unversioned {
			return nil, errors.New("choose Enabled or Suspended")
		}
		return func(ctx context.Context) error { return w.store.SetVersioning(ctx, w.bucket, v) }, nil
	}
	return t
}

func (t *VersioningTab) show(v bc.Versioning) {
	switch v {
	case bc.Enabled:
		t.choice.SetSelected(choiceEnabled)
	case bc.Suspended:
		t.choice.SetSelected(choiceSuspended)
	default:
		t.choice.SetSelected("")
	}
	t.explain()
}

func (t *VersioningTab) explain() {
	t.meaning.SetText(t.Chosen().Describe())
}

// Chosen is the state the controls show.
func (t *VersioningTab) Chosen() bc.Versioning {
	switch t.choice.Selected {
	case choiceEnabled:
		return bc.Enabled
	case choiceSuspended:
		return bc.Suspended
	}
	return bc.Unversioned
}

// Choose picks v in the controls (as a click would).
func (t *VersioningTab) Choose(v bc.Versioning) { t.show(v) }
