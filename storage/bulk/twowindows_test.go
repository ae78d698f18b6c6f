package bulk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"s3desk/storage/bulk"
	"s3desk/storage/s3test"
)

// Two windows on one profile open the same jobs folder. While one runs a
// job, the other's Run of the same job is refused (it would send every key
// again and interleave the journal), and the job's keys go out once each.
func TestBulkJobRunsInOneWindowOnly(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	svc := f.Server().Service(t)
	b := srv.Bucket(t)
	seed(t, srv, b, "src/", 40)
	f.Add(s3test.Rule{Match: s3test.Op("CopyObject"), Fault: s3test.Latency(50 * time.Millisecond)})
	ctx := context.Background()
	spec := bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/"}
	plan, err := bulk.DryRun(ctx, svc, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	spec.PlannedObjects, spec.PlannedBytes = plan.Objects, plan.Bytes
	dir := t.TempDir()
	m1, err := bulk.Open(dir, svc, bulk.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	j1, err := m1.Create(spec)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := bulk.Open(dir, svc, bulk.Hooks{}) // the second window
	if err != nil {
		t.Fatal(err)
	}
	j2 := m2.Job(j1.ID())
	if j2 == nil {
		t.Fatalf("the second window does not see job %s", j1.ID())
	}
	done := make(chan error, 1)
	go func() { done <- j1.Run(ctx) }()
	deadline := time.Now().Add(time.Minute)
	for f.Seen("CopyObject") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	err = j2.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "another S3 Desk window") {
		t.Fatalf("the second window's Run while the first runs it: %v, want a refusal", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := j1.Status(); st.State != bulk.Finished || st.Done != 40 {
		t.Fatalf("status %+v", st)
	}
	if got := f.Seen("CopyObject"); got != 40 {
		t.Fatalf("%d copies for 40 keys", got)
	}
}
