package gui

import (
	"os"
	"path/filepath"
	"time"
)

// Files opened with a system app live in a private folder of the user's
// cache (CacheDir/open, 0700), each in its own subfolder. They must outlive
// the download (the app reads them after S3 Desk hands them over), so they
// are removed when the app quits, and anything older than a day (left by a
// crash) is removed at the next start.

// openMaxAge is how long an opened file may stay after a crash.
const openMaxAge = 24 * time.Hour

// DefaultCacheDir is S3 Desk's folder in the user's cache
// (os.UserCacheDir()/s3desk): the logs and the opened files.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "s3desk"), nil
}

// LogDir is the log folder inside the cache folder.
func LogDir(cache string) string { return filepath.Join(cache, "logs") }

// openedDir is the folder for opened files inside the cache folder.
func openedDir(cache string) string { return filepath.Join(cache, "open") }

// cacheDir is Deps.CacheDir, else DefaultCacheDir ("" when there is none).
func (mw *MainWindow) cacheDir() string {
	if mw.deps.CacheDir != "" {
		return mw.deps.CacheDir
	}
	d, _ := DefaultCacheDir()
	return d
}

// pruneOpened removes what in dir is older than maxAge.
func pruneOpened(dir string, maxAge time.Duration, now time.Time) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		info, err := e.Info()
		if err == nil && now.Sub(info.ModTime()) > maxAge {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// cleanOpened removes every opened file (at quit).
func (mw *MainWindow) cleanOpened() {
	if c := mw.cacheDir(); c != "" {
		_ = os.RemoveAll(openedDir(c))
	}
}
