package browser

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
)

// ObjectStore is what the objects view needs from the storage service.
// *storage.Service satisfies it.
type ObjectStore interface {
	List(ctx context.Context, bucket string, opts storage.ListOptions) iter.Seq2[storage.Page, error]
	Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error)
	CreateFolder(ctx context.Context, bucket, prefix string) error
	DeleteObjects(ctx context.Context, bucket string, keys []string) (storage.DeleteResult, error)
	PlanDeleteFolder(ctx context.Context, bucket, prefix string) (storage.DeletePlan, error)
	DeleteFolder(ctx context.Context, bucket, prefix string, progress func(deleted int64)) (storage.DeleteResult, error)
	Rename(ctx context.Context, src, dst storage.ObjectRef) error
	RenameFolder(ctx context.Context, bucket, oldPrefix, newPrefix string, progress func(done int64)) error
	SetMetadata(ctx context.Context, ref storage.ObjectRef, u storage.MetadataUpdate) error
	Usage(ctx context.Context, bucket, prefix string, progress func(storage.Usage)) (storage.Usage, error)
	Find(ctx context.Context, bucket string, opts storage.FindOptions) (scanned int64, err error)
}

// ObjectActions are optional callbacks of other features (transfers,
// sharing, preview). A toolbar button or menu item appears only when its
// callback is non-nil. They are called on the UI goroutine.
type ObjectActions struct {
	UploadFiles  func(bucket, prefix string)
	UploadFolder func(bucket, prefix string)
	Download     func(bucket string, entries []storage.Entry)
	Share        func(bucket string, entries []storage.Entry)
	MakePublic   func(bucket string, entries []storage.Entry, public bool)
	PublishIndex func(bucket, prefix string)
	Preview      func(bucket string, entry storage.Entry)
	CombineCSV   func(bucket, prefix string, entries []storage.Entry)
	Incomplete   func(bucket string)
	// CopyLink copies a download link of each selected file (Ctrl+L).
	CopyLink func(bucket string, entries []storage.Entry)
	// UploadWithOptions asks for files, Content-Type, Cache-Control,
	// metadata and "public", then uploads (gui/uploadopts.go).
	UploadWithOptions func(bucket, prefix string)
	// Bulk opens "Bulk action…" for the selection, or the open folder
	// when nothing is selected (gui/bulk).
	Bulk func(bucket, prefix string, entries []storage.Entry)
	// Sync opens the Sync window on the folder being viewed (gui/sync).
	Sync func(bucket, prefix string)
	// CopyTo copies or moves the selection to another place, maybe on
	// another account (gui/copyto).
	CopyTo func(bucket string, entries []storage.Entry, move bool)
	// Edit edits a text file in place (Ctrl+E, gui/edit).
	Edit func(bucket string, entry storage.Entry)
}

// navLocation is one place in the history.
type navLocation struct{ bucket, prefix string }

// flushEvery throttles how often a running listing hands rows to the UI.
const flushEvery = 150 * time.Millisecond

// ObjectsView browses the objects of one bucket, folder by folder.
// All its methods must be called on the UI goroutine.
type ObjectsView struct {
	win     fyne.Window
	store   ObjectStore
	actions ObjectActions
	jobs    *async.Jobs                 // runs its work; the shell gives its own
	now     func() time.Time            // clock for "Today" dates
	life    context.Context             // the connection's child: lives until the view or its account goes
	stop    context.CancelFunc          // ends life
	cancel  context.CancelFunc          // cancels the current listing
	onNav   func(bucket, prefix string) // optional: tells the shell where we are

	bucket, prefix string
	history        []navLocation
	forward        []navLocation // undone by Back, redone by Forward (history.go)

	// The listing (model.go), touched only on the UI goroutine.
	model
	complete      bool
	loadErr       error
	anchor        int // row of the last plain click, for Shift-click
	cursor        int // keyboard row
	hover         int
	pendingSelect string      // key to select once it is loaded
	ops           int         // running background operations
	typed         string      // type-ahead: the letters typed in a row
	typedAt       time.Time   // when the last one was typed
	sizeDlg       *sizeDialog // the last Properties size count
	findDlg       *findDialog // the last "Find in bucket…"
	// confirmFiles tells whether deleting files asks first (Settings →
	// confirm before delete); nil always asks. Folders always ask.
	confirmFiles func() bool

	// Widgets.
	root        *fyne.Container
	crumbs      *fyne.Container
	backBtn     *widget.Button
	fwdBtn      *widget.Button
	upBtn       *widget.Button
	filterEntry *widget.Entry
	table       *objTable
	list        *objectList
	body        *fyne.Container
	tableArea   fyne.CanvasObject
	emptyState  *fyne.Container
	noBucket    fyne.CanvasObject
	noMatch     *widget.Label
	errorState  fyne.CanvasObject
	errorText   *widget.Label
	countLabel  *widget.Label
	statusLabel *widget.Label
	activity    *widget.Activity
	toolbar     *fyne.Container
	selButtons  []*widget.Button // enabled only with a selection
	findBtn     *widget.Button
	newFolder   *widget.Button
	refreshBtn  *widget.Button
	uploadBtn   *widget.Button
	moreBtn     *widget.Button
	propsBtn    *widget.Button
	builtMask   uint16 // which ObjectActions the toolbar was built for

	vers versionsState // the "Show versions" toggle and pane (versions.go)
}

// NewObjectsView builds the view. store may be nil until a profile is
// connected; actions holds the optional callbacks of other features. Its
// requests run beneath ctx (see SetContext).
func NewObjectsView(ctx context.Context, win fyne.Window, store ObjectStore, actions ObjectActions) *ObjectsView {
	v := &ObjectsView{
		win:     win,
		store:   store,
		actions: actions,
		now:     time.Now,
		model:   newModel(),
		anchor:  -1,
		cursor:  -1,
		hover:   -1,
	}
	v.life, v.stop = context.WithCancel(ctx)
	v.jobs = async.New(v.life)
	v.build()
	v.showState()
	return v
}

// SetJobs makes the view run its work with j: the shell gives its own, so
// the view's UI callbacks take turns with the shell's.
func (v *ObjectsView) SetJobs(j *async.Jobs) { v.jobs = j }

// SetConfirmFiles tells whether deleting files asks first (Settings →
// confirm before delete); nil always asks. Folders always ask.
func (v *ObjectsView) SetConfirmFiles(f func() bool) { v.confirmFiles = f }

// CanvasObject is the view's root widget.
func (v *ObjectsView) CanvasObject() fyne.CanvasObject { return v.root }

// Bucket is the open bucket ("" when none).
func (v *ObjectsView) Bucket() string { return v.bucket }

// Prefix is the open folder ("" for the bucket's root, else ending in "/").
func (v *ObjectsView) Prefix() string { return v.prefix }

// OnNavigate registers a callback told of every change of folder.
func (v *ObjectsView) OnNavigate(f func(bucket, prefix string)) { v.onNav = f }

// SetContext makes the view's requests run beneath ctx (the connection's),
// ending those of the previous one.
func (v *ObjectsView) SetContext(ctx context.Context) {
	v.stop()
	v.life, v.stop = context.WithCancel(ctx)
}

// SetStore switches to another storage service (another profile): the view
// forgets its bucket and history and shows the no-bucket state.
func (v *ObjectsView) SetStore(store ObjectStore) {
	v.store = store
	v.history, v.forward = nil, nil
	v.bucket, v.prefix = "", ""
	v.load()
	v.updateNav()
}

// Open shows a folder of a bucket; prefix "" is the bucket's root. The
// current place goes onto the Back history.
func (v *ObjectsView) Open(bucket, prefix string) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if bucket == v.bucket && prefix == v.prefix {
		v.Refresh()
		return
	}
	if v.bucket != "" && bucket != "" {
		v.history = pushPlace(v.history, navLocation{v.bucket, v.prefix})
	}
	v.forward = nil
	if bucket != v.bucket {
		v.history = nil
	}
	v.go2(bucket, prefix)
}

// go2 moves without touching the history.
func (v *ObjectsView) go2(bucket, prefix string) {
	v.bucket, v.prefix = bucket, prefix
	v.pendingSelect = ""
	v.statusLabel.SetText("")
	v.filter, v.filterLower = "", ""
	v.filterEntry.SetText("")
	v.load()
	v.updateNav()
	if v.onNav != nil {
		v.onNav(bucket, prefix)
	}
}

// Up opens the parent folder.
func (v *ObjectsView) Up() {
	if v.bucket == "" || v.prefix == "" {
		return
	}
	v.Open(v.bucket, parentPrefix(v.prefix))
}

// Refresh lists the current folder again, keeping the selection (and its
// versions, when shown).
func (v *ObjectsView) Refresh() {
	keep := v.selected
	if v.vers.on {
		v.vers.pane.Show(v.life, v.bucket, v.prefix, v.openPrefix)
	}
	v.load()
	for k := range keep {
		v.selected[k] = true
	}
}

// Selected returns the selected entries in display order.
func (v *ObjectsView) Selected() []storage.Entry { return v.selection() }

// load (re)starts the listing of the current folder.
func (v *ObjectsView) load() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	gen := v.reset()
	v.complete, v.loadErr = false, nil
	v.anchor, v.cursor, v.hover = -1, -1, -1
	if v.bucket == "" || v.store == nil {
		v.complete = true
		v.refreshList()
		return
	}
	ctx, cancel := context.WithCancel(v.life)
	v.cancel = cancel
	store, bucket, prefix := v.store, v.bucket, v.prefix
	v.jobs.Go(func() { v.fetch(ctx, gen, store, bucket, prefix) })
	v.refreshList()
}

// fetch runs off the UI goroutine: it streams the listing and hands rows over
// in throttled batches; the first page goes at once.
func (v *ObjectsView) fetch(ctx context.Context, gen uint64, store ObjectStore, bucket, prefix string) {
	var batch []storage.Entry
	var last time.Time
	first := true
	hand := func(done bool, err error) {
		b := batch
		batch = nil
		v.jobs.Do(func() {
			if !v.current(gen) {
				return // the user has moved on: a late page never lands here
			}
			v.addEntries(b)
			if done {
				v.finishLoad(err)
			}
		})
	}
	var err error
	for page, perr := range store.List(ctx, bucket, storage.ListOptions{Prefix: prefix}) {
		if perr != nil {
			err = perr
			break
		}
		batch = append(batch, page.Folders...)
		batch = append(batch, page.Objects...)
		if page.Last {
			break
		}
		if first || time.Since(last) >= flushEvery {
			hand(false, nil)
			first, last = false, time.Now()
		}
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	hand(true, err)
}

func (v *ObjectsView) finishLoad(err error) {
	v.complete = true
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		v.loadErr = err
		v.errorText.SetText(widgets.ErrorText(err))
	}
	if len(v.selected) > 0 { // forget selected keys that are gone
		have := make(map[string]bool, len(v.selected))
		for i := range v.entries {
			if v.selected[v.entries[i].Key] {
				have[v.entries[i].Key] = true
			}
		}
		v.selected = have
	}
	v.refreshList()
}

// parentPrefix is the folder above prefix ("a/b/" -> "a/", "a/" -> "").
func parentPrefix(prefix string) string {
	p := strings.TrimSuffix(prefix, "/")
	i := strings.LastIndex(p, "/")
	if i < 0 {
		return ""
	}
	return p[:i+1]
}

// build creates the widgets.
func (v *ObjectsView) build() {
	v.backBtn = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), v.Back)
	v.backBtn.Importance = widget.LowImportance
	v.fwdBtn = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), v.Forward)
	v.fwdBtn.Importance = widget.LowImportance
	v.upBtn = widget.NewButtonWithIcon("", theme.MoveUpIcon(), v.Up)
	v.upBtn.Importance = widget.LowImportance
	v.crumbs = container.NewHBox()
	v.filterEntry = widget.NewEntry()
	v.filterEntry.SetPlaceHolder(lang.L("Filter this folder"))
	v.filterEntry.ActionItem = widget.NewIcon(theme.SearchIcon())
	v.filterEntry.OnChanged = v.setFilter
	v.findBtn = widget.NewButtonWithIcon(lang.L("Find in bucket…"), theme.SearchIcon(), v.ShowFind)
	v.findBtn.Importance = widget.LowImportance
	v.buildVersions()

	filterBox := container.NewGridWrap(fyne.NewSize(220, v.filterEntry.MinSize().Height), v.filterEntry)
	nav := container.NewBorder(nil, nil,
		container.NewHBox(v.backBtn, v.fwdBtn, v.upBtn),
		container.NewHBox(v.vers.check, filterBox, v.findBtn),
		container.NewHScroll(v.crumbs))

	v.emptyState = container.NewCenter()
	v.syncActions() // the toolbar and the empty state
	v.buildTable()

	v.noMatch = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.noMatch.Hide()
	v.tableArea = container.NewStack(v.list, container.NewCenter(v.noMatch))
	v.noBucket = widgets.CenteredMessage(theme.StorageIcon(), lang.L("No bucket open"), lang.L("Choose a bucket on the left to see its files."))
	v.errorText = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.errorText.Wrapping = fyne.TextWrapWord
	retry := widget.NewButtonWithIcon(lang.L("Try again"), theme.ViewRefreshIcon(), v.Refresh)
	errIcon := widget.NewIcon(theme.ErrorIcon())
	v.errorState = container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(48), errIcon)),
		widget.NewLabelWithStyle(lang.L("This folder could not be listed"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		container.NewGridWrap(fyne.NewSize(460, 80), v.errorText),
		container.NewCenter(retry)))
	v.body = container.NewStack(v.tableArea, v.emptyState, v.noBucket, v.errorState)

	v.countLabel = widget.NewLabel("")
	v.statusLabel = widget.NewLabel("")
	v.statusLabel.Truncation = fyne.TextTruncateEllipsis
	v.activity = widget.NewActivity()
	v.activity.Hide()
	status := container.NewBorder(nil, nil, container.NewHBox(v.activity, v.countLabel), nil, v.statusLabel)

	// The toolbar scrolls rather than clip or overlap when the window is
	// narrow (a large text scale).
	top := container.NewVBox(nav, container.NewHScroll(v.toolbar), widget.NewSeparator())
	v.root = container.NewBorder(top, container.NewVBox(widget.NewSeparator(), status), nil, nil, v.body)
	v.updateNav()
}

// buildEmptyState fills the "This folder is empty" state.
func (v *ObjectsView) buildEmptyState() {
	box := widgets.CenteredMessageBox(theme.FolderOpenIcon(), lang.L("This folder is empty"), lang.L("Drop files here to upload."))
	if v.actions.UploadFiles != nil {
		up := widget.NewButtonWithIcon(lang.L("Upload files…"), theme.UploadIcon(), func() {
			if f := v.actions.UploadFiles; f != nil {
				f(v.bucket, v.prefix)
			}
		})
		up.Importance = widget.HighImportance
		box.Add(container.NewCenter(up))
	}
	v.emptyState.Objects = []fyne.CanvasObject{box}
	v.emptyState.Refresh()
}

// showState shows the body that fits: no bucket, error, empty or the table.
func (v *ObjectsView) showState() {
	v.syncActions()
	var show fyne.CanvasObject = v.tableArea
	switch {
	case v.bucket == "" || v.store == nil:
		show = v.noBucket
	case v.loadErr != nil:
		show = v.errorState
	case v.complete && len(v.entries) == 0:
		show = v.emptyState
	}
	if v.vers.on {
		show = nil // the versions pane stands in the body instead (versions.go)
	}
	for _, o := range []fyne.CanvasObject{v.tableArea, v.emptyState, v.noBucket, v.errorState} {
		if o == show {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if v.filter != "" && len(v.rows) == 0 && len(v.entries) > 0 {
		v.noMatch.SetText(fmt.Sprintf(lang.L("No items match “%s”"), v.filter))
		v.noMatch.Show()
	} else {
		v.noMatch.Hide()
	}
	busy := (!v.complete && v.bucket != "") || v.ops > 0
	if busy {
		v.activity.Show()
		v.activity.Start()
	} else {
		v.activity.Stop()
		v.activity.Hide()
	}
	v.updateCount()
	v.updateButtons()
}

// setStatus shows a short message in the status bar.
func (v *ObjectsView) setStatus(msg string) { v.statusLabel.SetText(msg) }

// updateNav refreshes the breadcrumb and the Back/Up buttons.
func (v *ObjectsView) updateNav() {
	v.rebuildCrumbs()
	if len(v.history) > 0 {
		v.backBtn.Enable()
	} else {
		v.backBtn.Disable()
	}
	enable(v.fwdBtn, len(v.forward) > 0)
	if v.bucket != "" && v.prefix != "" {
		v.upBtn.Enable()
	} else {
		v.upBtn.Disable()
	}
	if v.bucket != "" && v.store != nil {
		v.findBtn.Enable()
		v.filterEntry.Enable()
	} else {
		v.findBtn.Disable()
		v.filterEntry.Disable()
	}
	v.syncVersions()
}

// background runs work off the UI goroutine with the view's lifetime context
// and then done (if any) on the UI goroutine.
func (v *ObjectsView) background(work func(ctx context.Context) error, done func(error)) {
	v.ops++
	v.showState()
	ctx := v.life
	v.jobs.Go(func() {
		err := work(ctx)
		v.jobs.Do(func() {
			v.ops--
			v.showState()
			if done != nil {
				done(err)
			}
		})
	})
}
