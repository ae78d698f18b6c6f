//go:build ci

package transfers

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"s3desk/storage/s3test"
)

// Cancelling the planning of a 5,000-file folder (one HEAD per file,
// slowed by the proxy) ends within a second and sends nothing.
func TestCancelUploadPlanningStartsNothing(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: s3test.Op("HeadObject"), Fault: s3test.Latency(300 * time.Millisecond)})
	svc := f.Server().Service(t)

	dir := filepath.Join(t.TempDir(), "many")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 5000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d.txt", i)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newPanelHarness(t)
	h.p.Connect(t.Context(), enginesOf(svc), t.TempDir())
	h.j.Wait()
	h.j.Do(func() { h.p.StartUpload(bucket, "", []string{dir}) })

	deadline := time.Now().Add(20 * time.Second)
	for f.Seen("HeadObject") == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if f.Seen("HeadObject") == 0 {
		t.Fatal("planning never checked a name")
	}
	if n := h.p.Planning(); n != 1 {
		t.Fatalf("%d planning rows while planning, want 1", n)
	}
	h.j.Do(h.p.flush)
	var row int64
	for _, r := range h.p.view {
		if r.planning {
			row = r.id
			if got := rowInfo(r); got != "Planning… · Cancel (or Escape) stops it" {
				t.Errorf("planning row says %q", got)
			}
		}
	}
	start := time.Now()
	h.j.Do(func() { h.p.cancel(row) }) // the row's Cancel button
	h.j.Wait()
	if took := time.Since(start); took > time.Second {
		t.Fatalf("cancel took %v", took)
	}
	time.Sleep(300 * time.Millisecond)
	if n := f.Seen("PutObject") + f.Seen("CreateMultipartUpload"); n != 0 {
		t.Fatalf("%d uploads reached the server after a cancelled planning", n)
	}
	h.j.Do(h.p.flush)
	if h.p.Planning() != 0 || len(h.p.view) != 0 || len(h.alerts) != 0 {
		t.Fatalf("after cancel: %d planning, rows %q, alerts %q", h.p.Planning(), h.infos(), h.alerts)
	}
	if heads := f.Seen("HeadObject"); heads >= 5000 {
		t.Fatalf("planning went on: %d HEADs", heads)
	}
}

// Ending the connection (a switch of account) ends its planning too.
func TestConnectionEndCancelsPlanning(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: s3test.Op("HeadObject"), Fault: s3test.Latency(300 * time.Millisecond)})
	svc := f.Server().Service(t)
	dir := t.TempDir()
	for i := range 500 {
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("g%03d", i)), []byte("y"), 0o644)
	}
	h := newPanelHarness(t)
	conn, end := contextWithCancel(t)
	h.p.Connect(conn, enginesOf(svc), t.TempDir())
	h.j.Wait()
	h.j.Do(func() { h.p.StartUpload(bucket, "", []string{dir}) })
	for f.Seen("HeadObject") == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	end()
	h.j.Wait()
	if took := time.Since(start); took > time.Second {
		t.Fatalf("planning outlived its connection by %v", took)
	}
	if f.Seen("PutObject") != 0 || h.p.Planning() != 0 || len(h.alerts) != 0 {
		t.Fatalf("puts %d, planning %d, alerts %q", f.Seen("PutObject"), h.p.Planning(), h.alerts)
	}
}
