//go:build bench

package main

// benchEngineOp runs one workload of .ci/bench through S3 Desk's own storage
// code, the same calls the GUI makes: List for the object view, and the
// transfer Engine (PlanUpload/Upload, PlanDownload/Download) for transfers.
//
// Tuning knobs, for measuring other defaults without editing the engine
// (0 or unset = the engine's default): BENCH_PART_SIZE, BENCH_CONCURRENCY,
// BENCH_FILES, BENCH_THRESHOLD.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

func benchEngineOp(ctx context.Context, svc *storage.Service, p benchParams) (benchResult, error) {
	switch p.op {
	case "list":
		var n int64
		for page, err := range svc.List(ctx, p.bucket, storage.ListOptions{Prefix: p.key, Recursive: true}) {
			if err != nil {
				return benchResult{}, err
			}
			n += int64(len(page.Objects))
		}
		return benchResult{Objects: n}, nil
	case "first_page":
		// What the object view does when a folder opens.
		start := time.Now()
		for page, err := range svc.List(ctx, p.bucket, storage.ListOptions{Prefix: p.key}) {
			if err != nil {
				return benchResult{}, err
			}
			return benchResult{Objects: int64(len(page.Objects) + len(page.Folders)), Seconds: time.Since(start).Seconds()}, nil
		}
		return benchResult{}, errors.New("first_page: the listing gave no page")
	}

	dataDir, err := os.MkdirTemp("", "s3desk-bench-engine-")
	if err != nil {
		return benchResult{}, err
	}
	defer os.RemoveAll(dataDir)
	opts := transfer.TransferOptions{
		PartSize:           envInt("BENCH_PART_SIZE", 0),
		Concurrency:        int(envInt("BENCH_CONCURRENCY", 0)),
		Files:              int(envInt("BENCH_FILES", 0)),
		MultipartThreshold: envInt("BENCH_THRESHOLD", 0),
	}
	e, err := transfer.New(svc).NewEngine(ctx, dataDir, opts)
	if err != nil {
		return benchResult{}, err
	}
	defer e.Close()
	// The GUI's callback is cheap too: it stores the latest state and
	// draws at most ten times a second.
	var updates atomic.Int64
	progress := func(transfer.Progress) { updates.Add(1) }

	var res transfer.BatchResult
	switch p.op {
	case "upload_file", "upload_dir":
		// BENCH_KEY is the folder being viewed; the file or folder keeps
		// its name under it, as when dropped on the window.
		plan, err := e.PlanUpload(ctx, p.key, []string{p.src})
		if err != nil {
			return benchResult{}, err
		}
		if len(plan.Skipped) > 0 {
			return benchResult{}, fmt.Errorf("upload plan skipped %d files: %+v", len(plan.Skipped), plan.Skipped[0])
		}
		res = e.Upload(ctx, p.bucket, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictOverwrite}, progress)
	case "download_file", "download_dir":
		// BENCH_KEY is the object, or the folder ending in "/", selected
		// in the folder view of its parent; BENCH_DST the chosen folder.
		var entries []storage.Entry
		if p.op == "download_file" {
			info, err := svc.Stat(ctx, p.bucket, p.key)
			if err != nil {
				return benchResult{}, err
			}
			entries = []storage.Entry{{Key: info.Key, Size: info.Size, ETag: info.ETag, LastModified: info.LastModified}}
		} else {
			entries = []storage.Entry{{Key: p.key, IsFolder: true}}
		}
		plan, err := e.PlanDownload(ctx, p.bucket, parentPrefix(p.key), entries)
		if err != nil {
			return benchResult{}, err
		}
		if len(plan.Skipped) > 0 {
			return benchResult{}, fmt.Errorf("download plan skipped %d keys: %+v", len(plan.Skipped), plan.Skipped[0])
		}
		if err := os.MkdirAll(p.dst, 0o755); err != nil {
			return benchResult{}, err
		}
		res = e.Download(ctx, p.dst, plan.Items, transfer.DownloadOptions{Conflict: transfer.ConflictOverwrite}, progress)
	default:
		return benchResult{}, fmt.Errorf("unknown engine op %q", p.op)
	}
	if res.Failed+res.Cancelled+res.SkippedN > 0 {
		for _, it := range res.Items {
			if it.Err != nil {
				return benchResult{}, fmt.Errorf("%d failed, %d cancelled, %d skipped; first: %s: %w",
					res.Failed, res.Cancelled, res.SkippedN, it.Key, it.Err)
			}
		}
		return benchResult{}, fmt.Errorf("%d failed, %d cancelled, %d skipped", res.Failed, res.Cancelled, res.SkippedN)
	}
	return benchResult{Bytes: res.Bytes, Objects: int64(res.Done)}, nil
}

// parentPrefix is the folder that key (an object, or a folder ending in "/")
// is listed in: "a/b/c" and "a/b/c/" give "a/b/".
func parentPrefix(key string) string {
	k := key
	if len(k) > 0 && k[len(k)-1] == '/' {
		k = k[:len(k)-1]
	}
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == '/' {
			return k[:i+1]
		}
	}
	return ""
}
