// Package bucketconfig is the Bucket settings window: one tab per setting
// of a bucket (versioning, lifecycle rules, CORS, policy, tags, default
// encryption, object lock, website), each loaded in the background, each
// saying plainly when the server does not support it, each with Save and
// Cancel. The settings themselves are storage/bucketconfig's.
package bucketconfig

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"s3desk/gui/async"
	"s3desk/storage"
	bc "s3desk/storage/bucketconfig"
)

// SettingsStore is what the window needs from storage (a
// storage/bucketconfig.Service).
type SettingsStore interface {
	Versioning(ctx context.Context, bucket string) (bc.Versioning, error)
	SetVersioning(ctx context.Context, bucket string, v bc.Versioning) error
	Lifecycle(ctx context.Context, bucket string) ([]bc.LifecycleRule, error)
	PutLifecycle(ctx context.Context, bucket string, rules []bc.LifecycleRule) error
	AddAbortIncompleteUploads(ctx context.Context, bucket string, days int) ([]bc.LifecycleRule, error)
	CORS(ctx context.Context, bucket string) ([]bc.CORSRule, error)
	PutCORS(ctx context.Context, bucket string, rules []bc.CORSRule) error
	Policy(ctx context.Context, bucket string) (string, error)
	PutPolicy(ctx context.Context, bucket, text string) error
	Tags(ctx context.Context, bucket string) ([]bc.Tag, error)
	PutTags(ctx context.Context, bucket string, tags []bc.Tag) error
	Encryption(ctx context.Context, bucket string) (bc.Encryption, error)
	PutEncryption(ctx context.Context, bucket string, e bc.Encryption) error
	ObjectLock(ctx context.Context, bucket string) (bc.ObjectLock, error)
	PutObjectLockRetention(ctx context.Context, bucket string, l bc.ObjectLock) error
	Website(ctx context.Context, bucket string) (storage.WebsiteConfig, error)
	PutWebsite(ctx context.Context, bucket string, c storage.WebsiteConfig) error
	DeleteWebsite(ctx context.Context, bucket string) error
	WebsiteAddress(ctx context.Context, bucket, index string) (bc.WebsiteAddress, error)
}

// Window is the Bucket settings window of one bucket.
type Window struct {
	app    fyne.App
	win    fyne.Window
	jobs   *async.Jobs
	store  SettingsStore
	bucket string
	ctx    context.Context // a child of the connection's, ended when the window closes
	end    context.CancelFunc

	tabs   *container.AppTabs
	closed bool // UI goroutine

	Versioning *VersioningTab
	Lifecycle  *LifecycleTab
	CORS       *CORSTab
	Policy     *PolicyTab
	Tags       *TagsTab
	Encryption *EncryptionTab
	ObjectLock *ObjectLockTab
	Website    *WebsiteTab
}

// Open builds and shows the window of bucket and loads every tab. Its
// requests run beneath ctx (the connection's) and end when it closes.
func Open(ctx context.Context, app fyne.App, jobs *async.Jobs, store SettingsStore, bucket string) *Window {
	w := New(ctx, app, jobs, store, bucket)
	w.win.Show()
	w.Load()
	return w
}

// New builds the window without showing or loading it.
func New(ctx context.Context, app fyne.App, jobs *async.Jobs, store SettingsStore, bucket string) *Window {
	w := &Window{app: app, jobs: jobs, store: store, bucket: bucket}
	w.ctx, w.end = context.WithCancel(ctx)
	w.win = app.NewWindow(fmt.Sprintf(lang.L("Bucket settings — %s"), bucket))
	w.Versioning = newVersioningTab(w)
	w.Lifecycle = newLifecycleTab(w)
	w.CORS = newCORSTab(w)
	w.Policy = newPolicyTab(w)
	w.Tags = newTagsTab(w)
	w.Encryption = newEncryptionTab(w)
	w.ObjectLock = newObjectLockTab(w)
	w.Website = newWebsiteTab(w)
	w.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Versioning"), w.Versioning.content),
		container.NewTabItem(lang.L("Lifecycle"), w.Lifecycle.content),
		container.NewTabItem(lang.L("CORS"), w.CORS.content),
		container.NewTabItem(lang.L("Policy"), w.Policy.content),
		container.NewTabItem(lang.L("Tags"), w.Tags.content),
		container.NewTabItem(lang.L("Encryption"), w.Encryption.content),
		container.NewTabItem(lang.L("Object lock"), w.ObjectLock.content),
		container.NewTabItem(lang.L("Website"), w.Website.content),
	)
	w.tabs.SetTabLocation(container.TabLocationLeading)
	w.win.SetContent(w.tabs)
	w.win.Resize(fyne.NewSize(820, 560))
	w.win.SetOnClosed(func() { w.closed = true; w.end() })
	return w
}

// Open tells whether the window is still open (UI goroutine).
func (w *Window) Open() bool { return !w.closed }

// Raise brings the window to the front.
func (w *Window) Raise() { w.win.RequestFocus() }

// Load (re)loads every tab in the background.
func (w *Window) Load() {
	for _, s := range w.sections() {
		s.reload()
	}
}

func (w *Window) sections() []*section {
	return []*section{w.Versioning.section, w.Lifecycle.section, w.CORS.section, w.Policy.section, w.Tags.section, w.Encryption.section, w.ObjectLock.section, w.Website.section}
}

// Win is the window.
func (w *Window) Win() fyne.Window { return w.win }

// Store is the account's settings the window shows.
func (w *Window) Store() SettingsStore { return w.store }

// Bucket is the bucket the window is about.
func (w *Window) Bucket() string { return w.bucket }

// Close closes the window, ending its requests.
func (w *Window) Close() { w.win.Close() }

// ShowTab brings the tab titled title forward.
func (w *Window) ShowTab(title string) {
	for _, it := range w.tabs.Items {
		if it.Text == title {
			w.tabs.Select(it)
		}
	}
}
