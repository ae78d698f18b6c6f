package bulk_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"s3desk/storage/bulk"
	"s3desk/storage/s3test"
)

// TestBulkRetryFailedKeysOnly: keys the server refuses are recorded with
// their errors and listed in the failures CSV; RetryFailed sends those keys
// again, and only those.
func TestBulkRetryFailedKeysOnly(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	svc := f.Server().Service(t)
	b := srv.Bucket(t)
	seed(t, srv, b, "src/", 400)
	isBad := func(r *http.Request) bool {
		return s3test.OpName(r) == "CopyObject" && strings.HasSuffix(r.URL.Path, "7")
	}
	f.Add(s3test.Rule{Match: isBad, Fault: s3test.Fault{Status: http.StatusForbidden, Code: "AccessDenied"}})
	_, j, _ := newJob(t, svc, bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/"})
	if err := j.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := j.Status()
	if st.State != bulk.Failed || st.Done != 360 || st.Failed != 40 {
		t.Fatalf("status %+v, want failed with 360 done and 40 failed", st)
	}
	var buf strings.Builder
	if err := j.WriteFailuresCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil || len(rows) != 41 || rows[1][0] != b || !strings.HasSuffix(rows[1][1], "7") || !strings.Contains(strings.ToLower(rows[1][3]), "denied") {
		t.Fatalf("failures CSV: %d rows, first %v, %v", len(rows), rows[min(1, len(rows)-1)], err)
	}

	f.Clear()
	mark := len(f.Log())
	if err := j.RetryFailed(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := j.Status(); st.State != bulk.Finished || st.Done != 400 || st.Failed != 0 {
		t.Fatalf("after retry: %+v", st)
	}
	var retried []string
	for p := range opsPerPath(f.Log()[mark:], "CopyObject") {
		retried = append(retried, p)
	}
	slices.Sort(retried)
	if len(retried) != 40 {
		t.Fatalf("retry copied %d keys, want the 40 failed ones", len(retried))
	}
	for _, p := range retried {
		if !strings.HasSuffix(p, "7") {
			t.Fatalf("retry copied %s, which had not failed", p)
		}
	}
	if n := f.Seen("ListObjectsV2"); n == 0 {
		t.Fatal("no listing seen")
	}
	if got := listKeys(t, svc, b, "dst/"); len(got) != 400 {
		t.Fatalf("%d copies, want 400", len(got))
	}
}

// TestBulkThrottled: with a third of the copies answered 503 SlowDown, the
// service's retry policy backs off and the job still finishes with every
// key done once; the engine adds no retries of its own (each throttled
// request is followed by exactly the SDK's retry, so the copies seen are
// the keys plus the faults).
func TestBulkThrottled(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	svc := f.Server().Service(t)
	b := srv.Bucket(t)
	seed(t, srv, b, "src/", 300)
	f.Add(s3test.Rule{Match: s3test.Op("CopyObject", "DeleteObjects"), Share: 0.3, Fault: s3test.SlowDown()})
	_, j, plan := newJob(t, svc, bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/"})
	if err := j.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := j.Status(); st.State != bulk.Finished || st.Done != plan.Objects || plan.Objects != 300 {
		t.Fatalf("status %+v (planned %d)", st, plan.Objects)
	}
	if hit := f.Hit("CopyObject"); hit == 0 || f.Seen("CopyObject") != 300+hit {
		t.Fatalf("copies seen %d with %d throttled, want 300 + throttled", f.Seen("CopyObject"), hit)
	}
	_, j2, _ := newJob(t, svc, bulk.Spec{Op: bulk.Delete, Source: bulk.Source{Bucket: b, Prefixes: []string{"dst/"}}})
	if err := j2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, svc, b, "dst/"); len(got) != 0 {
		t.Fatalf("after a throttled delete: %d left", len(got))
	}
}

// TestBulkNetworkLossPausesAndResumes: when the server goes away mid-job
// the job stops as Paused with the reason (no key is marked failed for
// it), and resuming after the server is back completes it.
func TestBulkNetworkLossPausesAndResumes(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	svc := f.Server().Service(t)
	b := srv.Bucket(t)
	seed(t, srv, b, "src/", 200)
	f.Add(s3test.Rule{Match: s3test.Op("CopyObject"), Skip: 50, Fault: s3test.Fault{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable"}})
	_, j, _ := newJob(t, svc, bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/", Concurrency: 4})
	err := j.Run(context.Background())
	st := j.Status()
	if err == nil || st.State != bulk.Paused || st.Failed != 0 || st.Done < 40 || st.Done >= 200 || st.Err == "" {
		t.Fatalf("while the server is down: %v, %+v; want paused with no failures", err, st)
	}
	f.Clear()
	if err := j.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := j.Status(); st.State != bulk.Finished || st.Done != 200 {
		t.Fatalf("resumed: %+v", st)
	}
	if got := listKeys(t, svc, b, "dst/"); len(got) != 200 {
		t.Fatalf("%d copies", len(got))
	}
}
