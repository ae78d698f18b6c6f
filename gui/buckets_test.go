package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/accounts"
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
		t.Fatalf("not connected: %q", mw.buckets.Message().Text)
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
	onUI(mw, func() { tapListRow(t, mw.buckets.List(), name) })
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

func bucketNames(v *accounts.BucketsView) []string {
	var out []string
	for _, b := range v.Buckets() {
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
	if mw.buckets.DeleteButton().Disabled() {
		t.Errorf("delete button disabled with a bucket selected")
	}
}

func TestCreateBucketChecksTheNameAsYouType(t *testing.T) {
	srv := s3test.StartVersity(t)
	mw := newSandboxWindow(t, srv)
	if mw.buckets.Message().Text == "" || !mw.buckets.Message().Visible() {
		t.Fatalf("no empty-state message for an account without buckets")
	}

	test.Tap(mw.buckets.AddButton())
	d := mw.buckets.CreateDialog()
	if d == nil {
		t.Fatal("no New bucket dialog")
	}
	test.Type(d.Name, "Bad_Name")
	if !d.Create.Disabled() || d.Hint.Importance != widget.DangerImportance {
		t.Fatalf("invalid name accepted: hint %q", d.Hint.Text)
	}
	if !strings.Contains(strings.ToLower(d.Hint.Text), "lower") && !strings.Contains(strings.ToLower(d.Hint.Text), "character") {
		t.Errorf("hint %q does not say which rule is broken", d.Hint.Text)
	}
	d.Name.SetText("")
	name := "gui-made-" + strings.ToLower(strings.ReplaceAll(t.Name(), "_", "-"))[:20]
	test.Type(d.Name, name)
	if d.Create.Disabled() {
		t.Fatalf("valid name %q refused: %q", name, d.Hint.Text)
	}
	if d.Region.Text != "us-east-1" {
		t.Errorf("region preset %q, want the service's us-east-1", d.Region.Text)
	}
	test.Tap(d.Create)
	settle(t, mw)
	if !bucketExists(t, srv.Client(t), name) {
		t.Fatalf("bucket %q not created: %q", name, d.Hint.Text)
	}
	if mw.buckets.Selected() != name {
		t.Errorf("new bucket not selected (selected %q, listed %v)", mw.buckets.Selected(), bucketNames(mw.buckets))
	}

	// A bucket that allows per-file ACLs.
	test.Tap(mw.buckets.AddButton())
	d = mw.buckets.CreateDialog()
	withACLs := name + "-acl"
	test.Type(d.Name, withACLs)
	test.Tap(d.ACLs)
	test.Tap(d.Create)
	settle(t, mw)
	oc, err := srv.Client(t).GetBucketOwnershipControls(context.Background(),
		&s3.GetBucketOwnershipControlsInput{Bucket: aws.String(withACLs)})
	if err != nil || len(oc.OwnershipControls.Rules) == 0 || oc.OwnershipControls.Rules[0].ObjectOwnership != "BucketOwnerPreferred" {
		t.Errorf("ACL bucket ownership: %v %+v (hint %q)", err, oc, d.Hint.Text)
	}

	// Creating it again says so in words, inside the dialog.
	test.Tap(mw.buckets.AddButton())
	d = mw.buckets.CreateDialog()
	test.Type(d.Name, name)
	test.Tap(d.Create)
	settle(t, mw)
	if d.Hint.Importance != widget.DangerImportance || strings.Contains(d.Hint.Text, "<") {
		t.Errorf("duplicate bucket: hint %q", d.Hint.Text)
	}
}

func TestDeleteEmptyBucketAfterConfirm(t *testing.T) {
	srv := s3test.StartVersity(t)
	keep, gone := srv.Bucket(t), srv.Bucket(t)
	mw := newSandboxWindow(t, srv)
	tapBucket(t, mw, gone)
	test.Tap(mw.buckets.DeleteButton())
	settle(t, mw)
	d := mw.buckets.DeleteDialog()
	if d == nil || d.Confirm != nil || !strings.Contains(d.Summary.Text, "empty") {
		t.Fatalf("empty bucket: want a plain confirmation, got %+v", d)
	}
	test.Tap(d.Cancel)
	settle(t, mw)
	if !bucketExists(t, srv.Client(t), gone) {
		t.Fatal("Cancel deleted the bucket")
	}
	// This time through the row's context menu.
	onUI(mw, func() {
		rightClickRow(t, mw.buckets.List(), gone)
		tapMenuItem(t, mw.win.Canvas(), "Delete bucket…")
	})
	settle(t, mw)
	test.Tap(mw.buckets.DeleteDialog().Del)
	settle(t, mw)
	if bucketExists(t, srv.Client(t), gone) {
		t.Fatalf("bucket still there: %q", mw.buckets.DeleteDialog().Result.Text)
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
	test.Tap(mw.buckets.DeleteButton())
	settle(t, mw)
	d := mw.buckets.DeleteDialog()
	if d == nil || d.Confirm == nil {
		t.Fatal("non-empty bucket: no type-the-name confirmation")
	}
	if !strings.Contains(d.Summary.Text, "3 objects") || !strings.Contains(d.Summary.Text, "1011 B") {
		t.Errorf("summary %q does not say 3 objects, 1011 B", d.Summary.Text)
	}
	if !d.Del.Disabled() {
		t.Fatal("Delete enabled before the name is typed")
	}
	test.Type(d.Confirm, bucket[:len(bucket)-1])
	if !d.Del.Disabled() {
		t.Fatal("Delete enabled for a wrong name")
	}
	test.Type(d.Confirm, bucket[len(bucket)-1:])
	if d.Del.Disabled() {
		t.Fatal("Delete still disabled after typing the name")
	}
	test.Tap(d.Del)
	settle(t, mw)
	if bucketExists(t, c, bucket) {
		t.Fatalf("bucket not deleted: %q", d.Result.Text)
	}
	if !strings.Contains(mw.status.message.Text, "Deleted bucket") {
		t.Errorf("status %q", mw.status.message.Text)
	}
}
