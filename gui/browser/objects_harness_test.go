package browser

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/s3test"
)

// ovHarness is an objects view in a test window. Work the view hands to the
// UI goroutine is queued and run on the test goroutine, as the real event
// loop would, so the test sees the view single-threaded.
type ovHarness struct {
	t     *testing.T
	win   fyne.Window
	v     *ObjectsView
	mu    sync.Mutex
	queue []func()
	posts int // how many functions were ever handed to the UI
}

func newOV(t *testing.T, store ObjectStore, actions ObjectActions) *ovHarness {
	t.Helper()
	test.NewTempApp(t)
	h := &ovHarness{t: t}
	h.win = test.NewWindow(nil)
	h.v = NewObjectsView(t.Context(), h.win, store, actions)
	h.v.jobs = async.WithUI(t.Context(), h.post)
	h.win.SetContent(h.v.CanvasObject())
	h.win.Resize(fyne.NewSize(1000, 640))
	t.Cleanup(func() {
		h.v.stop()
		h.drain()
		h.win.Close()
	})
	return h
}

func (h *ovHarness) post(f func()) {
	h.mu.Lock()
	h.queue = append(h.queue, f)
	h.posts++
	h.mu.Unlock()
}

// step runs one queued UI function; false if none was queued.
func (h *ovHarness) step() bool {
	h.mu.Lock()
	if len(h.queue) == 0 {
		h.mu.Unlock()
		return false
	}
	f := h.queue[0]
	h.queue = h.queue[1:]
	h.mu.Unlock()
	f()
	return true
}

func (h *ovHarness) drain() {
	for h.step() {
	}
}

// waitFor runs the UI queue until cond holds.
func (h *ovHarness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
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

// settle waits until the listing and every operation have finished.
func (h *ovHarness) settle() {
	h.t.Helper()
	h.waitFor("the view to settle", func() bool { return h.v.complete && h.v.ops == 0 })
}

// open opens bucket/prefix and waits for the listing.
func (h *ovHarness) open(bucket, prefix string) {
	h.t.Helper()
	h.v.Open(bucket, prefix)
	h.settle()
}

// names are the shown names, in order.
func (h *ovHarness) names() []string {
	out := make([]string, len(h.v.rows))
	for i, r := range h.v.rows {
		out[i] = displayName(&h.v.entries[r])
	}
	return out
}

func (h *ovHarness) selectedKeys() []string {
	var out []string
	for _, e := range h.v.Selected() {
		out = append(out, e.Key)
	}
	return out
}

// cell finds the rendered cell of the row showing name, as a user sees it.
func (h *ovHarness) cell(name string) *objCell {
	h.t.Helper()
	row := slices.Index(h.names(), name)
	if row < 0 {
		h.t.Fatalf("no row %q in %q", name, h.names())
	}
	h.layout()
	h.v.table.ScrollTo(widget.TableCellID{Row: row, Col: 0})
	for _, o := range ovWalk(h.v.table) {
		if c, ok := o.(*objCell); ok && c.row == row && c.col == colName && c.Visible() {
			return c
		}
	}
	h.t.Fatalf("row %q (%d) is not rendered", name, row)
	return nil
}

// layout makes the test canvas create and lay out every renderer, as the
// real painter does before a frame.
func (h *ovHarness) layout() {
	ovWalk(h.win.Canvas().Content())
	size := h.win.Canvas().Size()
	h.win.Resize(size.AddWidthHeight(1, 1))
	h.win.Resize(size)
}

// ovWalk lists o and everything below it through the cached renderers (the
// ones the canvas draws), unlike test.LaidOutObjects which builds new ones.
func ovWalk(o fyne.CanvasObject) []fyne.CanvasObject {
	out := []fyne.CanvasObject{o}
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			out = append(out, ovWalk(child)...)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			out = append(out, ovWalk(child)...)
		}
	}
	return out
}

// click taps a row with modifiers.
func (h *ovHarness) click(name string, mods fyne.KeyModifier) {
	c := h.cell(name)
	c.MouseDown(&desktop.MouseEvent{Modifier: mods})
	test.Tap(c)
}

func (h *ovHarness) key(k fyne.KeyName) { h.v.list.TypedKey(&fyne.KeyEvent{Name: k}) }

// button finds a visible button by its text, in the top dialog first.
func (h *ovHarness) button(text string) *widget.Button {
	h.t.Helper()
	var roots []fyne.CanvasObject
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		roots = append(roots, top)
	}
	roots = append(roots, h.win.Canvas().Content())
	for _, root := range roots {
		for _, o := range ovWalk(root) {
			if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
				return b
			}
		}
	}
	h.t.Fatalf("no button %q", text)
	return nil
}

// dialogEntry is the first entry of the top dialog.
func (h *ovHarness) dialogEntry() *widget.Entry {
	h.t.Helper()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no dialog is open")
	}
	for _, o := range ovWalk(top) {
		switch e := o.(type) {
		case *widget.Entry:
			return e
		case *widgets.EscEntry:
			return &e.Entry
		}
	}
	h.t.Fatal("the dialog has no entry")
	return nil
}

// dialogText is all label text of the top dialog.
func (h *ovHarness) dialogText() string {
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, o := range ovWalk(top) {
		switch l := o.(type) {
		case *widget.Label:
			b.WriteString(l.Text + "\n")
		case *widget.RichText:
			b.WriteString(l.String() + "\n")
		}
	}
	return b.String()
}

func ovPut(t *testing.T, c *s3.Client, bucket, key string, size int) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(bytes.Repeat([]byte("x"), size)), ContentLength: aws.Int64(int64(size)),
	})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// ovAllKeys lists every key of bucket behind the view's back.
func ovAllKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// ovVersity starts versitygw with one bucket and returns a view on it.
func ovVersity(t *testing.T, keys map[string]int) (*ovHarness, *s3.Client, string) {
	t.Helper()
	srv := s3test.StartVersity(t)
	c := srv.Client(t)
	bucket := srv.Bucket(t)
	for k, size := range keys {
		ovPut(t, c, bucket, k, size)
	}
	h := newOV(t, srv.Service(t), ObjectActions{})
	return h, c, bucket
}
