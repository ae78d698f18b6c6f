package report_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"s3desk/storage/report"
	"s3desk/storage/s3test"
)

// TestShareMonthlyPresigned: without making anything public, the index page
// is rewritten with presigned links that open (while the public URLs stay
// closed), and the address handed out is a presigned link to it.
func TestShareMonthlyPresigned(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	plantSample(t, srv, b)
	rs := report.New(svc)
	rep := combineSept(t, rs, b)
	chart := septChart
	m, err := rs.PublishMonthly(t.Context(), rep, report.MonthlyOptions{Bucket: b, Prefix: "private/22_Sept/", Chart: &chart})
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := rs.PublicURL(b, "private/22_Sept/report.csv")
	if resp, err := http.Get(pub); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the public URL opens before sharing: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	sh, err := rs.ShareMonthlyPresigned(t.Context(), m, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Expires.IsZero() || time.Until(sh.Expires) > 24*time.Hour || !strings.Contains(sh.URL, "X-Amz-Signature=") {
		t.Errorf("shared %+v", sh)
	}
	page := httpGet(t, sh.URL)
	links := shareLinks(t, page)
	if len(links) != 4 || !strings.Contains(string(page), "These links stop working") {
		t.Fatalf("presigned index: %d links\n%s", len(links), page)
	}
	for name, u := range links {
		if !strings.Contains(u, "X-Amz-Signature=") {
			t.Errorf("%s links to %s, not a presigned URL", name, u)
		}
		httpGet(t, u)
	}
	if resp, err := http.Get(pub); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("the files became public: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
