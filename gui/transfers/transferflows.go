package transfers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/transfer"
)

// policyOf maps the Settings conflict choice; ok is false for "ask".
func policyOf(s string) (transfer.ConflictPolicy, bool) {
	switch s {
	case ConflictOverwrite:
		return transfer.ConflictOverwrite, true
	case ConflictSkip:
		return transfer.ConflictSkip, true
	case ConflictKeepBoth:
		return transfer.ConflictKeepBoth, true
	}
	return transfer.ConflictSkip, false
}

// UploadFiles asks for a file and uploads it into bucket/prefix.
func (p *TransfersPanel) UploadFiles(bucket, prefix string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		p.StartUpload(bucket, prefix, []string{path})
	}, p.win)
	showChooser(d, p.win)
}

// UploadFolder asks for a folder and uploads it into bucket/prefix.
func (p *TransfersPanel) UploadFolder(bucket, prefix string) {
	showChooser(dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		p.StartUpload(bucket, prefix, []string{l.Path()})
	}, p.win), p.win)
}

// Dropped uploads files and folders dropped on the window into the folder
// being viewed (bucket "" when none is open).
func (p *TransfersPanel) Dropped(bucket, prefix string, uris []fyne.URI) {
	if p.engine == nil {
		p.deps.Alert(lang.L("Not connected"), lang.L("Choose an account on the left and open a bucket, then drop the files again to upload them."))
		return
	}
	if bucket == "" {
		p.deps.Alert(lang.L("Open a bucket first"), lang.L("Choose a bucket on the left and open the folder you want, then drop the files again. They are uploaded into the folder you are viewing."))
		return
	}
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		p.deps.Alert(lang.L("Nothing to upload"), lang.L("Only files and folders from this computer can be dropped here."))
		return
	}
	p.StartUpload(bucket, prefix, paths)
}

// StartUpload plans an upload of paths (files and folders) into
// bucket/prefix, asks about existing keys, and queues it.
func (p *TransfersPanel) StartUpload(bucket, prefix string, paths []string) {
	p.StartUploadWith(bucket, prefix, paths, transfer.UploadOptions{}, nil)
}

// StartUploadWith is StartUpload with the Content-Type, Cache-Control and
// metadata of base (its Conflict and Prechecked are set here). after, when
// not nil, runs once on the UI goroutine when every file of this batch has
// ended (after deps.Uploaded), with the results of all of them; it does not
// run when the user cancels the batch at the conflicts question.
func (p *TransfersPanel) StartUploadWith(bucket, prefix string, paths []string, base transfer.UploadOptions, after func(transfer.BatchResult)) {
	e := p.engine
	if e == nil {
		p.deps.Alert(lang.L("Not connected"), lang.L("Choose an account on the left first."))
		return
	}
	pol, fixed := policyOf(p.deps.Settings().Conflict)
	conn := p.connCtx()
	ctx, end := p.beginPlanning(e, true, planningName(paths), bucket)
	p.deps.Jobs.Go(func() {
		defer end()
		plan, err := e.PlanUpload(ctx, prefix, paths)
		if stopped(ctx, err) {
			return // cancelled: nothing is sent
		}
		if err != nil {
			p.deps.Jobs.Do(func() { p.deps.Alert(lang.L("Cannot upload"), widgets.Sentence(widgets.ErrorText(err))) })
			return
		}
		var existing []string
		if !fixed && len(plan.Items) > 0 {
			keys := make([]string, len(plan.Items))
			for i, it := range plan.Items {
				keys[i] = it.Key
			}
			existing, err = e.Existing(ctx, bucket, keys)
			if stopped(ctx, err) {
				return
			}
			if err != nil {
				p.deps.Jobs.Do(func() { p.deps.Alert(lang.L("Cannot upload"), widgets.Sentence(widgets.ErrorText(err))) })
				return
			}
		}
		end() // the row goes before the files' rows come
		p.deps.Jobs.Do(func() {
			if abandoned(ctx, conn) {
				return // cancelled at the last moment
			}
			for _, s := range plan.Skipped {
				p.addRow(&transferRow{id: e.NewID(), upload: true, name: s.Path, where: bucket, state: transfer.StateSkipped, reason: s.Reason})
			}
			if len(plan.Items) == 0 {
				if len(plan.Skipped) == 0 {
					p.deps.Alert(lang.L("Nothing to upload"), lang.L("The folder is empty."))
				}
				if after != nil {
					after(transfer.BatchResult{})
				}
				return
			}
			p.resolve(existing, fixed, pol, func(choice map[string]transfer.ConflictPolicy) {
				groups := map[transfer.ConflictPolicy][]transfer.UploadItem{}
				for _, it := range plan.Items {
					c, ok := choice[it.Key]
					if ok && c == transfer.ConflictSkip { // known to exist: not sent at all
						p.addRow(&transferRow{id: e.NewID(), upload: true, name: it.Key, where: bucket,
							state: transfer.StateSkipped, total: it.Size, reason: lang.L("exists; kept the stored object")})
						continue
					}
					if !ok {
						c = pol // new keys: If-None-Match guards a race
					}
					groups[c] = append(groups[c], it)
				}
				done := joinBatches(len(groups), after)
				for c, items := range groups {
					opts := base
					opts.Conflict, opts.Prechecked = c, !fixed
					p.runUpload(conn, e, bucket, items, opts, done)
				}
			})
		})
	})
}

// resolve asks about existing names unless the settings fix a policy;
// done is not called when the user cancels.
func (p *TransfersPanel) resolve(existing []string, fixed bool, pol transfer.ConflictPolicy, done func(map[string]transfer.ConflictPolicy)) {
	if fixed || len(existing) == 0 {
		done(map[string]transfer.ConflictPolicy{})
		return
	}
	p.deps.Choose(existing, func(m map[string]transfer.ConflictPolicy) {
		if m != nil {
			done(m)
		}
	})
}

// joinBatches calls after once, with the sum of n batch results, when the
// n-th has come in; with n == 0 at once. The returned func runs on the UI
// goroutine. A nil after gives nil.
func joinBatches(n int, after func(transfer.BatchResult)) func(transfer.BatchResult) {
	if after == nil {
		return nil
	}
	if n == 0 {
		after(transfer.BatchResult{})
		return nil
	}
	var sum transfer.BatchResult
	return func(r transfer.BatchResult) {
		sum.Done += r.Done
		sum.Failed += r.Failed
		sum.SkippedN += r.SkippedN
		sum.Cancelled += r.Cancelled
		sum.Bytes += r.Bytes
		sum.Items = append(sum.Items, r.Items...)
		if n--; n == 0 {
			after(sum)
		}
	}
}

// runUpload queues items; done (optional) gets the batch result on the UI
// goroutine after deps.Uploaded.
// They run beneath ctx (the connection's).
func (p *TransfersPanel) runUpload(ctx context.Context, e TransferEngine, bucket string, items []transfer.UploadItem, opts transfer.UploadOptions, done func(transfer.BatchResult)) {
	p.SetBandwidth(p.deps.Settings().BandwidthMiBps) // a changed limit applies to every transfer from now on
	for i := range items {
		items[i].ID = e.NewID()
		it := items[i]
		r := &transferRow{id: it.ID, upload: true, name: it.Key, where: bucket, state: transfer.StateQueued, total: it.Size, eta: -1}
		r.retry = func() {
			nid := p.reassign(r, e)
			one := it
			one.ID = nid
			p.deps.Jobs.Go(func() {
				p.uploaded(e.Upload(ctx, bucket, []transfer.UploadItem{one}, opts, p.onProgress))
			})
		}
		p.mu.Lock()
		p.owner[it.ID] = e
		p.mu.Unlock()
		p.addRow(r)
	}
	start := time.Now()
	p.deps.Jobs.Go(func() {
		res := e.Upload(ctx, bucket, items, opts, p.onProgress)
		p.uploaded(res)
		if done != nil {
			p.deps.Jobs.Do(func() { done(res) })
		}
		p.finished(lang.L("Upload"), fmt.Sprintf(lang.L("to %s"), bucket), res, time.Since(start))
	})
}

// uploaded hands a finished upload batch to deps.Uploaded (any goroutine).
func (p *TransfersPanel) uploaded(res transfer.BatchResult) {
	if p.deps.Uploaded != nil {
		p.deps.Jobs.Do(func() { p.deps.Uploaded(res) })
	}
}

// reassign gives a row a new transfer ID for a retry.
func (p *TransfersPanel) reassign(r *transferRow, e TransferEngine) int64 {
	nid := e.NewID()
	p.mu.Lock()
	delete(p.byID, r.id)
	delete(p.owner, r.id)
	r.id, r.state, r.done, r.reason, r.note, r.eta = nid, transfer.StateQueued, 0, "", "", -1
	r.checked, r.retries = "", 0
	p.byID[nid] = r
	p.owner[nid] = e
	p.mu.Unlock()
	p.schedule()
	return nid
}

// finished notifies the desktop when a long batch ends (any goroutine).
func (p *TransfersPanel) finished(kind, where string, res transfer.BatchResult, took time.Duration) {
	if p.deps.Notify == nil || took < longBatch {
		return
	}
	n := res.Done + res.Failed + res.SkippedN + res.Cancelled
	body := fmt.Sprintf(lang.L("%d of %s %s, %s"), res.Done, widgets.Count(n, "file", "files"), where, widgets.Bytes(uint64(res.Bytes)))
	if res.Failed > 0 {
		body += fmt.Sprintf(lang.L("; %d failed"), res.Failed)
	}
	p.deps.Jobs.Do(func() { p.deps.Notify(kind+" finished", body) })
}

// Download asks for a destination folder and downloads entries there.
func (p *TransfersPanel) Download(bucket string, entries []storage.Entry) {
	if len(entries) == 0 {
		p.deps.Alert(lang.L("Nothing selected"), lang.L("Select files or folders to download."))
		return
	}
	showChooser(dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		p.StartDownload(bucket, entries, l.Path())
	}, p.win), p.win)
}

// StartDownload plans and queues a download of entries into dest.
func (p *TransfersPanel) StartDownload(bucket string, entries []storage.Entry, dest string) {
	e := p.engine
	if e == nil {
		p.deps.Alert(lang.L("Not connected"), lang.L("Choose an account on the left first."))
		return
	}
	pol, fixed := policyOf(p.deps.Settings().Conflict)
	conn := p.connCtx()
	ctx, end := p.beginPlanning(e, false, planningName(entryNames(entries)), dest)
	p.deps.Jobs.Go(func() {
		defer end()
		plan, err := e.PlanDownload(ctx, bucket, baseOf(entries[0]), entries)
		if stopped(ctx, err) {
			return
		}
		if err != nil {
			p.deps.Jobs.Do(func() { p.deps.Alert(lang.L("Cannot download"), widgets.Sentence(widgets.ErrorText(err))) })
			return
		}
		var existing []string
		if !fixed {
			existing = transfer.LocalExisting(dest, plan.Items)
		}
		end()
		p.deps.Jobs.Do(func() {
			if abandoned(ctx, conn) {
				return
			}
			for _, s := range plan.Skipped {
				p.addRow(&transferRow{id: e.NewID(), name: s.Path, where: dest, state: transfer.StateSkipped, reason: s.Reason})
			}
			if len(plan.Items) == 0 {
				if len(plan.Skipped) == 0 {
					p.deps.Alert(lang.L("Nothing to download"), lang.L("The selection holds no files."))
				}
				return
			}
			p.resolve(existing, fixed, pol, func(choice map[string]transfer.ConflictPolicy) {
				groups := map[transfer.ConflictPolicy][]transfer.DownloadItem{}
				for _, it := range plan.Items {
					c, ok := choice[it.Rel]
					if !ok {
						c = pol
					}
					groups[c] = append(groups[c], it)
				}
				for c, items := range groups {
					p.runDownload(conn, e, dest, items, transfer.DownloadOptions{Conflict: c})
				}
			})
		})
	})
}

func (p *TransfersPanel) runDownload(ctx context.Context, e TransferEngine, dest string, items []transfer.DownloadItem, opts transfer.DownloadOptions) {
	p.SetBandwidth(p.deps.Settings().BandwidthMiBps)
	for i := range items {
		items[i].ID = e.NewID()
		it := items[i]
		r := &transferRow{id: it.ID, name: it.Key, where: dest, state: transfer.StateQueued, total: it.Size, eta: -1}
		r.retry = func() {
			one := it
			one.ID = p.reassign(r, e)
			p.deps.Jobs.Go(func() { e.Download(ctx, dest, []transfer.DownloadItem{one}, opts, p.onProgress) })
		}
		p.mu.Lock()
		p.owner[it.ID] = e
		p.mu.Unlock()
		p.addRow(r)
	}
	start := time.Now()
	p.deps.Jobs.Go(func() {
		res := e.Download(ctx, dest, items, opts, p.onProgress)
		p.finished(lang.L("Download"), fmt.Sprintf(lang.L("to %s"), dest), res, time.Since(start))
	})
}

// addResumable shows uploads interrupted by the last exit, to resume or
// discard.
func (p *TransfersPanel) addResumable(e TransferEngine, rs []transfer.ResumableUpload) {
	for _, u := range rs {
		if u.AbortPending {
			continue
		}
		r := &transferRow{id: e.NewID(), upload: true, name: u.Key, where: u.Bucket, state: transfer.StatePaused,
			done: u.Uploaded, total: u.Size, resume: u.ID, eta: -1}
		jid := u.ID
		r.retry = func() { p.resumeRow(e, r, jid) }
		p.mu.Lock()
		p.owner[r.id] = e
		p.mu.Unlock()
		p.addRow(r)
	}
	p.deps.Alert(lang.L("Interrupted uploads"), fmt.Sprintf(lang.N("%s upload was interrupted when S3 Desk closed. Resume it from the transfers panel (↻), or discard it (the bin).", len(rs)),
		widgets.Number(len(rs))))
}

func (p *TransfersPanel) resumeRow(e TransferEngine, r *transferRow, jid string) {
	p.mu.Lock()
	rowID := r.id
	r.resume, r.state, r.reason = "", transfer.StateRunning, ""
	p.mu.Unlock()
	p.schedule()
	ctx := p.connCtx()
	p.deps.Jobs.Go(func() {
		err := e.Resume(ctx, jid, func(ev transfer.Progress) {
			p.mu.Lock()
			r.engID = ev.ID
			p.mu.Unlock()
			ev.ID = rowID
			p.onProgress(ev)
		})
		p.mu.Lock()
		if err != nil && !errors.Is(err, context.Canceled) {
			r.state, r.reason = transfer.StateFailed, widgets.ErrorText(err)
			r.resume = jid // still resumable, or discardable
		}
		p.mu.Unlock()
		p.schedule()
	})
}

// discard aborts an interrupted upload and drops its row.
func (p *TransfersPanel) discard(id int64) {
	p.mu.Lock()
	r := p.byID[id]
	e := p.owner[id]
	p.mu.Unlock()
	if r == nil || e == nil {
		return
	}
	dialog.ShowConfirm(lang.L("Discard interrupted upload?"), fmt.Sprintf(lang.L("The parts of %q already sent are deleted from the server."), r.name), func(ok bool) {
		if !ok {
			return
		}
		ctx := p.connCtx()
		p.deps.Jobs.Go(func() {
			err := e.Discard(ctx, r.resume)
			p.deps.Jobs.Do(func() {
				if err != nil {
					p.deps.Alert(lang.L("Could not discard"), widgets.Sentence(widgets.ErrorText(err)))
					return
				}
				p.mu.Lock()
				r.resume, r.state = "", transfer.StateCancelled
				p.mu.Unlock()
				p.ClearFinished()
			})
		})
	}, p.win)
}

// askConflicts is the conflicts dialog: one per batch, "N files exist:
// Overwrite / Skip / Keep both", with "apply to all" (unticked, it asks for
// each name in turn). done(nil) means the batch was cancelled.
func (p *TransfersPanel) askConflicts(existing []string, done func(map[string]transfer.ConflictPolicy)) {
	choice := map[string]transfer.ConflictPolicy{}
	var ask func(i int)
	ask = func(i int) {
		if i >= len(existing) {
			done(choice)
			return
		}
		n := len(existing) - i
		title := fmt.Sprintf(lang.L("%d files exist"), n)
		msg := fmt.Sprintf(lang.L("%q and %d more already exist. What should happen to them?"), existing[i], n-1)
		if n == 1 {
			title, msg = lang.L("1 file exists"), fmt.Sprintf(lang.L("%q already exists. What should happen to it?"), existing[i])
		}
		label := widget.NewLabel(msg)
		label.Wrapping = fyne.TextWrapWord
		all := widget.NewCheck(fmt.Sprintf(lang.L("Apply to all %d"), n), nil)
		all.SetChecked(true)
		if n == 1 {
			all.Hide()
		}
		var d *dialog.CustomDialog
		pick := func(c transfer.ConflictPolicy) func() {
			return func() {
				d.Hide()
				if all.Checked {
					for _, k := range existing[i:] {
						choice[k] = c
					}
					done(choice)
					return
				}
				choice[existing[i]] = c
				ask(i + 1)
			}
		}
		cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide(); done(nil) })
		skip := widget.NewButton(lang.L("Skip"), pick(transfer.ConflictSkip))
		keep := widget.NewButton(lang.L("Keep both"), pick(transfer.ConflictKeepBoth))
		over := widget.NewButtonWithIcon(lang.L("Overwrite"), theme.WarningIcon(), pick(transfer.ConflictOverwrite))
		over.Importance = widget.DangerImportance
		body := container.NewVBox(container.NewGridWrap(fyne.NewSize(440, label.MinSize().Height*3), label), all,
			container.NewHBox(cancel, layout.NewSpacer(), skip, keep, over))
		d = dialog.NewCustomWithoutButtons(title, body, p.win)
		d.Show()
	}
	ask(0)
}
