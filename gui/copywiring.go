package gui

import (
	"context"
	"fmt"

	"s3desk/gui/copyto"
	"s3desk/gui/transfers"
	"s3desk/storage"
	"s3desk/storage/transfer"
)

// copyTo is the objects view's "Copy to…" / "Move to…".
func (mw *MainWindow) copyTo(bucket string, entries []storage.Entry, move bool) {
	if mw.svc == nil || len(entries) == 0 {
		return
	}
	conn := mw.accountConn()
	deps := copyto.Deps{
		Jobs:     mw.jobs,
		Profiles: mw.profiles.Names,
		Current:  mw.profile,
		Connect: func(ctx context.Context, name string) (copyto.Conn, error) {
			acc, err := conn(ctx, name)
			if err != nil {
				return nil, err
			}
			if acc.Copy == nil {
				return nil, fmt.Errorf("%s cannot copy", name)
			}
			return acc.Copy, nil
		},
		DataDir: mw.transferDataDir(),
		Options: mw.engineOptions,
		Track: func(r copyto.Runner, items []copyto.Item, retry func(ctx context.Context, it copyto.Item, fn transfer.ProgressFunc)) transfer.ProgressFunc {
			ti := make([]transfers.TrackedItem, len(items))
			for i, it := range items {
				ti[i] = transfers.TrackedItem(it)
			}
			mw.xfer.ShowRows()
			return mw.xfer.Track(r, ti, func(ctx context.Context, it transfers.TrackedItem, fn transfer.ProgressFunc) {
				retry(ctx, copyto.Item(it), fn)
			})
		},
		Done: func(transfer.BatchResult) {
			if mw.objects.Bucket() != "" {
				mw.objects.Refresh()
			}
		},
	}
	copyto.Show(mw.jobs.Ctx(), mw.win, deps, bucket, mw.objects.Prefix(), entries, move)
}
