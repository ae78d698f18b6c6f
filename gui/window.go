// Package gui holds S3 Desk's windows and views. Each view is a struct that
// owns its widgets and calls the storage service through the narrow
// interfaces declared here.
package gui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/accounts"
	"s3desk/gui/async"
	guibookmarks "s3desk/gui/bookmarks"
	"s3desk/gui/browser"
	"s3desk/gui/bucketconfig"
	bulkgui "s3desk/gui/bulk"
	"s3desk/gui/sharing"
	"s3desk/gui/transfers"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/bookmarks"
	"s3desk/storage/profiles"
)

// ProfileConfigs turns a saved profile's name into a storage.Config
// (resolving its secret). *profiles.Store satisfies it.
type ProfileConfigs interface {
	Config(ctx context.Context, name string) (storage.Config, error)
}

// Deps are what the main window is built from.
type Deps struct {
	// Profiles are the saved profiles; nil when the profiles folder could not
	// be opened (then only the Local sandbox is offered).
	Profiles interface {
		accounts.ProfileStore
		ProfileConfigs
	}
	// Discover finds unimported profiles in ~/.aws; nil finds none.
	Discover func(ctx context.Context) ([]profiles.ImportCandidate, error)
	// Sandbox starts the Local sandbox (once) and returns its config.
	Sandbox func(ctx context.Context) (storage.Config, error)
	// ResetSandbox wipes the sandbox and seeds it again; nil hides the action.
	ResetSandbox func(ctx context.Context) error
	// Connect builds a service from a config; nil means storage.New.
	Connect func(ctx context.Context, cfg storage.Config) (*Account, error)
	// StartProfile is opened at startup; "" opens the Local sandbox.
	StartProfile string
	// Version is shown in the About dialog.
	Version string
	// Logger receives every service's log lines (a rotating file, see
	// gui/logfile.go); nil discards them.
	Logger *slog.Logger
	// CacheDir holds the log folder and the files opened with a system app;
	// "" is os.UserCacheDir()/s3desk.
	CacheDir string
	// Secrets, when set, learns each connected profile's secrets so that
	// the log never shows them (storage.ScrubHandler.Forget).
	Secrets interface{ Forget(secrets ...string) }
	// Bookmarks are the saved places (storage/bookmarks); nil: none.
	Bookmarks guibookmarks.Store

	group *windowGroup // the app's main windows (gui/newwindow.go); set by the first
}

// MainWindow is S3 Desk's one main window: profiles and buckets in the side
// panel, the objects of the chosen bucket in the main area, transfers and
// the status bar at the bottom.
type MainWindow struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	jobs *async.Jobs

	status    *statusBar
	profiles  *accounts.ProfilesView
	buckets   *accounts.BucketsView
	objects   *browser.ObjectsView      // the selected tab's
	tabs      *objectTabs               // the objects area's tabs (gui/tabs.go)
	transfers *fyne.Container           // filled by the transfers view
	xfer      *transfers.TransfersPanel // the transfers panel, inside transfers
	bulk      *bulkgui.Panel            // the bulk jobs, beside the transfers (gui/bulkwiring.go)
	share     *sharing.Sharer           // sharing dialogs and the Links view (gui/share.go)
	marks     *guibookmarks.View        // the Bookmarks section (gui/bookmarkwiring.go)
	menuMarks []bookmarks.Bookmark      // the bookmarks in Go → Bookmarks

	settings   fyne.Window                    // the open Settings window, or nil
	uploadOpts *transfers.UploadOptionsDialog // the open "Upload with options…" dialog, or nil: drops go there

	bucketSettings *bucketconfig.Window // the last Bucket settings window opened (gui/bucketsettings.go)

	conn    async.Gen          // the connection being made or in use: its context is the parent of all its work
	stop    context.CancelFunc // ends the window's context (jobs.life)
	svc     *Account
	profile string   // the connected (or connecting) profile
	nav     navState // where connections start, bookmarks to open (gui/places.go)
}

// NewMainWindow builds the window and opens the start profile. The window
// shows at once; connecting (and starting the sandbox) happens in the
// background. Everything the window starts runs beneath ctx, and ends
// when the window closes.
func NewMainWindow(ctx context.Context, a fyne.App, deps Deps) *MainWindow {
	if deps.Connect == nil {
		deps.Connect = connectStorage
	}
	mw := &MainWindow{app: a, deps: deps}
	mw.join(ctx) // gui/newwindow.go
	life, stop := context.WithCancel(ctx)
	mw.jobs, mw.stop = async.New(life), stop
	defer mw.jobs.Hold()() // no background callback runs before the window is built
	mw.win = a.NewWindow("S3 Desk")
	mw.status = newStatusBar()
	var store accounts.ProfileStore
	if deps.Profiles != nil {
		store = deps.Profiles
	}
	mw.profiles = accounts.NewProfilesView(mw.win, mw.status, mw.jobs, store, deps.Discover)
	mw.buckets = accounts.NewBucketsView(mw.win, mw.status, mw.jobs)
	mw.objects = mw.newObjectsView() // the first tab (gui/tabs.go)
	mw.tabs = newObjectTabs(mw, mw.objects)
	mw.transfers = container.NewVBox()
	mw.xfer = transfers.NewTransfersPanel(mw.win, mw.transferDeps())
	mw.transfers.Add(mw.xfer.CanvasObject())
	mw.bulk = bulkgui.NewPanel(mw.win, mw.jobs)
	mw.transfers.Add(mw.bulk.CanvasObject())
	mw.win.SetOnDropped(mw.dropped)

	mw.profiles.OnSelect = mw.connect
	if deps.ResetSandbox != nil {
		mw.profiles.OnResetSandbox = mw.confirmResetSandbox
	}
	mw.buckets.OnSelect = mw.openBucket
	mw.buckets.OnSettings = mw.showBucketSettings // gui/bucketsettings.go
	mw.newBookmarks()
	mw.buckets.OnOpenByName, mw.buckets.OnForget = mw.openByName, mw.forgetBucket // gui/places.go

	places := container.NewVSplit(mw.buckets.CanvasObject(), mw.marks.CanvasObject())
	places.Offset = 0.62
	side := container.NewVSplit(mw.profiles.CanvasObject(), places)
	side.Offset = 0.4 // room for the sandbox, a few saved profiles and ~/.aws candidates
	main := container.NewHSplit(side, mw.tabs.area)
	main.Offset = 0.24
	bottom := container.NewVBox(mw.transfers, widget.NewSeparator(), mw.status.box)
	mw.win.SetContent(container.NewBorder(nil, bottom, nil, nil, main))
	mw.win.Resize(fyne.NewSize(1120, 720))
	mw.installMenu()
	// No master window: closing the last main window quits (mw.leave).
	mw.win.SetOnClosed(mw.shutdown)
	if c := mw.cacheDir(); c != "" { // opened files a crash left behind (gui/opened.go)
		mw.jobs.Go(func() { pruneOpened(openedDir(c), openMaxAge, time.Now()) })
	}
	mw.cleanEdits() // edit-in-place files a previous run left (gui/editwiring.go)

	start := deps.StartProfile
	if start == "" {
		start = profiles.SandboxName
	}
	if start == profiles.SandboxName || deps.Profiles == nil {
		mw.profiles.Select(profiles.SandboxName)
	} else {
		// Saved profiles are read in the background; select when they are in.
		mw.profiles.Choose(start)
		mw.profiles.Reload(start)
		mw.connect(start)
	}
	return mw
}

// Window is the main window.
func (mw *MainWindow) Window() fyne.Window { return mw.win }

// ShowAndRun shows the window and runs the app until it is closed.
func (mw *MainWindow) ShowAndRun() { mw.win.ShowAndRun() }

// service is the connected storage service, or nil.
func (mw *MainWindow) service() *Account { return mw.svc }

// wait blocks until all background work has finished (for tests).
func (mw *MainWindow) wait() { mw.jobs.Wait() }

func (mw *MainWindow) shutdown() {
	mw.xfer.Close() // multipart uploads stay resumable
	mw.conn.Stop()
	mw.buckets.Stop()
	mw.profiles.Stop()
	mw.marks.Stop()
	mw.stop()  // every dialog, batch and planning beneath the window
	mw.leave() // the last main window removes the opened files and quits
}

// menuActions are what the main menu and the keyboard shortcuts do. Feature
// views add their entries here.
func (mw *MainWindow) menuActions() MenuActions {
	a := MenuActions{
		Settings:  mw.showSettings,
		Quit:      mw.app.Quit,
		Refresh:   mw.refresh,
		NewFolder: mw.whenBucket(mw.objects.NewFolder),
		CopyKey:   mw.whenBucket(mw.objects.CopyKeys),
		SelectAll: mw.whenBucket(mw.objects.SelectAll),
		Delete:    mw.whenBucket(mw.objects.DeleteSelected),
		Rename:    mw.whenBucket(mw.objects.RenameSelected),
		Back:      mw.objects.Back,
		Up:        mw.objects.Up,
		About:     func() { ShowAboutDialog(mw.win, mw.deps.Version, mw.app.Icon()) },
		Shortcuts: func() { ShowShortcutsDialog(mw.win) },

		ShowLogFolder:   mw.showLogFolder,   // gui/diagnostics.go
		CopyDiagnostics: mw.copyDiagnostics, // gui/diagnostics.go
		ShowLinks:       func() { mw.sharer().ShowLinks() },

		// gui/windowmenu.go: the toolbar's upload, download and link actions
		UploadFiles:  mw.menuUploadFiles(),
		UploadFolder: mw.menuUploadFolder(),
		Download:     mw.menuDownload(),
		CopyLink:     mw.menuCopyLink(),

		UploadWithOptions: mw.inBucket(lang.L("upload files"), mw.uploadWithOptions), // gui/uploadopts.go
		Sync:              mw.menuSync,                                               // gui/syncwiring.go

		ShowTransfers: mw.xfer.ShowRows, // gui/transfers.go
		ToggleHidden: func(show bool) {
			mw.tabs.each(func(v *browser.ObjectsView) { v.SetShowHidden(show) })
			s := LoadSettings(mw.app.Preferences())
			s.ShowHidden = show
			if err := s.Save(mw.app.Preferences()); err != nil {
				mw.status.Say(fmt.Sprintf(lang.L("Could not save the setting: %s"), err.Error()))
			}
			mw.installMenu() // the Show hidden tick follows
		},
		HiddenShown: mw.objects.ShowHidden,
	}
	mw.navActions(&a) // gui/navactions.go: forward, tabs, windows, bookmarks
	return a
}

// installMenu sets the main menu and binds its shortcuts.
func (mw *MainWindow) installMenu() {
	// The window runs a menu item's shortcut before any widget sees it, so
	// the menu waits for open dialogs too (gui/windowmenu.go).
	keys := mw.whenNoDialog(mw.menuActions())
	mw.win.SetMainMenu(BuildMainMenu(keys))
	RegisterShortcuts(mw.win.Canvas(), keys)
	mw.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if mw.escape(ev) { // Escape closes the dialog on top
			return
		}
		if ev.Name == fyne.KeyEscape && mw.xfer.CancelPlanning() { // else it stops a planning
			return
		}
		HandleKey(keys, ev)
	})
}

// refresh reloads what the user is looking at: the open folder, else the
// bucket list.
func (mw *MainWindow) refresh() {
	switch {
	case mw.objects.Bucket() != "":
		mw.objects.Refresh()
	case mw.buckets.Connected():
		mw.buckets.Refresh()
	}
}

// whenBucket runs fn only while a bucket is open.
func (mw *MainWindow) whenBucket(fn func()) func() {
	return func() {
		if mw.objects.Bucket() != "" {
			fn()
		}
	}
}

// showSettings opens the Settings window (one at a time).
func (mw *MainWindow) showSettings() {
	if mw.settings != nil {
		mw.settings.RequestFocus()
		return
	}
	w := mw.app.NewWindow(lang.L("S3 Desk Settings"))
	names := []string{}
	for _, n := range mw.profiles.Names() {
		if mw.profiles.Saved(n) {
			names = append(names, n)
		}
	}
	before := LoadSettings(mw.app.Preferences())
	v := NewSettingsView(mw.app.Preferences(), names, func(s Settings) {
		ApplyTheme(mw.app, s.Theme)
		mw.tabs.each(func(v *browser.ObjectsView) { v.SetShowHidden(s.ShowHidden) })
		if mw.share != nil {
			mw.share.DefaultExpiry = s.PresignExpiry
		}
		// Running transfers follow a new bandwidth limit at once.
		mw.xfer.SetBandwidth(s.BandwidthMiBps)
		mw.installMenu() // the Show hidden tick follows
		mw.status.Say(settingsSavedText(before, s, mw.svc != nil))
		before = s
	})
	w.SetContent(v.CanvasObject())
	w.Resize(fyne.NewSize(640, 720)) // its sections scroll: without a size it opens as a sliver
	w.SetOnClosed(func() { mw.settings = nil })
	mw.settings = w
	w.Show()
}

// connect switches to the profile called name: the old account's views are
// cleared and their work cancelled; the new one connects in the background.
func (mw *MainWindow) connect(name string) {
	if name == "" {
		return
	}
	// The old account's work (planning, dialogs, transfers) ends here.
	ctx, gen := mw.conn.Renew(mw.jobs.Life())
	mw.jobs.SetConn(ctx)
	mw.profile = name
	mw.svc = nil
	mw.buckets.SetStore(nil)
	mw.buckets.SetMessage(fmt.Sprintf(lang.L("Connecting to %s…"), name))
	mw.tabs.each(func(v *browser.ObjectsView) { // every tab follows the connection
		v.SetContext(ctx)
		v.SetStore(nil)
	})
	mw.xfer.Connect(ctx, nil, "")
	mw.bulk.Connect(ctx, nil, "")
	mw.win.SetTitle("S3 Desk")
	mw.status.conn.SetText(profileLabel(name))
	_, end := mw.status.Begin(fmt.Sprintf(lang.L("Connecting to %s…"), name))
	deps := mw.deps
	// Settings → Compatibility may override the profile's checksum mode.
	compatOn, compatSet := LoadSettings(mw.app.Preferences()).CompatibilityFor(name)
	plan := mw.planStart(name) // gui/places.go
	mw.jobs.Go(func() {
		var cfg storage.Config
		var err error
		switch {
		case name == profiles.SandboxName && deps.Sandbox != nil:
			cfg, err = deps.Sandbox(ctx)
		case name == profiles.SandboxName:
			err = errors.New(lang.L("the Local sandbox is not available in this build"))
		case deps.Profiles == nil:
			err = errors.New(lang.L("the saved profiles could not be read"))
		default:
			cfg, err = deps.Profiles.Config(ctx, name)
		}
		var svc *Account
		if err == nil {
			cfg.Profile = name // the resume journal keeps each profile's uploads apart
			if compatSet {
				cfg.Compatibility = compatOn
			}
			mw.logTo(&cfg)
			svc, err = deps.Connect(ctx, cfg)
		}
		if err == nil {
			plan.resolve(ctx, deps.Profiles, name)
		}
		mw.jobs.Do(func() {
			end()
			if !mw.conn.Current(gen) {
				return
			}
			if err != nil {
				mw.buckets.SetMessage(fmt.Sprintf(lang.L("Could not connect to %s: %s"), name, widgets.ErrorText(err)))
				mw.status.Say(fmt.Sprintf(lang.L("Could not connect to %s"), name))
				return
			}
			mw.svc = svc
			where := svc.Endpoint
			if where == "" {
				where = fmt.Sprintf(lang.L("AWS %s"), svc.Region)
			}
			mw.status.conn.SetText(profileLabel(name) + " · " + where)
			mw.buckets.SetStore(svc.Buckets)
			mw.tabs.each(func(v *browser.ObjectsView) { v.SetStore(svc.Objects) })
			mw.xfer.Connect(ctx, mw.engines(svc), mw.transferDataDir()) // gui/newwindow.go
			mw.openStart(plan)
			if svc.Bulk != nil {
				mw.bulk.Connect(ctx, svc.Bulk, mw.bulkDir(name))
			}
		})
	})
}

// openBucket shows bucket in the main area ("" shows the empty state).
func (mw *MainWindow) openBucket(bucket string) {
	if bucket == "" {
		if mw.objects.Bucket() != "" {
			mw.objects.SetStore(mw.objectStore())
		}
		mw.win.SetTitle("S3 Desk")
		return
	}
	if bucket == mw.objects.Bucket() {
		return // open already (a default bucket, a bookmark): stay in its folder
	}
	mw.objects.Open(bucket, "")
}

// objectStore is the connected service as the objects view's store (a nil
// interface, not a nil pointer, when none).
func (mw *MainWindow) objectStore() browser.ObjectStore {
	if mw.svc == nil {
		return nil
	}
	return mw.svc.Objects
}

// navigated follows the objects view: the title names the place, and the
// side panel selects the bucket when the view went to another one (for
// example from a search result).
func (mw *MainWindow) navigated(bucket, prefix string) {
	if bucket == "" {
		mw.win.SetTitle("S3 Desk")
		return
	}
	where := bucket
	if prefix != "" {
		where += "/" + strings.TrimSuffix(prefix, "/")
	}
	mw.win.SetTitle(fmt.Sprintf(lang.L("%s — S3 Desk"), where))
	mw.rememberPlace(bucket, prefix) // gui/places.go
	if mw.buckets.Selected() != bucket {
		mw.buckets.Opened(bucket) // no OnSelect: the view is there already
	}
}

// objectActions are the features the objects view offers besides browsing:
// uploads, downloads, sharing, previews. Each feature adds its line here; a
// nil callback hides its button and menu item.
func (mw *MainWindow) objectActions() browser.ObjectActions {
	return browser.ObjectActions{
		UploadFiles:  func(bucket, prefix string) { mw.xfer.UploadFiles(bucket, prefix) },
		UploadFolder: func(bucket, prefix string) { mw.xfer.UploadFolder(bucket, prefix) },
		Download:     func(bucket string, entries []storage.Entry) { mw.xfer.Download(bucket, entries) },
		Incomplete:   func(bucket string) { mw.xfer.ShowIncomplete(bucket) },
		Share:        func(bucket string, entries []storage.Entry) { mw.sharer().ShowShare(bucket, entries) },
		MakePublic: func(bucket string, entries []storage.Entry, public bool) {
			mw.sharer().MakePublic(bucket, entries, public)
		},
		PublishIndex: func(bucket, prefix string) { mw.sharer().ShowPublish(bucket, prefix) },
		Preview:      mw.preview,    // gui/preview.go
		CombineCSV:   mw.combineCSV, // gui/reportwiring.go
		CopyLink:     mw.copyLink,   // gui/windowmenu.go

		UploadWithOptions: mw.uploadWithOptions, // gui/uploadopts.go
		Bulk: func(bucket, prefix string, entries []storage.Entry) {
			mw.bulk.ShowBulk(bucket, prefix, entries)
		},
		Sync:   mw.openSync,   // gui/syncwiring.go
		CopyTo: mw.copyTo,     // gui/copywiring.go
		Edit:   mw.editObject, // gui/editwiring.go
	}
}
