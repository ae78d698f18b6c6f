package gui

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"
)

// Files opened with a system app live in a private folder of the user's
// cache (CacheDir/open, 0700), each in its own subfolder. They must outlive
// the download (the app reads them after S3 Desk hands them over), so they
// are removed when the app quits, and anything older than a day (left by a
// crash) is removed at the next start.

// openCap is the size above which "Open with system app" asks first.
const openCap = 200 << 20

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

// privateDir makes dir (and its parents) with mode 0700.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
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

// openWithSystemApp downloads the object into the private folder, with
// progress and Cancel, and asks the system to open it. Above openCap it
// asks first.
func (v *PreviewView) openWithSystemApp() {
	if v.size > openCap {
		dialog.ShowConfirm("Download "+humanize.IBytes(uint64(v.size))+"?",
			fmt.Sprintf("To open %q with an app of this computer, S3 Desk downloads all of it (%s) first. The copy is removed when S3 Desk quits.",
				previewName(v.key), humanize.IBytes(uint64(v.size))),
			func(ok bool) {
				if ok {
					v.startOpen()
				}
			}, v.win)
		return
	}
	v.startOpen()
}

func (v *PreviewView) startOpen() {
	dir := v.openDir
	if dir == "" {
		if c, err := DefaultCacheDir(); err == nil {
			dir = openedDir(c)
		}
	}
	if err := privateDir(dir); dir == "" || err != nil {
		widgets.ShowError(v.win, "Could not open the file", fmt.Errorf("no private folder for opened files: %v", err))
		return
	}
	ctx, gen := v.open.Renew(v.jobs.Ctx())
	v.openBtn.Disable()
	v.openBtn.SetText("Downloading…")
	bar := widget.NewProgressBar()
	label := widget.NewLabel("Downloading " + previewName(v.key) + "…")
	var dlg *dialog.CustomDialog
	cancel := widget.NewButton("Cancel", func() {
		v.open.Stop()
		dlg.Hide()
		v.openBtn.Enable()
		v.openBtn.SetText("Open with system app")
	})
	dlg = dialog.NewCustomWithoutButtons("Opening "+previewName(v.key),
		container.NewVBox(label, container.NewGridWrap(fyne.NewSize(380, bar.MinSize().Height), bar),
			container.NewHBox(layout.NewSpacer(), cancel)), v.win)
	v.openDlg = dlg
	dlg.Show()
	size := v.size
	progress := async.NewThrottle(async.Every, v.jobs.Do, func(n int64) {
		if size > 0 && v.open.Current(gen) {
			bar.SetValue(min(float64(n)/float64(size), 1))
		}
	})
	v.jobs.Go(func() {
		path, err := v.store.SaveToOpen(ctx, v.bucket, v.key, dir, progress.Push)
		progress.Flush()
		v.jobs.Do(func() {
			if !v.open.Current(gen) || v.closed {
				if err == nil {
					_ = os.RemoveAll(filepath.Dir(path)) // nobody opens it
				}
				return
			}
			dlg.Hide()
			v.openBtn.Enable()
			v.openBtn.SetText("Open with system app")
			if err != nil {
				widgets.ShowError(v.win, "Could not open the file", err)
				return
			}
			u := &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
			if err := v.app.OpenURL(u); err != nil {
				widgets.ShowError(v.win, "Could not open the file", fmt.Errorf("no app opened %s: %w", path, err))
			}
		})
	})
}

// previewName is a key's last segment.
func previewName(key string) string {
	if n := filepath.Base(key); n != "." && n != "/" {
		return n
	}
	return key
}
