package accounts

import (
	"context"
	"errors"
	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// testStatus stands in for the shell's status bar.
type testStatus struct{ said []string }

func (s *testStatus) Say(text string)                     { s.said = append(s.said, text) }
func (s *testStatus) Begin(string) (func(string), func()) { return func(string) {}, func() {} }

func bucketNames(v *BucketsView) []string {
	var out []string
	for _, b := range v.buckets {
		out = append(out, b.Name)
	}
	return out
}

// fakeBuckets is a narrow BucketStore for error paths and ordering tests.
type fakeBuckets struct {
	list    []storage.Bucket
	err     error
	release chan struct{} // when set, ListBuckets waits for it
	mu      sync.Mutex
	calls   int
}

func (f *fakeBuckets) ListBuckets(ctx context.Context) ([]storage.Bucket, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if f.release != nil {
		<-f.release // ignores ctx on purpose: a late answer must still be dropped
	}
	return f.list, f.err
}
func (f *fakeBuckets) CreateBucket(context.Context, string, storage.CreateBucketOptions) error {
	return f.err
}
func (f *fakeBuckets) DeleteBucket(context.Context, string, storage.DeleteBucketOptions) error {
	return f.err
}
func (f *fakeBuckets) Usage(context.Context, string, string, func(storage.Usage)) (storage.Usage, error) {
	return storage.Usage{}, f.err
}
func (f *fakeBuckets) Region() string { return "eu-west-1" }

func newBucketsOnly(t *testing.T) (*BucketsView, *async.Jobs, fyne.Window) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	j := async.New(t.Context())
	v := NewBucketsView(w, &testStatus{}, j)
	w.SetContent(v.CanvasObject())
	w.Resize(fyne.NewSize(320, 400))
	t.Cleanup(j.Wait)
	return v, j, w
}

func TestBucketListErrorIsReadable(t *testing.T) {
	v, j, _ := newBucketsOnly(t)
	raw := &storage.Error{Op: "list buckets", Kind: storage.ErrInvalidAccessKey,
		Msg: "list buckets: the access key is not known to the service; check the access key ID",
		Err: errors.New("operation error S3: ListBuckets, https response error StatusCode: 403\n<?xml version=\"1.0\"?><Error><Code>InvalidAccessKeyId</Code></Error>")}
	v.SetStore(&fakeBuckets{err: raw})
	j.Wait()
	msg := v.message.Text
	if !strings.Contains(msg, "access key is not known") {
		t.Errorf("message %q lacks the plain text", msg)
	}
	for _, bad := range []string{"<?xml", "<Error>", "goroutine", "StatusCode"} {
		if strings.Contains(msg, bad) {
			t.Errorf("message %q shows %q", msg, bad)
		}
	}
	// A non-storage error with an XML body is cut to its first readable line.
	if got := widgets.ErrorText(errors.New("boom: server said\n<?xml version=\"1.0\"?><Error/>")); got != "boom: server said" {
		t.Errorf("errorText = %q", got)
	}
	if got := widgets.ErrorText(context.Canceled); got != "" {
		t.Errorf("a cancel should show nothing, got %q", got)
	}
}

func TestStaleBucketListIsDropped(t *testing.T) {
	v, j, _ := newBucketsOnly(t)
	slow := &fakeBuckets{list: []storage.Bucket{{Name: "old-account-bucket"}}, release: make(chan struct{})}
	fast := &fakeBuckets{list: []storage.Bucket{{Name: "new-account-bucket", Region: "eu-west-1",
		Created: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}}}
	v.SetStore(slow)
	v.SetStore(fast) // the user switched profile before the first answer
	waitCalls(t, slow)
	close(slow.release)
	j.Wait()
	if got := bucketNames(v); len(got) != 1 || got[0] != "new-account-bucket" {
		t.Fatalf("list %v: the stale answer landed", got)
	}
	if d := bucketDetail(v.buckets[0]); !strings.Contains(d, "eu-west-1") || !strings.Contains(d, "2024") {
		t.Errorf("detail %q lacks region and creation date", d)
	}
}

func waitCalls(t *testing.T, f *fakeBuckets) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		f.mu.Lock()
		n := f.calls
		f.mu.Unlock()
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("ListBuckets never called")
}

func TestEscapeInBucketDialogsCancels(t *testing.T) {
	v, j, w := newBucketsOnly(t)
	v.SetStore(&usageBuckets{fakeBuckets: fakeBuckets{list: fixedBuckets()}, usage: storage.Usage{Objects: 3, Bytes: 10}})
	j.Wait()
	test.Tap(v.addBtn)
	test.Type(v.create.name, "new-bucket")
	v.create.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left New bucket open")
	}
	v.ConfirmDelete("backups")
	j.Wait()
	d := v.del
	if d == nil || d.confirm == nil {
		t.Fatal("no delete dialog asking for the name")
	}
	test.Type(d.confirm, "back")
	d.confirm.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	j.Wait()
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left Delete bucket open")
	}
}
