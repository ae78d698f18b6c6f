package transfers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/async"
	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

type panelHarness struct {
	p      *TransfersPanel
	j      *async.Jobs
	w      fyne.Window
	mu     sync.Mutex
	alerts []string
	notes  []string
}

func newPanelHarness(t *testing.T) *panelHarness {
	t.Helper()
	test.NewTempApp(t)
	h := &panelHarness{j: async.New(t.Context())}
	h.w = test.NewTempWindow(t, nil)
	h.p = NewTransfersPanel(h.w, TransferDeps{
		Life: t.Context(),
		Jobs: h.j,
		Alert: func(title, msg string) {
			h.mu.Lock()
			h.alerts = append(h.alerts, title+": "+msg)
			h.mu.Unlock()
		},
		Notify: func(title, body string) { h.notes = append(h.notes, title) },
	})
	h.w.SetContent(h.p.CanvasObject())
	h.w.Resize(fyne.NewSize(900, 300))
	t.Cleanup(h.settle)
	return h
}

// settle waits for background work and the last throttled redraw.
func (h *panelHarness) settle() {
	h.j.Wait()
	time.Sleep(3 * RefreshEvery)
	h.j.Do(h.p.flush)
}

func (h *panelHarness) infos() []string {
	var out []string
	for _, r := range h.p.view {
		out = append(out, r.name+" | "+rowInfo(r))
	}
	sort.Strings(out)
	return out
}

func TestDropUploadsIntoOpenFolder(t *testing.T) {
	srv := s3test.StartFake(t)
	bucket := srv.Bucket(t)
	svc := srv.Service(t)
	h := newPanelHarness(t)

	// No account yet, then no bucket open: the drop explains what to do.
	src := t.TempDir()
	file := filepath.Join(src, "a.txt")
	_ = os.WriteFile(file, []byte("hello"), 0o644)
	_ = os.MkdirAll(filepath.Join(src, "photos", "sub"), 0o755)
	_ = os.WriteFile(filepath.Join(src, "photos", "x.jpg"), []byte("jpg"), 0o644)
	_ = os.WriteFile(filepath.Join(src, "photos", "sub", "y.txt"), []byte("y"), 0o644)
	uris := []fyne.URI{repository.NewFileURI(file), repository.NewFileURI(filepath.Join(src, "photos"))}
	h.p.Dropped(bucket, "", uris)
	h.p.Connect(t.Context(), enginesOf(svc), t.TempDir())
	h.j.Wait()
	h.p.Dropped("", "", uris)
	if len(h.alerts) != 2 || !strings.HasPrefix(h.alerts[0], "Not connected") || !strings.HasPrefix(h.alerts[1], "Open a bucket first") {
		t.Fatalf("alerts: %q", h.alerts)
	}

	h.p.Dropped(bucket, "docs/", uris)
	h.settle()
	var keys []string
	out, err := srv.Client(t).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "docs/a.txt,docs/photos/sub/y.txt,docs/photos/x.jpg" {
		t.Fatalf("keys %v", keys)
	}
	got := h.infos()
	if len(got) != 3 || !strings.Contains(got[0], "Done") || !strings.Contains(got[2], "Done") {
		t.Fatalf("rows %q", got)
	}
	if !strings.HasPrefix(h.p.totalLabel.Text, "3 of 3 files") {
		t.Fatalf("total %q", h.p.totalLabel.Text)
	}
	h.p.ClearFinished()
	if len(h.p.view) != 0 || h.p.listArea.Visible() {
		t.Fatal("Clear finished left rows")
	}
}

// fakeEngine runs scripted transfers: "fail*" keys fail, "slow*" keys run
// until cancelled, others finish.
type fakeEngine struct {
	mu      sync.Mutex
	next    int64
	cancels map[int64]chan struct{}
	uploads [][]string
	running chan int64
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{cancels: map[int64]chan struct{}{}, running: make(chan int64, 10)}
}

func (f *fakeEngine) NewID() int64 { f.mu.Lock(); defer f.mu.Unlock(); f.next++; return f.next }
func (f *fakeEngine) Cancel(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.cancels[id]; ok {
		close(c)
		delete(f.cancels, id)
	}
}
func (f *fakeEngine) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, c := range f.cancels {
		close(c)
		delete(f.cancels, id)
	}
}
func (f *fakeEngine) PlanUpload(_ context.Context, prefix string, paths []string) (transfer.UploadPlan, error) {
	var p transfer.UploadPlan
	for _, x := range paths {
		p.Items = append(p.Items, transfer.UploadItem{Path: x, Key: prefix + x, Size: 100})
	}
	return p, nil
}
func (f *fakeEngine) Existing(_ context.Context, _ string, keys []string) ([]string, error) {
	var out []string
	for _, k := range keys {
		if strings.Contains(k, "exists") {
			out = append(out, k)
		}
	}
	return out, nil
}
func (f *fakeEngine) Upload(_ context.Context, bucket string, items []transfer.UploadItem, opts transfer.UploadOptions, fn transfer.ProgressFunc) transfer.BatchResult {
	var keys []string
	for _, it := range items {
		keys = append(keys, it.Key+"="+opts.Conflict.String())
	}
	f.mu.Lock()
	f.uploads = append(f.uploads, keys)
	for _, it := range items {
		f.cancels[it.ID] = make(chan struct{})
	}
	f.mu.Unlock()
	var wg, others sync.WaitGroup
	for _, it := range items {
		if !strings.HasPrefix(it.Key, "slow") {
			others.Add(1)
		}
	}
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := transfer.Progress{ID: it.ID, Upload: true, Bucket: bucket, Key: it.Key, Total: it.Size, State: transfer.StateRunning, Done: 40, Speed: 1000, ETA: time.Second}
			fn(p)
			switch {
			case strings.HasPrefix(it.Key, "fail"):
				p.State, p.Err = transfer.StateFailed, &storage.Error{Kind: storage.ErrEndpoint, Msg: "upload: the connection to the service was lost; try again"}
			case strings.HasPrefix(it.Key, "slow"):
				f.mu.Lock()
				c := f.cancels[it.ID]
				f.mu.Unlock()
				// Signal "running" only once the other items reported their
				// end, so a test that reads the rows then sees a fixed state.
				others.Wait()
				f.running <- it.ID
				<-c
				p.State, p.Err = transfer.StateCancelled, context.Canceled
			default:
				p.State, p.Done = transfer.StateDone, it.Size
			}
			fn(p)
			if !strings.HasPrefix(it.Key, "slow") {
				others.Done()
			}
		}()
	}
	wg.Wait()
	return transfer.BatchResult{}
}
func (f *fakeEngine) PlanDownload(context.Context, string, string, []storage.Entry) (transfer.DownloadPlan, error) {
	return transfer.DownloadPlan{}, errors.New("not used")
}
func (f *fakeEngine) Download(context.Context, string, []transfer.DownloadItem, transfer.DownloadOptions, transfer.ProgressFunc) transfer.BatchResult {
	return transfer.BatchResult{}
}
func (f *fakeEngine) Resumable() []transfer.ResumableUpload                       { return nil }
func (f *fakeEngine) Resume(context.Context, string, transfer.ProgressFunc) error { return nil }
func (f *fakeEngine) Discard(context.Context, string) error                       { return nil }

func TestPanelShowsStatesAndCancels(t *testing.T) {
	h := newPanelHarness(t)
	f := newFakeEngine()
	t.Cleanup(f.Close) // runs before the harness waits
	h.p.SetEngine(f, nil)
	h.p.StartUpload("b", "", []string{"ok.txt", "fail.txt", "slow.bin"})
	id := <-f.running
	time.Sleep(3 * RefreshEvery)
	h.j.Do(h.p.flush)
	got := h.infos()
	if !strings.Contains(got[0], "Failed: upload: the connection to the service was lost") ||
		!strings.Contains(got[1], "Done") || !strings.Contains(got[2], "40 B of 100 B") {
		t.Fatalf("rows %q", got)
	}
	// Tap the Cancel button of the running row (the only enabled one).
	var cancels []*widget.Button
	h.j.Do(func() {
		cancels = guitest.FindButtons(h.w.Content(), func(b *widget.Button) bool {
			return b.Icon != nil && b.Icon.Name() == theme.CancelIcon().Name() && !b.Disabled()
		})
	})
	if len(cancels) != 1 {
		t.Fatalf("want one enabled Cancel, got %d", len(cancels))
	}
	test.Tap(cancels[0])
	h.settle()
	got = h.infos()
	if !strings.Contains(got[2], "Cancelled") {
		t.Fatalf("after cancel: %q", got)
	}
	f.mu.Lock()
	_, still := f.cancels[id]
	f.mu.Unlock()
	if still {
		t.Fatal("the engine was not told to cancel")
	}
	// Retry the failed row.
	var retries []*widget.Button
	h.j.Do(func() {
		retries = guitest.FindButtons(h.w.Content(), func(b *widget.Button) bool {
			return b.Icon != nil && b.Icon.Name() == theme.ViewRefreshIcon().Name() && !b.Disabled()
		})
	})
	if len(retries) != 2 { // failed and cancelled rows
		t.Fatalf("want two enabled Retry buttons, got %d", len(retries))
	}
	if !strings.Contains(h.p.totalLabel.Text, "1 of 2 files") || !strings.Contains(h.p.totalLabel.Text, "1 failed") {
		t.Fatalf("total %q", h.p.totalLabel.Text)
	}
}

func TestConflictDialogOncePerBatch(t *testing.T) {
	h := newPanelHarness(t)
	f := newFakeEngine()
	h.p.SetEngine(f, nil)
	h.p.StartUpload("b", "", []string{"exists1", "exists2", "new"})
	h.j.Wait()
	tap := func(label string) {
		t.Helper()
		var bs []*widget.Button
		h.j.Do(func() {
			top := h.w.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no dialog shown")
			}
			bs = guitest.FindButtons(top, func(b *widget.Button) bool { return b.Text == label })
		})
		if len(bs) != 1 {
			t.Fatalf("button %q: found %d", label, len(bs))
		}
		test.Tap(bs[0])
	}
	tap("Keep both") // "apply to all 2" is ticked by default
	h.settle()
	if h.w.Canvas().Overlays().Top() != nil {
		t.Fatal("a second conflicts dialog appeared")
	}
	var all []string
	for _, u := range f.uploads {
		all = append(all, u...)
	}
	sort.Strings(all)
	if strings.Join(all, ",") != "exists1=keep both,exists2=keep both,new=skip" {
		t.Fatalf("uploads %v", all)
	}

	// "Skip" does not send the existing file at all.
	f.uploads = nil
	h.p.StartUpload("b", "", []string{"exists3", "new2"})
	h.j.Wait()
	tap("Skip")
	h.settle()
	if len(f.uploads) != 1 || strings.Join(f.uploads[0], ",") != "new2=skip" {
		t.Fatalf("uploads %v", f.uploads)
	}
	found := false
	for _, r := range h.infos() {
		found = found || r == "exists3 | Skipped: exists; kept the stored object"
	}
	if !found {
		t.Fatalf("rows %q", h.infos())
	}
}
