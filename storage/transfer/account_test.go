package transfer_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// awsLike is a service with no endpoint of its own, as an AWS profile has,
// reaching endpoint through AWS_ENDPOINT_URL_S3 (which the SDK honours).
func awsLike(t *testing.T, endpoint, profile, key, secret string) *storage.Service {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL_S3", endpoint)
	svc, err := storage.New(context.Background(), storage.Config{Region: s3test.Region, PathStyle: true,
		AccessKeyID: key, SecretAccessKey: secret, Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Endpoint() != "" {
		t.Fatalf("endpoint %q, want none", svc.Endpoint())
	}
	return svc
}

// journalRecords reads the upload records of the journal under dataDir.
func journalRecords(t *testing.T, dataDir string) map[string]map[string]any {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dataDir, "transfers", "up-*.json"))
	out := map[string]map[string]any{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		out[n] = m
	}
	return out
}

func writeRecord(t *testing.T, dataDir string, rec map[string]any) string {
	t.Helper()
	dir := filepath.Join(dataDir, "transfers")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(rec)
	p := filepath.Join(dir, "up-"+rec["ID"].(string)+".json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Two profiles with an empty endpoint and different keys share one journal:
// neither lists, resumes, discards nor aborts the other's upload.
func TestResumeJournalPerAccount(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	data := t.TempDir()
	p := randFile(t, t.TempDir(), "big.bin", 20<<20)

	g := newPartGate(t, srv, 3)
	svcA := awsLike(t, g.svc.Endpoint(), "A", srv.AccessKey, srv.SecretKey)
	eA, err := transfer.New(svcA).NewEngine(context.Background(), data, transfer.TransferOptions{PartSize: resumePart, Concurrency: 1, MultipartThreshold: resumePart})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := eA.PlanUpload(context.Background(), "", []string{p})
	done := make(chan transfer.BatchResult, 1)
	go func() { done <- eA.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, nil) }()
	g.waitHeld(t, eA, 3*resumePart)
	eA.Close()
	if res := <-done; res.Items[0].State != transfer.StatePaused {
		t.Fatalf("want paused, got %v: %v", res.Items[0].State, res.Items[0].Err)
	}
	g.waitGone(t)
	g.Release()

	// Profile B: same (empty) endpoint, another key.
	svcB := awsLike(t, g.svc.Endpoint(), "B", "BKEYOFANOTHERACCOUNT", "bsecret")
	eB, err := transfer.New(svcB).NewEngine(context.Background(), data, transfer.TransferOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer eB.Close()
	if rs := eB.Resumable(); len(rs) != 0 {
		t.Fatalf("profile B sees profile A's upload: %+v", rs)
	}
	recs := journalRecords(t, data)
	if len(recs) != 1 {
		t.Fatalf("journal: %v", recs)
	}
	for _, r := range recs {
		if r["Profile"] != "A" || r["AccessKeyID"] != srv.AccessKey {
			t.Fatalf("record without the account: %v", r)
		}
	}
	eA2, err := transfer.New(svcA).NewEngine(context.Background(), data, transfer.TransferOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer eA2.Close()
	rs := eA2.Resumable()
	if len(rs) != 1 {
		t.Fatalf("profile A lost its upload: %+v", rs)
	}
	if err := eB.Discard(context.Background(), rs[0].ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("B discarded A's upload: %v", err)
	}
	if err := eB.Resume(context.Background(), rs[0].ID, nil); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("B resumed A's upload: %v", err)
	}
	// A's abort failed (say): B's background retries must leave it alone.
	for path, r := range journalRecords(t, data) {
		r["AbortPending"] = true
		data, _ := json.Marshal(r)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := eB.RetryAborts(context.Background()); n != 0 || err != nil {
		t.Fatalf("B aborted %d uploads (%v)", n, err)
	}
	if n := incomplete(t, srv, bucket); n != 1 || len(journalRecords(t, data)) != 1 {
		t.Fatalf("A's upload gone after B's retries: %d on the server", n)
	}
	if n, err := eA2.RetryAborts(context.Background()); n != 1 || err != nil {
		t.Fatalf("A aborted %d of its own uploads: %v", n, err)
	}
	if n := incomplete(t, srv, bucket); n != 0 {
		t.Fatalf("%d incomplete uploads after A's abort", n)
	}
}

// NewEngine returns at once even when a pending abort's server never
// answers (each abort may take 10 s), and Close stops the background work.
func TestNewEngineDoesNotWaitForAborts(t *testing.T) {
	srv := s3test.StartVersity(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	cfg := srv.Config()
	cfg.Endpoint = "http://" + ln.Addr().String()
	svc, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	for _, id := range []string{"aaaa0001", "aaaa0002"} {
		writeRecord(t, data, map[string]any{"ID": id, "Endpoint": cfg.Endpoint, "AccessKeyID": cfg.AccessKeyID,
			"Bucket": "b", "Key": "k" + id, "Path": "/nonexistent", "Size": 1 << 30, "PartSize": 16 << 20,
			"UploadID": "u" + id, "AbortPending": true, "Started": time.Now()})
	}
	start := time.Now()
	e, err := transfer.New(svc).NewEngine(context.Background(), data, transfer.TransferOptions{})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("NewEngine took %v with 2 aborts pending on a server that never answers", took)
	if took > 500*time.Millisecond {
		t.Fatalf("NewEngine took %v: it waited for the aborts", took)
	}
	rs := e.Resumable()
	if len(rs) != 2 || !rs[0].AbortPending {
		t.Fatalf("resumable: %+v", rs)
	}
	start = time.Now()
	e.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %v", d)
	}
}

// An abort that fails while the server is down is retried while the app
// runs, not only at the next start.
func TestAbortRetriedInBackground(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	out, err := srv.Client(t).CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: aws.String("orphan")})
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	rec := writeRecord(t, data, map[string]any{"ID": "bbbb0001", "Endpoint": srv.Endpoint, "AccessKeyID": srv.AccessKey,
		"Bucket": bucket, "Key": "orphan", "Path": "/nonexistent", "Size": 1 << 30, "PartSize": 16 << 20,
		"UploadID": aws.ToString(out.UploadId), "AbortPending": true, "Started": time.Now()})
	srv.Stop()
	e := newEngine(t, srv, data, transfer.TransferOptions{})
	defer e.Close()
	transfer.SetAbortBackoffForTest(e, 200*time.Millisecond)
	time.Sleep(time.Second) // a few attempts fail: the server is down
	if _, err := os.Stat(rec); err != nil {
		t.Fatalf("record gone while the server was down: %v", err)
	}
	srv.Restart(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := os.Stat(rec)
		if os.IsNotExist(err) && incomplete(t, srv, bucket) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the orphan was not aborted after the server came back (record: %v, %d incomplete)", err, incomplete(t, srv, bucket))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
