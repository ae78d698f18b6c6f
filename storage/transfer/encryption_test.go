package transfer_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// recorder is a reverse proxy in front of a test server that keeps the
// operation and headers of every request.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	op     string
	method string
	url    string
	header http.Header
}

// startRecorder returns srv as reached through a recording proxy.
func startRecorder(t *testing.T, srv *s3test.Server) (*recorder, *s3test.Server) {
	t.Helper()
	target, _ := neturl.Parse(srv.Endpoint)
	rec := &recorder{}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{op: s3test.OpName(r), method: r.Method, url: r.URL.String(), header: r.Header.Clone()})
		rec.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	via := *srv
	via.Endpoint = ts.URL
	return rec, &via
}

func (r *recorder) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// logBuffer is a slog handler target that keeps every record as text.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// noSecret fails if text holds the key in any form it could leak as.
func noSecret(t *testing.T, where, text string, key []byte) {
	t.Helper()
	for _, form := range []string{string(key), base64.StdEncoding.EncodeToString(key), fmt.Sprintf("%x", key), fmt.Sprint(key)} {
		if strings.Contains(text, form) {
			t.Errorf("the customer key appears in %s", where)
		}
	}
}

func sseC(t *testing.T, r recorded, key []byte) {
	t.Helper()
	sum := md5.Sum(key)
	if r.header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "AES256" ||
		r.header.Get("X-Amz-Server-Side-Encryption-Customer-Key") != base64.StdEncoding.EncodeToString(key) ||
		r.header.Get("X-Amz-Server-Side-Encryption-Customer-Key-Md5") != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("%s %s lacks the SSE-C headers: %v", r.op, r.url, r.header)
	}
	if r.header.Get("X-Amz-Server-Side-Encryption") != "" {
		t.Errorf("%s: SSE-C request also names x-amz-server-side-encryption", r.op)
	}
}

// TestUploadEncryptionRequests checks the requests of encrypted uploads
// against the AWS documentation (PutObject, CreateMultipartUpload,
// UploadPart, CompleteMultipartUpload, GetObject: "Specifying server-side
// encryption" and "Using SSE-C"), captured at a recording proxy in front of
// gofakes3 (no server here implements SSE-KMS or SSE-C without a KMS or
// TLS); and that the customer key reaches neither the log nor the resume
// journal.
func TestUploadEncryptionRequests(t *testing.T) {
	srv := s3test.StartFake(t)
	rec, via := startRecorder(t, srv)
	logs := &logBuffer{}
	cfg := via.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	e, err := transfer.New(svc).NewEngine(context.Background(), data, transfer.TransferOptions{PartSize: 5 << 20, MultipartThreshold: 5 << 20, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	b := srv.Bucket(t)
	ctx := context.Background()
	dir := t.TempDir()
	small := randFile(t, dir, "small.txt", 1000)
	big := randFile(t, dir, "big.bin", 11<<20)
	upload := func(path string, enc storage.ObjectEncryption) transfer.Progress {
		t.Helper()
		plan, err := e.PlanUpload(ctx, "enc/", []string{path})
		if err != nil {
			t.Fatal(err)
		}
		res := e.Upload(ctx, b, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictOverwrite, Encryption: enc}, nil)
		if res.Items[0].State != transfer.StateDone {
			t.Fatalf("upload %s with %v: %v %v", path, enc, res.Items[0].State, res.Items[0].Err)
		}
		return res.Items[0]
	}

	// SSE-KMS with a key ID, SSE-S3.
	rec.take()
	upload(small, storage.ObjectEncryption{Mode: storage.SSEKMS, KMSKeyID: "arn:aws:kms:us-east-1:111122223333:key/1234abcd"})
	puts := 0
	for _, r := range rec.take() {
		if r.op == "PutObject" {
			puts++
			if r.header.Get("X-Amz-Server-Side-Encryption") != "aws:kms" ||
				r.header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") != "arn:aws:kms:us-east-1:111122223333:key/1234abcd" {
				t.Errorf("SSE-KMS PutObject headers: %v", r.header)
			}
		}
	}
	upload(small, storage.ObjectEncryption{Mode: storage.SSES3})
	for _, r := range rec.take() {
		if r.op == "PutObject" {
			puts++
			if r.header.Get("X-Amz-Server-Side-Encryption") != "AES256" || r.header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") != "" {
				t.Errorf("SSE-S3 PutObject headers: %v", r.header)
			}
		}
	}
	if puts != 2 {
		t.Fatalf("%d PutObject requests, want 2", puts)
	}

	// SSE-C: a small file, and a multipart one whose every request on the
	// object carries the key.
	key, err := storage.ParseCustomerKey(base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789ABCDEF")))
	if err != nil {
		t.Fatal(err)
	}
	enc := storage.CustomerKey(key)
	upload(small, enc)
	for _, r := range rec.take() {
		if r.op == "PutObject" {
			sseC(t, r, key)
		}
	}
	upload(big, enc)
	seen := map[string]int{}
	for _, r := range rec.take() {
		switch r.op {
		case "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "PutObject":
			seen[r.op]++
			sseC(t, r, key)
		}
	}
	if seen["CreateMultipartUpload"] != 1 || seen["UploadPart"] != 3 || seen["CompleteMultipartUpload"] != 1 {
		t.Errorf("multipart requests %v", seen)
	}
	// GET with the key.
	rc, _, err := svc.Open(ctx, b, "enc/big.bin", storage.ReadOptions{Encryption: enc})
	if err != nil {
		t.Fatal(err)
	}
	got := new(bytes.Buffer)
	if _, err := got.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	want, _ := os.ReadFile(big)
	if !bytes.Equal(got.Bytes(), want) {
		t.Error("bytes read back differ")
	}
	gets := 0
	for _, r := range rec.take() {
		if r.op == "GetObject" {
			gets++
			sseC(t, r, key)
		}
	}
	if gets != 1 {
		t.Errorf("%d GetObject requests", gets)
	}

	// The key never in the log, the journal, or a printed option.
	noSecret(t, "the log", logs.String(), key)
	noSecret(t, "a printed option", fmt.Sprintf("%v %+v %#v %s", enc, transfer.UploadOptions{Encryption: enc}, enc, enc), key)
	_ = filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			noSecret(t, "the data folder ("+p+")", string(b), key)
		}
		return nil
	})
	if logs.String() == "" {
		t.Log("(the SDK logged nothing)")
	}

	// An invalid choice fails the file, sending nothing.
	plan, _ := e.PlanUpload(ctx, "enc/", []string{small})
	res := e.Upload(ctx, b, plan.Items, transfer.UploadOptions{Encryption: storage.ObjectEncryption{Mode: storage.SSECustomer}}, nil)
	if !errors.Is(res.Items[0].Err, storage.ErrInvalidArgument) {
		t.Errorf("SSE-C without a key: %v", res.Items[0].Err)
	}
	for _, r := range rec.take() {
		if r.op == "PutObject" {
			t.Errorf("an invalid encryption was sent: %s", r.url)
		}
	}
}

// TestResumeCustomerKey: an SSE-C upload interrupted by a restart cannot
// resume without the key (which was only in memory) and says so; given
// the key again it resumes, sending the key on the remaining parts and on
// CompleteMultipartUpload; the journal never held the key.
func TestResumeCustomerKey(t *testing.T) {
	srv := s3test.StartVersity(t)
	rec, via := startRecorder(t, srv)
	b := srv.Bucket(t)
	dir, data := t.TempDir(), t.TempDir()
	path := randFile(t, dir, "secret.bin", 4*resumePart+100)
	key := []byte("fedcba9876543210FEDCBA9876543210")
	enc := storage.CustomerKey(key)

	g := newPartGate(t, via, 3)
	e := g.engine(t, data, transfer.TransferOptions{PartSize: resumePart, Concurrency: 1, MultipartThreshold: resumePart})
	plan, _ := e.PlanUpload(context.Background(), "", []string{path})
	done := make(chan transfer.BatchResult, 1)
	go func() {
		done <- e.Upload(context.Background(), b, plan.Items, transfer.UploadOptions{Encryption: enc}, nil)
	}()
	g.waitHeld(t, e, 3*resumePart)
	e.Close()
	select {
	case res := <-done:
		if res.Items[0].State != transfer.StatePaused {
			t.Fatalf("want paused, got %v: %v", res.Items[0].State, res.Items[0].Err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("Upload did not return after Close")
	}
	g.waitGone(t)
	_ = filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			noSecret(t, "the resume journal ("+p+")", string(b), key)
		}
		return nil
	})
	g.Release()

	// The app restarts: a new engine, no key in memory.
	e2 := g.engine(t, data, transfer.TransferOptions{PartSize: resumePart, Concurrency: 1, MultipartThreshold: resumePart})
	defer e2.Close()
	rs := e2.Resumable()
	if len(rs) != 1 {
		t.Fatalf("resumable %+v", rs)
	}
	if !e2.NeedsCustomerKey(rs[0].ID) {
		t.Fatal("NeedsCustomerKey is false after a restart")
	}
	rec.take()
	err := e2.Resume(context.Background(), rs[0].ID, nil)
	if !errors.Is(err, storage.ErrCustomerKey) || !strings.Contains(err.Error(), "enter the same key") {
		t.Fatalf("resume without the key: %v", err)
	}
	if n := len(rec.take()); n != 0 {
		t.Errorf("resume without the key sent %d requests", n)
	}
	// Another key is not this upload's key.
	e2.RememberCustomerKey(storage.CustomerKey([]byte("a different key of 32 bytes!!!!!")))
	if !e2.NeedsCustomerKey(rs[0].ID) {
		t.Error("a different key was taken for the upload's")
	}
	e2.RememberCustomerKey(enc)
	if e2.NeedsCustomerKey(rs[0].ID) {
		t.Fatal("still needs the key after RememberCustomerKey")
	}
	err = e2.Resume(context.Background(), rs[0].ID, nil)
	t.Logf("resume with the key on versitygw: %v", err)
	seen := map[string]int{}
	for _, r := range rec.take() {
		switch r.op {
		case "UploadPart", "CompleteMultipartUpload":
			seen[r.op]++
			sseC(t, r, key)
		}
	}
	if seen["UploadPart"] != 2 {
		t.Errorf("parts resent %v (want 2: parts 4 and 5)", seen)
	}
	if err == nil && seen["CompleteMultipartUpload"] != 1 {
		t.Errorf("completed %v", seen)
	}
}

// TestEncryptionRefusedInPlainWords: MinIO without a KMS refuses SSE-KMS
// and (over plain http) SSE-C; the upload's error says what happened.
func TestEncryptionRefusedInPlainWords(t *testing.T) {
	srv := s3test.StartMinIO(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	defer e.Close()
	b := srv.Bucket(t)
	path := randFile(t, t.TempDir(), "f.txt", 100)
	plan, _ := e.PlanUpload(context.Background(), "", []string{path})
	for _, enc := range []storage.ObjectEncryption{
		{Mode: storage.SSEKMS, KMSKeyID: "my-key"},
		storage.CustomerKey([]byte("0123456789abcdef0123456789ABCDEF")),
		{Mode: storage.SSES3},
	} {
		res := e.Upload(context.Background(), b, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictOverwrite, Encryption: enc}, nil)
		err := res.Items[0].Err
		t.Logf("%v: %v %v", enc, res.Items[0].State, err)
		want := map[storage.SSEMode]string{
			storage.SSEKMS:      "this server does not support SSE-KMS encryption",
			storage.SSECustomer: "accepts customer keys (SSE-C) only over https",
			storage.SSES3:       "this server does not support SSE-S3 encryption",
		}[enc.Mode]
		if res.Items[0].State != transfer.StateFailed || !errors.Is(err, storage.ErrNotImplemented) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v %v, want %q", enc, res.Items[0].State, err, want)
		}
	}
}

// TestEncryptionUnconfirmed: versitygw takes SSE headers and ignores them;
// the row says the server did not confirm the encryption.
func TestEncryptionUnconfirmed(t *testing.T) {
	srv := s3test.StartVersity(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	defer e.Close()
	b := srv.Bucket(t)
	path := randFile(t, t.TempDir(), "f.txt", 100)
	plan, _ := e.PlanUpload(context.Background(), "", []string{path})
	res := e.Upload(context.Background(), b, plan.Items, transfer.UploadOptions{Encryption: storage.ObjectEncryption{Mode: storage.SSES3}}, nil)
	it := res.Items[0]
	if it.State != transfer.StateDone || !strings.Contains(it.Note, "did not confirm SSE-S3 encryption") {
		t.Errorf("%v %v note %q", it.State, it.Err, it.Note)
	}
	plan, _ = e.PlanUpload(context.Background(), "plain/", []string{path})
	res = e.Upload(context.Background(), b, plan.Items, transfer.UploadOptions{}, nil)
	if res.Items[0].Note != "" {
		t.Errorf("an unencrypted upload has a note: %q", res.Items[0].Note)
	}
}
