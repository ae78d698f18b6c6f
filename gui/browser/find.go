package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// Scopes of "Find in bucket…", shown as lang.L(scope) (i18n:keys).
const (
	scopeBucket = "Whole bucket"
	scopeFolder = "This folder and below"
)

// findDialog is "Find in bucket…": a case-insensitive contains search over a
// streamed recursive listing. Matches show as they are found.
type findDialog struct {
	v       *ObjectsView
	bucket  string
	prefix  string
	store   ObjectStore
	d       *dialog.CustomDialog
	query   *widgets.EscEntry
	scope   *widget.RadioGroup
	goBtn   *widget.Button
	status  *widget.Label
	act     *widget.Activity
	list    *widget.List
	results []storage.Entry
	gen     uint64
	cancel  context.CancelFunc
	running bool
	scanned int64
	err     error
}

// ShowFind opens "Find in bucket…" for the open bucket.
func (v *ObjectsView) ShowFind() {
	if v.bucket == "" || v.store == nil {
		return
	}
	f := &findDialog{v: v, bucket: v.bucket, prefix: v.prefix, store: v.store}
	f.query = widgets.NewEscEntry() // Escape closes the dialog
	f.query.SetPlaceHolder(lang.L("Part of a name or path, any case"))
	f.query.OnSubmitted = func(string) { f.Search() }
	opts := []string{lang.L(scopeBucket)}
	if v.prefix != "" {
		opts = append(opts, lang.L(scopeFolder))
	}
	f.scope = widget.NewRadioGroup(opts, nil)
	f.scope.Horizontal = true
	f.scope.Required = true
	f.scope.SetSelected(lang.L(scopeBucket))
	if v.prefix != "" {
		f.scope.SetSelected(lang.L(scopeFolder))
	}
	f.goBtn = widget.NewButtonWithIcon(lang.L("Search"), theme.SearchIcon(), func() {
		if f.running {
			f.Stop()
		} else {
			f.Search()
		}
	})
	f.goBtn.Importance = widget.HighImportance
	f.status = widget.NewLabel(lang.L("Type part of a name and press Search. Other tools match only the start of a key; this looks inside every key."))
	f.status.Wrapping = fyne.TextWrapWord
	f.act = widget.NewActivity()
	f.act.Hide()
	f.list = widget.NewList(
		func() int { return len(f.results) },
		func() fyne.CanvasObject {
			size := widget.NewLabel(lang.L("999.9 MB"))
			size.Alignment = fyne.TextAlignTrailing
			key := widget.NewLabel(lang.L("folder/name.txt"))
			key.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), size, key)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(f.results) {
				return
			}
			e := &f.results[id]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(e.Key)
			c.Objects[1].(*widget.Icon).SetResource(entryIcon(e))
			size := ""
			if !e.IsFolder {
				size = widgets.Bytes(uint64(max(e.Size, 0)))
			}
			c.Objects[2].(*widget.Label).SetText(size)
		})
	f.list.OnSelected = func(id widget.ListItemID) {
		if id < len(f.results) {
			f.reveal(f.results[id])
		}
	}
	where := widget.NewLabelWithStyle(fmt.Sprintf(lang.L("Search in “%s”"), v.bucket), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(
		where,
		container.NewBorder(nil, nil, nil, f.goBtn, f.query),
		f.scope,
		container.NewBorder(nil, nil, f.act, nil, f.status),
		widget.NewSeparator())
	f.d = dialog.NewCustom(lang.L("Find in bucket"), lang.L("Close"), container.NewBorder(top, nil, nil, nil, f.list), v.win)
	f.d.SetOnClosed(f.Stop)
	f.query.OnEscape = f.d.Hide
	f.d.Resize(fyne.NewSize(720, 520))
	f.d.Show()
	v.win.Canvas().Focus(f.query)
	v.findDlg = f
}

// Search starts (or restarts) the search.
func (f *findDialog) Search() {
	q := strings.TrimSpace(f.query.Text)
	if q == "" {
		f.status.SetText(lang.L("Type part of a name to search for."))
		return
	}
	f.Stop()
	f.gen++
	gen := f.gen
	f.results = nil
	f.list.UnselectAll()
	f.list.Refresh()
	f.scanned, f.err = 0, nil
	prefix := ""
	if f.scope.Selected == lang.L(scopeFolder) {
		prefix = f.prefix
	}
	ctx, cancel := context.WithCancel(f.v.life)
	f.cancel = cancel
	f.running = true
	f.goBtn.SetText(lang.L("Stop"))
	f.goBtn.SetIcon(theme.MediaStopIcon())
	f.act.Show()
	f.act.Start()
	f.status.SetText(lang.L("Searching…"))

	var mu sync.Mutex
	var found []storage.Entry
	var scanned int64
	var last time.Time
	flush := func(final bool, err error) {
		mu.Lock()
		batch, n := found, scanned
		found = nil
		mu.Unlock()
		f.v.jobs.Do(func() {
			if f.gen != gen {
				return // a newer search or the dialog closed
			}
			f.results = append(f.results, batch...)
			f.scanned = n
			if len(batch) > 0 {
				f.list.Refresh()
			}
			if final {
				f.finish(err)
			} else {
				f.status.SetText(f.summary(lang.L("Searching… %s")))
			}
		})
	}
	maybe := func() {
		mu.Lock()
		due := time.Since(last) >= 100*time.Millisecond
		if due {
			last = time.Now()
		}
		mu.Unlock()
		if due {
			flush(false, nil)
		}
	}
	store, bucket := f.store, f.bucket
	f.v.jobs.Go(func() {
		n, err := store.Find(ctx, bucket, storage.FindOptions{
			Prefix: prefix,
			Query:  q,
			OnMatch: func(e storage.Entry) {
				mu.Lock()
				found = append(found, e)
				mu.Unlock()
				maybe()
			},
			OnProgress: func(n int64) {
				mu.Lock()
				scanned = n
				mu.Unlock()
				maybe()
			},
		})
		mu.Lock()
		scanned = max(scanned, n)
		mu.Unlock()
		flush(true, err)
	})
}

func (f *findDialog) summary(lead string) string {
	return fmt.Sprintf(lead, fmt.Sprintf(lang.L("%s in %s scanned"), widgets.Count(len(f.results), "match", "matches"), widgets.Count(f.scanned, "key", "keys")))
}

func (f *findDialog) finish(err error) {
	f.running = false
	f.err = err
	f.act.Stop()
	f.act.Hide()
	f.goBtn.SetText(lang.L("Search"))
	f.goBtn.SetIcon(theme.SearchIcon())
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
	switch {
	case err == nil:
		f.status.SetText(f.summary(lang.L("Done: %s")))
	case errors.Is(err, context.Canceled):
		f.status.SetText(f.summary(lang.L("Stopped: %s")))
	default:
		f.status.SetText(widgets.ErrorText(err))
	}
}

// Stop cancels a running search; its results so far stay.
func (f *findDialog) Stop() {
	if f.cancel != nil {
		f.cancel()
	}
}

// reveal opens the folder of a result with the result selected.
func (f *findDialog) reveal(e storage.Entry) {
	f.d.Hide()
	v := f.v
	if v.bucket != f.bucket || v.store != f.store {
		return // the user has switched profile or bucket meanwhile
	}
	v.Open(f.bucket, parentPrefix(e.Key))
	v.pendingSelect = e.Key
	v.selectPendingIfLoaded()
}
