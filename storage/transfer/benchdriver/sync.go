//go:build bench

package main

// The sync and cross-server rows of .ci/bench:
//
//	BENCH_OP=sync        BENCH_SRC (local folder) to BENCH_BUCKET/BENCH_KEY:
//	                     storage/sync's Plan (compare) and Apply, as the
//	                     Sync window runs them; Objects is the files copied.
//	BENCH_OP=copy_cross  BENCH_BUCKET/BENCH_KEY to BENCH_DST_BUCKET/BENCH_DST_KEY
//	                     on the server of BENCH_ENDPOINT2 (same keys), streamed
//	                     through the app by Engine.Copy.

import (
	"context"
	"fmt"
	"os"

	"s3desk/storage"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

func benchSync(ctx context.Context, svc *storage.Service, p benchParams) (benchResult, error) {
	e, done, err := benchEngine(ctx, svc)
	if err != nil {
		return benchResult{}, err
	}
	defer done()
	o := ssync.Options{Direction: ssync.LocalToRemote, Local: p.src, Dst: ssync.Remote{Service: svc, Bucket: p.bucket, Prefix: p.key}}
	var rows []ssync.Row
	var sum ssync.Summary
	for r, err := range ssync.Plan(ctx, o) {
		if err != nil {
			return benchResult{}, err
		}
		sum.Add(r)
		if r.Action == ssync.New || r.Action == ssync.Changed {
			rows = append(rows, r)
		}
	}
	res, err := ssync.Apply(ctx, o, rows, ssync.ApplyOptions{Engine: e, DstFiles: sum.DstFiles})
	if err != nil {
		return benchResult{}, err
	}
	if res.Failed > 0 {
		return benchResult{}, fmt.Errorf("sync: %s", res)
	}
	return benchResult{Objects: int64(res.Copied), Bytes: res.Bytes}, nil
}

func benchCopyCross(ctx context.Context, src *storage.Service, p benchParams) (benchResult, error) {
	dst, err := storage.New(ctx, storage.Config{Endpoint: os.Getenv("BENCH_ENDPOINT2"), Region: "us-east-1", PathStyle: true,
		AccessKeyID: os.Getenv("BENCH_ACCESS_KEY"), SecretAccessKey: os.Getenv("BENCH_SECRET_KEY")})
	if err != nil {
		return benchResult{}, err
	}
	e, done, err := benchEngine(ctx, dst)
	if err != nil {
		return benchResult{}, err
	}
	defer done()
	info, err := src.Stat(ctx, p.bucket, p.key)
	if err != nil {
		return benchResult{}, err
	}
	res := e.Copy(ctx, src, []transfer.CopyItem{{Src: storage.ObjectRef{Bucket: p.bucket, Key: p.key},
		Dst: storage.ObjectRef{Bucket: os.Getenv("BENCH_DST_BUCKET"), Key: os.Getenv("BENCH_DST_KEY")}, Size: info.Size}},
		transfer.CopyOptions{Conflict: transfer.ConflictOverwrite}, nil)
	if res.Done != 1 {
		return benchResult{}, fmt.Errorf("copy: %v", res.Items[0].Err)
	}
	return benchResult{Objects: 1, Bytes: res.Bytes}, nil
}

func benchEngine(ctx context.Context, svc *storage.Service) (*transfer.Engine, func(), error) {
	dataDir, err := os.MkdirTemp("", "s3desk-bench-engine-")
	if err != nil {
		return nil, nil, err
	}
	e, err := transfer.New(svc).NewEngine(ctx, dataDir, transfer.TransferOptions{})
	if err != nil {
		os.RemoveAll(dataDir)
		return nil, nil, err
	}
	return e, func() { e.Close(); os.RemoveAll(dataDir) }, nil
}
