package bucketconfig

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	bc "s3desk/storage/bucketconfig"
)

// AbortDays is the one-click rule's "abort incomplete uploads after N days".
const AbortDays = 7

// AbortRuleLabel is the one-click button's text.
var AbortRuleLabel = fmt.Sprintf("Add rule: abort incomplete uploads after %d days", AbortDays)

// LifecycleTab lists, adds, edits and deletes lifecycle rules.
type LifecycleTab struct {
	*section
	rules  []bc.LifecycleRule // as edited
	loaded []bc.LifecycleRule
	dirty  bool // rules differ from loaded
	list   *widget.List
	empty  *widget.Label
	add    *widget.Button
	abort  *widget.Button
	editor *ruleEditor // the open rule editor, or nil
}

// ruleEditor is the open rule editor's controls.
type ruleEditor struct {
	d                                    dialog.Dialog
	id, prefix, tags, expire, noncurrent *widget.Entry
	transDays, abort                     *widget.Entry
	enabled                              *widget.Check
	class                                *widget.Select
	problem                              string
}

func newLifecycleTab(w *Window) *LifecycleTab {
	t := &LifecycleTab{}
	t.list = widget.NewList(func() int { return len(t.rules) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil)
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
		return container.NewBorder(nil, nil, nil, container.NewHBox(edit, del), l)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(t.rules) {
			return
		}
		r := t.rules[i]
		c := o.(*fyne.Container)
		name := r.ID
		if name == "" {
			name = fmt.Sprintf("rule %d", i+1)
		}
		c.Objects[0].(*widget.Label).SetText(name + " — " + r.Summary())
		btns := c.Objects[1].(*fyne.Container)
		btns.Objects[0].(*widget.Button).OnTapped = func() { t.ShowEditor(i) }
		btns.Objects[1].(*widget.Button).OnTapped = func() { t.Delete(i) }
	})
	t.empty = widget.NewLabel(lang.L("No lifecycle rules: objects stay until someone deletes them, and incomplete uploads keep their parts."))
	t.empty.Wrapping = fyne.TextWrapWord
	form := container.NewBorder(t.empty, nil, nil, nil, t.list)
	t.section = newSection(w, "Lifecycle rules expire objects or old versions, move them to a cheaper storage class, and abort multipart uploads nobody finished. S3 applies them about once a day.", form)
	t.add = widget.NewButtonWithIcon(lang.L("Add rule…"), theme.ContentAddIcon(), func() { t.ShowEditor(len(t.rules)) })
	t.abort = widget.NewButton(AbortRuleLabel, t.AddAbortRule)
	t.extra.Add(t.add)
	t.extra.Add(t.abort)
	t.fetch = func(ctx context.Context) (func(), error) {
		rules, err := w.store.Lifecycle(ctx, w.bucket)
		return func() { t.loaded = rules; t.set(rules) }, err
	}
	t.revert = func() { t.set(t.loaded) }
	t.confirm = func() (string, string) {
		if len(t.rules) == 0 && len(t.loaded) > 0 {
			return "Remove every lifecycle rule?", fmt.Sprintf("The bucket's %s stop: nothing expires or moves any more, and incomplete uploads are no longer aborted.",
				widgets.Count(len(t.loaded), "rule", "rules"))
		}
		return "", ""
	}
	t.collect = func() (func(ctx context.Context) error, error) {
		rules := append([]bc.LifecycleRule(nil), t.rules...)
		if err := bc.ValidateRules(rules); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return w.store.PutLifecycle(ctx, w.bucket, rules) }, nil
	}
	return t
}

func (t *LifecycleTab) set(rules []bc.LifecycleRule) {
	t.rules = append([]bc.LifecycleRule(nil), rules...)
	t.dirty = false
	t.refresh()
}

func (t *LifecycleTab) refresh() {
	if len(t.rules) == 0 {
		t.empty.Show()
	} else {
		t.empty.Hide()
	}
	t.list.Refresh()
}

// Rules are the rules as edited.
func (t *LifecycleTab) Rules() []bc.LifecycleRule { return append([]bc.LifecycleRule(nil), t.rules...) }

// SetRule replaces rule i, or adds r when i is len(Rules()); Save sends them.
func (t *LifecycleTab) SetRule(i int, r bc.LifecycleRule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if i >= len(t.rules) {
		t.rules = append(t.rules, r)
	} else {
		t.rules[i] = r
	}
	t.dirty = true
	t.refresh()
	t.say(lang.L("Not saved yet: press Save to send the rules."), 0)
	return nil
}

// Delete removes rule i from the edited rules.
func (t *LifecycleTab) Delete(i int) {
	if i < 0 || i >= len(t.rules) {
		return
	}
	t.rules = append(t.rules[:i:i], t.rules[i+1:]...)
	t.dirty = true
	t.refresh()
	t.say(lang.L("Not saved yet: press Save to send the rules."), 0)
}

// AddAbortRule is the one-click rule: it saves at once, keeping the other
// rules as the server has them. With unsaved edits here it joins them
// instead, for the next Save, so that no edit is lost.
func (t *LifecycleTab) AddAbortRule() {
	if t.dirty {
		t.rules = bc.WithAbortIncompleteUploads(t.rules, AbortDays)
		t.refresh()
		t.say(lang.L("Added to your unsaved changes: press Save to send the rules."), 0)
		return
	}
	w := t.w
	t.saveWith(func(ctx context.Context) error {
		_, err := w.store.AddAbortIncompleteUploads(ctx, w.bucket, AbortDays)
		return err
	}, nil)
}

// ShowEditor opens the editor of rule i (a new rule when i is len(Rules())).
func (t *LifecycleTab) ShowEditor(i int) {
	r := bc.LifecycleRule{Enabled: true}
	if i < len(t.rules) {
		r = t.rules[i]
	} else {
		r.ID = fmt.Sprintf("rule-%d", len(t.rules)+1)
	}
	t.openEditor(i, r, "")
}

func (t *LifecycleTab) openEditor(i int, r bc.LifecycleRule, problem string) {
	id := widget.NewEntry()
	id.SetText(r.ID)
	enabled := widget.NewCheck(lang.L("Enabled"), nil)
	enabled.SetChecked(r.Enabled)
	prefix := widget.NewEntry()
	prefix.SetText(r.Prefix)
	prefix.SetPlaceHolder(lang.L("whole bucket"))
	tags := widget.NewEntry()
	tags.SetText(tagsText(r.Tags))
	tags.SetPlaceHolder(lang.L("key=value, key2=value2"))
	expire := daysEntry(r.ExpireDays)
	noncurrent := daysEntry(r.NoncurrentExpireDays)
	class := widget.NewSelect(append([]string{"(none)"}, bc.TransitionClasses...), nil)
	class.SetSelected("(none)")
	if r.TransitionClass != "" {
		class.SetSelected(r.TransitionClass)
	}
	transDays := daysEntry(r.TransitionDays)
	abort := daysEntry(r.AbortUploadsDays)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Rule ID"), id),
		widget.NewFormItem("", enabled),
		widget.NewFormItem(lang.L("Prefix"), prefix),
		widget.NewFormItem(lang.L("Tags"), tags),
		widget.NewFormItem(lang.L("Expire after (days)"), expire),
		widget.NewFormItem(lang.L("Old versions after (days)"), noncurrent),
		widget.NewFormItem(lang.L("Move to class"), class),
		widget.NewFormItem(lang.L("… after (days)"), transDays),
		widget.NewFormItem(lang.L("Abort uploads after (days)"), abort),
	}
	if extras := r.Extras(); len(extras) > 0 {
		items = append(items, widget.NewFormItem(lang.L("Also (kept)"), widget.NewLabel(strings.Join(extras, "; "))))
	}
	if problem != "" {
		p := widget.NewLabel(problem)
		p.Importance = widget.DangerImportance
		p.Wrapping = fyne.TextWrapWord
		items = append(items, widget.NewFormItem("", p))
	}
	title := "Edit lifecycle rule"
	if i >= len(t.rules) {
		title = "Add lifecycle rule"
	}
	d := dialog.NewForm(title, lang.L("OK"), lang.L("Cancel"), items, func(ok bool) {
		t.editor = nil
		if !ok {
			return
		}
		n := r // keeps what the model does not show
		n.ID, n.Enabled, n.Prefix = strings.TrimSpace(id.Text), enabled.Checked, prefix.Text
		var err error
		if n.Tags, err = parseTags(tags.Text); err == nil {
			n.ExpireDays, err = days(expire.Text, err)
			n.NoncurrentExpireDays, err = days(noncurrent.Text, err)
			n.TransitionDays, err = days(transDays.Text, err)
			n.AbortUploadsDays, err = days(abort.Text, err)
		}
		n.TransitionClass = ""
		if class.Selected != "(none)" {
			n.TransitionClass = class.Selected
		}
		if err == nil {
			err = t.SetRule(i, n)
		}
		if err != nil {
			t.openEditor(i, n, err.Error())
		}
	}, t.w.win)
	d.Resize(fyne.NewSize(520, 0))
	t.editor = &ruleEditor{d: d, id: id, prefix: prefix, tags: tags, expire: expire, noncurrent: noncurrent,
		transDays: transDays, abort: abort, enabled: enabled, class: class, problem: problem}
	d.Show()
}

func daysEntry(n int) *widget.Entry {
	e := widget.NewEntry()
	if n > 0 {
		e.SetText(strconv.Itoa(n))
	}
	e.SetPlaceHolder("—")
	return e
}

// days parses a days entry ("" is 0), keeping an earlier error.
func days(text string, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, nil
	}
	n, perr := strconv.Atoi(text)
	if perr != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a number of days", text)
	}
	return n, nil
}

func tagsText(tags []bc.Tag) string {
	parts := make([]string, 0, len(tags))
	for _, t := range tags {
		parts = append(parts, t.Key+"="+t.Value)
	}
	return strings.Join(parts, ", ")
}

func parseTags(text string) ([]bc.Tag, error) {
	var out []bc.Tag
	for _, p := range strings.Split(text, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("the tag %q is not key=value", p)
		}
		out = append(out, bc.Tag{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return out, nil
}
