package storage_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// wire is a loopback S3 stand-in that records every request and answers
// with answer (nil: 200 and an empty body).
type wire struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies []string
	answer func(w http.ResponseWriter, r *http.Request)
}

func startWire(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) (*wire, *storage.Service) {
	t.Helper()
	wr := &wire{answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		wr.mu.Lock()
		wr.reqs = append(wr.reqs, r)
		wr.bodies = append(wr.bodies, string(body))
		wr.mu.Unlock()
		if wr.answer != nil {
			wr.answer(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	svc, err := storage.New(context.Background(), storage.Config{
		Endpoint: srv.URL, Region: "us-east-1", PathStyle: true, AccessKeyID: "AKIDWIRE", SecretAccessKey: "wire-secret",
	})
	if err != nil {
		t.Fatal(err)
	}
	return wr, svc
}

func s3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+code+`</Code><Message>m</Message></Error>`)
}

// TestRestoreObjectRequestShape checks the request against the AWS
// RestoreObject documentation: POST /bucket/key?restore with a
// RestoreRequest body holding Days and GlacierJobParameters/Tier.
func TestRestoreObjectRequestShape(t *testing.T) {
	wr, svc := startWire(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	ref := storage.ObjectRef{Bucket: "arch", Key: "old/report 2019.csv"}
	if err := svc.RestoreObject(context.Background(), ref, storage.RestoreOptions{Days: 7, Tier: types.TierBulk}); err != nil {
		t.Fatal(err)
	}
	if len(wr.reqs) != 1 {
		t.Fatalf("%d requests", len(wr.reqs))
	}
	r := wr.reqs[0]
	if r.Method != http.MethodPost || r.URL.Path != "/arch/old/report 2019.csv" || !r.URL.Query().Has("restore") {
		t.Fatalf("request %s %s", r.Method, r.URL)
	}
	var body struct {
		XMLName xml.Name `xml:"RestoreRequest"`
		Days    int
		Tier    string `xml:"GlacierJobParameters>Tier"`
	}
	if err := xml.Unmarshal([]byte(wr.bodies[0]), &body); err != nil {
		t.Fatalf("body %q: %v", wr.bodies[0], err)
	}
	if body.Days != 7 || body.Tier != "Bulk" {
		t.Errorf("body %q: days %d tier %q", wr.bodies[0], body.Days, body.Tier)
	}
	// Default tier is Standard; bad input never reaches the wire.
	if err := svc.RestoreObject(context.Background(), ref, storage.RestoreOptions{Days: 1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(wr.bodies[1], "<Tier>Standard</Tier>") {
		t.Errorf("default tier: %s", wr.bodies[1])
	}
	for _, o := range []storage.RestoreOptions{{Days: 0}, {Days: 3, Tier: "Instant"}} {
		if err := svc.RestoreObject(context.Background(), ref, o); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if len(wr.reqs) != 2 {
		t.Errorf("refused options were sent: %d requests", len(wr.reqs))
	}
}

// TestRestoreAnswers: the server's answers to a restore, in plain words.
func TestRestoreAnswers(t *testing.T) {
	for code, c := range map[string]struct {
		status int
		kind   error
		want   string
	}{
		"NotImplemented":           {501, storage.ErrNotImplemented, "this server does not implement restoring archived objects"},
		"MethodNotAllowed":         {405, storage.ErrNotImplemented, "this server does not implement restoring archived objects"},
		"RestoreAlreadyInProgress": {409, storage.ErrConflict, "already running"},
		"InvalidObjectState":       {403, storage.ErrInvalidArgument, "is not archived"},
	} {
		_, svc := startWire(t, func(w http.ResponseWriter, r *http.Request) { s3Error(w, c.status, code) })
		err := svc.RestoreObject(context.Background(), storage.ObjectRef{Bucket: "b", Key: "k"}, storage.RestoreOptions{Days: 2})
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", code, err)
		}
	}
}

// TestRestoreStatus: x-amz-restore on HEAD is read into ObjectInfo.Restore.
func TestRestoreStatus(t *testing.T) {
	header := ""
	_, svc := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amz-storage-class", "GLACIER")
		w.Header().Set("Content-Length", "3")
		if header != "" {
			w.Header().Set("x-amz-restore", header)
		}
	})
	ctx := context.Background()
	for _, c := range []struct {
		header string
		want   storage.RestoreStatus
		text   string
	}{
		{"", storage.RestoreStatus{}, ""},
		{`ongoing-request="true"`, storage.RestoreStatus{Requested: true, Ongoing: true}, "restore in progress"},
		{`ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`,
			storage.RestoreStatus{Requested: true, Until: time.Date(2012, 12, 21, 0, 0, 0, 0, time.UTC)}, "restored until 2"},
	} {
		header = c.header
		info, err := svc.Stat(ctx, "b", "k")
		if err != nil {
			t.Fatal(err)
		}
		if info.StorageClass != "GLACIER" || info.Restore.Requested != c.want.Requested || info.Restore.Ongoing != c.want.Ongoing || !info.Restore.Until.Equal(c.want.Until) {
			t.Errorf("%q: %+v", c.header, info.Restore)
		}
		if !strings.HasPrefix(info.Restore.String(), c.text) {
			t.Errorf("%q: text %q", c.header, info.Restore.String())
		}
		if got := info.Restore.Restored(); got != !c.want.Until.IsZero() {
			t.Errorf("%q: restored %v", c.header, got)
		}
	}
	if !storage.Archived("GLACIER") || !storage.Archived("DEEP_ARCHIVE") || storage.Archived("GLACIER_IR") || storage.Archived("") {
		t.Error("Archived")
	}
}

// TestNotSupportedAnswers: tags and object lock on a server that answers
// NotImplemented or MethodNotAllowed say so in plain words.
func TestNotSupportedAnswers(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
	}{{501, "NotImplemented"}, {405, "MethodNotAllowed"}} {
		_, svc := startWire(t, func(w http.ResponseWriter, r *http.Request) { s3Error(w, c.status, c.code) })
		ctx := context.Background()
		ref := storage.ObjectRef{Bucket: "b", Key: "k"}
		_, terr := svc.ObjectTags(ctx, ref)
		_, rerr := svc.ObjectRetention(ctx, ref)
		_, lerr := svc.ObjectLegalHold(ctx, ref)
		for want, err := range map[string]error{
			"read tags: this server does not implement object tags":       terr,
			"set tags: this server does not implement object tags":        svc.PutObjectTags(ctx, ref, map[string]string{"a": "b"}),
			"remove tags: this server does not implement object tags":     svc.DeleteObjectTags(ctx, ref),
			"read retention: this server does not implement object lock":  rerr,
			"read legal hold: this server does not implement object lock": lerr,
			"set legal hold: this server does not implement object lock":  svc.PutObjectLegalHold(ctx, ref, true),
		} {
			if !errors.Is(err, storage.ErrNotImplemented) || err.Error() != want {
				t.Errorf("%s: got %v, want %q", c.code, err, want)
			}
		}
	}
}

// TestObjectPropsUnderSlowDown: tag and storage-class changes ride out
// 503 SlowDown through the retry policy.
func TestObjectPropsUnderSlowDown(t *testing.T) {
	srv := s3test.StartMinIO(t)
	f := s3test.NewFaults(t, srv)
	ctx := context.Background()
	svc := f.Server().Service(t)
	b := srv.Bucket(t)
	ref := storage.ObjectRef{Bucket: b, Key: "slow.txt"}
	if err := svc.Put(ctx, b, ref.Key, strings.NewReader("slow"), 4, storage.PutOptions{ContentType: "text/plain"}); err != nil {
		t.Fatal(err)
	}
	tagging := func(r *http.Request) bool { return r.URL.Query().Has("tagging") }
	f.Add(s3test.Rule{Match: tagging, Times: 2, Fault: s3test.SlowDown()})
	f.Add(s3test.Rule{Match: s3test.Op("CopyObject"), Times: 1, Fault: s3test.SlowDown()})
	tags := map[string]string{"a": "1"}
	if err := svc.PutObjectTags(ctx, ref, tags); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.ObjectTags(ctx, ref); err != nil || got["a"] != "1" {
		t.Fatalf("tags %v %v", got, err)
	}
	if err := svc.SetStorageClass(ctx, ref, types.StorageClassReducedRedundancy); err != nil {
		t.Fatal(err)
	}
	info, err := svc.Stat(ctx, b, ref.Key)
	if err != nil || info.StorageClass != "REDUCED_REDUNDANCY" || info.ContentType != "text/plain" {
		t.Fatalf("after class change %+v %v", info, err)
	}
	if f.Hit("") != 3 {
		t.Errorf("%d faults injected, want 3", f.Hit(""))
	}
	if got, _ := svc.ObjectTags(ctx, ref); got["a"] != "1" {
		t.Errorf("tags after class change %v", got)
	}
}

// TestCustomerKeyNeeded: reading an SSE-C object without its key gives a
// plain ErrCustomerKey, on GET (InvalidRequest, as AWS answers) and on HEAD
// (a bodiless 400).
func TestCustomerKeyNeeded(t *testing.T) {
	_, svc := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidRequest</Code><Message>The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.</Message></Error>`)
	})
	ctx := context.Background()
	_, _, gerr := svc.Open(ctx, "b", "secret.bin", storage.ReadOptions{})
	_, herr := svc.Stat(ctx, "b", "secret.bin")
	for name, err := range map[string]error{"GET": gerr, "HEAD": herr} {
		if !errors.Is(err, storage.ErrCustomerKey) || !strings.Contains(err.Error(), "is encrypted with a customer key (SSE-C); enter it") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseCustomerKey(t *testing.T) {
	raw := []byte("0123456789abcdef0123456789ABCDEF")
	for _, in := range []string{
		"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUY=", // base64
		"  MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUY=\n",
		"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUY", // unpadded
		string(raw), // 32 raw characters
	} {
		k, err := storage.ParseCustomerKey(in)
		if err != nil || string(k) != string(raw) {
			t.Errorf("%q: %q %v", in, k, err)
		}
	}
	for _, in := range []string{"", "short", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3=", strings.Repeat("x", 33)} {
		if _, err := storage.ParseCustomerKey(in); !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "256") {
			t.Errorf("%q accepted or unclear: %v", in, err)
		}
	}
	enc := storage.CustomerKey(raw)
	if enc.KeyMD5() == "" || enc.Validate() != nil || (storage.ObjectEncryption{Mode: storage.SSECustomer}).Validate() == nil {
		t.Error("validate")
	}
	for _, s := range []string{enc.String(), fmt.Sprintf("%v|%+v|%#v|%s|%x", enc, enc, enc, enc, enc)} {
		if strings.Contains(s, string(raw)) || strings.Contains(s, "MDEy") || strings.Contains(s, "3031") {
			t.Errorf("the key is printed: %s", s)
		}
	}
}

// TestSetStorageClassKeepsKMS: a copy without encryption headers would
// take the bucket's default; an SSE-KMS object's class change asks for its
// own key again (CopyObject with x-amz-server-side-encryption: aws:kms and
// the key ID), with the ETag condition and the class always sent.
func TestSetStorageClassKeepsKMS(t *testing.T) {
	const keyID = "arn:aws:kms:us-east-1:111122223333:key/abcd"
	wr, svc := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodHead:
			w.Header().Set("Content-Length", "5")
			w.Header().Set("ETag", `"0123456789abcdef0123456789abcdef"`)
			w.Header().Set("x-amz-storage-class", "STANDARD_IA")
			w.Header().Set("x-amz-server-side-encryption", "aws:kms")
			w.Header().Set("x-amz-server-side-encryption-aws-kms-key-id", keyID)
		case http.MethodPut:
			w.Header().Set("Content-Type", "application/xml")
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"x"</ETag></CopyObjectResult>`)
		}
	})
	ctx := context.Background()
	info, err := svc.Stat(ctx, "b", "k")
	if err != nil || info.ServerSideEncryption != "aws:kms" || info.KMSKeyID != keyID {
		t.Fatalf("stat %+v %v", info, err)
	}
	if err := svc.SetStorageClass(ctx, storage.ObjectRef{Bucket: "b", Key: "k"}, types.StorageClassStandard); err != nil {
		t.Fatal(err)
	}
	var put *http.Request
	for _, r := range wr.reqs {
		if r.Method == http.MethodPut {
			put = r
		}
	}
	if put == nil {
		t.Fatal("no CopyObject")
	}
	h := put.Header
	if h.Get("X-Amz-Copy-Source") != "b/k" || h.Get("X-Amz-Storage-Class") != "STANDARD" || h.Get("X-Amz-Copy-Source-If-Match") == "" ||
		h.Get("X-Amz-Server-Side-Encryption") != "aws:kms" || h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") != keyID ||
		h.Get("X-Amz-Metadata-Directive") != "COPY" || h.Get("X-Amz-Tagging-Directive") != "COPY" {
		t.Errorf("CopyObject headers %v", h)
	}
}
