//go:build bench

// Command benchdriver is the headless driver of .ci/bench-bulk: one bulk
// job per process through the same storage/bulk engine the window runs
// (dry run, journal, workers). Build it with -tags bench.
//
// Parameters come from the environment:
//
//	BENCH_OP        seed | metadata | copy
//	BENCH_ENDPOINT, BENCH_ACCESS_KEY, BENCH_SECRET_KEY, BENCH_REGION
//	BENCH_BUCKET, BENCH_PREFIX (source folder), BENCH_DST (copy: destination folder)
//	BENCH_N (seed: objects), BENCH_CONCURRENCY (0: the engine's default)
//	BENCH_STATE     the job folder (a temp dir when empty)
//
// It prints one line "BENCH {json}" with the job's own time (excluding
// process start and the dry run) and objects per second.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"s3desk/storage"
	"s3desk/storage/bulk"
)

func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchdriver: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	ctx := context.Background()
	region := os.Getenv("BENCH_REGION")
	if region == "" {
		region = "us-east-1"
	}
	svc, err := storage.New(ctx, storage.Config{Endpoint: os.Getenv("BENCH_ENDPOINT"), Region: region, PathStyle: true,
		AccessKeyID: os.Getenv("BENCH_ACCESS_KEY"), SecretAccessKey: os.Getenv("BENCH_SECRET_KEY")})
	if err != nil {
		fatalf("%v", err)
	}
	bucket, prefix := os.Getenv("BENCH_BUCKET"), os.Getenv("BENCH_PREFIX")
	op := os.Getenv("BENCH_OP")
	if op == "seed" {
		seed(ctx, svc, bucket, prefix, envInt("BENCH_N"))
		return
	}
	spec := bulk.Spec{Source: bulk.Source{Bucket: bucket, Prefixes: []string{prefix}}, Concurrency: envInt("BENCH_CONCURRENCY")}
	switch op {
	case "metadata":
		spec.Op = bulk.Metadata
		spec.Metadata = storage.MetadataUpdate{ContentType: "application/x-bench", CacheControl: "max-age=" + strconv.FormatInt(time.Now().Unix(), 10)}
	case "copy":
		spec.Op, spec.BasePrefix, spec.DestPrefix = bulk.Copy, prefix, os.Getenv("BENCH_DST")
	default:
		fatalf("unknown BENCH_OP %q", op)
	}
	plan, err := bulk.DryRun(ctx, svc, spec, nil)
	if err != nil {
		fatalf("dry run: %v", err)
	}
	spec.PlannedObjects, spec.PlannedBytes = plan.Objects, plan.Bytes
	dir := os.Getenv("BENCH_STATE")
	if dir == "" {
		if dir, err = os.MkdirTemp("", "bulk-bench-*"); err != nil {
			fatalf("%v", err)
		}
		defer os.RemoveAll(dir)
	}
	m, err := bulk.Open(dir, svc, bulk.Hooks{})
	if err != nil {
		fatalf("%v", err)
	}
	j, err := m.Create(spec)
	if err != nil {
		fatalf("%v", err)
	}
	start := time.Now()
	if err := j.Run(ctx); err != nil {
		fatalf("run: %v", err)
	}
	secs := time.Since(start).Seconds()
	st := j.Status()
	if st.State != bulk.Finished || st.Done != plan.Objects {
		fatalf("job ended %s with %d of %d done (%d failed): %s", st.State, st.Done, plan.Objects, st.Failed, st.Err)
	}
	out, _ := json.Marshal(map[string]any{"op": op, "objects": st.Done, "seconds": secs, "objects_per_s": float64(st.Done) / secs})
	fmt.Println("BENCH " + string(out))
}

// seed puts n empty objects prefix+"k%07d", 64 at a time.
func seed(ctx context.Context, svc *storage.Service, bucket, prefix string, n int) {
	var wg sync.WaitGroup
	ch := make(chan int, 256)
	var mu sync.Mutex
	var firstErr error
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				k := fmt.Sprintf("%sk%07d", prefix, i)
				if err := svc.Put(ctx, bucket, k, strings.NewReader(""), 0, storage.PutOptions{}); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		ch <- i
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		fatalf("seed: %v", firstErr)
	}
}
