package widgets

import "time"

// FormatTime shows t in local time, Finder style.
func FormatTime(t, now time.Time) string {
	t = t.In(now.Location())
	day := func(x time.Time) string { return x.Format("2006-01-02") }
	switch day(t) {
	case day(now):
		return "Today " + t.Format("15:04")
	case day(now.AddDate(0, 0, -1)):
		return "Yesterday " + t.Format("15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}
