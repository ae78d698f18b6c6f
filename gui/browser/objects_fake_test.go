package browser

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"s3desk/gui/async"
	"s3desk/storage"
)

// fakeList is a narrow fake for the paths a real server cannot be made to
// take on cue: a listing that answers late, or fails with a given error.
type fakeList struct {
	ObjectStore // nil: any other call panics
	mu          sync.Mutex
	pages       map[string][]storage.Page // by prefix
	errs        map[string]error
	release     map[string]chan struct{} // the listing of a prefix waits for it
	ctxErr      map[string]error         // ctx.Err() seen after the wait
	done        map[string]chan struct{}
}

func (f *fakeList) List(ctx context.Context, bucket string, opts storage.ListOptions) iter.Seq2[storage.Page, error] {
	return func(yield func(storage.Page, error) bool) {
		f.mu.Lock()
		rel, pages, err, done := f.release[opts.Prefix], f.pages[opts.Prefix], f.errs[opts.Prefix], f.done[opts.Prefix]
		f.mu.Unlock()
		if done != nil {
			defer close(done)
		}
		if rel != nil {
			<-rel
			f.mu.Lock()
			f.ctxErr[opts.Prefix] = ctx.Err()
			f.mu.Unlock()
		}
		if err != nil {
			yield(storage.Page{}, err)
			return
		}
		for _, p := range pages {
			if !yield(p, nil) {
				return
			}
		}
	}
}

func newFakeList() *fakeList {
	return &fakeList{pages: map[string][]storage.Page{}, errs: map[string]error{},
		release: map[string]chan struct{}{}, ctxErr: map[string]error{}, done: map[string]chan struct{}{}}
}

func fileEntry(prefix, name string, size int64, mod time.Time) storage.Entry {
	return storage.Entry{Key: prefix + name, Name: name, Size: size, LastModified: mod, StorageClass: "STANDARD", ETag: `"x"`}
}

func folderEntry(prefix, name string) storage.Entry {
	return storage.Entry{Key: prefix + name + "/", Name: name + "/", IsFolder: true}
}

func TestObjectsStaleListingIsDropped(t *testing.T) {
	f := newFakeList()
	mod := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f.pages["slow/"] = []storage.Page{{Objects: []storage.Entry{fileEntry("slow/", "late.txt", 1, mod)}, Last: true}}
	f.release["slow/"] = make(chan struct{})
	f.done["slow/"] = make(chan struct{})
	f.pages["fast/"] = []storage.Page{{Objects: []storage.Entry{fileEntry("fast/", "fresh.txt", 1, mod)}, Last: true}}
	h := newOV(t, f, ObjectActions{})
	h.v.Open("bucket", "slow/")
	h.drain()
	if h.v.countLabel.Text != "0 of many…" || !h.v.activity.Visible() {
		t.Fatalf("while loading: count %q, activity shown %v", h.v.countLabel.Text, h.v.activity.Visible())
	}
	h.open("bucket", "fast/")
	h.mu.Lock()
	before := h.posts
	h.mu.Unlock()
	close(f.release["slow/"])
	<-f.done["slow/"]
	h.waitFor("the late page to be handed over", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.posts > before
	})
	if !slices.Equal(h.names(), []string{"fresh.txt"}) || h.v.Prefix() != "fast/" {
		t.Fatalf("the late listing landed: %q in %q", h.names(), h.v.Prefix())
	}
	if !errors.Is(f.ctxErr["slow/"], context.Canceled) {
		t.Fatalf("the old listing was not cancelled: %v", f.ctxErr["slow/"])
	}
	if h.v.countLabel.Text != "1 item" {
		t.Fatalf("count %q", h.v.countLabel.Text)
	}
}

func TestObjectsListErrorShowsPlainWordsNotXML(t *testing.T) {
	f := newFakeList()
	f.errs[""] = errors.New(`list "bucket": access denied; the key lacks the s3:ListBucket permission <?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>`)
	h := newOV(t, f, ObjectActions{})
	h.open("bucket", "")
	if !h.v.errorState.Visible() {
		t.Fatal("no error state")
	}
	if got := h.v.errorText.Text; got != `list "bucket": access denied; the key lacks the s3:ListBucket permission` {
		t.Fatalf("shows %q", got)
	}
	if h.v.countLabel.Text != "0 items" || h.v.activity.Visible() {
		t.Fatalf("after the error: count %q, activity %v", h.v.countLabel.Text, h.v.activity.Visible())
	}
}

// goldenView is a view with fixed data and a fixed clock, for goldens.
func goldenView(t *testing.T, actions ObjectActions) (*ovHarness, *fakeList) {
	f := newFakeList()
	now := time.Date(2025, 6, 14, 16, 30, 0, 0, time.UTC)
	p := "photos/2025/"
	f.pages[p] = []storage.Page{{
		Folders: []storage.Entry{folderEntry(p, "raw"), folderEntry(p, "edited")},
		Objects: []storage.Entry{
			fileEntry(p, "beach.jpg", 4_812_330, now.Add(-2*time.Hour)),
			fileEntry(p, "notes.txt", 1_204, now.Add(-26*time.Hour)),
			fileEntry(p, "trip-video.mp4", 734_003_200, time.Date(2025, 5, 2, 9, 15, 0, 0, time.UTC)),
			fileEntry(p, "budget.csv", 18_020, time.Date(2024, 12, 30, 18, 5, 0, 0, time.UTC)),
			fileEntry(p, "archive.zip", 52_428_800, time.Date(2024, 1, 8, 7, 0, 0, 0, time.UTC)),
		},
		Last: true,
	}}
	f.pages["empty/"] = []storage.Page{{Last: true}}
	f.fixture()[2].StorageClass = ""
	h := newOV(t, f, actions)
	h.v.now = func() time.Time { return now }
	return h, f
}

// fixture lets goldenView adjust its fixture.
func (f *fakeList) fixture() []storage.Entry { return f.pages["photos/2025/"][0].Objects }

func TestObjectsGoldens(t *testing.T) {
	noop := func(string, string) {}
	h, f := goldenView(t, ObjectActions{
		UploadFiles: noop, UploadFolder: noop,
		Download: func(string, []storage.Entry) {}, Share: func(string, []storage.Entry) {},
	})
	f.fixture()[4].StorageClass = "GLACIER"
	h.open("holiday-pictures", "photos/2025/")
	h.click("beach.jpg", 0)
	h.click("budget.csv", fyne.KeyModifierControl)
	h.layout()
	test.AssertRendersToMarkup(t, "objects_list.xml", h.win.Canvas())
	capture(t, h, "objects_list.png")

	h.open("holiday-pictures", "empty/")
	h.layout()
	test.AssertRendersToMarkup(t, "objects_empty.xml", h.win.Canvas())
	capture(t, h, "objects_empty.png")
}

// capture writes what the window shows to $S3DESK_CAPTURE_DIR (if set), to
// look at it by eye.
func capture(t *testing.T, h *ovHarness, name string) {
	dir := os.Getenv("S3DESK_CAPTURE_DIR")
	if dir == "" {
		return
	}
	out, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, h.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestObjectsLookForReview renders key screens with the real themes for a
// person to look at; it runs only with S3DESK_CAPTURE_DIR set.
func TestObjectsLookForReview(t *testing.T) {
	if os.Getenv("S3DESK_CAPTURE_DIR") == "" {
		t.Skip("set S3DESK_CAPTURE_DIR to write screenshots")
	}
	for _, variant := range []string{"light", "dark"} {
		noop := func(string, string) {}
		h, _ := goldenView(t, ObjectActions{UploadFiles: noop, UploadFolder: noop,
			Download: func(string, []storage.Entry) {}, Share: func(string, []storage.Entry) {},
			Preview: func(string, storage.Entry) {}})
		th := theme.LightTheme()
		if variant == "dark" {
			th = theme.DarkTheme()
		}
		fyne.CurrentApp().Settings().SetTheme(th)
		h.open("holiday-pictures", "photos/2025/")
		h.click("beach.jpg", 0)
		h.click("budget.csv", fyne.KeyModifierControl)
		h.v.setHover(5)
		h.layout()
		capture(t, h, "review_list_"+variant+".png")
		test.TapSecondary(h.cell("budget.csv"))
		capture(t, h, "review_menu_"+variant+".png")
		h.win.Canvas().Overlays().Top().Hide()
		h.open("holiday-pictures", "empty/")
		capture(t, h, "review_empty_"+variant+".png")
		h.v.Open("", "")
		capture(t, h, "review_nobucket_"+variant+".png")
	}
}

// BenchmarkObjectsListing100k measures handing 100 pages of 1,000 entries to
// the view (merge into the sorted rows, count, table refresh) and a re-sort.
func BenchmarkObjectsListing100k(b *testing.B) {
	test.NewTempApp(b)
	mod := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var pages [][]storage.Entry
	for p := range 100 {
		var page []storage.Entry
		for i := range 1000 {
			page = append(page, fileEntry("big/", fmt.Sprintf("f%03d-%04d.dat", p, i), int64(i), mod.Add(time.Duration(i)*time.Second)))
		}
		pages = append(pages, page)
	}
	w := test.NewWindow(nil)
	defer w.Close()
	v := NewObjectsView(b.Context(), w, newFakeList(), ObjectActions{})
	v.jobs = async.WithUI(b.Context(), func(func()) {})
	w.SetContent(v.CanvasObject())
	w.Resize(fyne.NewSize(1000, 640))
	b.ResetTimer()
	for range b.N {
		v.Open("bucket", "big/")
		for _, p := range pages {
			v.addEntries(p)
		}
		v.finishLoad(nil)
		v.SortBy(colSize)
		v.SortBy(colName)
		test.Type(v.filterEntry, "7")
		v.filterEntry.SetText("")
		v.Open("bucket", "")
	}
}
