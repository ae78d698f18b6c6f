package report_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image/png"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/sharetest"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
	"s3desk/storage/sandbox"
	"s3desk/storage/share"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// plantSample puts the guide's sample data (the sandbox's seed) into
// bucket and returns the September files' keys.
func plantSample(t *testing.T, srv *s3test.Server, bucket string) {
	t.Helper()
	svc := srv.Service(t)
	for _, o := range sandbox.SampleData() {
		if err := svc.Put(t.Context(), bucket, o.Key, bytes.NewReader(o.Body), int64(len(o.Body)), storage.PutOptions{ContentType: o.ContentType}); err != nil {
			t.Fatal(err)
		}
	}
}

func combineSept(t *testing.T, rs *report.Service, bucket string) *report.CSVReport {
	t.Helper()
	files, err := rs.ListSources(t.Context(), bucket, "22_Sept/", "requests_*.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("%d September files, want 4: %+v", len(files), files)
	}
	var keys []string
	for _, f := range files {
		keys = append(keys, f.Key)
	}
	rep, err := rs.CombineCSV(t.Context(), bucket, report.CombineOptions{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	if rep.Rows != 28 {
		t.Fatalf("%d rows, want 28 (7 services × 4 weeks)", rep.Rows)
	}
	return rep
}

var septChart = report.ChartSpec{Kind: report.BarChart, Category: "service_name", Value: "request_count", Agg: report.AggSum, Title: "Requests in 22_Sept"}

// pngVariance is the variance of the PNG's grey levels: 0 for a blank image.
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
	mean := sum / n
	return sq/n - mean*mean
}

var anyURL = regexp.MustCompile(`(?i)https?://[^\s"'<>)]*`)

// externalURLs are the http(s) URLs in page that do not point into the
// endpoint's bucket.
func externalURLs(page []byte, bucketURL string) []string {
	var out []string
	for _, u := range anyURL.FindAllString(string(page), -1) {
		if bucketURL == "" || !strings.HasPrefix(u, bucketURL) {
			out = append(out, u)
		}
	}
	return out
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is meant):\n--- got\n%s", name, got)
	}
}

var (
	svgTag   = regexp.MustCompile(`<(/?[a-zA-Z]+)[^>]*?(/?)>`)
	svgBlock = regexp.MustCompile(`(?s)<svg.*</svg>`)
	sizes    = regexp.MustCompile(`data-bytes="\d+">[^<]*<`)
	times    = regexp.MustCompile(`\d{4}-\d{2}-\d{2}(T| )\d{2}:\d{2}(:\d{2})?(Z| UTC)`)
)

// chartStructure keeps chart.html's markup and text but drops the SVG's
// attributes (coordinates, which depend on font metrics): structure, not
// pixels.
func chartStructure(page []byte) []byte {
	return svgBlock.ReplaceAllFunc(page, func(svg []byte) []byte {
		return svgTag.ReplaceAll(svg, []byte("<$1$2>"))
	})
}

// indexStructure masks what changes from run to run: times and the
// server's address.
func indexStructure(page []byte, bucketURL string) []byte {
	out := times.ReplaceAll(page, []byte("TIME"))
	out = sizes.ReplaceAll(out, []byte(`data-bytes="N">SIZE<`))
	return bytes.ReplaceAll(out, []byte(bucketURL), []byte("BUCKET-URL"))
}

func TestChartRendersPNGAndSelfContainedHTML(t *testing.T) {
	srv := s3test.StartSandbox(t)
	svc := srv.Service(t)
	if err := svc.CreateBucket(t.Context(), sandbox.SampleBucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	plantSample(t, srv, sandbox.SampleBucket)
	rep := combineSept(t, report.New(svc), sandbox.SampleBucket)

	d, err := rep.Chart(septChart)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"s3", "sns", "comprehend", "rekognition", "translate", "textract", "lambda"}
	if strings.Join(d.Labels, ",") != strings.Join(want, ",") {
		t.Fatalf("labels %q, want %q", d.Labels, want)
	}
	// The sum over the 4 weeks is what values.csv (the guide's tally) says.
	if d.Values[0] < 4*1840 || d.Skipped != 0 {
		t.Errorf("s3 sum %v, skipped %d", d.Values[0], d.Skipped)
	}
	img, err := report.RenderPNG(d, report.ChartWidth, report.ChartHeight)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width != report.ChartWidth || cfg.Height != report.ChartHeight {
		t.Fatalf("PNG %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	if v := pngVariance(t, img); v < 100 {
		t.Errorf("chart.png looks blank: grey variance %.1f", v)
	}
	page, err := report.ChartHTML(d)
	if err != nil {
		t.Fatal(err)
	}
	if ext := externalURLs(page, ""); len(ext) > 0 {
		t.Errorf("chart.html holds URLs, a browser may fetch them: %q", ext)
	}
	for _, s := range []string{"<svg", "</svg>", ">lambda</text>", "<td>lambda</td>"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("chart.html lacks %q", s)
		}
	}
	if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte("<link")) || bytes.Contains(page, []byte("<img")) {
		t.Error("chart.html loads something")
	}
	golden(t, "chart.html", chartStructure(page))

	line := septChart
	line.Kind, line.Agg = report.LineChart, report.AggMean
	d2, err := rep.Chart(line)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d2.Values[0]-d.Values[0]/4) > 1e-9 {
		t.Errorf("mean %v, want sum/4 = %v", d2.Values[0], d.Values[0]/4)
	}
	if img, err := report.RenderPNG(d2, 400, 300); err != nil || pngVariance(t, img) < 100 {
		t.Errorf("line chart: %v", err)
	}
	cnt := septChart
	cnt.Agg, cnt.Value = report.AggCount, ""
	if d3, err := rep.Chart(cnt); err != nil || d3.Values[6] != 4 {
		t.Errorf("count: %v %v", d3.Values, err)
	}
	bad := septChart
	bad.Value = "info_link"
	if _, err := rep.Chart(bad); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("sum of a text column: %v, want ErrInvalidArgument", err)
	}
}

func TestReportHTMLColumnsAndLinks(t *testing.T) {
	srv := s3test.StartSandbox(t)
	svc := srv.Service(t)
	if err := svc.CreateBucket(t.Context(), sandbox.SampleBucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	plantSample(t, srv, sandbox.SampleBucket)
	sharetest.Put(t, srv.Client(t), sandbox.SampleBucket, "22_Sept/zz_hostile.csv",
		[]byte("service_name,request_count,info_link\n<b>x</b>,1,javascript:alert(1)\n"))
	rs := report.New(svc)
	files, err := rs.ListSources(t.Context(), sandbox.SampleBucket, "22_Sept/", "")
	if err != nil || len(files) != 5 {
		t.Fatalf("%d files, %v", len(files), err)
	}
	var keys []string
	for _, f := range files {
		keys = append(keys, f.Key)
	}
	rep, err := rs.CombineCSV(t.Context(), sandbox.SampleBucket, report.CombineOptions{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	var b bytes.Buffer
	cols := []string{"service_name", "request_count", "info_link"}
	if err := rep.WriteHTMLWith(&b, report.HTMLOptions{Title: "Sept <report>", Columns: cols, RenderLinks: true}); err != nil {
		t.Fatal(err)
	}
	page := b.Bytes()
	for _, s := range []string{`<table border="0"`, `<a href="https://aws.amazon.com/s3/">`, "&lt;b&gt;x&lt;/b&gt;", "Sept &lt;report&gt;"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("report.html lacks %q", s)
		}
	}
	if bytes.Contains(page, []byte(`href="javascript`)) || bytes.Contains(page, []byte("<b>x")) {
		t.Error("report.html renders hostile cells as markup")
	}
	golden(t, "report.html", page)

	b.Reset()
	if err := rep.WriteHTMLWith(&b, report.HTMLOptions{Columns: []string{"request_count", "service_name"}}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("<a href")) || bytes.Contains(b.Bytes(), []byte("info_link")) {
		t.Error("links rendered, or a column left out still shows")
	}
	if !bytes.Contains(b.Bytes(), []byte("<th>request_count</th><th>service_name</th>")) {
		t.Error("the columns are not in the chosen order")
	}
	b.Reset()
	if err := rep.WriteCSVColumns(&b, []string{"service_name", "request_count"}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 30 || lines[0] != "service_name,request_count" || lines[1] != "s3,"+strings.Split(lines[1], ",")[1] {
		t.Errorf("report.csv: %d lines, first %q %q", len(lines), lines[0], lines[1])
	}
	if err := rep.WriteCSVColumns(io.Discard, []string{"nope"}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("unknown column: %v", err)
	}
}

// publishAndShare publishes the September report from srv's bucket into
// dest/reports/22_Sept/, makes it public and fetches every index link
// without credentials.
func publishAndShare(t *testing.T, srv *s3test.Server, svc *storage.Service, src, dest string) report.MonthlyReport {
	t.Helper()
	ctx := t.Context()
	rs := report.New(svc)
	rep := combineSept(t, rs, src)
	files, err := rs.ListSources(ctx, src, "22_Sept/", "")
	if err != nil {
		t.Fatal(err)
	}
	chart := septChart
	opts := report.MonthlyOptions{Bucket: dest, Prefix: "reports/22_Sept", Title: "September 2022 requests",
		Columns: []string{"service_name", "request_count", "info_link"}, RenderLinks: true, Chart: &chart,
		Sources: files, SourceBucket: src}
	m, err := rs.PublishMonthly(ctx, rep, opts)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := map[string]string{
		"reports/22_Sept/report.csv": "text/csv", "reports/22_Sept/report.html": "text/html",
		"reports/22_Sept/chart.html": "text/html", "reports/22_Sept/chart.png": "image/png",
		"reports/22_Sept/index.html": "text/html", "reports/22_Sept/data/requests_2022-09-07.csv": "text/csv",
	}
	for k, ct := range wantTypes {
		info, err := svc.Stat(ctx, dest, k)
		if err != nil {
			t.Errorf("%s: %v", k, err)
			continue
		}
		if !strings.HasPrefix(info.ContentType, ct) {
			t.Errorf("%s has Content-Type %q, want %s", k, info.ContentType, ct)
		}
	}
	for _, it := range m.Index.Items {
		if info, err := svc.Stat(ctx, dest, it.Key); err != nil || info.Size != it.Size || it.Size == 0 || !it.LastModified.Truncate(time.Second).Equal(info.LastModified.UTC().Truncate(time.Second)) {
			t.Errorf("index item %+v does not match the object (%+v, %v)", it, info, err)
		}
	}
	if len(m.Index.Items) != 8 {
		t.Errorf("index lists %d files, want 8 (4 report files and 4 sources)", len(m.Index.Items))
	}
	// Published again without Overwrite: refused before anything is written.
	if _, err := rs.PublishMonthly(ctx, rep, opts); !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Errorf("second publish: %v, want ErrPreconditionFailed", err)
	}

	shared, err := rs.ShareMonthly(ctx, m, false)
	if errors.Is(err, share.ErrConsentRequired) {
		shared, err = rs.ShareMonthly(ctx, m, true)
	}
	if err != nil || !shared.Verified {
		t.Fatalf("share: %+v %v", shared, err)
	}
	page := httpGet(t, shared.URL)
	links := shareLinks(t, page)
	if len(links) != 8 {
		t.Errorf("index.html has %d links: %v", len(links), links)
	}
	for name, u := range links {
		body := httpGet(t, u)
		if name == "chart.png" && pngVariance(t, body) < 100 {
			t.Error("published chart.png is blank")
		}
		if name == "chart.html" {
			if ext := externalURLs(body, ""); len(ext) > 0 {
				t.Errorf("chart.html holds URLs: %q", ext)
			}
		}
	}
	return m
}

func httpGet(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("anonymous GET %s: %d %v", u, resp.StatusCode, err)
	}
	return b
}

func TestPublishMonthlyOnSandbox(t *testing.T) {
	srv := s3test.StartSandbox(t)
	svc := srv.Service(t)
	for _, b := range []string{sandbox.SampleBucket, "monthly-reports"} {
		if err := svc.CreateBucket(t.Context(), b, storage.CreateBucketOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	plantSample(t, srv, sandbox.SampleBucket)
	m := publishAndShare(t, srv, svc, sandbox.SampleBucket, "monthly-reports")
	bu, err := svc.BucketURL("monthly-reports")
	if err != nil {
		t.Fatal(err)
	}
	html, err := report.RenderIndex(m.Index)
	if err != nil {
		t.Fatal(err)
	}
	if ext := externalURLs(html, bu); len(ext) > 0 {
		t.Errorf("index.html links outside the bucket: %q", ext)
	}
	golden(t, "index.html", indexStructure(html, bu))
}

func TestPublishMonthlyOnVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	b := srv.Bucket(t)
	plantSample(t, srv, b)
	publishAndShare(t, srv, svc, b, b)
}

func TestPublishMonthlyRetries503AndDetectsCutSource(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	plantSample(t, srv, b)
	f := s3test.NewFaults(t, srv)
	svc := f.Server().Service(t)
	rs := report.New(svc)
	ctx := context.Background()

	// A cut body on every GET of one source file: the combine fails and
	// says which file, it never returns a shorter table.
	f.Add(s3test.Rule{Match: func(r *http.Request) bool {
		return s3test.OpName(r) == "GetObject" && strings.HasSuffix(r.URL.Path, "requests_2022-09-14.csv")
	}, Fault: s3test.CutBody(40)})
	files, err := rs.ListSources(ctx, b, "22_Sept/", "")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range files {
		keys = append(keys, f.Key)
	}
	rep, err := rs.CombineCSV(ctx, b, report.CombineOptions{Keys: keys})
	if err == nil {
		rep.Close()
		t.Fatalf("a source cut off at 40 bytes every time was combined into %d rows", rep.Rows)
	}
	if !strings.Contains(err.Error(), "requests_2022-09-14.csv") {
		t.Errorf("the error does not name the file: %v", err)
	}

	// Cut once: detected too; combining again reads every row.
	f.Clear()
	hits := f.Hit("GetObject")
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 1, Fault: s3test.CutBody(40)})
	if rep, err := rs.CombineCSV(ctx, b, report.CombineOptions{Keys: keys}); err == nil {
		rep.Close()
		t.Fatalf("a cut body was combined into %d rows", rep.Rows)
	}
	rep, err = rs.CombineCSV(ctx, b, report.CombineOptions{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if rep.Rows != 28 || f.Hit("GetObject")-hits != 1 {
		t.Errorf("after one cut body: %d rows (want 28), %d faults", rep.Rows, f.Hit("GetObject"))
	}

	// 503 SlowDown on the first PutObjects: the publish retries and
	// completes.
	f.Clear()
	puts := f.Hit("PutObject")
	f.Add(s3test.Rule{Match: s3test.Op("PutObject"), Times: 3, Fault: s3test.SlowDown()})
	chart := septChart
	m, err := rs.PublishMonthly(ctx, rep, report.MonthlyOptions{Bucket: b, Prefix: "out/", Chart: &chart})
	if err != nil {
		t.Fatal(err)
	}
	if f.Hit("PutObject")-puts != 3 || len(m.Files) != 5 {
		t.Errorf("%d faults, %d files", f.Hit("PutObject"), len(m.Files))
	}
	for _, k := range m.Keys() {
		if _, err := svc.Stat(ctx, b, k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

func TestPublishMonthlyOnMinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	svc := srv.Service(t)
	b := srv.Bucket(t)
	plantSample(t, srv, b)
	publishAndShare(t, srv, svc, b, b)
}
