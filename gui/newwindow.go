package gui

import (
	"context"
	"slices"
	"sync"

	"s3desk/gui/transfers"
	"s3desk/storage/transfer"
)

// File → New window: a second main window, for another profile side by
// side. Each window has its own connection, tabs and context; closing one
// does not quit the app while another main window is open, and closing
// the last quits (as the one master window did), even with a preview or
// Settings open.

// windowGroup is the app's main windows.
type windowGroup struct {
	mu   sync.Mutex
	ctx  context.Context // the first window's parent: every window runs beneath it
	open []*MainWindow
	quit func()
}

// join adds mw to deps' group (a new group for the first window).
func (mw *MainWindow) join(ctx context.Context) {
	if mw.deps.group == nil {
		mw.deps.group = &windowGroup{ctx: ctx, quit: mw.app.Quit}
	}
	g := mw.deps.group
	g.mu.Lock()
	g.open = append(g.open, mw)
	g.mu.Unlock()
}

// leave removes mw from its group and quits the app when it was the last.
func (mw *MainWindow) leave() {
	g := mw.deps.group
	if g == nil {
		return
	}
	g.mu.Lock()
	g.open = slices.DeleteFunc(g.open, func(x *MainWindow) bool { return x == mw })
	last := len(g.open) == 0
	g.mu.Unlock()
	if !last {
		return
	}
	mw.cleanOpened() // files opened with a system app, from any window
	if g.quit != nil {
		g.quit()
	}
}

// windows are the group's open main windows.
func (mw *MainWindow) windows() []*MainWindow {
	g := mw.deps.group
	if g == nil {
		return []*MainWindow{mw}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.open)
}

// newWindow opens another main window on the profile in use.
func (mw *MainWindow) newWindow() *MainWindow {
	deps := mw.deps
	deps.StartProfile = mw.profile
	w := NewMainWindow(deps.group.ctx, mw.app, deps)
	w.win.Show()
	return w
}

// The resume journal is one folder for the app: a window that connects
// while another main window is open does not offer the journal's uploads
// as interrupted, because they may be running in that other window
// (resuming or discarding one there would race it). The uploads a quit
// interrupted are offered by the first window, at start.

// engines are the transfer engines mw's panel gets for svc.
func (mw *MainWindow) engines(svc *Account) transfers.EngineMaker {
	if svc.Engines == nil || len(mw.windows()) < 2 {
		return svc.Engines
	}
	return quietMaker{svc.Engines}
}

type quietMaker struct{ transfers.EngineMaker }

func (m quietMaker) NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (transfers.TransferEngine, error) {
	e, err := m.EngineMaker.NewEngine(ctx, dataDir, opts)
	if err != nil {
		return nil, err
	}
	return quietEngine{e}, nil
}

// quietEngine offers no interrupted uploads.
type quietEngine struct{ transfers.TransferEngine }

func (quietEngine) Resumable() []transfer.ResumableUpload { return nil }
