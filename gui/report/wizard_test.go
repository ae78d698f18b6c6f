package report

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
	"s3desk/storage/sandbox"
)

// testStore is the report service with the website address the shell
// would add.
type testStore struct {
	*report.Service
	site *siteState // nil: the provider has no website endpoint
}

type siteState struct {
	addr string
	on   bool
}

func (s testStore) SiteAddress(context.Context, string) (string, bool, error) {
	if s.site == nil {
		return "", false, nil
	}
	return s.site.addr, s.site.on, nil
}

func (s testStore) EnableSite(context.Context, string) error {
	if s.site == nil {
		return storage.ErrNotImplemented
	}
	s.site.on = true
	return nil
}

// browserApp records the addresses "Open in browser" opens.
type browserApp struct {
	fyne.App
	opened []string
}

func (a *browserApp) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u.String())
	return nil
}

// plantSample puts the sandbox's seed (the guide's sample data) into bucket.
func plantSample(t *testing.T, svc *storage.Service, bucket string) {
	t.Helper()
	for _, o := range sandbox.SampleData() {
		if err := svc.Put(t.Context(), bucket, o.Key, bytes.NewReader(o.Body), int64(len(o.Body)), storage.PutOptions{ContentType: o.ContentType}); err != nil {
			t.Fatal(err)
		}
	}
}

// plantOctober makes a second month's folder: September's files with
// other counts, under 22_Oct/.
func plantOctober(t *testing.T, svc *storage.Service, bucket string) {
	t.Helper()
	for w, day := range []string{"2022-10-05", "2022-10-12"} {
		body := "service_name,request_count,info_link\n"
		for i, s := range []string{"s3", "sns", "lambda"} {
			body += fmt.Sprintf("%s,%d,https://aws.amazon.com/%s/\n", s, 1000*(i+1)+w, s)
		}
		if err := svc.Put(t.Context(), bucket, "22_Oct/requests_"+day+".csv", strings.NewReader(body), int64(len(body)), storage.PutOptions{ContentType: "text/csv"}); err != nil {
			t.Fatal(err)
		}
	}
}

// ui runs fn as a UI callback, then waits for the work it started.
func ui(j *async.Jobs, fn func()) {
	release := j.Hold()
	fn()
	release()
	j.Wait()
}

// settle waits for background work and the UI callbacks it queued,
// including work those start.
func settle(j *async.Jobs) {
	for range 3 {
		j.Wait()
		time.Sleep(20 * time.Millisecond)
	}
	j.Wait()
}

func findEntries(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, e)
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				walk(k)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			r := test.WidgetRenderer(w)
			for _, k := range r.Objects() {
				walk(k)
			}
		}
	}
	walk(o)
	return out
}

func pngVariance(t *testing.T, b []byte) float64 {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("chart.png does not decode: %v", err)
	}
	var sum, sq, n float64
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			g := float64(cr+cg+cb) / 3 / 257
			sum += g
			sq += g * g
			n++
		}
	}
	m := sum / n
	return sq/n - m*m
}

var (
	hrefs  = regexp.MustCompile(`<a href="([^"]*)">([^<]*)</a>`)
	anyURL = regexp.MustCompile(`(?i)https?://[^\s"'<>)]*`)
)

func anonGet(t *testing.T, u string) (string, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("anonymous GET %s: %d %s", u, resp.StatusCode, b)
	}
	return resp.Header.Get("Content-Type"), b
}

// checkPublished fetches the index page anonymously and every link on it,
// and checks their types, the chart and that chart.html loads nothing.
func checkPublished(t *testing.T, indexURL, bucketURL string, wantLinks int) map[string][]byte {
	t.Helper()
	ct, page := anonGet(t, indexURL)
	if !strings.HasPrefix(ct, "text/html") {
		t.Errorf("index.html served as %q", ct)
	}
	got := map[string][]byte{}
	types := map[string]string{"report.csv": "text/csv", "report.html": "text/html", "chart.html": "text/html", "chart.png": "image/png"}
	for _, m := range hrefs.FindAllStringSubmatch(string(page), -1) {
		u, name := html.UnescapeString(m[1]), html.UnescapeString(m[2])
		if !strings.HasPrefix(u, bucketURL) {
			t.Errorf("index link %s points outside the bucket %s", u, bucketURL)
		}
		ct, body := anonGet(t, u)
		if want, ok := types[name]; ok && !strings.HasPrefix(ct, want) {
			t.Errorf("%s served as %q, want %s", name, ct, want)
		}
		got[name] = body
	}
	if len(got) != wantLinks {
		t.Errorf("index.html links %d files, want %d: %s", len(got), wantLinks, page)
	}
	if v := pngVariance(t, got["chart.png"]); v < 100 {
		t.Errorf("published chart.png is blank (variance %.1f)", v)
	}
	if ext := anyURL.FindAllString(string(got["chart.html"]), -1); len(ext) > 0 {
		t.Errorf("chart.html holds URLs a browser would fetch: %q", ext)
	}
	if !bytes.Contains(got["report.html"], []byte(`<table border="0"`)) || !bytes.Contains(got["report.html"], []byte(`<a href="https://aws.amazon.com/`)) {
		t.Errorf("report.html has no borderless table with links:\n%s", got["report.html"])
	}
	return got
}

// driveWizard goes through the six steps as a user would, on the sample
// data in src, publishing to a new bucket made from the wizard.
func driveWizard(t *testing.T, srv *s3test.Server, src, newBucket string, site *siteState) {
	svc := srv.Service(t)
	plantSample(t, svc, src)
	store := testStore{Service: report.New(svc), site: site}
	defs, err := report.OpenDefinitions(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := &browserApp{App: test.NewTempApp(t)}
	j := async.New(t.Context())
	const profile = "Local sandbox"
	var w *Wizard
	ui(j, func() {
		w = Open(a, store, j, Options{Bucket: src, Prefix: "", Entries: []storage.Entry{{Key: "22_Sept/", IsFolder: true}}, Profile: profile, Definitions: defs})
	})
	settle(j)

	// 1. Pick: the folder's CSVs, with sizes and header checks.
	if w.pick.folder.Text != "22_Sept/" || len(w.pick.files) != 4 {
		t.Fatalf("step 1: folder %q, %d files (%s)", w.pick.folder.Text, len(w.pick.files), w.pick.summary.Text)
	}
	if r := w.pick.row(1); !strings.Contains(r, "requests_2022-09-14.csv") || !strings.Contains(r, "347 B") || !strings.Contains(r, "✓ header matches") {
		t.Errorf("file row %q", r)
	}
	ui(j, func() { w.pick.pattern.SetText("requests_2022-09-0*.csv"); test.Tap(w.pick.listBtn) })
	if len(w.pick.files) != 1 {
		t.Errorf("pattern: %d files", len(w.pick.files))
	}
	ui(j, func() { w.pick.pattern.SetText("requests_*.csv"); test.Tap(w.pick.listBtn) })
	if w.next.Disabled() || len(w.pick.files) != 4 {
		t.Fatalf("Next disabled with %d files", len(w.pick.files))
	}

	// 2. Combine and choose columns.
	ui(j, func() { test.Tap(w.next) })
	settle(j)
	if w.combine.counts.Text != "28 rows from 4 files, 3 columns" {
		t.Fatalf("step 2 counts %q (%s)", w.combine.counts.Text, w.status.Text)
	}
	if got := strings.Join(w.combine.columns(), ","); got != "service_name,request_count,info_link" {
		t.Errorf("columns %q", got)
	}
	if r, c := w.combine.table.Length(); r != 28 || c != 3 {
		t.Errorf("table %d×%d", r, c)
	}
	// Leaving every column out stops the wizard here.
	ui(j, func() {
		for _, c := range w.combine.colChecks {
			c.SetChecked(false)
		}
	})
	if !w.next.Disabled() {
		t.Error("Next enabled with no column")
	}
	ui(j, func() {
		for _, c := range w.combine.colChecks {
			c.SetChecked(true)
		}
	})

	// 3. Chart, previewed in the window.
	ui(j, func() { test.Tap(w.next) })
	settle(j)
	if w.chart.category.Selected != "service_name" || w.chart.value.Selected != "request_count" || w.chart.agg.Selected != "Sum" {
		t.Errorf("chart defaults: %q %q %q", w.chart.category.Selected, w.chart.value.Selected, w.chart.agg.Selected)
	}
	if w.chart.png == nil || w.chart.image.Resource == nil || pngVariance(t, w.chart.png) < 100 {
		t.Fatalf("no chart preview: %s", w.chart.note.Text)
	}
	ui(j, func() { w.chart.kind.SetSelected(kindLine) })
	settle(j)
	line := w.chart.png
	ui(j, func() { w.chart.kind.SetSelected(kindBar); w.chart.title.SetText("Requests in 22_Sept") })
	settle(j)
	if bytes.Equal(line, w.chart.png) {
		t.Error("the preview did not change with the chart type")
	}

	// 4. Publish, into a bucket made from here.
	ui(j, func() { test.Tap(w.next) })
	settle(j)
	if w.publish.bucket.Selected != src || w.publish.folder.Text != "reports/22_Sept/" {
		t.Errorf("publish defaults: %q %q", w.publish.bucket.Selected, w.publish.folder.Text)
	}
	ui(j, func() { test.Tap(w.publish.newBucket) })
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no New bucket dialog")
	}
	ui(j, func() { findEntries(top)[0].SetText(newBucket); guitest.TapButton(t, top, "Create") })
	settle(j)
	if w.publish.bucket.Selected != newBucket {
		t.Fatalf("new bucket not selected: %q (%s)", w.publish.bucket.Selected, w.publish.result.Text)
	}
	ui(j, func() {
		w.publish.sources.SetChecked(true)
		w.publish.title.SetText("September 2022 requests")
		test.Tap(w.publish.pubBtn)
	})
	settle(j)
	if w.publish.done == nil || len(w.publish.done.Files) != 9 {
		t.Fatalf("published: %+v (%s)", w.publish.done, w.publish.result.Text)
	}
	for _, k := range []string{"report.csv", "report.html", "chart.html", "chart.png", "index.html", "data/requests_2022-09-28.csv"} {
		if _, err := svc.Stat(t.Context(), newBucket, "reports/22_Sept/"+k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	// Publishing again asks before replacing.
	ui(j, func() { test.Tap(w.publish.pubBtn) })
	settle(j)
	if top := w.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(w.publish.result.Text, "already exist") {
		t.Errorf("republish: %q", w.publish.result.Text)
	} else {
		ui(j, func() { guitest.TapButton(t, top, "Replace") })
		settle(j)
		if w.publish.done == nil {
			t.Fatalf("replace: %s", w.publish.result.Text)
		}
	}

	// 5. Share: public, checked anonymously, with Copy and Open.
	ui(j, func() { test.Tap(w.next) })
	ui(j, func() { test.Tap(w.share.shareBtn) })
	settle(j)
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		ui(j, func() { guitest.TapButton(t, top, "Add statement") })
		settle(j)
	}
	if w.share.shared == nil || !w.share.url.Visible() {
		t.Fatalf("not shared: %s", w.share.result.Text)
	}
	bucketURL, _ := svc.BucketURL(newBucket)
	want, _ := store.PublicURL(newBucket, "reports/22_Sept/index.html")
	if w.share.address != want || w.share.url.Text != want {
		t.Errorf("address %q, want the public URL of index.html %q", w.share.address, want)
	}
	ui(j, func() { test.Tap(w.share.copyBtn) })
	if got := a.Clipboard().Content(); got != want {
		t.Errorf("copied %q", got)
	}
	ui(j, func() { test.Tap(w.share.openBtn) })
	if len(a.opened) != 1 || a.opened[0] != want {
		t.Errorf("Open in browser opened %q", a.opened)
	}
	checkPublished(t, want, bucketURL, 8)
	// Website hosting, turned on from here where the provider has it.
	if site == nil {
		if w.share.siteBtn.Visible() {
			t.Error("website hosting offered where the provider has none")
		}
	} else {
		if !w.share.siteBtn.Visible() {
			t.Fatalf("no Turn on website hosting button: %s", w.share.result.Text)
		}
		ui(j, func() { test.Tap(w.share.siteBtn) })
		settle(j)
		if wantSite := site.addr + "/reports/22_Sept/index.html"; !site.on || w.share.address != wantSite || w.share.url.Text != wantSite {
			t.Errorf("after turning on hosting: on %v, address %q, want %q (%s)", site.on, w.share.address, wantSite, w.share.result.Text)
		}
		ui(j, func() { test.Tap(w.share.copyBtn) })
		if got := a.Clipboard().Content(); got != w.share.address {
			t.Errorf("copied %q", got)
		}
	}

	// 6. Save, then run it again next month in one click.
	ui(j, func() { test.Tap(w.next) })
	if w.saved.name.Text != "September 2022 requests" {
		t.Errorf("suggested name %q", w.saved.name.Text)
	}
	ui(j, func() { w.saved.name.SetText("Monthly requests"); test.Tap(w.saved.saveBtn) })
	settle(j)
	list, err := defs.List(profile)
	if err != nil || len(list) != 1 {
		t.Fatalf("saved: %+v %v (%s)", list, err, w.saved.note.Text)
	}
	d := list[0]
	if d.SourcePrefix != "22_Sept/" || d.Pattern != "requests_*.csv" || d.DestBucket != newBucket || d.DestPrefix != "reports/22_Sept/" ||
		d.Chart == nil || d.Chart.Value != "request_count" || !d.RenderLinks || !d.Public || len(d.Columns) != 3 || !d.IncludeSources {
		t.Errorf("saved definition %+v", d)
	}
	w.win.Close()

	plantOctober(t, svc, src)
	ui(j, func() { w = Open(a, store, j, Options{Bucket: src, Prefix: "", Profile: profile, Definitions: defs}) })
	settle(j)
	if !w.saved.row.Visible() || w.saved.pick.Selected != "Monthly requests" || w.saved.month.Text != "22_Oct/" {
		t.Fatalf("run row: visible %v, %q, %q", w.saved.row.Visible(), w.saved.pick.Selected, w.saved.month.Text)
	}
	ui(j, func() { test.Tap(w.saved.runBtn) })
	for range 20 {
		settle(j)
		if w.share.shared != nil || w.auto == nil {
			break
		}
	}
	if w.share.shared == nil {
		t.Fatalf("the re-run stopped at step %d: %s / %s", w.step+1, w.status.Text, w.publish.result.Text)
	}
	octURL, _ := store.PublicURL(newBucket, "reports/22_Oct/index.html")
	if site != nil {
		octURL = site.addr + "/reports/22_Oct/index.html" // hosting stays on
	}
	if w.share.address != octURL {
		t.Errorf("October address %q, want %q", w.share.address, octURL)
	}
	octPublic, _ := store.PublicURL(newBucket, "reports/22_Oct/index.html")
	got := checkPublished(t, octPublic, bucketURL, 6)
	if !bytes.Contains(got["report.csv"], []byte("lambda,3001")) || bytes.Contains(got["report.csv"], []byte("rekognition")) {
		t.Errorf("October's report.csv:\n%s", got["report.csv"])
	}
	if !bytes.Contains(got["chart.html"], []byte("Requests in 22_Oct")) {
		t.Error("October's chart keeps September's title")
	}
	list, _ = defs.List(profile)
	if len(list) != 1 || list[0].SourcePrefix != "22_Oct/" || report.NextMonth(list[0].SourcePrefix) != "22_Nov/" {
		t.Errorf("after the re-run the saved report is %+v", list)
	}
	// September's report is still there.
	checkPublished(t, want, bucketURL, 8)
	w.win.Close()
}

func TestWizardOnSandboxSampleData(t *testing.T) {
	srv := s3test.StartSandbox(t)
	if err := srv.Service(t).CreateBucket(t.Context(), sandbox.SampleBucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	driveWizard(t, srv, sandbox.SampleBucket, "monthly-reports", &siteState{addr: "http://monthly-reports.s3-website.example.test"})
}

func TestWizardOnVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	driveWizard(t, srv, srv.Bucket(t), fmt.Sprintf("reports-%d", time.Now().UnixNano()%1e9), nil)
}
