package gui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"s3desk/gui/browser"
)

// Tabs in the objects area: each tab is its own objects view, with its own
// place and history, on the window's one connection. mw.objects is the
// selected tab's view; the menu is rebuilt when the selection changes, so
// every action acts on the tab in front. With one tab there is no tab
// strip (the area is that view); a second tab brings the strip.

// maxTabs bounds the tabs of a window.
const maxTabs = 20

type objectTab struct {
	view *browser.ObjectsView
	item *container.TabItem
}

type objectTabs struct {
	mw   *MainWindow
	tabs []*objectTab
	area *fyne.Container    // a stack: the only view, or the tab strip
	dt   *container.DocTabs // nil while there is one tab
}

// newObjectsView builds one tab's objects view, wired as the shell wires
// every view.
func (mw *MainWindow) newObjectsView() *browser.ObjectsView {
	v := browser.NewObjectsView(mw.jobs.Life(), mw.win, nil, browser.ObjectActions{})
	v.SetShowHidden(LoadSettings(mw.app.Preferences()).ShowHidden)
	// Its UI callbacks take turns with the shell's (see jobs.Do).
	v.SetJobs(mw.jobs)
	v.SetConfirmFiles(func() bool { return LoadSettings(mw.app.Preferences()).ConfirmDelete })
	v.SetActions(mw.objectActions())
	v.SetVersions(mw.versionsPane()) // gui/versionwiring.go
	v.OnNavigate(func(bucket, prefix string) {
		if mw.tabs != nil {
			mw.tabs.retitle(v)
		}
		if v == mw.objects {
			mw.navigated(bucket, prefix)
		}
	})
	return v
}

func newObjectTabs(mw *MainWindow, first *browser.ObjectsView) *objectTabs {
	t := &objectTabs{mw: mw}
	t.tabs = []*objectTab{{view: first}}
	t.area = container.NewStack(first.CanvasObject())
	return t
}

// each runs fn on every tab's view.
func (t *objectTabs) each(fn func(v *browser.ObjectsView)) {
	for _, tab := range t.tabs {
		fn(tab.view)
	}
}

// Len is the number of tabs.
func (t *objectTabs) Len() int { return len(t.tabs) }

// index is the position of the selected tab.
func (t *objectTabs) index() int {
	for i, tab := range t.tabs {
		if tab.view == t.mw.objects {
			return i
		}
	}
	return 0
}

// tabTitle names a tab after its folder (or bucket).
func tabTitle(v *browser.ObjectsView) string {
	if v.Bucket() == "" {
		return lang.L("New tab")
	}
	if p := strings.TrimSuffix(v.Prefix(), "/"); p != "" {
		return p[strings.LastIndex(p, "/")+1:] + "/"
	}
	return v.Bucket()
}

func (t *objectTabs) retitle(v *browser.ObjectsView) {
	if t.dt == nil {
		return
	}
	for _, tab := range t.tabs {
		if tab.view == v && tab.item != nil && tab.item.Text != tabTitle(v) {
			tab.item.Text = tabTitle(v)
			t.dt.Refresh()
		}
	}
}

// New opens a tab on the place being viewed (Ctrl+Shift+T) and selects it.
func (t *objectTabs) New() {
	if len(t.tabs) >= maxTabs {
		t.mw.status.Say(lang.L("A window holds at most 20 tabs; close one first."))
		return
	}
	mw := t.mw
	from := mw.objects
	v := mw.newObjectsView()
	v.SetContext(mw.jobs.Ctx())
	if mw.svc != nil {
		v.SetStore(mw.svc.Objects)
		if from.Bucket() != "" {
			v.Open(from.Bucket(), from.Prefix())
		}
	}
	t.strip()
	tab := &objectTab{view: v}
	t.tabs = append(t.tabs, tab)
	tab.item = container.NewTabItem(tabTitle(v), v.CanvasObject())
	t.dt.Append(tab.item)
	t.dt.Select(tab.item) // OnSelected makes it the window's
}

// strip shows the tab strip (from the second tab on).
func (t *objectTabs) strip() {
	if t.dt != nil {
		return
	}
	t.dt = container.NewDocTabs()
	t.dt.CreateTab = func() *container.TabItem {
		t.New()
		return nil // New appended and selected it
	}
	t.dt.CloseIntercept = func(item *container.TabItem) {
		for _, tab := range t.tabs {
			if tab.item == item {
				t.close(tab)
				return
			}
		}
	}
	t.dt.OnSelected = func(item *container.TabItem) {
		for _, tab := range t.tabs {
			if tab.item == item {
				t.activate(tab.view)
			}
		}
	}
	for _, tab := range t.tabs {
		if tab.item == nil {
			tab.item = container.NewTabItem(tabTitle(tab.view), tab.view.CanvasObject())
		}
		t.dt.Append(tab.item)
	}
	t.dt.SelectIndex(t.index())
	t.area.Objects = []fyne.CanvasObject{t.dt}
	t.area.Refresh()
}

// activate makes v the tab in front: the menu, the title and the side
// panel follow it.
func (t *objectTabs) activate(v *browser.ObjectsView) {
	mw := t.mw
	if mw.objects == v {
		return
	}
	mw.objects = v
	mw.installMenu()
	mw.navigated(v.Bucket(), v.Prefix())
	if v.Bucket() == "" {
		mw.buckets.Opened("")
	}
}

// Close closes the tab in front (Ctrl+W); the last one stays.
func (t *objectTabs) Close() {
	if len(t.tabs) < 2 {
		t.mw.status.Say(lang.L("The last tab stays open; close the window to leave."))
		return
	}
	t.close(t.tabs[t.index()])
}

func (t *objectTabs) close(tab *objectTab) {
	if len(t.tabs) < 2 {
		return
	}
	i := -1
	for j, x := range t.tabs {
		if x == tab {
			i = j
		}
	}
	if i < 0 {
		return
	}
	front := tab.view == t.mw.objects
	t.tabs = append(t.tabs[:i], t.tabs[i+1:]...)
	stopView(t.mw, tab.view)
	next := t.mw.objects
	if front {
		next = t.tabs[min(i, len(t.tabs)-1)].view
	}
	if len(t.tabs) == 1 { // no strip for one tab
		t.dt = nil
		only := t.tabs[0]
		only.item = nil
		only.view.CanvasObject().Show()
		t.area.Objects = []fyne.CanvasObject{only.view.CanvasObject()}
		t.area.Refresh()
	} else {
		t.dt.Remove(tab.item)
		for j, x := range t.tabs {
			if x.view == next {
				t.dt.SelectIndex(j)
			}
		}
	}
	t.activate(next)
}

// stopView ends a closed tab's work: its listing and operations stop.
func stopView(mw *MainWindow, v *browser.ObjectsView) {
	ctx, cancel := context.WithCancel(mw.jobs.Life())
	cancel()
	v.SetContext(ctx)
	v.SetStore(nil)
}

// Next and Prev select the next or previous tab (Ctrl+PageDown/PageUp).
func (t *objectTabs) Next() { t.step(1) }
func (t *objectTabs) Prev() { t.step(-1) }

func (t *objectTabs) step(d int) {
	if t.dt == nil || len(t.tabs) < 2 {
		return
	}
	t.dt.SelectIndex((t.index() + d + len(t.tabs)) % len(t.tabs))
}
