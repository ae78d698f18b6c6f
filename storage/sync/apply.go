package sync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

// ApplyOptions are what Apply needs besides the plan.
type ApplyOptions struct {
	// Engine is the transfer engine of the remote side (LocalToRemote and
	// RemoteToRemote: the destination's; RemoteToLocal: the source's).
	Engine *transfer.Engine
	// Guard and Confirm: when the guard asks, Confirm must be the number of
	// deletions, as the user typed it.
	Guard   Guard
	Confirm int
	// DstFiles is the destination's file count from the plan (Summary).
	DstFiles int
	// Progress receives the transfer engine's progress.
	Progress transfer.ProgressFunc
	// Deleted, when set, is told each path deleted.
	Deleted func(rel string)
}

// Result is what Apply did.
type Result struct {
	Copied, Failed, Skipped, Cancelled int
	Deleted, DeleteFailed              int
	Bytes                              int64
	// DeletesHeld: the deletions were not done because a copy failed or was
	// cancelled (as rclone does, nothing is deleted after an error).
	DeletesHeld bool
	Items       []transfer.Progress
	Errors      []error // deletions that failed
}

// String is the summary shown at the end.
func (r Result) String() string {
	s := fmt.Sprintf("%d copied (%s), %d deleted", r.Copied, sizeText(r.Bytes), r.Deleted)
	if r.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", r.Skipped)
	}
	if r.Failed > 0 || r.DeleteFailed > 0 {
		s += fmt.Sprintf(", %d failed", r.Failed+r.DeleteFailed)
	}
	if r.Cancelled > 0 {
		s += fmt.Sprintf(", %d cancelled", r.Cancelled)
	}
	if r.DeletesHeld {
		s += "; nothing was deleted because not every copy succeeded"
	}
	return s
}

func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// ErrConfirm is the cause when the mirror guard's count was not typed.
var ErrConfirm = errors.New("the deletions were not confirmed")

// Apply carries out rows (the plan as the user left it: New and Changed are
// copied, Delete deleted, the rest ignored) through the transfer engine,
// with its progress, cancel, retries and checks, then deletes in batches.
// Copies never write over a path the plan found new (If-None-Match, or the
// local file kept); a cancel leaves each file whole or untouched, so running
// the plan again finishes the job.
func Apply(ctx context.Context, o Options, rows []Row, a ApplyOptions) (Result, error) {
	var res Result
	if err := o.check(); err != nil {
		return res, err
	}
	var news, changed, deletes []Row
	for _, r := range rows {
		switch r.Action {
		case New:
			news = append(news, r)
		case Changed:
			changed = append(changed, r)
		case Delete:
			deletes = append(deletes, r)
		}
	}
	if len(deletes) > 0 && !o.Mirror {
		return res, &storage.Error{Op: "sync", Kind: storage.ErrInvalidArgument,
			Msg: "sync: the plan deletes files but mirror is off; make the preview again"}
	}
	if a.Guard.NeedsConfirm(len(deletes), a.DstFiles) && a.Confirm != len(deletes) {
		return res, &storage.Error{Op: "sync", Kind: storage.ErrInvalidArgument, Err: ErrConfirm,
			Msg: fmt.Sprintf("sync: this would delete %d files; type %d to confirm", len(deletes), len(deletes))}
	}
	if (len(news) > 0 || len(changed) > 0) && a.Engine == nil {
		return res, &storage.Error{Op: "sync", Kind: storage.ErrInvalidArgument, Msg: "sync: no transfer engine"}
	}
	for _, batch := range []struct {
		rows   []Row
		policy transfer.ConflictPolicy
	}{{news, transfer.ConflictSkip}, {changed, transfer.ConflictOverwrite}} {
		if len(batch.rows) == 0 || ctx.Err() != nil {
			continue
		}
		br, err := transferRows(ctx, o, batch.rows, batch.policy, a)
		if err != nil {
			return res, err
		}
		res.Copied += br.Done
		res.Failed += br.Failed
		res.Skipped += br.SkippedN
		res.Cancelled += br.Cancelled
		res.Bytes += br.Bytes
		res.Items = append(res.Items, br.Items...)
	}
	if ctx.Err() != nil {
		res.Cancelled += len(news) + len(changed) - (res.Copied + res.Failed + res.Skipped + res.Cancelled)
	}
	if len(deletes) == 0 {
		return res, nil
	}
	if res.Failed > 0 || res.Cancelled > 0 || ctx.Err() != nil {
		res.DeletesHeld = true
		return res, nil
	}
	deleteRows(ctx, o, deletes, a, &res)
	return res, nil
}

func transferRows(ctx context.Context, o Options, rows []Row, policy transfer.ConflictPolicy, a ApplyOptions) (transfer.BatchResult, error) {
	e := a.Engine
	switch o.Direction {
	case LocalToRemote:
		items := make([]transfer.UploadItem, len(rows))
		prefix := normPrefix(o.Dst.Prefix)
		for i, r := range rows {
			items[i] = transfer.UploadItem{ID: r.ID, Path: filepath.Join(o.Local, filepath.FromSlash(r.Rel)), Key: prefix + r.Rel,
				Size: r.Size, ModTime: r.ModTime}
		}
		return e.Upload(ctx, o.Dst.Bucket, items, transfer.UploadOptions{Conflict: policy, Prechecked: policy == transfer.ConflictSkip}, a.Progress), nil
	case RemoteToLocal:
		if err := os.MkdirAll(o.Local, 0o755); err != nil {
			return transfer.BatchResult{}, &storage.Error{Op: "sync", Kind: storage.ErrAccessDenied, Err: err,
				Msg: "sync: cannot make the folder " + o.Local + ": " + errText(err)}
		}
		items := make([]transfer.DownloadItem, len(rows))
		prefix := normPrefix(o.Src.Prefix)
		for i, r := range rows {
			items[i] = transfer.DownloadItem{ID: r.ID, Bucket: o.Src.Bucket, Key: prefix + r.Rel, Size: r.Size, ETag: r.ETag,
				LastModified: r.ModTime, Rel: r.Rel}
		}
		return e.Download(ctx, o.Local, items, transfer.DownloadOptions{Conflict: policy}, a.Progress), nil
	default:
		items := make([]transfer.CopyItem, len(rows))
		sp, dp := normPrefix(o.Src.Prefix), normPrefix(o.Dst.Prefix)
		for i, r := range rows {
			items[i] = transfer.CopyItem{ID: r.ID, Src: storage.ObjectRef{Bucket: o.Src.Bucket, Key: sp + r.Rel},
				Dst: storage.ObjectRef{Bucket: o.Dst.Bucket, Key: dp + r.Rel}, Size: r.Size, ETag: r.ETag}
		}
		return e.Copy(ctx, o.Src.Service, items, transfer.CopyOptions{Conflict: policy}, a.Progress), nil
	}
}

// deleteRows deletes what the mirror removes: objects in batches of
// DeleteObjects, local files through os.Root (never outside the folder).
func deleteRows(ctx context.Context, o Options, rows []Row, a ApplyOptions, res *Result) {
	if o.Direction == RemoteToLocal {
		root, err := os.OpenRoot(o.Local)
		if err != nil {
			res.DeleteFailed += len(rows)
			res.Errors = append(res.Errors, err)
			return
		}
		defer root.Close()
		for _, r := range rows {
			if ctx.Err() != nil {
				return
			}
			if err := root.Remove(filepath.FromSlash(r.Rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				res.DeleteFailed++
				res.Errors = append(res.Errors, &storage.Error{Op: "sync", Key: r.Rel, Kind: storage.ErrAccessDenied, Err: err,
					Msg: "sync: cannot delete " + r.Rel + ": " + errText(err)})
				continue
			}
			res.Deleted++
			if a.Deleted != nil {
				a.Deleted(r.Rel)
			}
		}
		return
	}
	prefix := normPrefix(o.Dst.Prefix)
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = prefix + r.Rel
	}
	const batch = 1000
	for start := 0; start < len(keys); start += batch {
		part := keys[start:min(start+batch, len(keys))]
		dr, err := o.Dst.Service.DeleteObjects(ctx, o.Dst.Bucket, part)
		if err != nil {
			res.DeleteFailed += len(part)
			res.Errors = append(res.Errors, err)
			continue
		}
		failed := map[string]bool{}
		for _, f := range dr.Failed {
			failed[f.Key] = true
			res.Errors = append(res.Errors, f.Err)
		}
		res.DeleteFailed += len(dr.Failed)
		res.Deleted += len(part) - len(dr.Failed)
		if a.Deleted != nil {
			for i, k := range part {
				if !failed[k] {
					a.Deleted(rows[start+i].Rel)
				}
			}
		}
	}
}
