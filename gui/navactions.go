package gui

// navActions fills the menu's navigation actions (gui/menunav.go).
func (mw *MainWindow) navActions(a *MenuActions) {
	a.Forward = mw.objects.Forward
	a.OpenByName = mw.buckets.ShowOpenByName
	a.AddBookmark = mw.marks.ShowAdd
	a.Bookmarks = mw.bookmarkItems()
}
