// Package gui holds S3 Desk's windows and views. Each view is a struct that
// owns its widgets and calls the storage service through the narrow
// interfaces declared here.
package gui

import (
	"context"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
	"s3desk/storage/profiles"
	"s3desk/storage/sandbox"
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
		ProfileStore
		ProfileConfigs
	}
	// Discover finds unimported profiles in ~/.aws; nil finds none.
	Discover func(ctx context.Context) ([]profiles.ImportCandidate, error)
	// Sandbox starts the Local sandbox (once) and returns its config.
	Sandbox func(ctx context.Context) (storage.Config, error)
	// Connect builds a service from a config; nil means storage.New.
	Connect func(ctx context.Context, cfg storage.Config) (*storage.Service, error)
	// StartProfile is opened at startup; "" opens the Local sandbox.
	StartProfile string
	// Version is shown in the About dialog.
	Version string
}

// MainWindow is S3 Desk's one main window: profiles and buckets in the side
// panel, the objects of the chosen bucket in the main area, transfers and
// the status bar at the bottom.
type MainWindow struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	jobs jobs

	status    *statusBar
	profiles  *ProfilesView
	buckets   *BucketsView
	objects   *objectsPlaceholder
	transfers *fyne.Container // filled by the transfers view

	settings fyne.Window // the open Settings window, or nil

	conn    viewContext // the connection being made or in use
	svc     *storage.Service
	profile string // the connected (or connecting) profile
}

// NewMainWindow builds the window and opens the start profile. The window
// shows at once; connecting (and starting the sandbox) happens in the
// background.
func NewMainWindow(a fyne.App, deps Deps) *MainWindow {
	if deps.Connect == nil {
		deps.Connect = storage.New
	}
	mw := &MainWindow{app: a, deps: deps}
	mw.jobs.mu.Lock() // no background callback runs before the window is built
	defer mw.jobs.mu.Unlock()
	mw.win = a.NewWindow("S3 Desk")
	mw.status = newStatusBar()
	var store ProfileStore
	if deps.Profiles != nil {
		store = deps.Profiles
	}
	mw.profiles = NewProfilesView(mw.win, mw.status, &mw.jobs, store, deps.Discover)
	mw.buckets = NewBucketsView(mw.win, mw.status, &mw.jobs)
	mw.objects = newObjectsPlaceholder()
	mw.transfers = container.NewVBox()

	mw.profiles.OnSelect = mw.connect
	mw.buckets.OnSelect = mw.openBucket

	side := container.NewVSplit(mw.profiles.CanvasObject(), mw.buckets.CanvasObject())
	side.Offset = 0.34
	main := container.NewHSplit(side, mw.objects.CanvasObject())
	main.Offset = 0.24
	bottom := container.NewVBox(mw.transfers, widget.NewSeparator(), mw.status.box)
	mw.win.SetContent(container.NewBorder(nil, bottom, nil, nil, main))
	mw.win.Resize(fyne.NewSize(1120, 720))
	mw.installMenu()
	mw.win.SetMaster()
	mw.win.SetOnClosed(mw.shutdown)

	start := deps.StartProfile
	if start == "" {
		start = sandbox.ProfileName
	}
	if start == sandbox.ProfileName || deps.Profiles == nil {
		mw.profiles.Select(sandbox.ProfileName)
	} else {
		// Saved profiles are read in the background; select when they are in.
		mw.profiles.current = start
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
func (mw *MainWindow) service() *storage.Service { return mw.svc }

// wait blocks until all background work has finished (for tests).
func (mw *MainWindow) wait() { mw.jobs.wait() }

func (mw *MainWindow) shutdown() {
	mw.conn.stop()
	mw.buckets.load.stop()
	mw.profiles.load.stop()
}

// menuActions are what the main menu and the keyboard shortcuts do. Feature
// views add their entries here.
func (mw *MainWindow) menuActions() MenuActions {
	return MenuActions{
		Settings:  mw.showSettings,
		Quit:      mw.app.Quit,
		Refresh:   mw.refresh,
		About:     func() { ShowAboutDialog(mw.win, mw.deps.Version, mw.app.Icon()) },
		Shortcuts: func() { ShowShortcutsDialog(mw.win) },
	}
}

// installMenu sets the main menu and binds its shortcuts.
func (mw *MainWindow) installMenu() {
	a := mw.menuActions()
	mw.win.SetMainMenu(BuildMainMenu(a))
	RegisterShortcuts(mw.win.Canvas(), a)
	mw.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { HandleKey(a, ev) })
}

// refresh reloads what the user is looking at.
func (mw *MainWindow) refresh() {
	if mw.buckets.store != nil {
		mw.buckets.Refresh()
	}
}

// showSettings opens the Settings window (one at a time).
func (mw *MainWindow) showSettings() {
	if mw.settings != nil {
		mw.settings.RequestFocus()
		return
	}
	w := mw.app.NewWindow("S3 Desk Settings")
	names := []string{}
	for _, n := range mw.profiles.Names() {
		if r, ok := mw.profiles.row(n); ok && r.kind == kindSaved {
			names = append(names, n)
		}
	}
	v := NewSettingsView(mw.app.Preferences(), names, func(s Settings) {
		ApplyTheme(mw.app, s.Theme)
		mw.status.say("Settings saved")
	})
	w.SetContent(v.CanvasObject())
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
	ctx, gen := mw.conn.renew()
	mw.profile = name
	mw.svc = nil
	mw.buckets.SetStore(nil)
	mw.buckets.SetMessage("Connecting to " + name + "…")
	mw.objects.setStore(nil)
	mw.openBucket("")
	mw.status.conn.SetText(name)
	_, end := mw.status.begin("Connecting to " + name + "…")
	deps := mw.deps
	mw.jobs.goRun(func() {
		var cfg storage.Config
		var err error
		switch {
		case name == sandbox.ProfileName && deps.Sandbox != nil:
			cfg, err = deps.Sandbox(ctx)
		case name == sandbox.ProfileName:
			err = fmt.Errorf("the Local sandbox is not available in this build")
		case deps.Profiles == nil:
			err = fmt.Errorf("the saved profiles could not be read")
		default:
			cfg, err = deps.Profiles.Config(ctx, name)
		}
		var svc *storage.Service
		if err == nil {
			svc, err = deps.Connect(ctx, cfg)
		}
		mw.jobs.do(func() {
			end()
			if !mw.conn.current(gen) {
				return
			}
			if err != nil {
				mw.buckets.SetMessage("Could not connect to " + name + ": " + errorText(err))
				mw.status.say("Could not connect to " + name)
				return
			}
			mw.svc = svc
			where := svc.Endpoint()
			if where == "" {
				where = "AWS " + svc.Region()
			}
			mw.status.conn.SetText(name + " · " + where)
			mw.buckets.SetStore(svc)
			mw.objects.setStore(svc)
		})
	})
}

// openBucket shows bucket in the main area ("" shows the empty state).
func (mw *MainWindow) openBucket(bucket string) {
	mw.objects.open(bucket, "")
	if bucket == "" {
		mw.win.SetTitle("S3 Desk")
		return
	}
	mw.win.SetTitle(bucket + " — S3 Desk")
}

// objectsPlaceholder stands in for the object browser until gui/objects.go
// provides it.
type objectsPlaceholder struct {
	title *widget.Label
	hint  *widget.Label
	box   *fyne.Container
	store *storage.Service
}

func newObjectsPlaceholder() *objectsPlaceholder {
	p := &objectsPlaceholder{title: widget.NewLabel(""), hint: widget.NewLabel("")}
	p.title.TextStyle = fyne.TextStyle{Bold: true}
	p.title.Alignment = fyne.TextAlignCenter
	p.hint.Alignment = fyne.TextAlignCenter
	p.hint.Importance = widget.LowImportance
	icon := widget.NewIcon(theme.StorageIcon())
	p.box = container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(64, 64), icon)), p.title, p.hint))
	p.open("", "")
	return p
}

func (p *objectsPlaceholder) CanvasObject() fyne.CanvasObject { return p.box }
func (p *objectsPlaceholder) setStore(s *storage.Service)     { p.store = s }
func (p *objectsPlaceholder) open(bucket, _ string) {
	if bucket == "" {
		p.title.SetText("No bucket open")
		p.hint.SetText("Choose a bucket on the left to see its files.")
		return
	}
	p.title.SetText(bucket)
	p.hint.SetText("")
}

// lazySandbox starts the Local sandbox the first time it is asked for.
type lazySandbox struct {
	dir string
	mu  sync.Mutex
	sb  *sandbox.Sandbox
}

// NewLazySandbox returns a starter for Deps.Sandbox and a func that stops
// the sandbox if it was started.
func NewLazySandbox(dir string) (start func(ctx context.Context) (storage.Config, error), stop func()) {
	l := &lazySandbox{dir: dir}
	return l.config, l.close
}

func (l *lazySandbox) config(ctx context.Context) (storage.Config, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sb == nil {
		if l.dir == "" {
			d, err := sandbox.DefaultDir()
			if err != nil {
				return storage.Config{}, err
			}
			l.dir = d
		}
		// Not ctx: a start the user navigated away from still finishes, so
		// coming back is instant and the data folder is never half-made.
		sb, err := sandbox.Start(context.Background(), l.dir)
		if err != nil {
			return storage.Config{}, err
		}
		l.sb = sb
	}
	return l.sb.Config(), ctx.Err()
}

func (l *lazySandbox) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sb != nil {
		_ = l.sb.Close()
		l.sb = nil
	}
}
