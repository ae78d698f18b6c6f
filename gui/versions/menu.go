package versions

import (
	"context"
	"fmt"
	"path"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// menuFor is the right-click menu of line id (nil for none).
func (p *Pane) menuFor(id int) *fyne.Menu {
	if id < 0 || id >= p.rows.len() {
		return nil
	}
	r := *p.rows.at(id)
	var items []*fyne.MenuItem
	add := func(label string, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		items = append(items, it)
		return it
	}
	switch r.kind {
	case rowFolder:
		if p.open != nil {
			add(lang.L("Open"), func() { p.open(r.key) })
		}
		add(lang.L("Undelete folder…"), func() { p.UndeleteFolder(r.key) }).Icon = theme.HistoryIcon()
	case rowKey:
		if r.deleted {
			add(lang.L("Restore (undelete)"), func() { p.Undelete(r.key) }).Icon = theme.HistoryIcon()
		}
		add(lang.L("Copy key"), func() { copyText(r.key) })
	case rowVersion:
		if r.v.IsDeleteMarker {
			if r.v.IsLatest {
				add(lang.L("Restore (undelete)"), func() { p.Undelete(r.key) }).Icon = theme.HistoryIcon()
				break
			}
			del := add(lang.L("Delete this delete marker permanently…"), func() { p.DeleteVersion(r) })
			del.Icon = theme.DeleteIcon()
			break
		}
		if p.actions.Download != nil {
			add(lang.L("Download…"), func() { p.Download(r) }).Icon = theme.DownloadIcon()
		}
		add(lang.L("Preview"), func() { p.Preview(r) })
		add(lang.L("Copy link"), func() { p.CopyLink(r) })
		restore := add(lang.L("Restore this version"), func() { p.Restore(r) })
		restore.Icon = theme.HistoryIcon()
		restore.Disabled = r.v.IsLatest // it is the current one already
		items = append(items, fyne.NewMenuItemSeparator())
		add(lang.L("Delete this version permanently…"), func() { p.DeleteVersion(r) }).Icon = theme.DeleteIcon()
	}
	return fyne.NewMenu("", items...)
}

func copyText(s string) {
	if app := fyne.CurrentApp(); app != nil {
		app.Clipboard().SetContent(s)
	}
}

// Download hands version r to the transfers (its entry carries the
// version ID).
func (p *Pane) Download(r row) {
	if p.actions.Download == nil || r.kind != rowVersion || r.v.IsDeleteMarker {
		return
	}
	p.actions.Download(p.bucket, []storage.Entry{{Key: r.key, Name: path.Base(r.key), Size: r.v.Size,
		LastModified: r.v.LastModified, StorageClass: r.v.StorageClass, VersionID: r.v.VersionID}})
}

// Restore copies version r over the current one (after which it is the
// latest, with its own Content-Type and metadata), then lists again.
func (p *Pane) Restore(r row) {
	s := p.store()
	if s == nil || r.kind != rowVersion || r.v.IsDeleteMarker {
		return
	}
	ref := p.ref(&r)
	p.setStatus(fmt.Sprintf(lang.L("Restoring %s…"), quoted(r.name)))
	p.background(func(ctx context.Context) error { return s.Restore(ctx, ref) }, func(err error) {
		if err != nil {
			p.setStatus("")
			widgets.ShowError(p.win, lang.L("Could not restore the version"), err)
			return
		}
		p.setStatus(fmt.Sprintf(lang.L("Restored version %s of %s; it is the current version now"), short(ref.VersionID), quoted(r.name)))
		p.reload()
	})
}

// Undelete removes key's delete marker(s), so its newest version is back.
func (p *Pane) Undelete(key string) {
	s := p.store()
	if s == nil {
		return
	}
	bucket := p.bucket
	p.setStatus(fmt.Sprintf(lang.L("Restoring %s…"), quoted(path.Base(key))))
	p.background(func(ctx context.Context) error { return s.Undelete(ctx, bucket, key) }, func(err error) {
		if err != nil {
			p.setStatus("")
			widgets.ShowError(p.win, lang.L("Could not restore the file"), err)
			return
		}
		p.setStatus(fmt.Sprintf(lang.L("Restored %s"), quoted(path.Base(key))))
		p.reload()
	})
}

// DeleteVersion asks, then deletes version (or delete marker) r for good.
func (p *Pane) DeleteVersion(r row) {
	s := p.store()
	if s == nil || r.kind != rowVersion {
		return
	}
	ref := p.ref(&r)
	what := fmt.Sprintf(lang.L("Version %s of %s"), short(ref.VersionID), quoted(r.name))
	if r.v.IsDeleteMarker {
		what = fmt.Sprintf(lang.L("This delete marker of %s"), quoted(r.name))
	}
	d := dialog.NewConfirm(lang.L("Delete this version permanently?"),
		fmt.Sprintf(lang.L("%s will be deleted for good. This cannot be undone."), what), func(ok bool) {
			if !ok {
				return
			}
			p.background(func(ctx context.Context) error { return s.DeleteVersion(ctx, ref) }, func(err error) {
				if err != nil {
					widgets.ShowError(p.win, lang.L("Could not delete the version"), err)
					return
				}
				p.setStatus(fmt.Sprintf(lang.L("Deleted version %s of %s"), short(ref.VersionID), quoted(r.name)))
				p.reload()
			})
		}, p.win)
	d.SetConfirmText(lang.L("Delete permanently"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// CopyLink copies a presigned link to version r.
func (p *Pane) CopyLink(r row) {
	s := p.store()
	if s == nil || r.kind != rowVersion || r.v.IsDeleteMarker {
		return
	}
	ref, expiry := p.ref(&r), p.LinkExpiry
	p.background(func(ctx context.Context) error {
		url, err := s.Link(ctx, ref, expiry)
		if err == nil {
			p.jobs.Do(func() { copyText(url) })
		}
		return err
	}, func(err error) {
		if err != nil {
			widgets.ShowError(p.win, lang.L("Could not make a link"), err)
			return
		}
		p.setStatus(fmt.Sprintf(lang.L("Copied a link to version %s of %s"), short(ref.VersionID), quoted(r.name)))
	})
}
