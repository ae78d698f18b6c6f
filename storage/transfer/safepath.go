package transfer

import (
	"runtime"
	"strings"
)

// leavesFolder tells whether one segment of a key (already NFKC-normalized,
// so that full-width "．．" is "..") would name the folder itself or its
// parent instead of a file in it. Only "." and ".." do; "...", "a..b" and
// ". " are ordinary names on Unix, and os.Root is the real guard anyway.
//
// On Windows the Win32 layer strips trailing dots and spaces from every path
// segment, so there a segment made only of dots and spaces ("...", ". ")
// also turns into "." or ".." (or nothing): it stays refused there.
func leavesFolder(seg string) bool {
	if seg == "." || seg == ".." {
		return true
	}
	return runtime.GOOS == "windows" && strings.Trim(seg, ". ") == ""
}
