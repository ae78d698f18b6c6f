package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// The planner keeps every file within 10,000 parts and its part buffers
// within the budget, lowering the concurrency as parts grow and streaming
// from the file when even one part in flight would not fit.
func TestPartPlanWithinBudget(t *testing.T) {
	const gib = int64(1) << 30
	opts := []transfer.TransferOptions{transfer.DefaultTransferOptions(),
		{PartSize: 5 << 20, Concurrency: 14}, {PartSize: 16 << 20, Concurrency: 1}, {PartSize: 24 << 20, Concurrency: 1}}
	for _, o := range opts {
		if err := transfer.ValidateTransferOptions(o); err != nil {
			t.Fatalf("%+v refused: %v", o, err)
		}
		for _, size := range []int64{16 << 20, gib, 100 * gib, 200 * gib, 500 * gib, 1024 * gib, 5 * 1024 * gib} {
			part, conc, stream := transfer.PlanPartsForTest(size, o)
			if (size+part-1)/part > 10000 {
				t.Errorf("%d bytes in %d-byte parts: more than 10,000 parts", size, part)
			}
			buffers := int64(0)
			if !stream {
				buffers = int64(conc+1)*part + 2*max(part, o.MultipartThreshold, transfer.DefaultMultipartThreshold)
			}
			if buffers > transfer.PartBufferBudget || conc < 1 {
				t.Errorf("%d GiB: %d × %d parts hold %d MiB", size/gib, conc, part, buffers>>20)
			}
			t.Logf("%d MiB × %d: %7.2f GiB → part %.1f MiB × %d, stream %v, part buffers %d MiB",
				o.PartSize>>20, o.Concurrency, float64(size)/float64(gib), float64(part)/(1<<20), conc, stream, buffers>>20)
		}
	}
}

func TestValidateTransferOptions(t *testing.T) {
	for _, c := range []struct {
		o    transfer.TransferOptions
		want string
	}{
		{transfer.TransferOptions{PartSize: 5 << 30, Concurrency: 64}, "lower the part size"},
		{transfer.TransferOptions{PartSize: 16 << 20, Concurrency: 64}, "lower the concurrency to 4"},
		{transfer.TransferOptions{PartSize: 32 << 20, Concurrency: 1}, "lower the part size to 28 MiB"},
		{transfer.TransferOptions{PartSize: 5 << 20, Concurrency: 4, Files: 64}, "files in parallel"},
	} {
		err := transfer.ValidateTransferOptions(c.o)
		if !errors.Is(err, storage.ErrInvalidArgument) || !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%+v: got %v, want a message with %q", c.o, err, c.want)
		}
	}
	if err := transfer.ValidateTransferOptions(transfer.TransferOptions{}); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}

// peakHeap samples the heap until stop and returns the highest HeapAlloc
// above the heap at the start.
//
// The GC runs at 10% growth meanwhile, so that the peak is what the upload
// holds rather than garbage the collector has not reached yet.
func peakHeap(stop <-chan struct{}) func() int64 {
	old := debug.SetGCPercent(10)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapAlloc)
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if d := int64(ms.HeapAlloc) - base; d > peak.Load() {
				peak.Store(d)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		<-done
		debug.SetGCPercent(old)
		return peak.Load()
	}
}

// An upload whose parts must grow (the part limit is lowered to make a
// 1 GiB sparse file need 100+ MiB parts, as a 1 TiB file does) keeps the
// heap within the budget: the concurrency drops, then the parts stream.
func TestUploadHeapBounded(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	for i, c := range []struct {
		name           string
		size, maxParts int64
		budget         int64
	}{
		{"stream", 1 << 30, 10, 32 << 20},                  // 103 MiB parts: none fits in 32 MiB
		{"fewer parts in flight", 300 << 20, 30, 53 << 20}, // 10 MiB parts: 1 in flight (2 × 10 + 2 × 16 MiB)
	} {
		t.Run(c.name, func(t *testing.T) {
			key := fmt.Sprintf("sparse%d.bin", i)
			p := filepath.Join(t.TempDir(), key)
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(c.size); err != nil {
				t.Fatal(err)
			}
			f.Close()
			e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{PartSize: 5 << 20, Concurrency: 4})
			defer e.Close()
			transfer.SetPartLimitsForTest(e, c.budget, c.maxParts)
			plan, _ := e.PlanUpload(context.Background(), "", []string{p})
			stop := make(chan struct{})
			peak := peakHeap(stop)
			start := time.Now()
			res := e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, nil)
			close(stop)
			took := time.Since(start)
			if res.Done != 1 {
				t.Fatalf("upload: %v %v", res.Items[0].State, res.Items[0].Err)
			}
			got := peak()
			t.Logf("%d MiB in %v: peak heap +%.1f MiB (budget %d MiB)", c.size>>20, took, float64(got)/(1<<20), c.budget>>20)
			if got > c.budget+8<<20 {
				t.Fatalf("peak heap +%d MiB, over the %d MiB budget", got>>20, c.budget>>20)
			}
			out, err := srv.Client(t).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
			if err != nil || *out.ContentLength != c.size {
				t.Fatalf("stored: %v, %v", out, err)
			}
			_, _ = srv.Client(t).DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: &bucket, Key: &key})
		})
	}
}

// The streaming path stores the right bytes, in the planned parts.
func TestUploadStreamingParts(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	p := randFile(t, t.TempDir(), "rand.bin", 40<<20+77)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{PartSize: 5 << 20, Concurrency: 3})
	defer e.Close()
	transfer.SetPartLimitsForTest(e, 24<<20, 4) // 10 MiB parts, none fits
	plan, _ := e.PlanUpload(context.Background(), "", []string{p})
	res := e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, nil)
	if res.Done != 1 {
		t.Fatalf("upload: %v %v", res.Items[0].State, res.Items[0].Err)
	}
	got, err := getBytes(t, srv, bucket, "rand.bin")
	want, _ := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("not byte-identical: %v", err)
	}
	key := "rand.bin"
	out, err := srv.Client(t).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err != nil || out.ETag == nil || !bytes.HasSuffix([]byte(*out.ETag), []byte(`-4"`)) {
		t.Fatalf("want a 4-part object, got ETag %v (%v)", out.ETag, err)
	}
	if n := incomplete(t, srv, bucket); n != 0 || len(e.Resumable()) != 0 {
		t.Fatalf("left %d incomplete, %d journaled", n, len(e.Resumable()))
	}
}

// Resume waits for the big-transfer slot while another multipart upload
// holds it, as Upload does.
func TestResumeWaitsForBigSlot(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	data := t.TempDir()
	p := randFile(t, t.TempDir(), "big.bin", 25<<20)
	g := startPausedUpload(t, srv, bucket, data, p)
	g.Release()

	// A second gate holds every part of a second upload, which keeps the
	// slot; the journal record is moved to that gate's endpoint.
	g2 := newPartGate(t, srv, 0)
	for path, r := range journalRecords(t, data) {
		r["Endpoint"] = g2.svc.Endpoint()
		b, _ := json.Marshal(r)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := g2.engine(t, data, transfer.TransferOptions{PartSize: resumePart, Concurrency: 1, MultipartThreshold: resumePart})
	defer e.Close()
	rs := e.Resumable()
	if len(rs) != 1 {
		t.Fatalf("resumable: %+v", rs)
	}
	other := randFile(t, t.TempDir(), "other.bin", 15<<20)
	plan, _ := e.PlanUpload(context.Background(), "", []string{other})
	plan.Items[0].ID = e.NewID()
	upDone := make(chan transfer.BatchResult, 1)
	go func() { upDone <- e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, nil) }()
	<-g2.held // the upload holds the slot, its part 1 at the gate

	var mu sync.Mutex
	var states []transfer.TransferState
	resDone := make(chan error, 1)
	go func() {
		resDone <- e.Resume(context.Background(), rs[0].ID, func(pr transfer.Progress) {
			mu.Lock()
			states = append(states, pr.State)
			mu.Unlock()
		})
	}()
	time.Sleep(700 * time.Millisecond)
	mu.Lock()
	early := fmt.Sprint(states)
	mu.Unlock()
	for _, s := range states {
		if s == transfer.StateRunning {
			t.Fatalf("Resume ran while another multipart upload held the slot: %s", early)
		}
	}
	e.Cancel(plan.Items[0].ID) // frees the slot
	if res := <-upDone; res.Items[0].State != transfer.StateCancelled {
		t.Fatalf("other upload: %v", res.Items[0].State)
	}
	g2.Release()
	if err := <-resDone; err != nil {
		t.Fatalf("resume: %v (states before the slot freed: %s)", err, early)
	}
	got, err := getBytes(t, srv, bucket, "big.bin")
	want, _ := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("not byte-identical after resume: %v", err)
	}
}
