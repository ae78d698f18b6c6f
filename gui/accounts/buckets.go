package accounts

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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
	status Status
	jobs   *async.Jobs

	store   BucketStore
	buckets []storage.Bucket
	current string // the selected bucket's name
	load    async.Gen
	// autoOpen opens the only bucket of a freshly connected account.
	autoOpen bool
	// known are the buckets opened by name; denied: ListBuckets was
	// refused (bucketbyname.go).
	known  []string
	denied bool

	list      *widget.List
	message   *widget.Label // empty state, loading, or the load error
	addBtn    *widget.Button
	delBtn    *widget.Button
	reloadBtn *widget.Button
	byNameBtn *widget.Button // "Open a bucket by name…", in the refused state
	box       *fyne.Container

	// OnSelect is called (on the UI goroutine) when the user picks a bucket,
	// and with "" when the selection goes away.
	OnSelect func(bucket string)
	// OnSettings, when set, is the row menu's "Bucket settings…".
	OnSettings func(bucket string)
	// OnOpenByName opens a bucket (and folder) typed by name; OnForget
	// drops one from the profile's buckets opened by name.
	OnOpenByName func(bucket, prefix string)
	OnForget     func(bucket string)

	// The dialogs that are open, for tests.
	create *createBucketDialog
	del    *deleteBucketDialog
	byName *byNameDialog
}

// NewBucketsView builds an empty Buckets view; SetStore connects it.
func NewBucketsView(win fyne.Window, status Status, j *async.Jobs) *BucketsView {
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
			if v.denied {
				row.Detail.SetText(lang.L("opened by name"))
			}
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
	v.byNameBtn = widget.NewButton(lang.L("Open a bucket by name…"), v.ShowOpenByName)
	v.byNameBtn.Hide()
	header := container.NewBorder(nil, nil, widgets.SectionTitle(lang.L("Buckets")),
		container.NewHBox(v.addBtn, v.delBtn, v.reloadBtn))
	v.box = container.NewBorder(header, v.byNameBtn, nil, nil,
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
	v.setDenied(false)
	if store == nil {
		v.load.Stop()
		v.addBtn.Disable()
		v.reloadBtn.Disable()
		v.showMessage(lang.L("Choose a profile to see its buckets."))
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
		v.showMessage(lang.L("Loading buckets…"))
	}
	_, end := v.status.Begin(lang.L("Listing buckets…"))
	v.jobs.Go(func() {
		list, err := store.ListBuckets(ctx)
		v.jobs.Do(func() {
			end()
			if !v.load.Current(gen) {
				return // the user moved on; this answer is stale
			}
			if selectName == "" {
				selectName = v.current // opened meanwhile (a default bucket, a bookmark)
			}
			if err != nil && v.showDenied(err, selectName) {
				return
			}
			if err != nil {
				v.buckets = nil
				v.list.Refresh()
				v.showMessage(fmt.Sprintf(lang.L("Could not list buckets: %s"), widgets.ErrorText(err)))
				return
			}
			sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
			v.setDenied(false)
			v.buckets = list
			v.list.UnselectAll()
			v.list.Refresh()
			if len(list) == 0 {
				v.showMessage(lang.L("No buckets yet.\nCreate one with +."))
			} else {
				v.showMessage("")
			}
			if announce {
				v.status.Say(fmt.Sprintf("%d %s", len(list), widgets.Plural(len(list), "bucket", "buckets")))
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
	if v.denied {
		items := []*fyne.MenuItem{
			fyne.NewMenuItem(lang.L("Copy name"), func() { fyne.CurrentApp().Clipboard().SetContent(name) }),
			fyne.NewMenuItem(lang.L("Open a bucket by name…"), v.ShowOpenByName),
			fyne.NewMenuItem(lang.L("Forget this bucket"), func() { v.forget(name) }),
		}
		if on := v.OnSettings; on != nil {
			items = append(items, fyne.NewMenuItem(lang.L("Bucket settings…"), func() { on(name) }))
		}
		return fyne.NewMenu("", items...)
	}
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Copy name"), func() { fyne.CurrentApp().Clipboard().SetContent(name) }),
		fyne.NewMenuItem(lang.L("Refresh list"), v.Refresh),
	}
	if on := v.OnSettings; on != nil {
		items = append(items, fyne.NewMenuItem(lang.L("Bucket settings…"), func() { on(name) }))
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Delete bucket…"), func() { v.ConfirmDelete(name) }))
	return fyne.NewMenu("", items...)
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
		parts = append(parts, fmt.Sprintf(lang.L("created %s"), widgets.FormatDate(b.Created.Local())))
	}
	if len(parts) == 0 {
		return " "
	}
	return strings.Join(parts, " · ")
}

// Connected tells whether the view lists an account's buckets.
func (v *BucketsView) Connected() bool { return v.store != nil }

// ListAgain lists from the top, as for a freshly connected account (its only
// bucket opens): the account's contents changed behind the view.
func (v *BucketsView) ListAgain() {
	v.current = ""
	v.autoOpen = true
	v.reload("", false)
}

// Opened marks bucket as the open one without OnSelect (the shell opened it
// already) and selects its row when listed.
func (v *BucketsView) Opened(bucket string) {
	v.current = bucket
	v.Select(bucket)
}

// Stop cancels the listing in flight.
func (v *BucketsView) Stop() { v.load.Stop() }
