package report_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/sharetest"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

func TestCombineSameHeaderKeepsOrder(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	c := srv.Client(t)
	storetest.PutObject(t, c, b, "22_Sept/01.csv", "text/csv", []byte("\uFEFFservice,count\nalpha,1\nbeta,2\n"))
	storetest.PutObject(t, c, b, "22_Sept/02.csv", "", []byte("service,count\ngamma,3\n\"delta, inc\",4\n"))
	storetest.PutObject(t, c, b, "22_Sept/03.csv", "", []byte("service , count\nepsilon,5\n\"multi\nline\",6\nzeta,7\n"))
	storetest.PutObject(t, c, b, "22_Sept/notes.txt", "", []byte("not a csv"))
	storetest.PutObject(t, c, b, "22_Oct/01.csv", "", []byte("service,count\nother,9\n"))
	svc := srv.Service(t)
	var last report.CombineProgress
	rep, err := report.New(svc).CombineCSV(context.Background(), b, report.CombineOptions{
		Prefixes: []string{"22_Sept/"}, TempDir: t.TempDir(),
		OnProgress: func(p report.CombineProgress) { last = p },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if rep.Rows != 7 || len(rep.Preview) != 7 || len(rep.Files) != 3 || len(rep.Skipped) != 0 {
		t.Fatalf("rows %d preview %d files %v skipped %v", rep.Rows, len(rep.Preview), rep.Files, rep.Skipped)
	}
	var names []string
	for _, r := range rep.Preview {
		names = append(names, r[0])
	}
	if got := strings.Join(names, "|"); got != "alpha|beta|gamma|delta, inc|epsilon|multi\nline|zeta" {
		t.Errorf("row order %q", got)
	}
	if strings.Join(rep.Header, ",") != "service,count" {
		t.Errorf("header %q", rep.Header)
	}
	if last.FilesDone != 3 || last.FilesTotal != 3 || last.Rows != 7 || last.Bytes == 0 {
		t.Errorf("last progress %+v", last)
	}
	var out bytes.Buffer
	if _, err := rep.WriteCSV(&out); err != nil {
		t.Fatal(err)
	}
	want := "service,count\nalpha,1\nbeta,2\ngamma,3\n\"delta, inc\",4\nepsilon,5\n\"multi\nline\",6\nzeta,7\n"
	if out.String() != want || rep.Size != int64(len(want)) {
		t.Errorf("combined CSV (%d bytes, Size %d):\n%s", out.Len(), rep.Size, out.String())
	}

	// A preview limit keeps only the first rows in memory but counts all.
	rep2, err := report.New(svc).CombineCSV(context.Background(), b, report.CombineOptions{
		Keys: []string{"22_Oct/01.csv"}, Prefixes: []string{"22_Sept/"}, PreviewRows: 2, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer rep2.Close()
	if rep2.Rows != 8 || len(rep2.Preview) != 2 || rep2.Preview[0][0] != "other" || rep2.Files[0] != "22_Oct/01.csv" {
		t.Errorf("keys first + preview limit: rows %d preview %q files %v", rep2.Rows, rep2.Preview, rep2.Files)
	}

	_, err = report.New(svc).CombineCSV(context.Background(), b, report.CombineOptions{Prefixes: []string{"nothing/"}})
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("empty selection: err = %v, want ErrNotFound", err)
	}
}

func TestCombineHeaderMismatch(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	c := srv.Client(t)
	storetest.PutObject(t, c, b, "m/a.csv", "", []byte("id,name\n1,a\n"))
	storetest.PutObject(t, c, b, "m/b.csv", "", bytes.Repeat([]byte("id,title\n2,b\n"), 1))
	storetest.PutObject(t, c, b, "m/c.csv", "", []byte("id,name\n3,c\n4,d,extra\n"))
	storetest.PutObject(t, c, b, "m/d.csv", "", nil)
	svc := srv.Service(t)
	var asked []report.HeaderMismatch
	rep, err := report.New(svc).CombineCSV(context.Background(), b, report.CombineOptions{Prefixes: []string{"m/"}, TempDir: t.TempDir(),
		OnMismatch: func(m report.HeaderMismatch) report.MismatchAction {
			asked = append(asked, m)
			return report.SkipFile
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if len(asked) != 1 || asked[0].Key != "m/b.csv" || strings.Join(asked[0].Header, ",") != "id,title" || !strings.Contains(asked[0].Reason, "id, title") {
		t.Errorf("asked about %+v, want m/b.csv", asked)
	}
	if rep.Rows != 3 || strings.Join(rep.Files, " ") != "m/a.csv m/c.csv" || len(rep.Skipped) != 2 || rep.Skipped[1].Key != "m/d.csv" {
		t.Errorf("rows %d files %v skipped %+v", rep.Rows, rep.Files, rep.Skipped)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Key != "m/c.csv" || rep.Problems[0].Line != 3 {
		t.Errorf("problems %v, want m/c.csv line 3", rep.Problems)
	}

	_, err = report.New(svc).CombineCSV(context.Background(), b, report.CombineOptions{Prefixes: []string{"m/"}, TempDir: t.TempDir(),
		OnMismatch: func(report.HeaderMismatch) report.MismatchAction { return report.StopCombine }})
	if !errors.Is(err, storage.ErrHeaderMismatch) || !strings.Contains(err.Error(), "m/b.csv") {
		t.Errorf("stop: err = %v, want ErrHeaderMismatch naming m/b.csv", err)
	}
}

func TestPublishReport(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t) // bucket-owner enforced: refuses ACLs, as new AWS buckets do
	c := srv.Client(t)
	storetest.PutObject(t, c, b, "in/1.csv", "", []byte("name,link,note\nsvc,https://example.com/a?b=1&c=2,<script>alert(1)</script>\n"))
	storetest.PutObject(t, c, b, "in/2.csv", "", []byte("name,link,note\nother,ftp://x.example/y,\"a & b\"\n"))
	// The uploads themselves never carry an ACL (a bucket that refuses ACLs
	// would refuse the report); public access comes afterwards.
	var mu sync.Mutex
	uploadACLs := map[string]string{}
	svc, _ := storetest.CountingProxy(t, srv, func(r *http.Request) {
		if _, isACL := r.URL.Query()["acl"]; r.Method == http.MethodPut && !isACL && strings.HasPrefix(r.URL.Path, "/"+b+"/") {
			mu.Lock()
			uploadACLs[strings.TrimPrefix(r.URL.Path, "/"+b+"/")] = r.Header.Get("X-Amz-Acl")
			mu.Unlock()
		}
	})
	ctx := context.Background()
	rep, err := report.New(svc).CombineCSV(ctx, b, report.CombineOptions{Prefixes: []string{"in/"}, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	const csvKey, htmlKey = "22/sept/final_report.csv", "22/sept/final_report.html"
	csvURL, _ := share.New(svc).PublicURL(b, csvKey)
	htmlURL, _ := share.New(svc).PublicURL(b, htmlKey)

	// Public without consent to a policy: uploaded, not public, and the
	// error asks for consent instead of claiming success.
	opts := report.ReportPublishOptions{CSVKey: csvKey, HTMLKey: htmlKey, Title: "Sept <report>", Public: true}
	res, err := report.New(svc).PublishReport(ctx, rep, opts)
	if !errors.Is(err, share.ErrConsentRequired) || res.CSV.Key != csvKey || res.CSVPublic.URL != "" {
		t.Fatalf("public publish on a bucket without ACLs: %+v, %v", res, err)
	}
	if !strings.Contains(err.Error(), "uploaded") || !strings.Contains(err.Error(), "bucket-policy statement") {
		t.Errorf("message %q", err)
	}
	sharetest.Expect(t, csvURL, 403, "")

	// With consent: both objects public through the policy, checked.
	opts.AllowPolicy, opts.Overwrite = true, true
	res, err = report.New(svc).PublishReport(ctx, rep, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range []share.PublicResult{res.CSVPublic, res.HTMLPublic} {
		if pr.Method != share.PublicByPolicy || !pr.Verified {
			t.Errorf("public result %+v", pr)
		}
	}
	if res.CSVPublic.URL != csvURL || res.HTMLPublic.URL != htmlURL {
		t.Errorf("URLs %q %q, want %q %q", res.CSVPublic.URL, res.HTMLPublic.URL, csvURL, htmlURL)
	}
	st, body, hdr := sharetest.Anon(t, http.MethodGet, htmlURL, nil, nil)
	html := string(body)
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || res.HTMLSize != int64(len(html)) {
		t.Errorf("anonymous HTML: %d %q size %d/%d", st, hdr.Get("Content-Type"), res.HTMLSize, len(html))
	}
	for _, want := range []string{
		`<table border="0" class="dataframe">`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<a href="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a>`,
		`<td>ftp://x.example/y</td>`,
		`a &amp; b`,
		`<title>Sept &lt;report&gt;</title>`,
		`2 rows from 2 files`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Error("HTML contains an unescaped <script>")
	}
	st, body, hdr = sharetest.Anon(t, http.MethodGet, csvURL, nil, nil)
	var local bytes.Buffer
	rep.WriteCSV(&local)
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || string(body) != local.String() {
		t.Errorf("published CSV (%d, %q, %d bytes) differs from the local export (%d bytes)", st, hdr.Get("Content-Type"), len(body), local.Len())
	}
	mu.Lock()
	if len(uploadACLs) != 2 || uploadACLs[csvKey] != "" || uploadACLs[htmlKey] != "" {
		t.Errorf("uploads carried ACLs: %q", uploadACLs)
	}
	mu.Unlock()

	// Where ACLs work, the ACL path is used and checked.
	aclSvc := storetest.ServiceVia(t, srv, sharetest.ACLProxy(t, srv, true))
	res, err = report.New(aclSvc).PublishReport(ctx, rep, report.ReportPublishOptions{Bucket: b, CSVKey: "acl/r.csv", Public: true})
	if err != nil || res.CSVPublic.Method != share.PublicByACL || !res.CSVPublic.Verified || res.HTMLPublic.Method != "" {
		t.Fatalf("ACL publish: %+v, %v", res, err)
	}
	sharetest.Expect(t, res.CSVPublic.URL, 200, local.String())

	// Publishing again without Overwrite refuses; with it, replaces.
	_, err = report.New(svc).PublishReport(ctx, rep, report.ReportPublishOptions{CSVKey: csvKey})
	if !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Errorf("existing key: err = %v, want ErrPreconditionFailed", err)
	}
	res, err = report.New(svc).PublishReport(ctx, rep, report.ReportPublishOptions{CSVKey: csvKey, HTMLKey: "private.html", Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.HTMLPublic != (share.PublicResult{}) || len(res.StillPublic) != 0 {
		t.Errorf("private publish made something public: %+v, still public %q", res.HTMLPublic, res.StillPublic)
	}
	privURL, _ := share.New(svc).PublicURL(b, "private.html")
	sharetest.Expect(t, privURL, 403, "")
	// The CSV was public through this app's statement; published as
	// private, the statement goes.
	sharetest.Expect(t, csvURL, 403, "")
	// A statement of the user's own still grants other/*: said, not hidden.
	sharetest.KeepPolicy(t, c, b)
	res, err = report.New(svc).PublishReport(ctx, rep, report.ReportPublishOptions{CSVKey: "other/r.csv"})
	otherURL, _ := share.New(svc).PublicURL(b, "other/r.csv")
	if err != nil || len(res.StillPublic) != 1 || res.StillPublic[0] != otherURL {
		t.Errorf("private publish under a public policy: still public %q, %v", res.StillPublic, err)
	}
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Errorf("policy after private publishes: %v", sids)
	}
	if _, err := report.New(svc).PublishReport(ctx, rep, report.ReportPublishOptions{}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("no keys: err = %v", err)
	}
	// Once the report's temporary files are gone, saving says what to do.
	rep.Close()
	if _, err := rep.WriteCSV(&local); err == nil || !strings.Contains(err.Error(), "combine again") {
		t.Errorf("save after Close: %v", err)
	}
	if err := rep.WriteHTML(&local, ""); err == nil || !strings.Contains(err.Error(), "combine again") {
		t.Errorf("HTML after Close: %v", err)
	}
}

// TestCombineManyFilesBoundedMemory combines 50 files and samples the heap:
// the combined data must never be held in memory. S3DESK_BIG_COMBINE=1 uses
// the full 50 × 10 MB.
func TestCombineManyFilesBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	c := srv.Client(t)
	fileSize := 200 << 10   // 10 MB in all: the race detector makes parsing slow
	limit := int64(6 << 20) // holding the data would take over 10 MB
	if os.Getenv("S3DESK_BIG_COMBINE") == "1" {
		fileSize, limit = 10<<20, 32<<20 // measured: about 8.5 MB growth for 500 MB
	}
	row := "2022-09-01,some-service-name,12345,https://example.com/info/page\n"
	body := []byte("date,service,count,link\n" + strings.Repeat(row, fileSize/len(row)))
	for i := 0; i < 50; i++ {
		storetest.PutObject(t, c, b, fmt.Sprintf("big/%02d.csv", i), "", body)
	}
	svc := srv.Service(t)
	// Collect garbage promptly, so that the heap in use tracks what is
	// live (what the combine holds), not when the collector last ran: on a
	// loaded machine the default pacing let 3 MB of garbage read as 8 MB.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	rep, err := report.New(svc).CombineCSV(context.Background(), b, report.CombineOptions{Prefixes: []string{"big/"}, TempDir: t.TempDir()})
	if err == nil {
		_, err = report.New(svc).PublishReport(context.Background(), rep, report.ReportPublishOptions{CSVKey: "out/r.csv", HTMLKey: "out/r.html"})
	}
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	total := int64(50 * len(body))
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("combined + published 50 × %d bytes (%d MB): %d rows, peak heap growth %.1f MB", len(body), total>>20, rep.Rows, float64(grew)/(1<<20))
	if wantRows := int64(50 * (fileSize / len(row))); rep.Rows != wantRows {
		t.Errorf("rows %d, want %d", rep.Rows, wantRows)
	}
	if grew > limit {
		t.Errorf("peak heap grew by %d MB while combining %d MB; the data is being held in memory", grew>>20, total>>20)
	}
}
