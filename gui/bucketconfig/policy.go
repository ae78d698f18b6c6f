package bucketconfig

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	bc "s3desk/storage/bucketconfig"
)

// PolicyTab is the bucket policy's JSON editor.
type PolicyTab struct {
	*section
	Editor    *widget.Entry
	result    *widget.Label // "valid", or the problem with its line and column
	anonymous *widget.Label // the statements that grant anonymous access
	loaded    string
	remove    *widget.Button
}

func newPolicyTab(w *Window) *PolicyTab {
	t := &PolicyTab{}
	t.Editor = widget.NewMultiLineEntry()
	t.Editor.TextStyle = fyne.TextStyle{Monospace: true}
	t.Editor.Wrapping = fyne.TextWrapOff
	t.Editor.SetPlaceHolder(lang.L(`{ "Version": "2012-10-17", "Statement": [ ... ] }`))
	t.Editor.OnChanged = func(string) { t.result.SetText("") }
	t.result = widget.NewLabel("")
	t.result.Wrapping = fyne.TextWrapWord
	t.anonymous = widget.NewLabel("")
	t.anonymous.Wrapping = fyne.TextWrapWord
	check := widget.NewButton(lang.L("Validate"), func() { t.Validate() })
	format := widget.NewButton(lang.L("Format"), t.Format)
	t.remove = widget.NewButton(lang.L("Remove policy…"), t.confirmRemove)
	bottom := container.NewVBox(container.NewHBox(check, format, t.remove), t.result, t.anonymous)
	form := container.NewBorder(nil, bottom, nil, nil, t.Editor)
	t.section = newSection(w, "The bucket policy says who may do what with the bucket and its objects. It is checked here before it is saved; statements that let anyone in without credentials are listed below it.", form)
	t.fetch = func(ctx context.Context) (func(), error) {
		text, err := w.store.Policy(ctx, w.bucket)
		return func() {
			t.loaded = text
			t.show(text)
		}, err
	}
	t.revert = func() { t.show(t.loaded) }
	t.collect = func() (func(ctx context.Context) error, error) {
		text := t.Editor.Text
		if strings.TrimSpace(text) == "" {
			return nil, errors.New("the policy is empty; use Remove policy… to delete it")
		}
		if _, ok := t.Validate(); !ok {
			return nil, errors.New("the policy has a problem (see below the editor)")
		}
		return func(ctx context.Context) error { return w.store.PutPolicy(ctx, w.bucket, text) }, nil
	}
	return t
}

// show puts text in the editor, pretty-printed when it is valid.
func (t *PolicyTab) show(text string) {
	if rep, err := bc.ValidatePolicy(text); err == nil && rep.Pretty != "" {
		text = rep.Pretty
	}
	t.Editor.SetText(text)
	t.Validate()
	if strings.TrimSpace(text) == "" {
		t.result.SetText(lang.L("The bucket has no policy."))
		t.remove.Disable()
	} else {
		t.remove.Enable()
	}
}

// Validate checks the editor's text and shows the result: the problem with
// its line and column (the cursor goes there), or the statement count and
// the anonymous grants.
func (t *PolicyTab) Validate() (bc.PolicyReport, bool) {
	rep, err := bc.ValidatePolicy(t.Editor.Text)
	t.anonymous.SetText("")
	if err != nil {
		var se *bc.PolicySyntaxError
		if errors.As(err, &se) {
			t.result.SetText(fmt.Sprintf(lang.L("Not valid JSON at line %d, column %d: %s"), se.Line, se.Col, se.Msg))
			t.Editor.CursorRow, t.Editor.CursorColumn = se.Line-1, se.Col-1
			t.Editor.Refresh()
		} else {
			t.result.SetText(fmt.Sprintf(lang.L("Not a valid policy: %s"), err.Error()))
		}
		t.result.Importance = widget.DangerImportance
		t.result.Refresh()
		return rep, false
	}
	t.result.Importance = widget.MediumImportance
	if rep.Empty {
		t.result.SetText("")
		return rep, true
	}
	t.result.SetText(fmt.Sprintf(lang.L("Valid: %s."), widgets.Count(len(rep.Statements), "statement", "statements")))
	anon := rep.Anonymous()
	if len(anon) == 0 {
		t.anonymous.SetText(lang.L("No statement grants anonymous access."))
		return rep, true
	}
	labels := make([]string, 0, len(anon))
	for _, st := range anon {
		labels = append(labels, "• "+st.Label())
	}
	t.anonymous.SetText(fmt.Sprintf(lang.L("Anyone without credentials (%s):\n%s"),
		widgets.Count(len(anon), "statement", "statements"), strings.Join(labels, "\n")))
	return rep, true
}

// Format pretty-prints a valid policy (two-space indents, keys kept in order).
func (t *PolicyTab) Format() {
	rep, ok := t.Validate()
	if ok && rep.Pretty != "" {
		t.Editor.SetText(rep.Pretty)
		t.Validate()
	}
}

// Result is the validation line; Anonymous the list of anonymous grants.
func (t *PolicyTab) Result() string    { return t.result.Text }
func (t *PolicyTab) Anonymous() string { return t.anonymous.Text }

func (t *PolicyTab) confirmRemove() {
	dialog.ShowConfirm(lang.L("Remove the bucket policy?"),
		lang.L("Everything the policy allows (or denies) stops applying, including files made public through it. This cannot be undone, except by pasting the policy back."),
		func(ok bool) {
			if ok {
				t.Remove()
			}
		}, t.w.win)
}

// Remove deletes the policy (after the confirmation).
func (t *PolicyTab) Remove() {
	w := t.w
	t.saveWith(func(ctx context.Context) error { return w.store.PutPolicy(ctx, w.bucket, "") }, nil)
}
