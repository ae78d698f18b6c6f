package widgets

import (
	"time"

	"fyne.io/fyne/v2/lang"
)

// FormatTime shows t in local time, Finder style, in the user's date order
// (the catalogue's "format.datetime" layout).
func FormatTime(t, now time.Time) string {
	t = t.In(now.Location())
	day := func(x time.Time) string { return x.Format("2006-01-02") }
	switch day(t) {
	case day(now):
		return lang.L("Today") + " " + t.Format("15:04")
	case day(now.AddDate(0, 0, -1)):
		return lang.L("Yesterday") + " " + t.Format("15:04")
	}
	return t.Format(lang.X("format.datetime", "2 Jan 2006 15:04"))
}

// FormatDate is a day in the user's date order ("format.date").
func FormatDate(t time.Time) string { return t.Format(lang.X("format.date", "2 Jan 2006")) }

// FormatLong is a full local time with its zone ("format.datetime.long").
func FormatLong(t time.Time) string {
	return t.Format(lang.X("format.datetime.long", "Mon 2 Jan 2006 15:04 MST"))
}
