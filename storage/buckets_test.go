package storage_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

func TestValidateBucketName(t *testing.T) {
	good := []string{"abc", "my-bucket", "my.bucket.1", strings.Repeat("a", 63), "1bucket"}
	for _, n := range good {
		if err := storage.ValidateBucketName(n); err != nil {
			t.Errorf("%q: unexpected %v", n, err)
		}
	}
	bad := map[string]string{
		"ab":                     "at least 3",
		strings.Repeat("a", 64):  "at most 63",
		"My-Bucket":              "lower-case",
		"my_bucket":              "underscores",
		"my bucket":              "spaces",
		"-bucket":                "begin",
		"bucket-":                "end",
		"my..bucket":             "two dots",
		"my.-bucket":             "dot must not be next to a hyphen",
		"192.168.1.1":            "IP address",
		"xn--bucket":             "reserved",
		"bucket-s3alias":         "reserved",
		"bück":                   "not allowed",
		"sthree-configurator-no": "reserved",
	}
	for n, rule := range bad {
		err := storage.ValidateBucketName(n)
		if !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("%q: want ErrInvalidName, got %v", n, err)
			continue
		}
		if !strings.Contains(err.Error(), rule) {
			t.Errorf("%q: message %q does not name the rule %q", n, err, rule)
		}
	}
}

func TestBuckets(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		name := fmt.Sprintf("made-%d", len(srv.Endpoint)) + strings.ToLower(srv.AccessKey[len(srv.AccessKey)-6:])
		if err := svc.CreateBucket(ctx, name, storage.CreateBucketOptions{}); err != nil {
			t.Fatal(err)
		}
		err := svc.CreateBucket(ctx, name, storage.CreateBucketOptions{})
		if !errors.Is(err, storage.ErrBucketExists) {
			t.Fatalf("second create: want ErrBucketExists, got %v", err)
		}
		if err := svc.CreateBucket(ctx, "Bad_Name", storage.CreateBucketOptions{}); !errors.Is(err, storage.ErrInvalidName) {
			t.Fatalf("bad name: want ErrInvalidName, got %v", err)
		}
		if err := svc.CreateBucket(ctx, name+"x", storage.CreateBucketOptions{ObjectOwnership: "Nobody"}); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Fatalf("bad ownership: want ErrInvalidArgument, got %v", err)
		}
		// An explicit region that is the service's own works; a region
		// versitygw does not serve is refused in plain words.
		if err := svc.CreateBucket(ctx, name+"-r", storage.CreateBucketOptions{Region: srv.Region}); err != nil {
			t.Fatalf("create in %s: %v", srv.Region, err)
		}
		if r, err := svc.BucketRegion(ctx, name+"-r"); err != nil || r != srv.Region {
			t.Errorf("region of %s-r = %q, %v", name, r, err)
		}
		if err := svc.DeleteBucket(ctx, name+"-r", storage.DeleteBucketOptions{}); err != nil {
			t.Fatal(err)
		}
		if srv.Kind == s3test.Versity {
			err := svc.CreateBucket(ctx, name+"-eu", storage.CreateBucketOptions{Region: "eu-west-1"})
			if !errors.Is(err, storage.ErrWrongRegion) || !strings.Contains(err.Error(), `"eu-west-1"`) {
				t.Errorf("foreign region: want ErrWrongRegion naming eu-west-1, got %v", err)
			}
		}
		bs, err := svc.ListBuckets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, b := range bs {
			if b.Name == name {
				found = true
				if b.Created.IsZero() {
					t.Errorf("bucket %s has no creation time", name)
				}
			}
		}
		if !found {
			t.Fatalf("created bucket %s not in %v", name, bs)
		}
		r, err := svc.BucketRegion(ctx, name)
		if err != nil || r == "" {
			t.Fatalf("BucketRegion = %q, %v", r, err)
		}
		if _, err := svc.BucketRegion(ctx, "no-such-bucket-here"); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Fatalf("region of missing bucket: want ErrBucketNotFound, got %v", err)
		}

		// Not empty -> ErrBucketNotEmpty, nothing lost.
		storetest.Put(t, svc, name, "keep.txt", "data")
		err = svc.DeleteBucket(ctx, name, storage.DeleteBucketOptions{})
		if !errors.Is(err, storage.ErrBucketNotEmpty) {
			t.Fatalf("delete non-empty: want ErrBucketNotEmpty, got %v", err)
		}
		if _, err := svc.Stat(ctx, name, "keep.txt"); err != nil {
			t.Fatalf("object lost after refused delete: %v", err)
		}
		if err := svc.DeleteBucket(ctx, "no-such-bucket-here", storage.DeleteBucketOptions{}); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Fatalf("delete missing: want ErrBucketNotFound, got %v", err)
		}
		// An empty bucket goes without Force.
		if _, err := svc.DeleteObjects(ctx, name, []string{"keep.txt"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteBucket(ctx, name, storage.DeleteBucketOptions{}); err != nil {
			t.Fatalf("delete empty bucket: %v", err)
		}
		if _, err := srv.Client(t).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)}); err == nil {
			t.Fatal("bucket still there after delete")
		}
	})
}

func TestBucketExistsOtherOwner(t *testing.T) {
	// Only the mapping can be checked without a second account.
	err := storage.MapErrForTest("create bucket", "taken", "", storetest.APIErr("BucketAlreadyExists"))
	if !errors.Is(err, storage.ErrBucketExists) || !strings.Contains(err.Error(), "another account") {
		t.Fatalf("got %v", err)
	}
}

func TestForceDeleteBucket(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		// The test servers delete a bucket with an incomplete upload in it,
		// so the abort is checked on the wire: it must come before the
		// bucket's own DELETE.
		var mu sync.Mutex
		var deletes []string // "upload <id>" or "bucket"
		svc, _ := storetest.CountingProxy(t, srv, func(r *http.Request) {
			if r.Method != http.MethodDelete {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch id := r.URL.Query().Get("uploadId"); {
			case id != "":
				deletes = append(deletes, "upload "+id)
			case strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0 && r.URL.RawQuery == "":
				deletes = append(deletes, "bucket")
			}
		})
		c := srv.Client(t)
		b := srv.Bucket(t)
		var keys []string
		for i := range 1203 {
			keys = append(keys, fmt.Sprintf("d%d/k%04d", i%3, i))
		}
		storetest.PutMany(t, srv, b, keys)
		if err := svc.CreateFolder(ctx, b, "empty"); err != nil {
			t.Fatal(err)
		}
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("big/unfinished.bin")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String("big/unfinished.bin"),
			UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part one")}); err != nil {
			t.Fatal(err)
		}
		var last int64
		calls := 0
		err = svc.DeleteBucket(ctx, b, storage.DeleteBucketOptions{Force: true, Progress: func(n int64) {
			if n < last {
				t.Errorf("progress went backwards: %d after %d", n, last)
			}
			last = n
			calls++
		}})
		if err != nil {
			t.Fatal(err)
		}
		if last < 1204 || calls < 2 {
			t.Errorf("progress: last %d after %d calls, want >= 1204 over several calls", last, calls)
		}
		if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)}); err == nil {
			t.Fatal("bucket still there")
		}
		mu.Lock()
		if want := []string{"upload " + aws.ToString(up.UploadId), "bucket"}; strings.Join(deletes, ",") != strings.Join(want, ",") {
			t.Errorf("DELETE requests %q, want the upload aborted, then the bucket: %q", deletes, want)
		}
		mu.Unlock()
		// The upload is gone with the bucket; ask the raw client to be sure.
		if out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(b)}); err == nil && len(out.Uploads) > 0 {
			t.Fatalf("incomplete uploads survive: %d", len(out.Uploads))
		}
	})
}

// A versioned bucket keeps old versions and delete markers after its
// objects are deleted; a forced delete removes them too.
func TestForceDeleteVersionedBucket(t *testing.T) {
	// versitygw keeps versions only when started with --versioning-dir.
	t.Run(s3test.Versity, func(t *testing.T) { forceDeleteVersioned(t, s3test.StartVersityVersioned(t)) })
	t.Run(s3test.GoFakeS3, func(t *testing.T) { forceDeleteVersioned(t, s3test.StartFake(t)) })
	t.Run(s3test.Sandbox, func(t *testing.T) { forceDeleteVersioned(t, s3test.StartSandbox(t)) })
	t.Run(s3test.MinIO, func(t *testing.T) { forceDeleteVersioned(t, s3test.StartMinIO(t)) })
	t.Run(s3test.Rclone, func(t *testing.T) { forceDeleteVersioned(t, s3test.StartRclone(t)) })
}

func forceDeleteVersioned(t *testing.T, srv *s3test.Server) {
	{
		ctx := context.Background()
		svc := srv.Service(t)
		c := srv.Client(t)
		b := srv.Bucket(t)
		if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			srv.Skip(t, "versioning not supported: "+err.Error())
		}
		for i := range 3 {
			storetest.Put(t, svc, b, "doc.txt", fmt.Sprintf("version %d", i))
		}
		storetest.Put(t, svc, b, "gone.txt", "soon a delete marker")
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("gone.txt")}); err != nil {
			t.Fatal(err)
		}
		vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs.Versions)+len(vs.DeleteMarkers) < 4 {
			if srv.Kind == s3test.Versity || srv.Kind == s3test.MinIO {
				t.Fatalf("%s kept %d versions and %d markers, want 4", srv.Kind, len(vs.Versions), len(vs.DeleteMarkers))
			}
			srv.Skip(t, fmt.Sprintf("server keeps no versions (%d versions, %d markers)", len(vs.Versions), len(vs.DeleteMarkers)))
		}
		if err := svc.DeleteBucket(ctx, b, storage.DeleteBucketOptions{}); !errors.Is(err, storage.ErrBucketNotEmpty) {
			t.Fatalf("delete without force: want ErrBucketNotEmpty, got %v", err)
		}
		if err := svc.DeleteBucket(ctx, b, storage.DeleteBucketOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)}); err == nil {
			t.Fatal("bucket still there")
		}
	}
}

// AWS answers a request signed for the wrong region with a redirect naming
// the bucket's region. BucketRegion learns it from there, and later calls on
// the bucket are signed for that region.
func TestBucketRegionFromRedirect(t *testing.T) {
	var mu sync.Mutex
	var scopes []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		mu.Lock()
		scopes = append(scopes, r.Method+" "+auth[strings.Index(auth, "Credential=")+11:strings.Index(auth, ",")])
		mu.Unlock()
		if !strings.Contains(auth, "/eu-central-1/") {
			w.Header().Set("X-Amz-Bucket-Region", "eu-central-1")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Length", "3")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
	}))
	defer ts.Close()
	svc := fakeService(t, ts.URL)
	ctx := context.Background()
	_, err := svc.Stat(ctx, "far", "k")
	if !errors.Is(err, storage.ErrWrongRegion) {
		t.Fatalf("before: want ErrWrongRegion, got %v", err)
	}
	r, err := svc.BucketRegion(ctx, "far")
	if err != nil || r != "eu-central-1" {
		t.Fatalf("BucketRegion = %q, %v", r, err)
	}
	info, err := svc.Stat(ctx, "far", "k")
	if err != nil || info.Size != 3 {
		t.Fatalf("after: %+v %v (requests %q)", info, err, scopes)
	}
	if last := scopes[len(scopes)-1]; !strings.Contains(last, "/eu-central-1/s3/") {
		t.Errorf("last request signed as %q", last)
	}
}
