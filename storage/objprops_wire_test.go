package storage_test

import (
	"context"
	"encoding/xml"
	"errors"
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
