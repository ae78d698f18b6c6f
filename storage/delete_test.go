package storage_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

func TestDeleteFolderExactPrefix(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b := srv.Bucket(t)
		inside := []string{"a/", "a/1.txt", "a/deep/2.txt", "a/deep/more/3.txt"}
		outside := []string{"a.txt", "ab/x", "a-other", "aX/y"}
		if srv.Fake() {
			outside = append(outside, "a") // versitygw cannot hold "a" beside "a/"
		}
		for _, k := range append(slices.Clone(inside), outside...) {
			storetest.Put(t, svc, b, k, "12345")
		}
		plan, err := svc.PlanDeleteFolder(ctx, b, "a")
		if err != nil {
			t.Fatal(err)
		}
		if plan.Objects != 4 || plan.Bytes != 15 || plan.Prefix != "a/" || plan.Bucket != b {
			t.Errorf("plan = %+v, want 4 objects, 15 bytes under a/", plan)
		}
		var last int64
		res, err := svc.DeleteFolder(ctx, b, "a", func(n int64) { last = n })
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 4 || len(res.Failed) != 0 || last != 4 {
			t.Errorf("result %+v, progress %d", res, last)
		}
		_, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true})
		slices.Sort(outside)
		if got := storetest.KeysOf(objs); !slices.Equal(got, outside) {
			t.Errorf("left %q, want %q", got, outside)
		}
		if _, err := svc.PlanDeleteFolder(ctx, b, ""); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("plan of no folder: %v", err)
		}
		if _, err := svc.DeleteFolder(ctx, b, "", nil); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("delete of no folder: %v", err)
		}
		if _, err := svc.DeleteFolder(ctx, "no-such-bucket-zz", "a", nil); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("delete folder in missing bucket: %v", err)
		}
	})
}

func TestDeleteObjectsBatches(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b := srv.Bucket(t)
		var keys []string
		for i := range 1205 {
			keys = append(keys, fmt.Sprintf("k/%05d", i))
		}
		storetest.PutMany(t, srv, b, append(keys, "keep"))
		res, err := svc.DeleteObjects(ctx, b, append(keys, keys[0])) // a duplicate is deleted once
		if err != nil {
			t.Fatal(err)
		}
		if res.Deleted != 1205 || len(res.Failed) != 0 {
			t.Errorf("result %+v", res)
		}
		_, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true})
		if got := storetest.KeysOf(objs); !slices.Equal(got, []string{"keep"}) {
			t.Errorf("left %d keys: %q...", len(got), got[:min(3, len(got))])
		}
		if res, err := svc.DeleteObjects(ctx, b, nil); err != nil || res.Deleted != 0 {
			t.Errorf("empty delete: %+v %v", res, err)
		}
		if _, err := svc.DeleteObjects(ctx, "no-such-bucket-zz", []string{"x"}); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("delete in missing bucket: %v", err)
		}
	})
}

// A service that refuses some keys of a DeleteObjects batch: the failures
// come back per key, mapped, and the rest count as deleted.
func TestDeleteObjectsPerKeyFailures(t *testing.T) {
	var batches int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !r.URL.Query().Has("delete") {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		batches++
		w.Header().Set("Content-Type", "application/xml")
		if batches == 1 {
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><DeleteResult>`+
				`<Error><Key>locked/1</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`+
				`<Error><Key>odd key &amp; more</Key><Code>InternalError</Code><Message>try again</Message></Error>`+
				`</DeleteResult>`)
			return
		}
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>`)
	}))
	defer ts.Close()
	svc := fakeService(t, ts.URL)
	keys := []string{"locked/1", "odd key & more"}
	for i := range 1500 {
		keys = append(keys, fmt.Sprintf("ok/%d", i))
	}
	res, err := svc.DeleteObjects(context.Background(), "bkt", keys)
	if err != nil {
		t.Fatal(err)
	}
	if batches != 2 {
		t.Errorf("%d requests for 1502 keys, want 2", batches)
	}
	if res.Deleted != 1500 || len(res.Failed) != 2 {
		t.Fatalf("result: deleted %d, failed %+v", res.Deleted, res.Failed)
	}
	if res.Failed[0].Key != "locked/1" || !errors.Is(res.Failed[0].Err, storage.ErrAccessDenied) {
		t.Errorf("first failure %+v", res.Failed[0])
	}
	if res.Failed[1].Key != "odd key & more" || res.Failed[1].Err == nil {
		t.Errorf("second failure %+v", res.Failed[1])
	}
}

func fakeService(t *testing.T, endpoint string) *storage.Service {
	t.Helper()
	svc, err := storage.New(context.Background(), storage.Config{
		Endpoint: endpoint, Region: "us-east-1", PathStyle: true, AccessKeyID: "AKTEST", SecretAccessKey: "secret-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// In Compatibility mode DeleteObjects carries Content-MD5 (which older
// services insist on) and none of the newer checksum headers.
func TestDeleteObjectsContentMD5InCompatibilityMode(t *testing.T) {
	for _, compat := range []bool{false, true} {
		var got http.Header
		var body []byte
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r.Header.Clone()
			body, _ = io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>`)
		}))
		svc, err := storage.New(context.Background(), storage.Config{Endpoint: ts.URL, Region: "us-east-1", PathStyle: true,
			AccessKeyID: "AK", SecretAccessKey: "SK", Compatibility: compat})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.DeleteObjects(context.Background(), "b", []string{"a", "b c"}); err != nil {
			t.Fatal(err)
		}
		ts.Close()
		sum := md5.Sum(body)
		md5Header := got.Get("Content-Md5")
		var checksums []string
		for k := range got {
			if strings.HasPrefix(strings.ToLower(k), "x-amz-checksum-") {
				checksums = append(checksums, k)
			}
		}
		if compat {
			if md5Header != base64.StdEncoding.EncodeToString(sum[:]) || len(checksums) != 0 {
				t.Errorf("compatibility: Content-MD5 %q (want %x), checksum headers %v", md5Header, sum, checksums)
			}
		} else if md5Header == "" && len(checksums) == 0 {
			t.Errorf("default mode sent no integrity header at all")
		}
	}
}

func TestDeleteObjectsCompatibilityMode(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		cfg := srv.Config()
		cfg.Compatibility = true
		svc, err := storage.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		b := srv.Bucket(t)
		storetest.PutMany(t, srv, b, []string{"a", "b c", "d/e+f"})
		res, err := svc.DeleteObjects(context.Background(), b, []string{"a", "b c", "d/e+f"})
		if err != nil || res.Deleted != 3 || len(res.Failed) != 0 {
			t.Fatalf("%+v %v", res, err)
		}
		if _, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true}); len(objs) != 0 {
			t.Fatalf("left %q", storetest.KeysOf(objs))
		}
	})
}
