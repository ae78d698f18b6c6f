package transfer

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// MetaModTime is the user-metadata key that keeps a file's modification
// time, as rclone does: seconds since 1970 with nanoseconds ("1700000000.5").
// Folder sync (storage/sync) compares it with the local file.
const MetaModTime = "mtime"

// withModTime is meta plus the file's modification time (the file's own
// when the plan gave none), unless meta already names one.
func withModTime(meta map[string]string, f *os.File, mod time.Time) map[string]string {
	if _, ok := meta[MetaModTime]; ok {
		return meta
	}
	if st, err := f.Stat(); err == nil {
		mod = st.ModTime()
	}
	if mod.IsZero() {
		return meta
	}
	out := make(map[string]string, len(meta)+1)
	for k, v := range meta {
		out[k] = v
	}
	out[MetaModTime] = FormatModTime(mod)
	return out
}

// FormatModTime writes t as rclone's mtime metadata does.
func FormatModTime(t time.Time) string {
	s := fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// ParseModTime reads an mtime metadata value; ok is false if it is not one.
func ParseModTime(v string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(strings.TrimSpace(v), ".")
	var s, ns int64
	if _, err := fmt.Sscanf(sec, "%d", &s); err != nil || sec == "" {
		return time.Time{}, false
	}
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		frac += strings.Repeat("0", 9-len(frac))
		if _, err := fmt.Sscanf(frac, "%d", &ns); err != nil {
			return time.Time{}, false
		}
	}
	return time.Unix(s, ns), true
}
