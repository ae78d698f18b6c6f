package storage_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

// The core's folder operations on a throttling, flaky service: a share of
// requests answered 503 SlowDown or 500, some connections reset. Each ends
// with the right objects and no error (the one retry policy), and never
// loops.
func TestFolderOpsSurviveFaults(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	var keys []string
	for i := 0; i < 60; i++ {
		keys = append(keys, fmt.Sprintf("src/f%02d/k%02d.txt", i%6, i))
	}
	storetest.PutMany(t, srv, bucket, keys)

	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Share: 0.2, Fault: s3test.SlowDown()})
	f.Add(s3test.Rule{Share: 0.05, Fault: s3test.InternalError()})
	f.Add(s3test.Rule{Match: s3test.Op("CopyObject", "DeleteObjects", "GetObject"), Share: 0.05, Fault: s3test.ResetConn()})
	svc := f.Server().Service(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	if err := svc.CopyFolder(ctx, storage.ObjectRef{Bucket: bucket, Key: "src/"}, storage.ObjectRef{Bucket: bucket, Key: "copy/"}, nil); err != nil {
		t.Fatalf("copy folder: %v", err)
	}
	if err := svc.RenameFolder(ctx, bucket, "copy/", "moved/", nil); err != nil {
		t.Fatalf("rename folder: %v", err)
	}
	plan, err := svc.PlanDeleteFolder(ctx, bucket, "src/")
	if err != nil || plan.Objects != 60 {
		t.Fatalf("plan delete: %+v, %v", plan, err)
	}
	res, err := svc.DeleteFolder(ctx, bucket, "src/", nil)
	if err != nil || res.Deleted != 60 {
		t.Fatalf("delete folder: %+v, %v", res, err)
	}
	if f.Hit("") == 0 {
		t.Fatal("the fault proxy injected nothing; the test proves nothing")
	}
	t.Logf("%d of %d requests got a fault", f.Hit(""), f.Seen(""))

	// Behind the proxy's back: exactly the moved copy is left, byte for byte.
	f.Clear()
	_, objs, _ := storetest.ListAll(t, srv.Service(t), bucket, storage.ListOptions{Recursive: true})
	if len(objs) != 60 {
		t.Fatalf("%d objects left, want the 60 moved ones: %v", len(objs), storetest.KeysOf(objs))
	}
	for _, o := range objs {
		orig := "src/" + o.Key[len("moved/"):]
		r, _, err := srv.Service(t).Open(ctx, bucket, o.Key, storage.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(b) != storetest.BodyFor(orig) {
			t.Fatalf("%s: %q, %v; want the bytes of %s", o.Key, b, err, orig)
		}
	}
}
