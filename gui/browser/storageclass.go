package browser

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// classChoices are the storage classes offered, with what each means.
var classChoices = []struct {
	class types.StorageClass
	about string
}{
	{types.StorageClassStandard, "frequent access; the default"},
	{types.StorageClassIntelligentTiering, "moves between tiers as access changes"},
	{types.StorageClassStandardIa, "infrequent access; cheaper storage, a fee per read; 30 days minimum"},
	{types.StorageClassOnezoneIa, "like Standard-IA, in one availability zone"},
	{types.StorageClassGlacierIr, "archive read in milliseconds; 90 days minimum"},
	{types.StorageClassGlacier, "archive; must be restored (minutes to hours) before reading"},
	{types.StorageClassDeepArchive, "cheapest archive; restore takes 12-48 hours"},
	{types.StorageClassReducedRedundancy, "legacy; less durable (MinIO: the reduced-parity class)"},
}

// classLabel is a storage class as the choices show it.
func classLabel(c types.StorageClass) string {
	for _, ch := range classChoices {
		if ch.class == c {
			return storageClassName(string(c)) + " — " + ch.about
		}
	}
	return storageClassName(string(c))
}

// classCell is the storage-class column's text: the class, or for an
// archived object whose restore the listing reports, how it stands.
func classCell(e *storage.Entry) string {
	switch {
	case !storage.Archived(e.StorageClass) || !e.Restore.Requested:
		return storageClassName(e.StorageClass)
	case e.Restore.Ongoing:
		return "Restoring…"
	case e.Restore.Restored():
		return fmt.Sprintf(lang.L("Restored until %s"), e.Restore.Until.Local().Format("2 Jan"))
	}
	return storageClassName(e.StorageClass)
}

// restoreText is the restore status of an archived object in words.
func restoreText(info storage.ObjectInfo) string {
	if !storage.Archived(info.StorageClass) {
		return ""
	}
	if s := info.Restore.String(); s != "" {
		return widgets.Sentence(s)
	}
	return "Archived: restore it before reading or copying it"
}

// classDialog changes the storage class of one file or a selection.
type classDialog struct {
	v      *ObjectsView
	d      *dialog.CustomDialog
	body   *fyne.Container
	choice *widget.Select
	warn   *widget.Label
	ok     *widget.Button
	refs   []storage.ObjectRef
}

// ChangeStorageClass asks for a storage class for the selected files.
func (v *ObjectsView) ChangeStorageClass() { v.changeStorageClass(v.selectedFiles(), "") }

func (v *ObjectsView) changeStorageClass(files []storage.Entry, current string) *classDialog {
	if v.settings() == nil || len(files) == 0 || v.bucket == "" {
		return nil
	}
	c := &classDialog{v: v, refs: refsOf(v.bucket, files)}
	labels := make([]string, len(classChoices))
	for i, ch := range classChoices {
		labels[i] = classLabel(ch.class)
	}
	c.warn = widget.NewLabel("")
	c.warn.Wrapping = fyne.TextWrapWord
	c.warn.Importance = widget.WarningImportance
	c.warn.Hide()
	c.choice = widget.NewSelect(labels, func(string) { c.changed() })
	if current == "" && len(files) == 1 {
		current = files[0].StorageClass
	}
	if current == "" {
		current = string(types.StorageClassStandard)
	}
	c.choice.SetSelected(classLabel(types.StorageClass(current)))
	what := "“" + displayName(&files[0]) + "”"
	if len(files) > 1 {
		what = widgets.Count(len(files), "file", "files")
	}
	intro := widget.NewLabel(fmt.Sprintf(lang.L("Copies %s onto itself in the new class, keeping its content, Content-Type, Cache-Control, metadata and tags. The service may charge for the copy, and for early deletion from IA or archive classes."), what))
	intro.Wrapping = fyne.TextWrapWord
	c.ok = widget.NewButtonWithIcon(lang.L("Change"), theme.ConfirmIcon(), c.apply)
	c.ok.Importance = widget.HighImportance
	c.body = container.NewVBox(intro, c.choice, c.warn)
	c.d = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.L("Storage class of %s"), what), c.body, v.win)
	c.d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), func() { c.d.Hide() }), c.ok})
	widgets.FitDialog(c.d, 560)
	c.changed()
	c.d.Show()
	return c
}

// selected is the chosen class.
func (c *classDialog) selected() types.StorageClass {
	i := c.choice.SelectedIndex()
	if i < 0 {
		return ""
	}
	return classChoices[i].class
}

func (c *classDialog) changed() {
	if c.ok == nil {
		return
	}
	cl := c.selected()
	widgets.SetEnabled(c.ok, cl != "")
	if storage.Archived(string(cl)) {
		c.warn.SetText(fmt.Sprintf(lang.L("Objects in %s cannot be read, previewed, downloaded or copied until they are restored from the archive, which takes hours and is charged."), storageClassName(string(cl))))
		c.warn.Show()
	} else {
		c.warn.Hide()
	}
	refit(c.d, c.body, 560)
}

func (c *classDialog) apply() {
	cl := c.selected()
	if cl == "" {
		return
	}
	c.d.Hide()
	v, st := c.v, c.v.settings()
	bucket, prefix := v.bucket, v.prefix
	v.bulkRun("Changing storage class", "Changing", c.refs, func(ctx context.Context, ref storage.ObjectRef) error {
		return st.SetStorageClass(ctx, ref, cl)
	}, func(r bulkResult) {
		msg := bulkMessage(r, len(c.refs), "moved to "+storageClassName(string(cl))+":")
		v.setStatus(msg)
		if r.done < len(c.refs) {
			widgets.ShowMessage(v.win, lang.L("Storage class"), msg)
		}
		if r.done > 0 {
			v.refreshIfAt(bucket, prefix, "")
		}
	})
}

// restoreTiers are the retrieval tiers with what they cost in time.
var restoreTiers = []struct {
	tier  types.Tier
	label string
}{
	{types.TierExpedited, "Expedited — 1-5 minutes (Glacier Flexible only), most expensive"},
	{types.TierStandard, "Standard — 3-5 hours (Deep Archive: within 12 hours)"},
	{types.TierBulk, "Bulk — 5-12 hours (Deep Archive: within 48 hours), cheapest"},
}

// restoreDialog asks the service to restore archived objects.
type restoreDialog struct {
	v     *ObjectsView
	d     *dialog.CustomDialog
	body  *fyne.Container
	tier  *widget.RadioGroup
	days  *widget.Entry
	ok    *widget.Button
	issue *widget.Label
	refs  []storage.ObjectRef
	done  func() // optional: after at least one restore was asked for
}

// RestoreFromArchive asks for a tier and a number of days and restores
// the selected archived files.
func (v *ObjectsView) RestoreFromArchive() {
	var archived []storage.Entry
	for _, e := range v.selectedFiles() {
		if storage.Archived(e.StorageClass) {
			archived = append(archived, e)
		}
	}
	v.restoreFromArchive(archived, nil)
}

func (v *ObjectsView) restoreFromArchive(files []storage.Entry, done func()) *restoreDialog {
	if v.settings() == nil || len(files) == 0 || v.bucket == "" {
		return nil
	}
	r := &restoreDialog{v: v, refs: refsOf(v.bucket, files), done: done}
	labels := make([]string, len(restoreTiers))
	for i, t := range restoreTiers {
		labels[i] = t.label
	}
	r.tier = widget.NewRadioGroup(labels, func(string) { r.check() })
	r.tier.Required = true
	r.tier.SetSelected(labels[1])
	r.days = widget.NewEntry()
	r.days.SetText("7")
	r.days.OnChanged = func(string) { r.check() }
	r.issue = widget.NewLabel("")
	r.issue.Importance = widget.DangerImportance
	r.issue.Hide()
	what := "“" + displayName(&files[0]) + "”"
	if len(files) > 1 {
		what = widgets.Count(len(files), "archived file", "archived files")
	}
	intro := widget.NewLabel(fmt.Sprintf(lang.L("A restore makes a temporary readable copy of %s for the number of days you choose; the archived object stays as it is. The service charges per tier."), what))
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(widget.NewFormItem(lang.L("Speed"), r.tier), widget.NewFormItem(lang.L("Keep the copy for"), container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("days")), r.days)))
	r.ok = widget.NewButtonWithIcon(lang.L("Restore"), theme.HistoryIcon(), r.apply)
	r.ok.Importance = widget.HighImportance
	r.body = container.NewVBox(intro, form, r.issue)
	r.d = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.L("Restore %s from the archive"), what), r.body, v.win)
	r.d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), func() { r.d.Hide() }), r.ok})
	widgets.FitDialog(r.d, 600)
	r.check()
	r.d.Show()
	return r
}

// options are the chosen tier and days, or the problem in words.
func (r *restoreDialog) options() (storage.RestoreOptions, string) {
	var o storage.RestoreOptions
	for i, t := range restoreTiers {
		if t.label == r.tier.Selected {
			o.Tier = restoreTiers[i].tier
		}
	}
	if o.Tier == "" {
		return o, "Choose a speed."
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.days.Text))
	if err != nil || n < 1 || n > 365 {
		return o, "Keep the copy for 1 to 365 days."
	}
	o.Days = int32(n)
	return o, ""
}

func (r *restoreDialog) check() {
	if r.ok == nil {
		return
	}
	_, msg := r.options()
	r.issue.SetText(msg)
	if r.issue.Hidden != (msg == "") {
		r.issue.Hidden = msg == ""
		refit(r.d, r.body, 600)
	}
	r.issue.Refresh()
	widgets.SetEnabled(r.ok, msg == "")
}

func (r *restoreDialog) apply() {
	o, msg := r.options()
	if msg != "" {
		return
	}
	r.d.Hide()
	v, st := r.v, r.v.settings()
	bucket, prefix := v.bucket, v.prefix
	v.bulkRun("Restoring from the archive", "Asking to restore", r.refs, func(ctx context.Context, ref storage.ObjectRef) error {
		return st.RestoreObject(ctx, ref, o)
	}, func(res bulkResult) {
		msg := bulkMessage(res, len(r.refs), "asked to restore")
		if res.done > 0 {
			msg += fmt.Sprintf(" The copies become readable within the %s tier's time and stay for %s.", o.Tier, widgets.Count(int(o.Days), "day", "days"))
			if r.done != nil {
				r.done()
			}
			v.refreshIfAt(bucket, prefix, "")
		}
		if res.failed > 0 && errors.Is(res.failures[0], storage.ErrNotImplemented) {
			msg = "This server does not implement restoring archived objects; nothing was restored."
		}
		v.setStatus(msg)
		if res.done < len(r.refs) || res.done == 1 {
			widgets.ShowMessage(v.win, lang.L("Restore from archive"), msg)
		}
	})
}
