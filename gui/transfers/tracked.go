package transfers

import (
	"context"
	"errors"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

// Tracked transfers are run by another feature (folder sync, copy to
// another account, edit in place) with an engine of its own, and shown in
// the panel like its own: a row each, progress, cancel and retry.

// TrackedItem is one such transfer.
type TrackedItem struct {
	ID     int64 // the engine's ID for it (Engine.NewID)
	Upload bool
	Name   string // key or local path, for the row's title
	Where  string // bucket/prefix or folder
	Total  int64
}

// Runner is the engine that runs tracked transfers: *transfer.Engine.
type Runner interface {
	NewID() int64
	Cancel(id int64)
}

// Track adds a row per item, cancelled through r, and returns the progress
// function to hand the engine. retry, when set, runs one failed or
// cancelled item again under a new ID (in the background, feeding the same
// progress function). Call on the UI goroutine.
func (p *TransfersPanel) Track(r Runner, items []TrackedItem, retry func(ctx context.Context, it TrackedItem, fn transfer.ProgressFunc)) transfer.ProgressFunc {
	owner := trackedEngine{r}
	ctx := p.ctx
	if ctx == nil {
		ctx = p.deps.Life
	}
	for _, it := range items {
		row := &transferRow{id: it.ID, upload: it.Upload, name: it.Name, where: it.Where, state: transfer.StateQueued, total: it.Total, eta: -1}
		if retry != nil {
			it := it
			row.retry = func() {
				it.ID = p.reassign(row, owner)
				p.deps.Jobs.Go(func() { retry(ctx, it, p.onProgress) })
			}
		}
		p.mu.Lock()
		p.owner[it.ID] = owner
		p.mu.Unlock()
		p.addRow(row)
	}
	return p.onProgress
}

var errTrackedOnly = errors.New("this transfer is run by another view")

// trackedEngine is a Runner as the panel's TransferEngine: rows only cancel
// and retry through it.
type trackedEngine struct{ Runner }

func (trackedEngine) Close() {}
func (trackedEngine) PlanUpload(context.Context, string, []string) (transfer.UploadPlan, error) {
	return transfer.UploadPlan{}, errTrackedOnly
}
func (trackedEngine) Existing(context.Context, string, []string) ([]string, error) {
	return nil, errTrackedOnly
}
func (trackedEngine) Upload(context.Context, string, []transfer.UploadItem, transfer.UploadOptions, transfer.ProgressFunc) transfer.BatchResult {
	return transfer.BatchResult{}
}
func (trackedEngine) PlanDownload(context.Context, string, string, []storage.Entry) (transfer.DownloadPlan, error) {
	return transfer.DownloadPlan{}, errTrackedOnly
}
func (trackedEngine) Download(context.Context, string, []transfer.DownloadItem, transfer.DownloadOptions, transfer.ProgressFunc) transfer.BatchResult {
	return transfer.BatchResult{}
}
func (trackedEngine) Resumable() []transfer.ResumableUpload { return nil }
func (trackedEngine) Resume(context.Context, string, transfer.ProgressFunc) error {
	return errTrackedOnly
}
func (trackedEngine) Discard(context.Context, string) error { return errTrackedOnly }
