package accounts

import (
	"fmt"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// "New bucket": the name checked as it is typed, and a region.

// createBucketDialog asks for a name (checked as it is typed) and a region.
type createBucketDialog struct {
	dlg    *dialog.CustomDialog
	name   *widgets.EscEntry
	region *widget.SelectEntry
	acls   *widget.Check // ObjectOwnership BucketOwnerPreferred
	hint   *widget.Label
	create *widget.Button
}

// ShowCreate opens the "New bucket" dialog.
func (v *BucketsView) ShowCreate() {
	store := v.store
	if store == nil {
		return
	}
	d := &createBucketDialog{}
	v.create = d
	d.name = widgets.NewEscEntry() // Escape cancels
	d.name.SetPlaceHolder(lang.L("my-bucket-name"))
	regions := bucketRegions
	if r := store.Region(); r != "" {
		regions = append([]string{r}, without(bucketRegions, r)...)
	}
	d.region = widget.NewSelectEntry(regions)
	d.region.SetText(regions[0])
	d.acls = widget.NewCheck(lang.L("Allow per-file access lists (needed to make single files public)"), nil)
	d.hint = widget.NewLabel(lang.L("3–63 characters: lower-case letters, digits, dots and hyphens."))
	d.hint.Wrapping = fyne.TextWrapWord
	d.hint.Importance = widget.LowImportance
	d.create = widget.NewButtonWithIcon(lang.L("Create"), theme.ConfirmIcon(), nil)
	d.create.Importance = widget.HighImportance
	d.create.Disable()
	cancel := widget.NewButton(lang.L("Cancel"), nil)

	check := func(name string) bool {
		if name == "" {
			d.hint.SetText(lang.L("3–63 characters: lower-case letters, digits, dots and hyphens."))
			d.hint.Importance = widget.LowImportance
			d.hint.Refresh()
			d.fit()
			d.create.Disable()
			return false
		}
		if err := storage.ValidateBucketName(name); err != nil {
			d.hint.SetText(widgets.Sentence(widgets.ErrorText(err)))
			d.hint.Importance = widget.DangerImportance
			d.hint.Refresh()
			d.fit()
			d.create.Disable()
			return false
		}
		d.hint.SetText(fmt.Sprintf(lang.L("“%s” is a valid name."), name))
		d.hint.Importance = widget.SuccessImportance
		d.hint.Refresh()
		d.fit()
		d.create.Enable()
		return true
	}
	d.name.OnChanged = func(s string) { check(s) }

	submit := func() {
		name := strings.TrimSpace(d.name.Text)
		if !check(name) {
			return
		}
		region := strings.TrimSpace(d.region.Text)
		acls := d.acls.Checked
		d.create.Disable()
		d.hint.SetText(fmt.Sprintf(lang.L("Creating “%s”…"), name))
		d.hint.Importance = widget.LowImportance
		d.hint.Refresh()
		d.fit()
		_, end := v.status.Begin(fmt.Sprintf(lang.L("Creating bucket %s…"), name))
		ctx := v.jobs.Ctx() // a switch of account ends it
		v.jobs.Go(func() {
			opts := storage.CreateBucketOptions{Region: region}
			if acls {
				opts.ObjectOwnership = "BucketOwnerPreferred"
			}
			err := store.CreateBucket(ctx, name, opts)
			v.jobs.Do(func() {
				end()
				if err != nil {
					d.hint.SetText(widgets.Sentence(widgets.ErrorText(err)))
					d.hint.Importance = widget.DangerImportance
					d.hint.Refresh()
					d.fit()
					d.create.Enable()
					return
				}
				d.dlg.Hide()
				v.status.Say(fmt.Sprintf(lang.L("Created bucket %s"), name))
				if v.store == store {
					v.reload(name, false)
				}
			})
		})
	}
	d.name.OnSubmitted = func(string) { submit() }
	d.create.OnTapped = submit

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), d.name),
		widget.NewFormItem(lang.L("Region"), d.region),
		widget.NewFormItem("", d.acls),
	)
	content := container.NewVBox(form, d.hint,
		container.NewHBox(layout.NewSpacer(), cancel, d.create))
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("New bucket"), content, v.win)
	cancel.OnTapped = d.dlg.Hide
	d.name.OnEscape = d.dlg.Hide
	widgets.FitDialog(d.dlg, 460)
	d.dlg.Show()
	v.win.Canvas().Focus(d.name)
}

func (d *createBucketDialog) fit() {
	if d.dlg != nil {
		widgets.FitDialog(d.dlg, 460)
	}
}

func without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
