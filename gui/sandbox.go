package gui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/profiles"
	"s3desk/storage/sandbox"
)

// LazySandbox starts the Local sandbox the first time it is asked for, so
// the window shows before the sandbox is up.
type LazySandbox struct {
	dir string
	mu  sync.Mutex
	sb  *sandbox.Sandbox
}

// NewLazySandbox returns a sandbox kept in dir ("" = sandbox.DefaultDir()).
func NewLazySandbox(dir string) *LazySandbox { return &LazySandbox{dir: dir} }

// Config starts the sandbox if needed and returns its config.
func (l *LazySandbox) Config(ctx context.Context) (storage.Config, error) {
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
		// Not cancelled with ctx: a start the user navigated away from still
		// finishes, so coming back is instant and the data folder is never
		// half-made.
		sb, err := sandbox.Start(context.WithoutCancel(ctx), l.dir)
		if err != nil {
			return storage.Config{}, err
		}
		l.sb = sb
	}
	return l.sb.Config(), ctx.Err()
}

// Reset deletes everything in the sandbox and seeds the sample data again.
func (l *LazySandbox) Reset(ctx context.Context) error {
	if _, err := l.Config(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sb.Reset(ctx)
}

// Close stops the sandbox if it was started.
func (l *LazySandbox) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sb != nil {
		_ = l.sb.Close()
		l.sb = nil
	}
}

// confirmResetSandbox asks, then wipes the Local sandbox and reconnects to it.
func (mw *MainWindow) confirmResetSandbox() {
	reset := mw.deps.ResetSandbox
	if reset == nil {
		return
	}
	d := dialog.NewConfirm(lang.L("Reset the Local sandbox"),
		lang.L("Delete every bucket and file in the Local sandbox and put the sample data back?\nThis cannot be undone. Your other profiles are not touched."),
		func(ok bool) {
			if !ok {
				return
			}
			_, end := mw.status.Begin(lang.L("Resetting the Local sandbox…"))
			mw.jobs.Go(func() {
				err := reset(mw.jobs.Life())
				mw.jobs.Do(func() {
					end()
					if err != nil {
						widgets.ShowError(mw.win, lang.L("Could not reset the Local sandbox"), err)
						return
					}
					mw.status.Say(lang.L("The Local sandbox has its sample data again"))
					if mw.profile == profiles.SandboxName && mw.svc != nil {
						// Same address, new contents: list again from the top.
						mw.objects.SetStore(mw.objectStore())
						mw.buckets.ListAgain()
					}
				})
			})
		}, mw.win)
	d.SetConfirmText(lang.L("Reset"))
	d.SetConfirmImportance(widget.DangerImportance)
	mw.profiles.SetConfirm(d)
	d.Show()
}
