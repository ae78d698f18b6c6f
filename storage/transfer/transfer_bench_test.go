package transfer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// BenchmarkTransferTune measures 64 MiB uploads and downloads on versitygw
// for a few part sizes and concurrencies; the defaults in transfer.go come
// from it. Run: go test -run XXX -bench TransferTune -benchtime 3x ./storage/
func BenchmarkTransferTune(b *testing.B) {
	combos := []transfer.TransferOptions{
		{PartSize: 5 << 20, Concurrency: 4},
		{PartSize: 8 << 20, Concurrency: 4},
		{PartSize: 8 << 20, Concurrency: 8},
		{PartSize: 16 << 20, Concurrency: 4},
		{PartSize: 32 << 20, Concurrency: 2},
	}
	srv := s3test.StartVersity(b)
	bucket := srv.Bucket(b)
	src := randFile(b, b.TempDir(), "big.bin", 64<<20)
	for _, o := range combos {
		name := fmt.Sprintf("part=%dMiB/conc=%d", o.PartSize>>20, o.Concurrency)
		e, err := transfer.New(srv.Service(b)).NewEngine(context.Background(), b.TempDir(), o)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("upload/"+name, func(b *testing.B) {
			b.SetBytes(64 << 20)
			var peak uint64
			for i := 0; i < b.N; i++ {
				plan, _ := e.PlanUpload(context.Background(), "", []string{src})
				runtime.GC()
				stop := sampleHeap(&peak)
				res := e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictOverwrite}, nil)
				stop()
				if res.Done != 1 {
					b.Fatalf("%+v", res.Items)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
		b.Run("download/"+name, func(b *testing.B) {
			b.SetBytes(64 << 20)
			dst := b.TempDir()
			for i := 0; i < b.N; i++ {
				items := []transfer.DownloadItem{{Bucket: bucket, Key: "big.bin", Size: 64 << 20, Rel: filepath.Base(src)}}
				res := e.Download(context.Background(), dst, items, transfer.DownloadOptions{Conflict: transfer.ConflictOverwrite}, nil)
				if res.Done != 1 {
					b.Fatalf("%+v", res.Items)
				}
			}
		})
	}
}

// sampleHeap records the peak HeapInuse until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > *peak {
				*peak = m.HeapInuse
			}
			select {
			case <-done:
				return
			default:
				runtime.Gosched()
			}
		}
	}()
	return func() { close(done); <-finished }
}
