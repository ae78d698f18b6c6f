package gui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
)

// BucketStore is what the Buckets view needs from the storage service.
type BucketStore interface {
	ListBuckets(ctx context.Context) ([]storage.Bucket, error)
	CreateBucket(ctx context.Context, name string, opts storage.CreateBucketOptions) error
	DeleteBucket(ctx context.Context, name string, opts storage.DeleteBucketOptions) error
	Usage(ctx context.Context, bucket, prefix string, progress func(storage.Usage)) (storage.Usage, error)
	Region() string
}

// Regions offered when creating a bucket; the service's own region comes
// first and any other can be typed.
var bucketRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1",
	"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2",
	"sa-east-1", "auto",
}

// BucketsView lists the buckets of the connected profile, in the side panel.
type BucketsView struct {
	win    fyne.Window
	status *statusBar
	jobs   *async.Jobs

	store   BucketStore
	buckets []storage.Bucket
	current string // the selected bucket's name
	load    async.Gen
	// autoOpen opens the only bucket of a freshly connected account.
	autoOpen bool

	list      *widget.List
	message   *widget.Label // empty state, loading, or the load error
	addBtn    *widget.Button
	delBtn    *widget.Button
	reloadBtn *widget.Button
	box       *fyne.Container

	// OnSelect is called (on the UI goroutine) when the user picks a bucket,
	// and with "" when the selection goes away.
	OnSelect func(bucket string)

	// The dialogs that are open, for tests.
	create *createBucketDialog
	del    *deleteBucketDialog
}

// NewBucketsView builds an empty Buckets view; SetStore connects it.
func NewBucketsView(win fyne.Window, status *statusBar, j *async.Jobs) *BucketsView {
	v := &BucketsView{win: win, status: status, jobs: j}
	v.list = widget.NewList(
		func() int { return len(v.buckets) },
		func() fyne.CanvasObject {
			return widgets.NewSideRow(func() *widget.List { return v.list }, v.bucketMenu, theme.StorageIcon())
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(v.buckets) {
				return
			}
			b := v.buckets[id]
			row := o.(*widgets.SideRow)
			row.ID = id
			row.Name.SetText(b.Name)
			row.Detail.SetText(bucketDetail(b))
		},
	)
	v.list.OnSelected = func(id widget.ListItemID) {
		if id < 0 || id >= len(v.buckets) {
			return
		}
		name := v.buckets[id].Name
		v.delBtn.Enable()
		if name == v.current {
			return
		}
		v.current = name
		if v.OnSelect != nil {
			v.OnSelect(name)
		}
	}
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Alignment = fyne.TextAlignCenter
	v.message.Importance = widget.LowImportance

	v.addBtn = widget.NewButtonWithIcon("", theme.ContentAddIcon(), v.ShowCreate)
	v.delBtn = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { v.ConfirmDelete(v.current) })
	v.reloadBtn = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), v.Refresh)
	for _, b := range []*widget.Button{v.addBtn, v.delBtn, v.reloadBtn} {
		b.Importance = widget.LowImportance
	}
	header := container.NewBorder(nil, nil, widgets.SectionTitle("Buckets"),
		container.NewHBox(v.addBtn, v.delBtn, v.reloadBtn))
	v.box = container.NewBorder(header, nil, nil, nil,
		container.NewStack(v.list, container.NewPadded(container.NewVBox(v.message))))
	v.SetStore(nil)
	return v
}

// CanvasObject is the view's root widget.
func (v *BucketsView) CanvasObject() fyne.CanvasObject { return v.box }

// Selected is the selected bucket, or "".
func (v *BucketsView) Selected() string { return v.current }

// Buckets are the listed buckets.
func (v *BucketsView) Buckets() []storage.Bucket { return append([]storage.Bucket(nil), v.buckets...) }

// SetStore switches to another account (nil: none connected), cancelling
// whatever the view was doing for the old one.
func (v *BucketsView) SetStore(store BucketStore) {
	v.store = store
	v.buckets = nil
	v.current = ""
	v.list.UnselectAll()
	v.list.Refresh()
	v.delBtn.Disable()
	if store == nil {
		v.load.Stop()
		v.addBtn.Disable()
		v.reloadBtn.Disable()
		v.showMessage("Choose a profile to see its buckets.")
		return
	}
	v.addBtn.Enable()
	v.reloadBtn.Enable()
	v.autoOpen = true
	v.Refresh()
}

// SetMessage shows a line in place of the list (for example while the
// profile connects, or why it could not).
func (v *BucketsView) SetMessage(text string) {
	v.load.Stop()
	v.buckets = nil
	v.list.Refresh()
	v.showMessage(text)
}

func (v *BucketsView) showMessage(text string) {
	v.message.SetText(text)
	if text == "" {
		v.message.Hide()
	} else {
		v.message.Show()
	}
}

// Refresh lists the buckets again, keeping the selection when it still exists.
func (v *BucketsView) Refresh() { v.reload(v.current, true) }

// reload lists again and selects selectName; announce puts the count in
// the status bar (not after a create or delete, which say what they did).
func (v *BucketsView) reload(selectName string, announce bool) {
	store := v.store
	if store == nil {
		return
	}
	ctx, gen := v.load.Renew(v.jobs.Ctx())
	if len(v.buckets) == 0 {
		v.showMessage("Loading buckets…")
	}
	_, end := v.status.begin("Listing buckets…")
	v.jobs.Go(func() {
		list, err := store.ListBuckets(ctx)
		v.jobs.Do(func() {
			end()
			if !v.load.Current(gen) {
				return // the user moved on; this answer is stale
			}
			if err != nil {
				v.buckets = nil
				v.list.Refresh()
				v.showMessage("Could not list buckets: " + widgets.ErrorText(err))
				return
			}
			sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
			v.buckets = list
			v.list.UnselectAll()
			v.list.Refresh()
			if len(list) == 0 {
				v.showMessage("No buckets yet.\nCreate one with +.")
			} else {
				v.showMessage("")
			}
			if announce {
				v.status.say(fmt.Sprintf("%d %s", len(list), widgets.Plural(len(list), "bucket", "buckets")))
			}
			v.current = ""
			v.delBtn.Disable()
			if selectName == "" && v.autoOpen && len(list) == 1 {
				selectName = list[0].Name
			}
			v.autoOpen = false
			if selectName != "" {
				v.Select(selectName)
			}
		})
	})
}

// bucketMenu is the context menu of a bucket row.
func (v *BucketsView) bucketMenu(id widget.ListItemID) *fyne.Menu {
	if id < 0 || id >= len(v.buckets) {
		return nil
	}
	name := v.buckets[id].Name
	return fyne.NewMenu("",
		fyne.NewMenuItem("Copy name", func() { fyne.CurrentApp().Clipboard().SetContent(name) }),
		fyne.NewMenuItem("Refresh list", v.Refresh),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Delete bucket…", func() { v.ConfirmDelete(name) }),
	)
}

// Select selects the bucket called name, as if the user had tapped it.
func (v *BucketsView) Select(name string) bool {
	for i, b := range v.buckets {
		if b.Name == name {
			v.list.Select(i)
			v.list.ScrollTo(i)
			return true
		}
	}
	return false
}

func bucketDetail(b storage.Bucket) string {
	var parts []string
	if b.Region != "" {
		parts = append(parts, b.Region)
	}
	if !b.Created.IsZero() {
		parts = append(parts, "created "+b.Created.Local().Format("2 Jan 2006"))
	}
	if len(parts) == 0 {
		return " "
	}
	return strings.Join(parts, " · ")
}

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
	d.name.SetPlaceHolder("my-bucket-name")
	regions := bucketRegions
	if r := store.Region(); r != "" {
		regions = append([]string{r}, without(bucketRegions, r)...)
	}
	d.region = widget.NewSelectEntry(regions)
	d.region.SetText(regions[0])
	d.acls = widget.NewCheck("Allow per-file access lists (needed to make single files public)", nil)
	d.hint = widget.NewLabel("3–63 characters: lower-case letters, digits, dots and hyphens.")
	d.hint.Wrapping = fyne.TextWrapWord
	d.hint.Importance = widget.LowImportance
	d.create = widget.NewButtonWithIcon("Create", theme.ConfirmIcon(), nil)
	d.create.Importance = widget.HighImportance
	d.create.Disable()
	cancel := widget.NewButton("Cancel", nil)

	check := func(name string) bool {
		if name == "" {
			d.hint.SetText("3–63 characters: lower-case letters, digits, dots and hyphens.")
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
		d.hint.SetText("“" + name + "” is a valid name.")
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
		d.hint.SetText("Creating “" + name + "”…")
		d.hint.Importance = widget.LowImportance
		d.hint.Refresh()
		d.fit()
		_, end := v.status.begin("Creating bucket " + name + "…")
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
				v.status.say("Created bucket " + name)
				if v.store == store {
					v.reload(name, false)
				}
			})
		})
	}
	d.name.OnSubmitted = func(string) { submit() }
	d.create.OnTapped = submit

	form := widget.NewForm(
		widget.NewFormItem("Name", d.name),
		widget.NewFormItem("Region", d.region),
		widget.NewFormItem("", d.acls),
	)
	content := container.NewVBox(form, d.hint,
		container.NewHBox(layout.NewSpacer(), cancel, d.create))
	d.dlg = dialog.NewCustomWithoutButtons("New bucket", content, v.win)
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

// deleteBucketDialog confirms a bucket deletion. For a bucket that holds
// objects it shows what would go and wants the bucket's name typed.
type deleteBucketDialog struct {
	dlg     *dialog.CustomDialog
	summary *widget.Label
	confirm *widgets.EscEntry // nil for an empty bucket
	del     *widget.Button
	cancel  *widget.Button
	result  *widget.Label
}

// ConfirmDelete counts what bucket holds, then asks before deleting it.
func (v *BucketsView) ConfirmDelete(bucket string) {
	store := v.store
	if store == nil || bucket == "" {
		return
	}
	ctx, cancel := context.WithCancel(v.jobs.Ctx())
	update, end := v.status.begin("Counting what “" + bucket + "” holds…")
	counting := dialog.NewCustomWithoutButtons("Delete bucket",
		container.NewVBox(widget.NewLabel("Counting what “"+bucket+"” holds…"), widget.NewProgressBarInfinite()), v.win)
	stop := widget.NewButton("Cancel", func() { cancel() })
	counting.SetButtons([]fyne.CanvasObject{stop})
	counting.Show()
	v.jobs.Go(func() {
		progress := async.NewThrottle(async.Every, v.jobs.Do, func(u storage.Usage) {
			update(fmt.Sprintf("Counting “%s”: %s objects so far…", bucket, humanize.Comma(u.Objects)))
		})
		usage, err := store.Usage(ctx, bucket, "", progress.Push)
		progress.Flush()
		cancel()
		v.jobs.Do(func() {
			end()
			counting.Hide()
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return
				}
				widgets.ShowError(v.win, "Could not look into “"+bucket+"”", err)
				return
			}
			v.showDeleteDialog(store, bucket, usage)
		})
	})
}

func (v *BucketsView) showDeleteDialog(store BucketStore, bucket string, usage storage.Usage) {
	d := &deleteBucketDialog{}
	v.del = d
	d.del = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), nil)
	d.del.Importance = widget.DangerImportance
	d.cancel = widget.NewButton("Cancel", nil)
	d.result = widget.NewLabel("")
	d.result.Wrapping = fyne.TextWrapWord
	d.result.Importance = widget.DangerImportance
	d.result.Hide()
	force := usage.Objects > 0
	items := []fyne.CanvasObject{}
	if !force {
		d.summary = widget.NewLabel("“" + bucket + "” is empty. Delete it?\nThis cannot be undone.")
		items = append(items, d.summary)
	} else {
		d.summary = widget.NewLabel(fmt.Sprintf(
			"“%s” holds %s %s (%s). Deleting it deletes all of them, with their old versions and unfinished uploads. This cannot be undone.",
			bucket, humanize.Comma(usage.Objects), widgets.Plural(int(usage.Objects), "object", "objects"), humanize.IBytes(uint64(usage.Bytes))))
		d.summary.Wrapping = fyne.TextWrapWord
		d.confirm = widgets.NewEscEntry() // Escape cancels
		d.confirm.SetPlaceHolder(bucket)
		d.del.SetText("Delete everything")
		d.del.Disable()
		d.confirm.OnChanged = func(s string) {
			if s == bucket {
				d.del.Enable()
			} else {
				d.del.Disable()
			}
		}
		items = append(items, d.summary, widget.NewLabel("Type the bucket name to confirm:"), d.confirm)
	}
	items = append(items, d.result, container.NewHBox(layout.NewSpacer(), d.cancel, d.del))
	d.dlg = dialog.NewCustomWithoutButtons("Delete bucket “"+bucket+"”", container.NewVBox(items...), v.win)
	ctx, cancel := context.WithCancel(v.jobs.Ctx())
	d.cancel.OnTapped = func() {
		cancel()
		d.dlg.Hide()
	}
	if d.confirm != nil {
		d.confirm.OnEscape = d.cancel.OnTapped
	}
	d.del.OnTapped = func() {
		d.del.Disable()
		if d.confirm != nil {
			d.confirm.Disable()
		}
		update, end := v.status.begin("Deleting bucket " + bucket + "…")
		v.jobs.Go(func() {
			progress := async.NewThrottle(async.Every, v.jobs.Do, func(n int64) {
				text := fmt.Sprintf("Deleting bucket %s: %s objects deleted…", bucket, humanize.Comma(n))
				update(text)
				d.result.Importance = widget.LowImportance
				d.result.SetText(text)
				d.result.Show()
			})
			err := store.DeleteBucket(ctx, bucket, storage.DeleteBucketOptions{Force: force, Progress: progress.Push})
			progress.Flush()
			v.jobs.Do(func() {
				end()
				if err != nil {
					if errors.Is(err, context.Canceled) {
						v.status.say("Stopped deleting " + bucket)
						return
					}
					if !force && errors.Is(err, storage.ErrBucketNotEmpty) {
						// Old versions or unfinished uploads that Usage does not count.
						d.dlg.Hide()
						v.showDeleteDialog(store, bucket, storage.Usage{Objects: 1})
						v.del.summary.SetText("“" + bucket + "” still holds old object versions or unfinished uploads. Deleting it deletes them too. This cannot be undone.")
						return
					}
					d.result.Importance = widget.DangerImportance
					d.result.SetText(widgets.Sentence(widgets.ErrorText(err)))
					d.result.Show()
					widgets.FitDialog(d.dlg, 480)
					d.del.Enable()
					if d.confirm != nil {
						d.confirm.Enable()
					}
					return
				}
				d.dlg.Hide()
				v.status.say("Deleted bucket " + bucket)
				if v.store == store {
					if v.current == bucket {
						v.current = ""
						if v.OnSelect != nil {
							v.OnSelect("")
						}
					}
					v.reload(v.current, false)
				}
			})
		})
	}
	widgets.FitDialog(d.dlg, 480)
	d.dlg.Show()
	if d.confirm != nil {
		v.win.Canvas().Focus(d.confirm)
	}
}
