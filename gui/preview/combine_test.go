package preview

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/async"
	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

// waitPrompt waits until the combine window asks about a header mismatch.
func waitPrompt(t *testing.T, j *async.Jobs, v *CombineView) *mismatchPrompt {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		release := j.Hold()
		p := v.ask
		release()
		if p != nil {
			return p
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no header-mismatch prompt")
	return nil
}

func TestCombineShowsCountsAndPublishes(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	previewPlant(t, srv, b, "22_Sept/01.csv", "", []byte("service,count,link\nalpha,1,https://example.com/a\nbeta,2,\n"))
	previewPlant(t, srv, b, "22_Sept/02.csv", "", []byte("service,total\nwrong,9\n"))
	previewPlant(t, srv, b, "22_Sept/03.csv", "", []byte("service,count,link\ngamma,3,\"<script>x</script>\"\n"))
	svc := srv.Service(t)
	a := test.NewTempApp(t)
	j := async.New(t.Context())

	v := NewCombineWindow(a, report.New(svc), j, b, "22_Sept/", nil)
	p := waitPrompt(t, j, v)
	if !p.skip.Visible() || !p.stop.Visible() {
		t.Fatal("prompt has no Skip/Stop buttons")
	}
	test.Tap(p.skip)
	j.Wait()
	if v.counts.Text != "3 rows from 2 files, 3 columns" {
		t.Errorf("counts %q", v.counts.Text)
	}
	if !strings.Contains(v.details.Text, "Skipped 22_Sept/02.csv") {
		t.Errorf("details %q should name the skipped file", v.details.Text)
	}
	if r, c := v.table.Length(); r != 3 || c != 3 {
		t.Errorf("table %d×%d, want 3×3", r, c)
	}
	cells := tableCells(v.table)
	if cells[0] != "alpha" || cells[6] != "gamma" {
		t.Errorf("table cells %q", cells)
	}
	if v.saveBtn.Disabled() || v.pubBtn.Disabled() {
		t.Error("Save/Publish stay disabled after the combine")
	}

	// Save locally.
	out := filepath.Join(t.TempDir(), "report.csv")
	w, err := fynestorage.Writer(fynestorage.NewFileURI(out))
	if err != nil {
		t.Fatal(err)
	}
	v.saveTo(v.report, w)
	j.Wait()
	local, _ := os.ReadFile(out)
	want := "service,count,link\nalpha,1,https://example.com/a\nbeta,2,\ngamma,3,<script>x</script>\n"
	if string(local) != want || !strings.HasPrefix(v.status.Text, "Saved ") {
		t.Errorf("saved %q, status %q", local, v.status.Text)
	}

	// Publish, then publish again: the second time asks before replacing.
	if name := v.reportName(); name != "22_Sept_report" {
		t.Errorf("default report name %q", name)
	}
	v.publish(report.ReportPublishOptions{CSVKey: "reports/sept.csv", HTMLKey: "reports/sept.html", Title: "Sept"}, false)
	j.Wait()
	if !strings.HasPrefix(v.status.Text, "Published reports/sept.csv") || !strings.Contains(v.status.Text, "private") {
		t.Errorf("status after publish %q", v.status.Text)
	}
	get := func(key string) (string, string) {
		o, err := srv.Client(t).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		defer o.Body.Close()
		body, _ := io.ReadAll(o.Body)
		return aws.ToString(o.ContentType), string(body)
	}
	if ct, body := get("reports/sept.csv"); !strings.HasPrefix(ct, "text/csv") || body != string(local) {
		t.Errorf("published CSV %q differs from the local save", body)
	}
	if ct, body := get("reports/sept.html"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "&lt;script&gt;") ||
		!strings.Contains(body, `<a href="https://example.com/a">`) {
		t.Errorf("published HTML (%s):\n%s", ct, body)
	}
	v.publish(report.ReportPublishOptions{CSVKey: "reports/sept.csv"}, false)
	j.Wait()
	if !strings.Contains(v.status.Text, "already exists") {
		t.Errorf("republish status %q, want a question about replacing", v.status.Text)
	}
	if top := v.win.Canvas().Overlays().Top(); top != nil {
		guitest.TapButton(t, top, "No")
	}

	// Public, on a bucket that refuses ACLs: uploaded, then the user is asked
	// for a bucket-policy statement; once added, both addresses open without
	// credentials and the status shows them.
	v.publish(report.ReportPublishOptions{CSVKey: "pub/sept.csv", HTMLKey: "pub/sept.html", Public: true}, false)
	j.Wait()
	if !strings.Contains(v.status.Text, "not public yet") {
		t.Fatalf("status after a public publish without consent %q", v.status.Text)
	}
	csvURL, _ := share.New(svc).PublicURL(b, "pub/sept.csv")
	htmlURL, _ := share.New(svc).PublicURL(b, "pub/sept.html")
	if st, _ := guitest.HTTP(t, "GET", csvURL, ""); st != 403 {
		t.Fatalf("public before consent: %d", st)
	}
	top := v.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no consent dialog")
	}
	guitest.TapButton(t, top, "Yes")
	j.Wait()
	if !strings.Contains(v.status.Text, "public (checked") || !strings.Contains(v.status.Text, htmlURL) {
		t.Errorf("status after consent %q", v.status.Text)
	}
	if st, body := guitest.HTTP(t, "GET", csvURL, ""); st != 200 || body != string(local) {
		t.Errorf("anonymous CSV: %d %q", st, body)
	}
	if st, body := guitest.HTTP(t, "GET", htmlURL, ""); st != 200 || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("anonymous HTML: %d", st)
	}
	v.win.Close()

	// Stop at the mismatch: nothing to save.
	v = NewCombineWindow(a, report.New(svc), j, b, "", []storage.Entry{{Key: "22_Sept/", IsFolder: true}, {Key: "22_Sept/notes.txt"}})
	test.Tap(waitPrompt(t, j, v).stop)
	j.Wait()
	if !strings.HasPrefix(v.status.Text, "Stopped.") || !v.saveBtn.Disabled() || !strings.Contains(v.details.Text, "not .csv") {
		t.Errorf("after stop: status %q save disabled %v details %q", v.status.Text, v.saveBtn.Disabled(), v.details.Text)
	}
	v.win.Close()
}

func TestPublishedTextTellsTheTruth(t *testing.T) {
	res := report.PublishedReport{CSV: storage.ObjectRef{Key: "r.csv"}, CSVSize: 10,
		StillPublic: []string{"http://h/b/r.csv"}}
	if s := publishedText("b", res, false); !strings.Contains(s, "anyone can still open") || !strings.Contains(s, "http://h/b/r.csv") {
		t.Errorf("private but readable: %q", s)
	}
	res.StillPublic = nil
	if s := publishedText("b", res, false); !strings.HasSuffix(s, ", private.") {
		t.Errorf("private: %q", s)
	}
	res.CSVPublic = share.PublicResult{URL: "http://h/b/r.csv", Verified: true}
	if s := publishedText("b", res, true); !strings.Contains(s, "public (checked") {
		t.Errorf("public: %q", s)
	}
}
