package gui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/async"
	"s3desk/gui/internal/guitest"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/s3test"
)

// newSandboxWindow builds the main window with the "Local sandbox" served by
// srv, and waits until its buckets are listed.
func newSandboxWindow(t *testing.T, srv *s3test.Server) *MainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Sandbox: func(context.Context) (storage.Config, error) { return srv.Config(), nil },
	})
	mw.win.Resize(fyne.NewSize(1120, 720))
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	if mw.service() == nil {
		t.Fatalf("not connected: %q", mw.buckets.message.Text)
	}
	return mw
}

// onUI runs fn as the UI goroutine would: while no background callback
// runs (the test driver runs fyne.Do callbacks inline on their goroutine).
func onUI(mw *MainWindow, fn func()) {
	defer mw.jobs.Hold()()
	fn()
}

// settle waits until the shell's background work and the objects view's
// listing are done.
func settle(t *testing.T, mw *MainWindow) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		mw.wait()
		idle := false
		onUI(mw, func() { idle = mw.objects.Idle() })
		if idle {
			mw.wait()
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the objects view never finished loading")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tapBucket taps a bucket in the side panel and waits for its listing.
func tapBucket(t *testing.T, mw *MainWindow, name string) {
	t.Helper()
	onUI(mw, func() { tapListRow(t, mw.buckets.list, name) })
	settle(t, mw)
}

// tapListRow taps the row of list that shows text, as a user would.
func tapListRow(t *testing.T, list *widget.List, text string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(list) {
		tap, ok := o.(fyne.Tappable)
		if !ok || !o.Visible() {
			continue
		}
		for _, in := range test.LaidOutObjects(o) {
			if l, ok := in.(*widget.Label); ok && l.Text == text {
				test.Tap(tap)
				return
			}
		}
	}
	t.Fatalf("no row %q in the list", text)
}

// rightClickRow opens the context menu of the row that shows text.
func rightClickRow(t *testing.T, list *widget.List, text string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(list) {
		row, ok := o.(*widgets.SideRow)
		if ok && row.Visible() && row.Name.Text == text {
			test.TapSecondary(row)
			return
		}
	}
	t.Fatalf("no row %q in the list", text)
}

// tapMenuItem taps the item labelled text of the open pop-up menu.
func tapMenuItem(t *testing.T, c fyne.Canvas, text string) {
	t.Helper()
	top := c.Overlays().Top()
	if top == nil {
		t.Fatal("no menu open")
	}
	var hit fyne.Tappable // the innermost tappable showing text (the pop-up itself is tappable too)
	for _, o := range test.LaidOutObjects(top) {
		tap, ok := o.(fyne.Tappable)
		if !ok {
			continue
		}
		for _, in := range test.LaidOutObjects(o) {
			if l, ok := in.(*canvas.Text); ok && l.Text == text {
				hit = tap
			}
		}
	}
	if hit != nil {
		test.Tap(hit)
		return
	}
	t.Fatalf("no menu item %q", text)
}

func bucketNames(v *BucketsView) []string {
	var out []string
	for _, b := range v.buckets {
		out = append(out, b.Name)
	}
	return out
}

func bucketExists(t *testing.T, c *s3.Client, bucket string) bool {
	t.Helper()
	_, err := c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	return err == nil
}

func TestTapBucketOpensIt(t *testing.T) {
	srv := s3test.StartVersity(t)
	a, b := srv.Bucket(t), srv.Bucket(t)
	mw := newSandboxWindow(t, srv)

	names := bucketNames(mw.buckets)
	if len(names) != 2 || !(names[0] < names[1]) {
		t.Fatalf("buckets listed %v, want %q and %q sorted", names, a, b)
	}
	if got := mw.profiles.Current(); got != "Local sandbox" {
		t.Fatalf("started on %q, want the Local sandbox", got)
	}
	tapBucket(t, mw, b)
	if mw.buckets.Selected() != b {
		t.Fatalf("selected %q, want %q", mw.buckets.Selected(), b)
	}
	if mw.objects.Bucket() != b || mw.objects.Prefix() != "" {
		t.Errorf("objects view shows %q/%q, want the root of %q", mw.objects.Bucket(), mw.objects.Prefix(), b)
	}
	if !strings.HasPrefix(mw.win.Title(), b) {
		t.Errorf("window title %q does not name the bucket", mw.win.Title())
	}
	if mw.buckets.delBtn.Disabled() {
		t.Errorf("delete button disabled with a bucket selected")
	}
}

func TestCreateBucketChecksTheNameAsYouType(t *testing.T) {
	srv := s3test.StartVersity(t)
	mw := newSandboxWindow(t, srv)
	if mw.buckets.message.Text == "" || !mw.buckets.message.Visible() {
		t.Fatalf("no empty-state message for an account without buckets")
	}

	test.Tap(mw.buckets.addBtn)
	d := mw.buckets.create
	if d == nil {
		t.Fatal("no New bucket dialog")
	}
	test.Type(d.name, "Bad_Name")
	if !d.create.Disabled() || d.hint.Importance != widget.DangerImportance {
		t.Fatalf("invalid name accepted: hint %q", d.hint.Text)
	}
	if !strings.Contains(strings.ToLower(d.hint.Text), "lower") && !strings.Contains(strings.ToLower(d.hint.Text), "character") {
		t.Errorf("hint %q does not say which rule is broken", d.hint.Text)
	}
	d.name.SetText("")
	name := "gui-made-" + strings.ToLower(strings.ReplaceAll(t.Name(), "_", "-"))[:20]
	test.Type(d.name, name)
	if d.create.Disabled() {
		t.Fatalf("valid name %q refused: %q", name, d.hint.Text)
	}
	if d.region.Text != "us-east-1" {
		t.Errorf("region preset %q, want the service's us-east-1", d.region.Text)
	}
	test.Tap(d.create)
	settle(t, mw)
	if !bucketExists(t, srv.Client(t), name) {
		t.Fatalf("bucket %q not created: %q", name, d.hint.Text)
	}
	if mw.buckets.Selected() != name {
		t.Errorf("new bucket not selected (selected %q, listed %v)", mw.buckets.Selected(), bucketNames(mw.buckets))
	}

	// A bucket that allows per-file ACLs.
	test.Tap(mw.buckets.addBtn)
	d = mw.buckets.create
	withACLs := name + "-acl"
	test.Type(d.name, withACLs)
	test.Tap(d.acls)
	test.Tap(d.create)
	settle(t, mw)
	oc, err := srv.Client(t).GetBucketOwnershipControls(context.Background(),
		&s3.GetBucketOwnershipControlsInput{Bucket: aws.String(withACLs)})
	if err != nil || len(oc.OwnershipControls.Rules) == 0 || oc.OwnershipControls.Rules[0].ObjectOwnership != "BucketOwnerPreferred" {
		t.Errorf("ACL bucket ownership: %v %+v (hint %q)", err, oc, d.hint.Text)
	}

	// Creating it again says so in words, inside the dialog.
	test.Tap(mw.buckets.addBtn)
	d = mw.buckets.create
	test.Type(d.name, name)
	test.Tap(d.create)
	settle(t, mw)
	if d.hint.Importance != widget.DangerImportance || strings.Contains(d.hint.Text, "<") {
		t.Errorf("duplicate bucket: hint %q", d.hint.Text)
	}
}

func TestDeleteEmptyBucketAfterConfirm(t *testing.T) {
	srv := s3test.StartVersity(t)
	keep, gone := srv.Bucket(t), srv.Bucket(t)
	mw := newSandboxWindow(t, srv)
	tapBucket(t, mw, gone)
	test.Tap(mw.buckets.delBtn)
	settle(t, mw)
	d := mw.buckets.del
	if d == nil || d.confirm != nil || !strings.Contains(d.summary.Text, "empty") {
		t.Fatalf("empty bucket: want a plain confirmation, got %+v", d)
	}
	test.Tap(d.cancel)
	settle(t, mw)
	if !bucketExists(t, srv.Client(t), gone) {
		t.Fatal("Cancel deleted the bucket")
	}
	// This time through the row's context menu.
	onUI(mw, func() {
		rightClickRow(t, mw.buckets.list, gone)
		tapMenuItem(t, mw.win.Canvas(), "Delete bucket…")
	})
	settle(t, mw)
	test.Tap(mw.buckets.del.del)
	settle(t, mw)
	if bucketExists(t, srv.Client(t), gone) {
		t.Fatalf("bucket still there: %q", mw.buckets.del.result.Text)
	}
	if got := bucketNames(mw.buckets); len(got) != 1 || got[0] != keep {
		t.Errorf("list after delete %v, want [%s]", got, keep)
	}
	if mw.buckets.Selected() != "" || strings.HasPrefix(mw.win.Title(), gone) {
		t.Errorf("deleted bucket still open (selected %q, title %q)", mw.buckets.Selected(), mw.win.Title())
	}
}

func TestDeleteFullBucketWantsItsNameTyped(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	c := srv.Client(t)
	guitest.PutObject(t, c, bucket, "a.txt", "hello")
	guitest.PutObject(t, c, bucket, "dir/b.txt", "world!")
	guitest.PutObject(t, c, bucket, "dir/deeper/c.bin", strings.Repeat("x", 1000))
	mw := newSandboxWindow(t, srv)
	if mw.buckets.Selected() != bucket {
		t.Errorf("the account's only bucket was not opened on connect (selected %q)", mw.buckets.Selected())
	}
	tapBucket(t, mw, bucket)
	test.Tap(mw.buckets.delBtn)
	settle(t, mw)
	d := mw.buckets.del
	if d == nil || d.confirm == nil {
		t.Fatal("non-empty bucket: no type-the-name confirmation")
	}
	if !strings.Contains(d.summary.Text, "3 objects") || !strings.Contains(d.summary.Text, "1011 B") {
		t.Errorf("summary %q does not say 3 objects, 1011 B", d.summary.Text)
	}
	if !d.del.Disabled() {
		t.Fatal("Delete enabled before the name is typed")
	}
	test.Type(d.confirm, bucket[:len(bucket)-1])
	if !d.del.Disabled() {
		t.Fatal("Delete enabled for a wrong name")
	}
	test.Type(d.confirm, bucket[len(bucket)-1:])
	if d.del.Disabled() {
		t.Fatal("Delete still disabled after typing the name")
	}
	test.Tap(d.del)
	settle(t, mw)
	if bucketExists(t, c, bucket) {
		t.Fatalf("bucket not deleted: %q", d.result.Text)
	}
	if !strings.Contains(mw.status.message.Text, "Deleted bucket") {
		t.Errorf("status %q", mw.status.message.Text)
	}
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
	v := NewBucketsView(w, newStatusBar(), j)
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
