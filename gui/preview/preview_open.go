package preview

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"s3desk/gui/async"
	"s3desk/gui/widgets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// "Open with system app": the object is downloaded into the private folder
// the shell gives (SetOpenDir) and handed to the system.

// openCap is the size above which "Open with system app" asks first.
const openCap = 200 << 20

// privateDir makes dir (and its parents) with mode 0700.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// openWithSystemApp downloads the object into the private folder, with
// progress and Cancel, and asks the system to open it. Above openCap it
// asks first.
func (v *PreviewView) openWithSystemApp() {
	if v.size > openCap {
		dialog.ShowConfirm(fmt.Sprintf(lang.L("Download %s?"), widgets.Bytes(uint64(v.size))),
			fmt.Sprintf(lang.L("To open %q with an app of this computer, S3 Desk downloads all of it (%s) first. The copy is removed when S3 Desk quits."),
				previewName(v.key), widgets.Bytes(uint64(v.size))),
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
	if err := privateDir(dir); dir == "" || err != nil {
		widgets.ShowError(v.win, lang.L("Could not open the file"), fmt.Errorf(lang.L("no private folder for opened files: %v"), err))
		return
	}
	ctx, gen := v.open.Renew(v.jobs.Ctx())
	v.openBtn.Disable()
	v.openBtn.SetText(lang.L("Downloading…"))
	bar := widget.NewProgressBar()
	label := widget.NewLabel(fmt.Sprintf(lang.L("Downloading %s…"), previewName(v.key)))
	var dlg *dialog.CustomDialog
	cancel := widget.NewButton(lang.L("Cancel"), func() {
		v.open.Stop()
		dlg.Hide()
		v.openBtn.Enable()
		v.openBtn.SetText(lang.L("Open with system app"))
	})
	dlg = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.L("Opening %s"), previewName(v.key)),
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
			v.openBtn.SetText(lang.L("Open with system app"))
			if err != nil {
				widgets.ShowError(v.win, lang.L("Could not open the file"), err)
				return
			}
			u := &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
			if err := v.app.OpenURL(u); err != nil {
				widgets.ShowError(v.win, lang.L("Could not open the file"), fmt.Errorf(lang.L("no app opened %s: %w"), path, err))
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
