package versions

import (
	"context"
	"io"
	"net/http"
	"slices"
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

	"s3desk/gui/async"
	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/s3test"
	sv "s3desk/storage/versions"
)

// paneHarness is a pane in a test window on a real versioned server. Work
// the pane hands to the UI goroutine is queued and run on the test
// goroutine, as the event loop would.
type paneHarness struct {
	t     *testing.T
	srv   *s3test.Server
	svc   *storage.Service
	b     string
	win   fyne.Window
	p     *Pane
	mu    sync.Mutex
	queue []func()
	got   []storage.Entry // what Download was handed
}

func newPane(t *testing.T) *paneHarness {
	t.Helper()
	test.NewTempApp(t)
	h := &paneHarness{t: t, srv: s3test.StartVersityVersioned(t)}
	h.svc = h.srv.Service(t)
	h.b = h.srv.Bucket(t)
	if _, err := h.srv.Client(t).PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(h.b),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	store := sv.New(h.svc)
	h.win = test.NewWindow(nil)
	h.p = NewPane(h.win, async.WithUI(t.Context(), h.post), func() Store { return store },
		Actions{Download: func(_ string, es []storage.Entry) { h.got = append(h.got, es...) }})
	h.win.SetContent(h.p.CanvasObject())
	h.win.Resize(fyne.NewSize(900, 600))
	t.Cleanup(func() {
		h.p.Stop()
		h.drain()
		h.win.Close()
	})
	return h
}

func (h *paneHarness) post(f func()) {
	h.mu.Lock()
	h.queue = append(h.queue, f)
	h.mu.Unlock()
}

func (h *paneHarness) drain() {
	for {
		h.mu.Lock()
		if len(h.queue) == 0 {
			h.mu.Unlock()
			return
		}
		f := h.queue[0]
		h.queue = h.queue[1:]
		h.mu.Unlock()
		f()
	}
}

func (h *paneHarness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		h.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// idle waits until no page is loading and no action runs.
func (h *paneHarness) idle() {
	h.t.Helper()
	h.waitFor("the pane to be idle", func() bool { return !h.p.loading() && h.p.ops == 0 })
}

// put writes key and returns its version ID.
func (h *paneHarness) put(key, body string) string {
	h.t.Helper()
	out, err := h.srv.Client(h.t).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(h.b), Key: aws.String(key),
		Body: strings.NewReader(body), ContentType: aws.String("text/plain")})
	if err != nil {
		h.t.Fatal(err)
	}
	return aws.ToString(out.VersionId)
}

func (h *paneHarness) del(keys ...string) {
	h.t.Helper()
	if res, err := h.svc.DeleteObjects(context.Background(), h.b, keys); err != nil || len(res.Failed) > 0 {
		h.t.Fatalf("delete: %v %v", err, res.Failed)
	}
}

func (h *paneHarness) read(key string) (string, error) {
	h.t.Helper()
	r, _, err := h.svc.Open(context.Background(), h.b, key, storage.ReadOptions{})
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func (h *paneHarness) show(prefix string) {
	h.t.Helper()
	h.p.Show(h.t.Context(), h.b, prefix, func(string) {})
	h.idle()
}

// line is what row i reads as on screen: its name, tags and size.
func (h *paneHarness) line(i int) string {
	r := newVerRow(h.p)
	r.update(i)
	return strings.Join(slices.DeleteFunc([]string{r.name.Text, r.tags.Text, r.size.Text}, func(s string) bool { return s == "" }), " | ")
}

func (h *paneHarness) lines() []string {
	var out []string
	for i := range h.p.rows.len() {
		out = append(out, h.line(i))
	}
	return out
}

// rowOf is the line of key's version id ("" for the key's own line).
func (h *paneHarness) rowOf(key, id string) int {
	for i := range h.p.rows.len() {
		r := h.p.rows.at(i)
		if r.key == key && (id == "" && r.kind == rowKey || id != "" && r.kind == rowVersion && r.v.VersionID == id) {
			return i
		}
	}
	h.t.Fatalf("no line for %s@%s in %v", key, id, h.lines())
	return -1
}

// menu runs the item labelled label of line i's menu.
func (h *paneHarness) menu(i int, label string) {
	h.t.Helper()
	var labels []string
	for _, it := range h.p.menuFor(i).Items {
		labels = append(labels, it.Label)
		if it.Label == label {
			if it.Disabled {
				h.t.Fatalf("%q is disabled", label)
			}
			it.Action()
			return
		}
	}
	h.t.Fatalf("line %d (%s) has no %q in its menu %q", i, h.line(i), label, labels)
}

// texts is every label's text inside o, one a line.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// Each key shows its versions under it, newest first, with "latest" and
// "delete marker", loaded a page at a time until "Load more" has no more.
func TestPaneRowsPaged(t *testing.T) {
	h := newPane(t)
	v1 := h.put("d/a.txt", "one")
	v2 := h.put("d/a.txt", "two!")
	v3 := h.put("d/a.txt", "three")
	h.put("d/b.txt", "bee")
	h.del("d/b.txt")
	h.put("d/sub/c.txt", "see")
	h.p.pageSize = 2
	h.show("d/")
	if !h.p.hasMore() || h.p.rows.versions() > 2 {
		t.Fatalf("first page: %d versions, more=%v; want at most 2 and more to come", h.p.rows.versions(), h.p.hasMore())
	}
	if !h.p.more.Visible() {
		t.Error("no Load more button while pages remain")
	}
	for pages := 0; h.p.hasMore(); pages++ {
		if pages > 10 {
			t.Fatal("Load more never ends")
		}
		test.Tap(h.p.more)
		h.idle()
	}
	want := []string{
		"sub",
		"a.txt",
		v3 + " | latest | 5 B",
		v2 + " | 4 B",
		v1 + " | 3 B",
		"b.txt | deleted",
	}
	got := h.lines()
	if len(got) != 8 || !slices.Equal(got[:6], want) || !strings.HasSuffix(got[6], "delete marker, latest | —") || !strings.HasSuffix(got[7], " | 3 B") {
		t.Errorf("lines\n%s\nwant\n%s\n(then b.txt's marker and its version)", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if h.p.more.Visible() || !strings.HasPrefix(h.p.count.Text, "5 versions of 2 files") {
		t.Errorf("after the last page: more shown %v, count %q", h.p.more.Visible(), h.p.count.Text)
	}
	// A version's download is handed over with its version ID.
	h.menu(h.rowOf("d/a.txt", v1), "Download…")
	if len(h.got) != 1 || h.got[0].Key != "d/a.txt" || h.got[0].VersionID != v1 || h.got[0].Size != 3 {
		t.Errorf("download handed %+v", h.got)
	}
}

// "Restore this version" through the menu makes the old bytes current; the
// latest version offers no restore.
func TestPaneRestoreThroughMenu(t *testing.T) {
	h := newPane(t)
	v1 := h.put("f.txt", "yesterday")
	v2 := h.put("f.txt", "today")
	h.show("")
	for _, it := range h.p.menuFor(h.rowOf("f.txt", v2)).Items {
		if it.Label == "Restore this version" && !it.Disabled {
			t.Error("the latest version offers Restore")
		}
	}
	h.menu(h.rowOf("f.txt", v1), "Restore this version")
	h.idle()
	if got, err := h.read("f.txt"); err != nil || got != "yesterday" {
		t.Fatalf("after restore: %q, %v", got, err)
	}
	if h.p.rows.versions() != 3 || !strings.Contains(h.p.status.Text, "Restored version") {
		t.Errorf("after restore: %d versions listed, status %q", h.p.rows.versions(), h.p.status.Text)
	}
}

// A deleted file's marker offers "Restore (undelete)", which brings it back.
func TestPaneUndeleteThroughMenu(t *testing.T) {
	h := newPane(t)
	h.put("gone.txt", "back again")
	h.del("gone.txt")
	h.show("")
	marker := -1
	for i := range h.p.rows.len() {
		if r := h.p.rows.at(i); r.kind == rowVersion && r.v.IsDeleteMarker {
			marker = i
		}
	}
	if marker < 0 {
		t.Fatalf("no delete marker line in %v", h.lines())
	}
	h.menu(marker, "Restore (undelete)")
	h.idle()
	if got, err := h.read("gone.txt"); err != nil || got != "back again" {
		t.Fatalf("after undelete: %q, %v", got, err)
	}
	if got := h.lines(); len(got) != 2 || strings.Contains(strings.Join(got, " "), "marker") {
		t.Errorf("lines after undelete: %v", got)
	}
}

// Deleting a version permanently asks first, saying it cannot be undone.
func TestPaneDeleteVersionAsks(t *testing.T) {
	h := newPane(t)
	v1 := h.put("k.txt", "old")
	h.put("k.txt", "new")
	h.show("")
	h.menu(h.rowOf("k.txt", v1), "Delete this version permanently…")
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirmation")
	}
	if txt := texts(top); !strings.Contains(txt, "cannot be undone") {
		t.Errorf("confirmation says %q", txt)
	}
	if n := len(h.p.rows.keys); n != 3 {
		t.Fatalf("lines before confirming: %d", n)
	}
	guitest.TapButton(t, top, "Delete permanently")
	h.idle()
	if _, err := h.svc.StatWith(context.Background(), h.b, "k.txt", storage.StatOptions{VersionID: v1}); err == nil {
		t.Error("the version is still there")
	}
	if h.p.rows.versions() != 1 {
		t.Errorf("lines after delete: %v", h.lines())
	}
}

// "Undelete folder…" counts first, then brings back only that folder's
// deleted files.
func TestPaneUndeleteFolder(t *testing.T) {
	h := newPane(t)
	for _, k := range []string{"a/1.txt", "a/sub/2.txt", "ab/3.txt"} {
		h.put(k, "data")
	}
	h.del("a/1.txt", "a/sub/2.txt", "ab/3.txt")
	h.show("")
	h.menu(h.rowOfFolder("a/"), "Undelete folder…")
	h.waitFor("the count", func() bool {
		top := h.win.Canvas().Overlays().Top()
		return top != nil && strings.Contains(texts(top), "Bring back 2 deleted files")
	})
	guitest.TapButton(t, h.win.Canvas().Overlays().Top(), "Undelete 2 files")
	h.waitFor("the undelete", func() bool { return strings.HasPrefix(h.p.status.Text, "Brought back 2 files") })
	for _, k := range []string{"a/1.txt", "a/sub/2.txt"} {
		if _, err := h.read(k); err != nil {
			t.Errorf("%s not back: %v", k, err)
		}
	}
	if _, err := h.read("ab/3.txt"); err == nil {
		t.Error("ab/3.txt, outside the folder, was undeleted")
	}
}

func (h *paneHarness) rowOfFolder(prefix string) int {
	for i := range h.p.rows.len() {
		if r := h.p.rows.at(i); r.kind == rowFolder && r.key == prefix {
			return i
		}
	}
	h.t.Fatalf("no folder %s in %v", prefix, h.lines())
	return -1
}

// "Copy link" copies a presigned link that downloads that version.
func TestPaneCopyLinkOfOldVersion(t *testing.T) {
	h := newPane(t)
	v1 := h.put("l.txt", "old link bytes")
	h.put("l.txt", "new")
	h.show("")
	h.menu(h.rowOf("l.txt", v1), "Copy link")
	h.idle()
	link := fyne.CurrentApp().Clipboard().Content()
	if !strings.Contains(link, "versionId=") {
		t.Fatalf("clipboard %q", link)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "old link bytes" {
		t.Errorf("link gave %d %q", resp.StatusCode, body)
	}
}

// "Preview" shows the start of that version, not of the current one.
func TestPanePreviewOldVersion(t *testing.T) {
	h := newPane(t)
	v1 := h.put("p.txt", "the old words")
	h.put("p.txt", "the new words")
	h.show("")
	h.menu(h.rowOf("p.txt", v1), "Preview")
	h.idle()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no preview")
	}
	if txt := texts(top); !strings.Contains(txt, "the old words") || strings.Contains(txt, "the new words") {
		t.Errorf("preview of the old version shows %q", txt)
	}
}
