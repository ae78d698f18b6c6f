//go:build bench

// Command benchdriver is the headless driver of .ci/bench: one workload per
// process, so that its wall time and peak RSS can be measured like those of
// the peers (aws cli, rclone, s3cmd). Build it with -tags bench.
package main

// Parameters come from the environment:
//
//	BENCH_OP        seed | upload_file | download_file | upload_dir | download_dir |
//	                list | first_page | raw_put_big | raw_get_big | raw_put_small | raw_get_small |
//	                raw_list | raw_first | sync | copy_cross (sync.go)
//	BENCH_ENDPOINT, BENCH_ACCESS_KEY, BENCH_SECRET_KEY, BENCH_REGION
//	BENCH_BUCKET, BENCH_KEY (object key or key prefix), BENCH_SRC, BENCH_DST
//	BENCH_N (objects), BENCH_SIZE (bytes), BENCH_WORKERS, BENCH_EXPECT
//
// It prints one line "BENCH {json}" with its own timing of the operation
// (excluding process start) and its peak RSS from getrusage.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/internal/core"
)

type benchParams struct {
	op, bucket, key, src, dst string
	n, size, workers, expect  int64
}

type benchResult struct {
	Op      string  `json:"op"`
	Seconds float64 `json:"seconds"`
	Bytes   int64   `json:"bytes"`
	Objects int64   `json:"objects"`
	MaxRSS  int64   `json:"maxrss_kb"`
}

func envInt(name string, def int64) int64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		panic(fmt.Sprintf("%s=%q is not a number", name, v))
	}
	return n
}

func main() {
	p := benchParams{
		op:      os.Getenv("BENCH_OP"),
		bucket:  os.Getenv("BENCH_BUCKET"),
		key:     os.Getenv("BENCH_KEY"),
		src:     os.Getenv("BENCH_SRC"),
		dst:     os.Getenv("BENCH_DST"),
		n:       envInt("BENCH_N", 0),
		size:    envInt("BENCH_SIZE", 0),
		workers: envInt("BENCH_WORKERS", 32),
		expect:  envInt("BENCH_EXPECT", -1),
	}
	region := os.Getenv("BENCH_REGION")
	if region == "" {
		region = "us-east-1"
	}
	ctx := context.Background()
	svc, err := storage.New(ctx, storage.Config{
		Endpoint:        os.Getenv("BENCH_ENDPOINT"),
		Region:          region,
		PathStyle:       true,
		AccessKeyID:     os.Getenv("BENCH_ACCESS_KEY"),
		SecretAccessKey: os.Getenv("BENCH_SECRET_KEY"),
	})
	if err != nil {
		fatalf("%v", err)
	}
	client := core.Of(svc).Client // the raw rows are a bare SDK client

	start := time.Now()
	var res benchResult
	switch p.op {
	case "seed":
		res, err = benchSeed(ctx, client, p)
	case "upload_file", "download_file", "upload_dir", "download_dir", "list", "first_page":
		res, err = benchEngineOp(ctx, svc, p)
	case "sync":
		res, err = benchSync(ctx, svc, p)
	case "copy_cross":
		res, err = benchCopyCross(ctx, svc, p)
	case "raw_put_big":
		res, err = rawPutBig(ctx, client, p)
	case "raw_get_big":
		res, err = rawGetBig(ctx, client, p)
	case "raw_put_small":
		res, err = rawSmall(ctx, client, p, true)
	case "raw_get_small":
		res, err = rawSmall(ctx, client, p, false)
	case "raw_list", "raw_first":
		res, err = rawList(ctx, client, p)
	default:
		fatalf("unknown BENCH_OP %q", p.op)
	}
	if err != nil {
		fatalf("%s: %v", p.op, err)
	}
	if res.Seconds == 0 {
		res.Seconds = time.Since(start).Seconds()
	}
	if p.expect >= 0 && res.Objects != p.expect {
		fatalf("%s: %d objects, want %d", p.op, res.Objects, p.expect)
	}
	res.Op = p.op
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		res.MaxRSS = int64(ru.Maxrss)
	}
	b, _ := json.Marshal(res)
	fmt.Printf("BENCH %s\n", b)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchdriver: "+format+"\n", args...)
	os.Exit(1)
}

// benchSeed fills bucket with n objects of size bytes named key%06d, with a
// pool of workers, creating the bucket if needed. It is the fast way to make
// the 100k-key listing bucket.
func benchSeed(ctx context.Context, c *s3.Client, p benchParams) (benchResult, error) {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &p.bucket})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if err != nil && !errors.As(err, &owned) && !errors.As(err, &exists) {
		return benchResult{}, fmt.Errorf("create bucket: %w", err)
	}
	body := make([]byte, p.size)
	_, _ = rand.Read(body)
	var next, done atomic.Int64
	err = parallel(ctx, int(p.workers), func(ctx context.Context) error {
		for {
			i := next.Add(1) - 1
			if i >= p.n {
				return nil
			}
			_, err := c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: &p.bucket, Key: aws.String(fmt.Sprintf("%s%06d", p.key, i)),
				Body: bytes.NewReader(body), ContentLength: aws.Int64(p.size),
			})
			if err != nil {
				return err
			}
			done.Add(1)
		}
	})
	return benchResult{Objects: done.Load(), Bytes: done.Load() * p.size}, err
}

// parallel runs fn on n goroutines and returns the first error; the first
// failure cancels the others.
func parallel(ctx context.Context, n int, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range max(n, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return first
}

// The raw-client rows measure the server's ceiling: parts and objects come
// from memory and go to io.Discard, so neither disk nor an engine's
// bookkeeping is in the way.

const rawPartSize = 16 << 20

func rawPutBig(ctx context.Context, c *s3.Client, p benchParams) (benchResult, error) {
	part := int64(rawPartSize)
	buf := make([]byte, part)
	_, _ = rand.Read(buf)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &p.bucket, Key: &p.key,
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if err != nil {
		return benchResult{}, err
	}
	nparts := (p.size + part - 1) / part
	parts := make([]types.CompletedPart, nparts)
	var next atomic.Int64
	err = parallel(ctx, int(p.workers), func(ctx context.Context) error {
		for {
			i := next.Add(1) - 1
			if i >= nparts {
				return nil
			}
			n := min(part, p.size-i*part)
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{
				Bucket: &p.bucket, Key: &p.key, UploadId: up.UploadId,
				PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(buf[:n]), ContentLength: aws.Int64(n),
				ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
			})
			if err != nil {
				return err
			}
			parts[i] = types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1)),
				ChecksumCRC32: out.ChecksumCRC32}
		}
	})
	if err == nil {
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: &p.bucket, Key: &p.key, UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
	}
	if err != nil {
		_, _ = c.AbortMultipartUpload(context.Background(), &s3.AbortMultipartUploadInput{
			Bucket: &p.bucket, Key: &p.key, UploadId: up.UploadId})
		return benchResult{}, err
	}
	return benchResult{Bytes: p.size, Objects: 1}, nil
}

func rawGetBig(ctx context.Context, c *s3.Client, p benchParams) (benchResult, error) {
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &p.bucket, Key: &p.key})
	if err != nil {
		return benchResult{}, err
	}
	size := aws.ToInt64(head.ContentLength)
	part := int64(rawPartSize)
	nparts := (size + part - 1) / part
	var next, total atomic.Int64
	err = parallel(ctx, int(p.workers), func(ctx context.Context) error {
		for {
			i := next.Add(1) - 1
			if i >= nparts {
				return nil
			}
			end := min((i+1)*part, size) - 1
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &p.bucket, Key: &p.key,
				Range: aws.String(fmt.Sprintf("bytes=%d-%d", i*part, end))})
			if err != nil {
				return err
			}
			n, err := io.Copy(io.Discard, out.Body)
			out.Body.Close()
			if err != nil {
				return err
			}
			total.Add(n)
		}
	})
	return benchResult{Bytes: total.Load(), Objects: 1}, err
}

// rawSmall puts (or gets) n objects of size bytes named key%06d from memory;
// gets are saved to files when dst is set (rawSave).
func rawSmall(ctx context.Context, c *s3.Client, p benchParams, put bool) (benchResult, error) {
	body := make([]byte, p.size)
	_, _ = rand.Read(body)
	// Saving files is a folder download: like every tool copying a folder,
	// list it first.
	var keys []string
	if !put && p.dst != "" {
		pager := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &p.bucket, Prefix: &p.key})
		for pager.HasMorePages() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				return benchResult{}, err
			}
			for _, o := range page.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
		}
		if int64(len(keys)) != p.n {
			return benchResult{}, fmt.Errorf("listed %d keys under %s, want %d", len(keys), p.key, p.n)
		}
	}
	var next, total atomic.Int64
	err := parallel(ctx, int(p.workers), func(ctx context.Context) error {
		for {
			i := next.Add(1) - 1
			if i >= p.n {
				return nil
			}
			key := aws.String(fmt.Sprintf("%s%06d", p.key, i))
			if keys != nil {
				key = &keys[i]
			}
			if put {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &p.bucket, Key: key,
					Body: bytes.NewReader(body), ContentLength: aws.Int64(p.size)})
				if err != nil {
					return err
				}
				total.Add(p.size)
				continue
			}
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &p.bucket, Key: key})
			if err != nil {
				return err
			}
			var n int64
			if p.dst == "" {
				n, err = io.Copy(io.Discard, out.Body)
			} else {
				n, err = rawSave(p.dst, i, out.Body)
			}
			out.Body.Close()
			if err != nil {
				return err
			}
			total.Add(n)
		}
	})
	return benchResult{Bytes: total.Load(), Objects: p.n}, err
}

// rawSave writes body to dst/dNN/fNNNNNN (ten folders, as the bench's small
// files): with the listing in rawSmall, the least a tool that downloads a
// folder must do, with no temp file, check or timestamp.
func rawSave(dst string, i int64, body io.Reader) (int64, error) {
	dir := filepath.Join(dst, fmt.Sprintf("d%02d", i%10))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("f%06d", i)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// rawList counts the keys under key with a bare ListObjectsV2 loop (raw_list)
// or times the first page of 1,000 of a folder view, with the delimiter
// (raw_first).
func rawList(ctx context.Context, c *s3.Client, p benchParams) (benchResult, error) {
	start := time.Now()
	in := &s3.ListObjectsV2Input{Bucket: &p.bucket, Prefix: &p.key, MaxKeys: aws.Int32(1000)}
	if p.op == "raw_first" {
		in.Delimiter = aws.String("/")
	}
	var n int64
	for {
		out, err := c.ListObjectsV2(ctx, in)
		if err != nil {
			return benchResult{}, err
		}
		n += int64(len(out.Contents))
		if p.op == "raw_first" {
			return benchResult{Objects: n, Seconds: time.Since(start).Seconds()}, nil
		}
		if !aws.ToBool(out.IsTruncated) {
			return benchResult{Objects: n}, nil
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}
