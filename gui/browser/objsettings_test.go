package browser

import (
	"context"
	"errors"
	"io"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/s3test"
)

// topEntries are the entries of the top dialog, in order.
func (h *ovHarness) topEntries() []*widget.Entry {
	var out []*widget.Entry
	for _, o := range ovWalk(h.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e.Visible() {
			out = append(out, e)
		}
	}
	return out
}

func (h *ovHarness) topWidget(match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	h.t.Helper()
	for _, o := range ovWalk(h.win.Canvas().Overlays().Top()) {
		if match(o) {
			return o
		}
	}
	h.t.Fatal("no such widget in the top dialog")
	return nil
}

func (h *ovHarness) menuLabels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Label)
	}
	return out
}

func (h *ovHarness) menuItem(m *fyne.Menu, label string) *fyne.MenuItem {
	h.t.Helper()
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	h.t.Fatalf("menu %v has no %q", h.menuLabels(m), label)
	return nil
}

// TestPropertiesTagsLockAndClassOnMinIO edits one object's tags, object
// lock and storage class from Properties on MinIO (which has all three)
// and checks each behind the app's back.
func TestPropertiesTagsLockAndClassOnMinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	c := srv.Client(t)
	bucket := srv.Bucket(t) + "-lock"
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a.txt"),
		Body: strings.NewReader("hello"), ContentType: aws.String("text/plain"), Metadata: map[string]string{"owner": "ada"}}); err != nil {
		t.Fatal(err)
	}
	h := newOV(t, srv.Service(t), ObjectActions{})
	h.open(bucket, "")
	h.click("a.txt", 0)
	test.Tap(h.button("Properties"))
	h.settle()
	text := h.dialogText()
	for _, want := range []string{"none", "Standard", "No retention; no legal hold"} {
		if !strings.Contains(text, want) {
			t.Fatalf("properties lack %q:\n%s", want, text)
		}
	}
	props := h.win.Canvas().Overlays().Top()
	guitest.Shot(t, h.win.Canvas(), "props_settings.png")

	// Tags: a reserved key is refused as typed; a good one is saved.
	test.Tap(h.button("Edit tags…"))
	h.settle()
	es := h.topEntries()
	if len(es) != 2 {
		t.Fatalf("tag editor has %d entries", len(es))
	}
	es[0].SetText("aws:owner")
	es[1].SetText("x")
	save := h.button("Save")
	guitest.Shot(t, h.win.Canvas(), "tags_refused.png")
	if !save.Disabled() || !strings.Contains(h.dialogText(), "reserves") {
		t.Fatalf("a reserved key was not refused: disabled %v\n%s", save.Disabled(), h.dialogText())
	}
	es[0].SetText("project")
	es[1].SetText("desk")
	guitest.Shot(t, h.win.Canvas(), "tags_editor.png")
	if save.Disabled() || !strings.Contains(h.dialogText(), "1 of 10 tags") {
		t.Fatalf("a good tag was refused:\n%s", h.dialogText())
	}
	test.Tap(save)
	h.settle()
	out, err := c.GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("a.txt")})
	if err != nil || len(out.TagSet) != 1 || aws.ToString(out.TagSet[0].Key) != "project" || aws.ToString(out.TagSet[0].Value) != "desk" {
		t.Fatalf("tags on the server: %+v %v", out, err)
	}
	if h.win.Canvas().Overlays().Top() != props || !strings.Contains(h.dialogText(), "project = desk") {
		t.Fatalf("properties do not show the saved tags:\n%s", h.dialogText())
	}

	// Object lock: governance retention and a legal hold.
	test.Tap(h.button("Object lock…"))
	radio := h.topWidget(func(o fyne.CanvasObject) bool { _, ok := o.(*widget.RadioGroup); return ok }).(*widget.RadioGroup)
	radio.SetSelected(modeGovernance)
	until := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	h.topEntries()[0].SetText(until.Format(untilLayout))
	hold := h.topWidget(func(o fyne.CanvasObject) bool {
		c, ok := o.(*widget.Check)
		return ok && strings.HasPrefix(c.Text, "Legal hold")
	}).(*widget.Check)
	hold.SetChecked(true)
	guitest.Shot(t, h.win.Canvas(), "object_lock.png")
	test.Tap(h.button("Save"))
	h.settle()
	ret, err := c.GetObjectRetention(context.Background(), &s3.GetObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String("a.txt")})
	if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeGovernance || !aws.ToTime(ret.Retention.RetainUntilDate).Equal(until) {
		t.Fatalf("retention on the server: %+v %v", ret, err)
	}
	lh, err := c.GetObjectLegalHold(context.Background(), &s3.GetObjectLegalHoldInput{Bucket: aws.String(bucket), Key: aws.String("a.txt")})
	if err != nil || lh.LegalHold.Status != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("legal hold on the server: %+v %v", lh, err)
	}
	if !strings.Contains(h.dialogText(), "GOVERNANCE retention until") || !strings.Contains(h.dialogText(), "legal hold on") {
		t.Fatalf("properties do not show the lock:\n%s", h.dialogText())
	}
	// Lift the hold again so the class change (a copy onto itself) may
	// write a new version.
	test.Tap(h.button("Object lock…"))
	h.topWidget(func(o fyne.CanvasObject) bool {
		c, ok := o.(*widget.Check)
		return ok && strings.HasPrefix(c.Text, "Legal hold")
	}).(*widget.Check).SetChecked(false)
	test.Tap(h.button("Save"))
	h.settle()

	// Storage class: Reduced Redundancy, keeping metadata and tags.
	test.Tap(h.button("Change storage class…"))
	sel := h.topWidget(func(o fyne.CanvasObject) bool { _, ok := o.(*widget.Select); return ok }).(*widget.Select)
	sel.SetSelected(classLabel(types.StorageClassGlacier))
	h.drain()
	guitest.Shot(t, h.win.Canvas(), "storage_class.png")
	if !strings.Contains(h.dialogText(), "cannot be read, previewed, downloaded or copied until they are restored") {
		t.Fatalf("no archive warning:\n%s", h.dialogText())
	}
	sel.SetSelected(classLabel(types.StorageClassReducedRedundancy))
	test.Tap(h.button("Change"))
	h.settle()
	head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("a.txt")})
	if err != nil || head.StorageClass != types.StorageClassReducedRedundancy || head.Metadata["owner"] != "ada" || aws.ToString(head.ContentType) != "text/plain" {
		t.Fatalf("after the class change: %+v %v", head, err)
	}
	if !strings.Contains(h.v.statusLabel.Text, "Moved to Reduced Redundancy: 1 file") {
		t.Errorf("status %q", h.v.statusLabel.Text)
	}
	h.waitFor("the table to show the class", func() bool { return strings.Contains(h.cellText("a.txt", colClass), "Reduced Redundancy") })
}

// cellText is the text of a row's column.
func (h *ovHarness) cellText(name string, col int) string {
	for i, r := range h.v.rows {
		if displayName(&h.v.entries[r]) == name {
			c := newObjCell(h.v)
			h.v.updateCell(widget.TableCellID{Row: i, Col: col}, c)
			return c.label.Text
		}
	}
	return ""
}

// TestSelectionTagsOnVersity sets the same tags on three selected files.
func TestSelectionTagsOnVersity(t *testing.T) {
	h, c, bucket := ovVersity(t, map[string]int{"a.txt": 1, "b.txt": 2, "c.txt": 3, "dir/x": 1})
	h.open(bucket, "")
	h.click("a.txt", 0)
	h.click("c.txt", fyne.KeyModifierShift)
	h.click("dir", fyne.KeyModifierControl) // a folder in the selection is left out
	m := h.v.contextMenu()
	h.menuItem(m, "Tags…").Action()
	if !strings.Contains(h.dialogText(), "replace all tags of the 3 files") {
		t.Fatalf("dialog:\n%s", h.dialogText())
	}
	es := h.topEntries()
	es[0].SetText("team")
	es[1].SetText("blue")
	test.Tap(h.button("Save"))
	h.settle()
	for _, k := range []string{"a.txt", "b.txt", "c.txt"} {
		out, err := c.GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		if err != nil || len(out.TagSet) != 1 || aws.ToString(out.TagSet[0].Value) != "blue" {
			t.Errorf("%s: %+v %v", k, out, err)
		}
	}
	if !strings.Contains(h.v.statusLabel.Text, "Tagged 3 files") {
		t.Errorf("status %q", h.v.statusLabel.Text)
	}
}

// TestTagsNotSupportedInPlainWords: gofakes3 has no object tags.
func TestTagsNotSupportedInPlainWords(t *testing.T) {
	srv := s3test.StartFake(t)
	c := srv.Client(t)
	bucket := srv.Bucket(t)
	ovPut(t, c, bucket, "a.txt", 5)
	h := newOV(t, srv.Service(t), ObjectActions{})
	h.open(bucket, "")
	h.click("a.txt", 0)
	test.Tap(h.button("Properties"))
	h.settle()
	if !strings.Contains(h.dialogText(), "This server does not implement object tags") {
		t.Fatalf("properties:\n%s", h.dialogText())
	}
	if strings.Contains(h.dialogText(), "Object lock") {
		t.Errorf("object lock shown for a bucket without it:\n%s", h.dialogText())
	}
	if !h.button("Edit tags…").Disabled() {
		t.Error("Edit tags is enabled on a server without tags")
	}
	h.v.EditTags()
	h.settle()
	if !strings.Contains(h.dialogText(), "This server does not implement object tags, so they cannot be read or set here.") {
		t.Fatalf("tags dialog:\n%s", h.dialogText())
	}
	if got := readBack(t, c, bucket, "a.txt"); got != "xxxxx" {
		t.Fatalf("the object changed: %q", got)
	}
}

func readBack(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	return string(b)
}

// archiveStore is a real service whose listing and HEAD say the objects
// are in GLACIER (no server here has archive classes), and whose restores
// are recorded or answered with a set error.
type archiveStore struct {
	*storage.Service
	mu       sync.Mutex
	restores []storage.RestoreOptions
	err      error
	restore  storage.RestoreStatus
}

func (a *archiveStore) List(ctx context.Context, bucket string, opts storage.ListOptions) iter.Seq2[storage.Page, error] {
	return func(yield func(storage.Page, error) bool) {
		for p, err := range a.Service.List(ctx, bucket, opts) {
			for i := range p.Objects {
				p.Objects[i].StorageClass = "GLACIER"
				p.Objects[i].Restore = a.restore
			}
			if !yield(p, err) {
				return
			}
		}
	}
}

func (a *archiveStore) Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, err := a.Service.Stat(ctx, bucket, key)
	info.StorageClass, info.Restore = "GLACIER", a.restore
	return info, err
}

func (a *archiveStore) RestoreObject(ctx context.Context, ref storage.ObjectRef, o storage.RestoreOptions) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.restores = append(a.restores, o)
	return a.err
}

// TestRestoreFromArchiveDialog: the restore dialog's choices reach the
// service; a server without restores is said plainly; the table shows
// the restore status.
func TestRestoreFromArchiveDialog(t *testing.T) {
	srv := s3test.StartVersity(t)
	c := srv.Client(t)
	bucket := srv.Bucket(t)
	ovPut(t, c, bucket, "old.csv", 10)
	store := &archiveStore{Service: srv.Service(t)}
	h := newOV(t, store, ObjectActions{})
	h.open(bucket, "")
	if got := h.cellText("old.csv", colClass); got != "Glacier Flexible" {
		t.Fatalf("class cell %q", got)
	}
	h.click("old.csv", 0)
	h.menuItem(h.v.contextMenu(), "Restore from archive…").Action()
	days := h.topEntries()[0]
	days.SetText("0")
	restore := h.button("Restore")
	if !restore.Disabled() || !strings.Contains(h.dialogText(), "1 to 365 days") {
		t.Fatalf("0 days accepted:\n%s", h.dialogText())
	}
	days.SetText("3")
	h.topWidget(func(o fyne.CanvasObject) bool { _, ok := o.(*widget.RadioGroup); return ok }).(*widget.RadioGroup).SetSelected(restoreTiers[2].label)
	guitest.Shot(t, h.win.Canvas(), "restore_dialog.png")
	test.Tap(restore)
	h.settle()
	if len(store.restores) != 1 || store.restores[0] != (storage.RestoreOptions{Days: 3, Tier: types.TierBulk}) {
		t.Fatalf("restores %+v", store.restores)
	}
	if !strings.Contains(h.dialogText(), "Asked to restore 1 file") {
		t.Fatalf("message:\n%s", h.dialogText())
	}
	h.win.Canvas().Overlays().Top().Hide()

	// A server without restores.
	store.err = &storage.Error{Op: "restore from archive", Kind: storage.ErrNotImplemented, Msg: "restore from archive: this server does not implement restoring archived objects"}
	h.click("old.csv", 0)
	h.v.RestoreFromArchive()
	test.Tap(h.button("Restore"))
	h.settle()
	if !strings.Contains(h.dialogText(), "This server does not implement restoring archived objects; nothing was restored.") {
		t.Fatalf("not-supported message:\n%s", h.dialogText())
	}
	h.win.Canvas().Overlays().Top().Hide()

	// The status in the table and in Properties.
	store.restore = storage.RestoreStatus{Requested: true, Ongoing: true}
	h.v.Refresh()
	h.settle()
	if got := h.cellText("old.csv", colClass); got != "Restoring…" {
		t.Errorf("ongoing restore cell %q", got)
	}
	until := time.Now().Add(48 * time.Hour)
	store.restore = storage.RestoreStatus{Requested: true, Until: until}
	h.v.Refresh()
	h.settle()
	if got := h.cellText("old.csv", colClass); got != "Restored until "+until.Local().Format("2 Jan") {
		t.Errorf("restored cell %q", got)
	}
	h.click("old.csv", 0)
	h.v.ShowProperties()
	h.settle()
	if !strings.Contains(h.dialogText(), "Restored until") || !strings.Contains(h.dialogText(), "Glacier Flexible") {
		t.Errorf("properties:\n%s", h.dialogText())
	}
	_ = errors.Is
}
