package browser

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
)

func TestObjectsFindAKeyThreeLevelsDown(t *testing.T) {
	keys := map[string]int{"a/b/c/Quarterly-NEEDLE-report.csv": 5, "a/b/c/other.csv": 1, "needle-top.txt": 2}
	for i := range 150 {
		keys[fmt.Sprintf("noise/%03d/file.txt", i)] = 1
	}
	h, _, bucket := ovVersity(t, keys)
	h.open(bucket, "")
	test.Tap(h.v.findBtn)
	f := h.v.findDlg
	if f == nil {
		t.Fatal("Find in bucket did not open")
	}
	test.Type(f.query, "Needle")
	test.Tap(f.goBtn)
	h.waitFor("the search to end", func() bool { return !f.running })
	if f.err != nil {
		t.Fatalf("search failed: %v", f.err)
	}
	var found []string
	for _, e := range f.results {
		found = append(found, e.Key)
	}
	slices.Sort(found)
	if !slices.Equal(found, []string{"a/b/c/Quarterly-NEEDLE-report.csv", "needle-top.txt"}) {
		t.Fatalf("found %q", found)
	}
	if f.scanned != int64(len(keys)) || !strings.Contains(f.status.Text, "2 matches in 153 keys scanned") {
		t.Fatalf("scanned %d, status %q", f.scanned, f.status.Text)
	}
	i := slices.IndexFunc(f.results, func(e storage.Entry) bool { return strings.HasPrefix(e.Key, "a/") })
	f.list.Select(widget.ListItemID(i))
	h.settle()
	h.waitFor("the result to be selected", func() bool { return h.v.pendingSelect == "" })
	if h.v.Prefix() != "a/b/c/" {
		t.Fatalf("the result opened %q", h.v.Prefix())
	}
	if got := h.selectedKeys(); !slices.Equal(got, []string{"a/b/c/Quarterly-NEEDLE-report.csv"}) {
		t.Fatalf("selected %q", got)
	}
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("the find dialog stayed open")
	}
}

// slowFind is a store whose Find scans until it is cancelled.
type slowFind struct {
	ObjectStore
	started chan struct{}
}

func (s *slowFind) List(ctx context.Context, bucket string, opts storage.ListOptions) iter.Seq2[storage.Page, error] {
	return func(yield func(storage.Page, error) bool) { yield(storage.Page{Last: true}, nil) }
}

func (s *slowFind) Find(ctx context.Context, bucket string, opts storage.FindOptions) (int64, error) {
	close(s.started)
	var n int64
	for ctx.Err() == nil {
		n += 1000
		opts.OnProgress(n)
		if n == 3000 {
			opts.OnMatch(storage.Entry{Key: "deep/x/y/match.txt", Name: "deep/x/y/match.txt", Size: 1})
		}
		time.Sleep(time.Millisecond)
	}
	return n, fmt.Errorf("find: %w", ctx.Err())
}

func TestObjectsFindCanBeCancelled(t *testing.T) {
	store := &slowFind{started: make(chan struct{})}
	h := newOV(t, store, ObjectActions{})
	h.open("bucket", "")
	h.v.ShowFind()
	f := h.v.findDlg
	f.query.SetText("match")
	f.Search()
	<-store.started
	h.waitFor("a running count", func() bool { return f.scanned > 0 && len(f.results) == 1 })
	if f.goBtn.Text != "Stop" {
		t.Fatalf("while searching the button says %q", f.goBtn.Text)
	}
	test.Tap(f.goBtn)
	h.waitFor("the search to stop", func() bool { return !f.running })
	if !errors.Is(f.err, context.Canceled) || !strings.HasPrefix(f.status.Text, "Stopped: 1 match in ") {
		t.Fatalf("after Stop: err %v, status %q", f.err, f.status.Text)
	}
	if f.goBtn.Text != "Search" || len(f.results) != 1 {
		t.Fatalf("button %q, %d results kept", f.goBtn.Text, len(f.results))
	}
}

func TestObjectsFolderSizeMatchesTheSumOfSizes(t *testing.T) {
	keys := map[string]int{"top.txt": 99}
	var want int64
	for i := range 40 {
		k := fmt.Sprintf("data/part-%02d.bin", i)
		if i%3 == 0 {
			k = fmt.Sprintf("data/deeper/%d/part-%02d.bin", i, i)
		}
		keys[k] = i*37 + 1
		want += int64(i*37 + 1)
	}
	h, _, bucket := ovVersity(t, keys)
	h.open(bucket, "")
	h.click("data", 0)
	test.Tap(h.button("Properties"))
	s := h.v.sizeDlg
	if s == nil {
		t.Fatal("no size dialog")
	}
	h.waitFor("the count to finish", func() bool { return s.finished })
	if s.err != nil {
		t.Fatalf("count failed: %v", s.err)
	}
	if s.total.Objects != 40 || s.total.Bytes != want {
		t.Fatalf("counted %+v, want 40 objects, %d bytes", s.total, want)
	}
	if s.objects.Text != "40" || !strings.Contains(s.bytes.Text, "("+commaInt(want)+" bytes)") {
		t.Fatalf("shows %q objects, %q", s.objects.Text, s.bytes.Text)
	}
	s.d.Hide()

	// Nothing selected: the whole bucket; a file and a folder: both.
	h.v.clearSelection()
	h.v.ShowProperties()
	s = h.v.sizeDlg
	h.waitFor("the count to finish", func() bool { return s.finished })
	if s.total.Objects != 41 || s.total.Bytes != want+99 {
		t.Fatalf("bucket counted %+v", s.total)
	}
	s.d.Hide()
	h.v.SelectAll()
	h.v.ShowProperties()
	s = h.v.sizeDlg
	h.waitFor("the count to finish", func() bool { return s.finished })
	if s.total.Objects != 41 || s.total.Bytes != want+99 {
		t.Fatalf("selection counted %+v", s.total)
	}
}

func commaInt(n int64) string {
	s := fmt.Sprintf("%d", n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// slowUsage is a store whose Usage counts until it is cancelled.
type slowUsage struct {
	slowFind
}

func (s *slowUsage) Usage(ctx context.Context, bucket, prefix string, progress func(storage.Usage)) (storage.Usage, error) {
	var u storage.Usage
	for ctx.Err() == nil {
		u.Objects++
		u.Bytes += 10
		progress(u)
		time.Sleep(time.Millisecond)
	}
	return u, ctx.Err()
}

func TestObjectsFolderSizeCanBeStopped(t *testing.T) {
	h := newOV(t, &slowUsage{}, ObjectActions{})
	h.open("bucket", "")
	h.v.ShowFolderSize()
	s := h.v.sizeDlg
	h.waitFor("a running total", func() bool { return s.objects.Text != "0" })
	test.Tap(s.stop)
	h.waitFor("the count to stop", func() bool { return s.finished })
	if !errors.Is(s.err, context.Canceled) || !strings.Contains(s.state.Text, "partial") {
		t.Fatalf("after Stop: %v %q", s.err, s.state.Text)
	}
	if s.total.Objects == 0 || s.total.Bytes != s.total.Objects*10 {
		t.Fatalf("partial total %+v", s.total)
	}
}
