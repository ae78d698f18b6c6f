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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	bc "s3desk/storage/bucketconfig"
)

// PresetLabel is the CORS preset button's text.
const PresetLabel = "Add: allow GET from any origin"

// CORSTab is the table of CORS rules.
type CORSTab struct {
	*section
	rules  []bc.CORSRule
	loaded []bc.CORSRule
	table  *widget.Table
	empty  *widget.Label
	editor dialog.Dialog
}

var corsColumns = []string{"Origins", "Methods", "Headers", "Max age", ""}

func newCORSTab(w *Window) *CORSTab {
	t := &CORSTab{}
	t.table = widget.NewTableWithHeaders(func() (int, int) { return len(t.rules), len(corsColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil)
			del := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
			return container.NewStack(l, container.NewHBox(edit, del))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= len(t.rules) {
				return
			}
			r := t.rules[id.Row]
			c := o.(*fyne.Container)
			l, btns := c.Objects[0].(*widget.Label), c.Objects[1].(*fyne.Container)
			if id.Col == len(corsColumns)-1 {
				l.Hide()
				btns.Show()
				row := id.Row
				btns.Objects[0].(*widget.Button).OnTapped = func() { t.ShowEditor(row) }
				btns.Objects[1].(*widget.Button).OnTapped = func() { t.Delete(row) }
				return
			}
			btns.Hide()
			l.Show()
			switch id.Col {
			case 0:
				l.SetText(strings.Join(r.AllowedOrigins, ", "))
			case 1:
				l.SetText(strings.Join(r.AllowedMethods, ", "))
			case 2:
				l.SetText(strings.Join(r.AllowedHeaders, ", "))
			case 3:
				l.SetText(maxAge(r.MaxAgeSeconds))
			}
		})
	t.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		switch {
		case id.Row < 0 && id.Col >= 0:
			l.SetText(corsColumns[id.Col])
		case id.Col < 0 && id.Row >= 0:
			l.SetText(fmt.Sprint(id.Row + 1))
		default:
			l.SetText("")
		}
	}
	for i, wd := range []float32{220, 140, 160, 80, 90} {
		t.table.SetColumnWidth(i, wd)
	}
	t.empty = widget.NewLabel(lang.L("No CORS rules: web pages on other sites cannot read this bucket from a browser."))
	t.empty.Wrapping = fyne.TextWrapWord
	form := container.NewBorder(t.empty, nil, nil, nil, t.table)
	t.section = newSection(w, "CORS rules let web pages served from other sites (origins) call this bucket from a browser: a public website's fonts and scripts, or uploads straight from a web app.", form)
	t.extra.Add(widget.NewButtonWithIcon(lang.L("Add rule…"), theme.ContentAddIcon(), func() { t.ShowEditor(len(t.rules)) }))
	t.extra.Add(widget.NewButton(PresetLabel, t.AddPreset))
	t.fetch = func(ctx context.Context) (func(), error) {
		rules, err := w.store.CORS(ctx, w.bucket)
		return func() { t.loaded = rules; t.set(rules) }, err
	}
	t.revert = func() { t.set(t.loaded) }
	t.collect = func() (func(ctx context.Context) error, error) {
		rules := append([]bc.CORSRule(nil), t.rules...)
		for _, r := range rules {
			if err := r.Validate(); err != nil {
				return nil, err
			}
		}
		return func(ctx context.Context) error { return w.store.PutCORS(ctx, w.bucket, rules) }, nil
	}
	return t
}

func maxAge(s int) string {
	if s == 0 {
		return "—"
	}
	return fmt.Sprintf("%d s", s)
}

func (t *CORSTab) set(rules []bc.CORSRule) {
	t.rules = append([]bc.CORSRule(nil), rules...)
	t.refresh()
}

func (t *CORSTab) refresh() {
	if len(t.rules) == 0 {
		t.empty.Show()
	} else {
		t.empty.Hide()
	}
	t.table.Refresh()
}

// Rules are the rules as edited.
func (t *CORSTab) Rules() []bc.CORSRule { return append([]bc.CORSRule(nil), t.rules...) }

// SetRule replaces rule i, or adds r when i is len(Rules()).
func (t *CORSTab) SetRule(i int, r bc.CORSRule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if i >= len(t.rules) {
		t.rules = append(t.rules, r)
	} else {
		t.rules[i] = r
	}
	t.refresh()
	t.say(lang.L("Not saved yet: press Save to send the rules."), 0)
	return nil
}

// Delete removes rule i.
func (t *CORSTab) Delete(i int) {
	if i < 0 || i >= len(t.rules) {
		return
	}
	t.rules = append(t.rules[:i:i], t.rules[i+1:]...)
	t.refresh()
	t.say(lang.L("Not saved yet: press Save to send the rules."), 0)
}

// AddPreset adds the "allow GET from any origin" rule (not yet saved).
func (t *CORSTab) AddPreset() {
	p := bc.AllowGetFromAnyOrigin()
	for _, r := range t.rules {
		if r.ID == p.ID {
			t.say(lang.L("The rule that allows GET from any origin is already there."), 0)
			return
		}
	}
	_ = t.SetRule(len(t.rules), p)
}

// ShowEditor opens the editor of rule i (a new one when i is len(Rules())).
func (t *CORSTab) ShowEditor(i int) {
	r := bc.CORSRule{AllowedMethods: []string{"GET"}}
	if i < len(t.rules) {
		r = t.rules[i]
	}
	t.openEditor(i, r, "")
}

func (t *CORSTab) openEditor(i int, r bc.CORSRule, problem string) {
	origins := widget.NewMultiLineEntry()
	origins.SetText(strings.Join(r.AllowedOrigins, "\n"))
	origins.SetPlaceHolder(lang.L("https://example.com (one a line; * for any)"))
	origins.SetMinRowsVisible(3)
	methods := widget.NewCheckGroup(bc.CORSMethods, nil)
	methods.Horizontal = true
	methods.SetSelected(r.AllowedMethods)
	headers := widget.NewEntry()
	headers.SetText(strings.Join(r.AllowedHeaders, ", "))
	headers.SetPlaceHolder(lang.L("Content-Type, x-amz-* (or *)"))
	expose := widget.NewEntry()
	expose.SetText(strings.Join(r.ExposeHeaders, ", "))
	expose.SetPlaceHolder(lang.L("ETag"))
	age := daysEntry(r.MaxAgeSeconds)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Origins"), origins),
		widget.NewFormItem(lang.L("Methods"), methods),
		widget.NewFormItem(lang.L("Allowed headers"), headers),
		widget.NewFormItem(lang.L("Exposed headers"), expose),
		widget.NewFormItem(lang.L("Max age (seconds)"), age),
	}
	if problem != "" {
		p := widget.NewLabel(problem)
		p.Importance = widget.DangerImportance
		p.Wrapping = fyne.TextWrapWord
		items = append(items, widget.NewFormItem("", p))
	}
	d := dialog.NewForm(lang.L("CORS rule"), lang.L("OK"), lang.L("Cancel"), items, func(ok bool) {
		t.editor = nil
		if !ok {
			return
		}
		n := r
		n.AllowedOrigins = lines(origins.Text)
		n.AllowedMethods = append([]string(nil), methods.Selected...)
		n.AllowedHeaders = list(headers.Text)
		n.ExposeHeaders = list(expose.Text)
		var err error
		n.MaxAgeSeconds, err = days(age.Text, nil)
		if err != nil {
			err = errors.New("the max age is not a number of seconds")
		} else {
			err = t.SetRule(i, n)
		}
		if err != nil {
			t.openEditor(i, n, err.Error())
		}
	}, t.w.win)
	d.Resize(fyne.NewSize(560, 0))
	t.editor = d
	d.Show()
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func list(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
