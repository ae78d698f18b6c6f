// Package copyto is "Copy to…" and "Move to…": pick a profile, a bucket and
// a folder (a small browser), then copy or move the selection there, within
// one account on the server, across accounts streamed through the app
// (storage/transfer Engine.Copy), one transfers-panel row per object.
package copyto

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/transfer"
)

// Conn is one account as the dialog uses it; the shell adapts its storage
// service (gui/syncwiring.go).
type Conn interface {
	Service() *storage.Service
	Buckets(ctx context.Context) ([]storage.Bucket, error)
	// Engine builds a transfer engine of this account; the dialog closes it
	// when its batch ends.
	Engine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error)
}

// Item is one transfer shown in the transfers panel.
type Item struct {
	ID     int64
	Upload bool
	Name   string
	Where  string
	Total  int64
}

// Runner cancels a transfer by ID (*transfer.Engine).
type Runner interface {
	NewID() int64
	Cancel(id int64)
}

// Deps are the dialog's links to the shell.
type Deps struct {
	Jobs     *async.Jobs
	Profiles func() []string
	Current  string
	// Connect gives a profile's account (the connected one for Current).
	Connect func(ctx context.Context, profile string) (Conn, error)
	// Track shows the copies in the transfers panel; nil shows them nowhere.
	Track   func(r Runner, items []Item, retry func(ctx context.Context, it Item, fn transfer.ProgressFunc)) transfer.ProgressFunc
	DataDir string
	Options func() transfer.TransferOptions
	// Done, when set, gets the batch's result (UI goroutine).
	Done func(res transfer.BatchResult)
}

// Dialog picks where the selection goes.
type Dialog struct {
	deps    Deps
	win     fyne.Window
	ctx     context.Context
	move    bool
	bucket  string // the selection's bucket and the folder it was listed in
	base    string
	entries []storage.Entry

	Profile  *widget.Select
	Bucket   *widget.Select
	Prefix   *widget.Entry
	folders  []string
	Folders  *widget.List
	Status   *widget.Label
	dlg      dialog.Dialog
	gen      int
	Conflict func(existing int, done func(transfer.ConflictPolicy, bool)) // nil: ask with a dialog
}

// Show opens "Copy to…" (move false) or "Move to…" for entries of bucket
// listed under base.
func Show(ctx context.Context, win fyne.Window, deps Deps, bucket, base string, entries []storage.Entry, move bool) *Dialog {
	d := &Dialog{deps: deps, win: win, ctx: ctx, move: move, bucket: bucket, base: base, entries: entries}
	if d.deps.Jobs == nil {
		d.deps.Jobs = async.New(ctx)
	}
	var profiles []string
	if deps.Profiles != nil {
		profiles = deps.Profiles()
	}
	d.Profile = widget.NewSelect(profiles, func(string) { d.loadBuckets() })
	d.Bucket = widget.NewSelect(nil, func(string) { d.SetPrefix("") })
	d.Prefix = widget.NewEntry()
	d.Prefix.SetPlaceHolder(lang.L("folder/ (empty: the top of the bucket)"))
	d.Prefix.OnSubmitted = func(p string) { d.SetPrefix(p) }
	d.Folders = widget.NewList(func() int { return len(d.folders) },
		func() fyne.CanvasObject { return widget.NewLabel(lang.L("folder/")) },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(d.folders[i]) })
	d.Folders.OnSelected = func(i widget.ListItemID) {
		if i < len(d.folders) {
			d.Folders.UnselectAll()
			d.SetPrefix(d.Prefix.Text + d.folders[i])
		}
	}
	up := widget.NewButton(lang.L("Up"), func() { d.SetPrefix(parent(d.Prefix.Text)) })
	d.Status = widget.NewLabel("")
	d.Status.Wrapping = fyne.TextWrapWord
	what := fmt.Sprintf(lang.L("%d selected"), len(entries))
	if len(entries) == 1 {
		what = entries[0].Name
	}
	form := container.NewVBox(widget.NewLabel(what),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Profile")), nil, d.Profile),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Bucket")), nil, d.Bucket),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Folder")), up, d.Prefix))
	content := container.NewBorder(form, d.Status, nil, nil, d.Folders)
	title, verb := lang.L("Copy to…"), lang.L("Copy")
	if move {
		title, verb = lang.L("Move to…"), lang.L("Move")
	}
	d.dlg = dialog.NewCustomConfirm(title, verb, lang.L("Cancel"), content, func(ok bool) {
		if ok {
			d.Start()
		}
	}, win)
	d.dlg.Resize(fyne.NewSize(560, 480))
	d.Profile.SetSelected(deps.Current)
	d.dlg.Show()
	return d
}

func parent(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i+1]
	}
	return ""
}

func (d *Dialog) loadBuckets() {
	name := d.Profile.Selected
	d.gen++
	gen := d.gen
	d.Bucket.Options = nil
	d.Bucket.ClearSelected()
	d.deps.Jobs.Go(func() {
		var names []string
		c, err := d.deps.Connect(d.ctx, name)
		if err == nil {
			var bs []storage.Bucket
			bs, err = c.Buckets(d.ctx)
			for _, b := range bs {
				names = append(names, b.Name)
			}
		}
		d.deps.Jobs.Do(func() {
			if gen != d.gen {
				return
			}
			if err != nil {
				d.Status.SetText(widgets.Sentence(widgets.ErrorText(err)))
				return
			}
			d.Bucket.Options = names
			d.Bucket.Refresh()
			if name == d.deps.Current {
				d.Bucket.SetSelected(d.bucket) // the selection's own bucket first
			}
		})
	})
}

// SetPrefix browses to folder p of the chosen bucket.
func (d *Dialog) SetPrefix(p string) {
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	d.Prefix.SetText(p)
	d.folders = nil
	d.Folders.Refresh()
	name, bucket := d.Profile.Selected, d.Bucket.Selected
	if bucket == "" {
		return
	}
	d.gen++
	gen := d.gen
	d.deps.Jobs.Go(func() {
		var fs []string
		c, err := d.deps.Connect(d.ctx, name)
		if err == nil {
			for page, lerr := range c.Service().List(d.ctx, bucket, storage.ListOptions{Prefix: p}) {
				if lerr != nil {
					err = lerr
					break
				}
				for _, f := range page.Folders {
					fs = append(fs, f.Name)
				}
				if len(fs) > 500 {
					break // a browser, not a listing
				}
			}
		}
		d.deps.Jobs.Do(func() {
			if gen != d.gen {
				return
			}
			if err != nil {
				d.Status.SetText(widgets.Sentence(widgets.ErrorText(err)))
				return
			}
			d.folders = fs
			d.Folders.Refresh()
		})
	})
}
