package gui

import (
	"slices"

	"fyne.io/fyne/v2/lang"

	guibookmarks "s3desk/gui/bookmarks"
	"s3desk/storage/bookmarks"
)

// newBookmarks builds the side panel's Bookmarks section and wires it.
func (mw *MainWindow) newBookmarks() {
	mw.marks = guibookmarks.New(mw.win, mw.status, mw.jobs, mw.deps.Bookmarks)
	mw.marks.Here = mw.here
	mw.marks.OnOpen = mw.openBookmark
	mw.marks.OnChange = func(marks []bookmarks.Bookmark) {
		mw.menuMarks = marks
		mw.installMenu() // Go → Bookmarks follows
	}
}

// here is the place being viewed, as a bookmark without a name.
func (mw *MainWindow) here() (bookmarks.Bookmark, bool) {
	b := mw.objects.Bucket()
	if b == "" || mw.svc == nil {
		return bookmarks.Bookmark{}, false
	}
	return bookmarks.Bookmark{Profile: mw.profile, Bucket: b, Prefix: mw.objects.Prefix()}, true
}

// openBookmark opens a bookmark's place; a bookmark of another profile
// connects that profile first (the place opens once it is connected).
func (mw *MainWindow) openBookmark(b bookmarks.Bookmark) {
	if b.Profile == mw.profile && mw.svc != nil {
		mw.buckets.Opened(b.Bucket)
		mw.objects.Open(b.Bucket, b.Prefix)
		return
	}
	if !slices.Contains(mw.profiles.Names(), b.Profile) {
		mw.status.Say(lang.L("The profile of this bookmark is not saved any more: ") + b.Profile)
		return
	}
	mw.nav.pending = &place{Profile: b.Profile, Bucket: b.Bucket, Prefix: b.Prefix}
	if b.Profile == mw.profile { // still connecting: start again, for the place
		mw.connect(b.Profile)
		return
	}
	mw.profiles.Select(b.Profile) // its OnSelect connects
}

// bookmarkItems are Go → Bookmarks.
func (mw *MainWindow) bookmarkItems() []MenuBookmark {
	var out []MenuBookmark
	for _, b := range mw.menuMarks {
		out = append(out, MenuBookmark{Label: b.Name + "  (" + guibookmarks.Where(b) + ")", Open: func() { mw.openBookmark(b) }})
	}
	return out
}
