// Package versions is the objects view's "Show versions" pane: a folder's
// keys each with its versions under it (version ID, size, last modified,
// "latest", "delete marker"), loaded a page at a time, and what can be done
// with a version: download, preview, copy a link, restore it, delete it for
// good; undelete a key or a whole folder. The objects view declares the
// pane's interface (browser.VersionsPane); the shell wires it in.
package versions

import (
	"context"
	"fmt"
	"iter"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	sv "s3desk/storage/versions"
)

// Store is what the pane needs from storage; *versions.Service
// (storage/versions) has it.
type Store interface {
	Status(ctx context.Context, bucket string) (sv.Status, error)
	List(ctx context.Context, bucket string, opts sv.ListOptions) iter.Seq2[sv.Page, error]
	Restore(ctx context.Context, ref storage.ObjectRef) error
	DeleteVersion(ctx context.Context, ref storage.ObjectRef) error
	Undelete(ctx context.Context, bucket, key string) error
	PlanUndeleteFolder(ctx context.Context, bucket, prefix string, progress func(keys int64)) (int64, error)
	UndeleteFolder(ctx context.Context, bucket, prefix string, progress func(keys int64)) (sv.UndeleteResult, error)
	Link(ctx context.Context, ref storage.ObjectRef, expiry time.Duration) (string, error)
	Peek(ctx context.Context, ref storage.ObjectRef, limit int64) ([]byte, storage.ObjectInfo, error)
}

// Actions are the other features the pane hands work to (set by the shell);
// nil hides the menu item.
type Actions struct {
	// Download downloads entries; a version's entry carries its VersionID.
	Download func(bucket string, entries []storage.Entry)
}

// PageSize is how many versions one page of the pane asks for.
const PageSize = 200

// Pane shows one folder's versions. Use it on the UI goroutine.
type Pane struct {
	win     fyne.Window
	jobs    *async.Jobs
	store   func() Store
	actions Actions
	// LinkExpiry is how long a copied version link works.
	LinkExpiry time.Duration
	pageSize   int32

	parent         context.Context // from Show: the objects view's
	gen            async.Gen       // the listing; a late page of an older one is dropped
	live           int             // the listing's generation
	pg             *pager
	bucket, prefix string
	open           func(prefix string)
	rows           rowList
	loadErr        error
	ops            int // running actions

	root     *fyne.Container
	list     *widget.List
	title    *widget.Label
	status   *widget.Label
	count    *widget.Label
	activity *widget.Activity
	more     *widget.Button
	undelete *widget.Button
}

// pager is one listing, pulled a page at a time.
type pager struct {
	next func() (sv.Page, error, bool)
	stop func()
	busy bool // a page is being fetched
	done bool // no more pages (or stopped)
}

// NewPane builds the pane. store gives the connected account's store (nil
// when none).
func NewPane(win fyne.Window, jobs *async.Jobs, store func() Store, actions Actions) *Pane {
	p := &Pane{win: win, jobs: jobs, store: store, actions: actions, LinkExpiry: time.Hour, pageSize: PageSize}
	p.build()
	return p
}

// SetJobs makes the pane run its work with j.
func (p *Pane) SetJobs(j *async.Jobs) { p.jobs = j }

// CanvasObject is the pane's root widget.
func (p *Pane) CanvasObject() fyne.CanvasObject { return p.root }

// Versioned tells whether bucket has or had versioning, so that it can
// hold versions (Enabled or Suspended). Call it off the UI goroutine.
func (p *Pane) Versioned(ctx context.Context, bucket string) (bool, error) {
	s := p.store()
	if s == nil {
		return false, nil
	}
	st, err := s.Status(ctx, bucket)
	return st.HasVersions(), err
}

// Show lists bucket/prefix's versions beneath ctx, the first page at once
// and the next ones when asked ("Load more versions"). open is called to go
// into a sub-folder.
func (p *Pane) Show(ctx context.Context, bucket, prefix string, open func(prefix string)) {
	p.parent, p.bucket, p.prefix, p.open = ctx, bucket, prefix, open
	p.reload()
}

// Stop ends the listing; its late pages are dropped.
func (p *Pane) Stop() {
	p.dropPager()
	p.gen.Stop()
}

// reload lists the current folder afresh.
func (p *Pane) reload() {
	p.dropPager()
	p.rows, p.loadErr = rowList{}, nil
	where := p.bucket
	if p.prefix != "" {
		where += "/" + p.prefix
	}
	p.title.SetText(fmt.Sprintf(lang.L("Versions in %s"), where))
	if p.prefix != "" {
		p.undelete.Show()
	} else {
		p.undelete.Hide()
	}
	s := p.store()
	if s == nil || p.bucket == "" || p.parent == nil {
		p.refresh()
		return
	}
	ctx, gen := p.gen.Renew(p.parent)
	p.live = gen
	next, stop := iter.Pull2(s.List(ctx, p.bucket, sv.ListOptions{Prefix: p.prefix, PageSize: p.pageSize}))
	p.pg = &pager{next: next, stop: stop}
	p.fetch(gen)
}

func (p *Pane) dropPager() {
	if pg := p.pg; pg != nil && !pg.busy && !pg.done {
		pg.done = true
		pg.stop()
	}
	p.pg = nil // a busy one is stopped when its page arrives
}

// fetch pulls the next page off the UI goroutine.
func (p *Pane) fetch(gen int) {
	pg := p.pg
	if pg == nil || pg.busy || pg.done {
		return
	}
	pg.busy = true
	p.refresh()
	p.jobs.Go(func() {
		page, err, ok := pg.next()
		p.jobs.Do(func() {
			pg.busy = false
			if !p.gen.Current(gen) || p.pg != pg {
				pg.done = true
				pg.stop()
				return
			}
			if !ok || err != nil || page.Last {
				pg.done = true
				pg.stop()
			}
			if err != nil {
				p.loadErr = err
			} else if ok {
				p.rows.add(page)
			}
			p.refresh()
		})
	})
}

// LoadMore asks for the next page.
func (p *Pane) LoadMore() { p.fetch(p.live) }

func (p *Pane) loading() bool { return p.pg != nil && p.pg.busy }

func (p *Pane) hasMore() bool { return p.pg != nil && !p.pg.done }

// refresh redraws the list and the status line.
func (p *Pane) refresh() {
	p.list.Refresh()
	if p.loading() || p.ops > 0 {
		p.activity.Show()
		p.activity.Start()
	} else {
		p.activity.Stop()
		p.activity.Hide()
	}
	if p.hasMore() && !p.loading() {
		p.more.Show()
	} else {
		p.more.Hide()
	}
	keys := len(p.rows.keys) - p.rows.versions()
	s := fmt.Sprintf(lang.L("%s of %s"), widgets.Count(p.rows.versions(), "version", "versions"), widgets.Count(keys, "file", "files"))
	if p.hasMore() {
		s += " so far"
	}
	if p.loadErr != nil {
		s = fmt.Sprintf(lang.L("The versions could not be listed: %s"), widgets.ErrorText(p.loadErr))
	} else if p.rows.len() == 0 && !p.hasMore() {
		s = "No versions here"
	}
	p.count.SetText(s)
}

func (p *Pane) setStatus(s string) { p.status.SetText(s) }

func (p *Pane) build() {
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.undelete = widget.NewButtonWithIcon(lang.L("Undelete this folder…"), theme.HistoryIcon(), func() { p.UndeleteFolder(p.prefix) })
	p.undelete.Importance = widget.LowImportance
	p.undelete.Hide()
	p.list = widget.NewList(p.rows.len, func() fyne.CanvasObject { return newVerRow(p) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*verRow).update(id) })
	p.more = widget.NewButtonWithIcon(lang.L("Load more versions"), theme.MoreVerticalIcon(), p.LoadMore)
	p.more.Hide()
	p.count = widget.NewLabel("")
	p.status = widget.NewLabel("")
	p.status.Truncation = fyne.TextTruncateEllipsis
	p.activity = widget.NewActivity()
	p.activity.Hide()
	top := container.NewBorder(nil, nil, nil, p.undelete, p.title)
	bottom := container.NewBorder(nil, nil, container.NewHBox(p.activity, p.count, p.more), nil, p.status)
	p.root = container.NewBorder(container.NewVBox(top, widget.NewSeparator()), container.NewVBox(widget.NewSeparator(), bottom), nil, nil, p.list)
}

// ref is the version a row names.
func (p *Pane) ref(r *row) storage.ObjectRef {
	return storage.ObjectRef{Bucket: p.bucket, Key: r.key, VersionID: r.v.VersionID}
}

// versionText is what a version row says: its ID, size and tags.
func versionText(v sv.Version) (id, size, tags string) {
	id = v.VersionID
	if id == "" || id == "null" {
		id = "null (from before versioning)"
	}
	switch {
	case v.IsDeleteMarker:
		size, tags = "—", "delete marker"
	default:
		size = humanize.IBytes(uint64(max(v.Size, 0)))
	}
	if v.IsLatest {
		if tags != "" {
			tags += ", "
		}
		tags += "latest"
	}
	return id, size, tags
}

// background runs work off the UI goroutine under the view's context, then
// done on it.
func (p *Pane) background(work func(ctx context.Context) error, done func(error)) {
	ctx := p.parent
	if ctx == nil {
		return
	}
	p.ops++
	p.refresh()
	p.jobs.Go(func() {
		err := work(ctx)
		p.jobs.Do(func() {
			p.ops--
			p.refresh()
			done(err)
		})
	})
}

// short is a version ID cut for messages.
func short(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

func quoted(s string) string { return fmt.Sprintf("“%s”", s) }
