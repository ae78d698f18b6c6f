package gui

// navActions fills the menu's navigation actions (gui/menunav.go).
func (mw *MainWindow) navActions(a *MenuActions) {
	a.Forward = mw.objects.Forward
	a.OpenByName = mw.buckets.ShowOpenByName
	a.AddBookmark = mw.marks.ShowAdd
	a.Bookmarks = mw.bookmarkItems()
	a.NewWindow = func() { mw.newWindow() }                                                             // gui/newwindow.go
	a.NewTab, a.CloseTab, a.NextTab, a.PrevTab = mw.tabs.New, mw.tabs.Close, mw.tabs.Next, mw.tabs.Prev // gui/tabs.go
}
