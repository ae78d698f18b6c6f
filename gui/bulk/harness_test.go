//go:build ci

package bulk

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/async"
	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/s3test"
)

// realStore is the feature's Store over a real storage service, as the
// shell wires it (gui/bulkwiring.go), with an optional Batch store.
type realStore struct {
	svc   *storage.Service
	batch BatchStore
}

func (r realStore) OpenJobs(dir string) (Jobs, error) {
	m, err := bulk.Open(dir, r.svc, bulk.Hooks{})
	if err != nil {
		return nil, err
	}
	return realJobs{m}, nil
}
func (r realStore) DryRun(ctx context.Context, spec bulk.Spec, each func(bulk.Item)) (bulk.Plan, error) {
	return bulk.DryRun(ctx, r.svc, spec, each)
}
func (r realStore) ExportCommand(ctx context.Context, spec bulk.Spec, remote, listFile string, w io.Writer) (bulk.CommandFile, error) {
	return bulk.ExportCommand(ctx, r.svc, spec, remote, listFile, w)
}
func (r realStore) ListBuckets(ctx context.Context) ([]storage.Bucket, error) {
	return r.svc.ListBuckets(ctx)
}
func (r realStore) Batch() BatchStore { return r.batch }

type realJobs struct{ m *bulk.Manager }

func (j realJobs) List() []Job {
	var out []Job
	for _, x := range j.m.Jobs() {
		out = append(out, x)
	}
	return out
}
func (j realJobs) Create(spec bulk.Spec) (Job, error) {
	x, err := j.m.Create(spec)
	if err != nil {
		return nil, err
	}
	return x, nil
}
func (j realJobs) Remove(id string) error { return j.m.Remove(id) }

type harness struct {
	p    *Panel
	j    *async.Jobs
	w    fyne.Window
	dir  string
	mu   sync.Mutex
	save map[string]string // saved files by suggested name
}

func newHarness(t *testing.T, store Store) *harness {
	t.Helper()
	test.NewTempApp(t)
	h := &harness{j: async.New(t.Context()), dir: t.TempDir(), save: map[string]string{}}
	h.w = test.NewTempWindow(t, nil)
	h.p = NewPanel(h.w, h.j)
	h.p.SaveAs = func(name string, write func(io.Writer, string) error) {
		path := filepath.Join(h.dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Error(err)
			return
		}
		if err := write(f, path); err != nil {
			t.Error(err)
		}
		f.Close()
		data, _ := os.ReadFile(path)
		h.mu.Lock()
		h.save[name] = string(data)
		h.mu.Unlock()
	}
	h.w.SetContent(h.p.CanvasObject())
	h.w.Resize(fyne.NewSize(900, 400))
	h.j.SetConn(t.Context())
	h.j.Do(func() { h.p.Connect(t.Context(), store, filepath.Join(h.dir, "jobs")) })
	h.j.Wait()
	t.Cleanup(h.j.Wait)
	return h
}

// seedKeys puts n small objects prefix+"k%05d" straight to the server.
func seedKeys(t *testing.T, srv *s3test.Server, bucket, prefix string, n int) {
	t.Helper()
	c := srv.Client(t)
	var wg sync.WaitGroup
	ch := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				k := fmt.Sprintf("%sk%05d", prefix, i)
				if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for i := range n {
		ch <- i
	}
	close(ch)
	wg.Wait()
}

func countKeys(t *testing.T, svc *storage.Service, bucket, prefix string) int {
	t.Helper()
	n := 0
	for p, err := range svc.List(context.Background(), bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Objects)
	}
	return n
}

// tap taps b on the UI goroutine's turn (jobs.Do), as a click would: the
// background callbacks never touch widgets at the same time.
func (h *harness) tap(b *widget.Button) { h.j.Do(func() { test.Tap(b) }) }

// rowText is the status line of the panel's only row.
func (h *harness) rowText(t *testing.T) string {
	t.Helper()
	var s string
	h.j.Do(func() {
		if len(h.p.rows) != 1 {
			t.Fatalf("%d rows, want 1", len(h.p.rows))
		}
		for _, r := range h.p.rows {
			s = r.status.Text
		}
	})
	return s
}

func (h *harness) row(t *testing.T) *jobRow {
	t.Helper()
	var row *jobRow
	h.j.Do(func() {
		for _, r := range h.p.rows {
			row = r
		}
	})
	if row == nil {
		t.Fatal("no row")
	}
	return row
}
