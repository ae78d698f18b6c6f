package gui

import (
	"context"
	"slices"
	"sync"
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
