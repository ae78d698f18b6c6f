package storage_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

func readAll(t testing.TB, svc *storage.Service, bucket, key string) []byte {
	t.Helper()
	rc, _, err := svc.Open(context.Background(), bucket, key, storage.ReadOptions{})
	if err != nil {
		t.Fatalf("open %q: %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return data
}

func TestCopyAndRename(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b1, b2 := srv.Bucket(t), srv.Bucket(t)
		meta := map[string]string{"author": "zoë", "tag": "a=b"}
		src := storage.ObjectRef{Bucket: b1, Key: "in/photo #1 (copy).jpg"}
		if err := svc.Put(ctx, b1, src.Key, strings.NewReader("JPEGDATA"), 8, storage.PutOptions{ContentType: "image/jpeg", Metadata: meta}); err != nil {
			t.Fatal(err)
		}
		check := func(ref storage.ObjectRef) {
			t.Helper()
			info, err := svc.Stat(ctx, ref.Bucket, ref.Key)
			if err != nil {
				t.Fatalf("stat %v: %v", ref, err)
			}
			if info.ContentType != "image/jpeg" || !maps.Equal(info.Metadata, meta) || info.Size != 8 {
				t.Errorf("%v lost its properties: %+v", ref, info)
			}
			if got := readAll(t, svc, ref.Bucket, ref.Key); string(got) != "JPEGDATA" {
				t.Errorf("%v content %q", ref, got)
			}
		}
		same := storage.ObjectRef{Bucket: b1, Key: "out/same bucket.jpg"}
		other := storage.ObjectRef{Bucket: b2, Key: "there/photo.jpg"}
		for _, dst := range []storage.ObjectRef{same, other} {
			if err := svc.Copy(ctx, src, dst); err != nil {
				t.Fatalf("copy to %v: %v", dst, err)
			}
			check(dst)
		}
		check(src)
		// Rename across buckets: the source goes.
		moved := storage.ObjectRef{Bucket: b2, Key: "moved.jpg"}
		if err := svc.Rename(ctx, src, moved); err != nil {
			t.Fatal(err)
		}
		check(moved)
		if _, err := svc.Stat(ctx, src.Bucket, src.Key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("source still there after rename: %v", err)
		}
		// Errors: missing source, missing target bucket, empty name.
		err := svc.Copy(ctx, src, same)
		if !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), src.Key) {
			t.Errorf("copy of missing source: %v", err)
		}
		if err := svc.Rename(ctx, src, same); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("rename of missing source: %v", err)
		}
		if err := svc.Copy(ctx, moved, storage.ObjectRef{Bucket: "no-such-bucket-zz", Key: "x"}); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("copy to missing bucket: %v", err)
		}
		if _, err := svc.Stat(ctx, moved.Bucket, moved.Key); err != nil {
			t.Errorf("failed rename lost the source: %v", err)
		}
		if err := svc.Copy(ctx, moved, storage.ObjectRef{Bucket: b1}); !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("copy to empty key: %v", err)
		}
		// Renaming onto itself is a no-op, not a delete.
		if err := svc.Rename(ctx, moved, moved); err != nil {
			t.Fatal(err)
		}
		check(moved)
	})
}

func TestRenameFolder(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b := srv.Bucket(t)
		for _, k := range []string{"old/", "old/a.txt", "old/sub/b c+d.txt", "old-not/x", "older/y", "old.txt"} {
			storetest.Put(t, svc, b, k, "v:"+k)
		}
		var last int64
		if err := svc.RenameFolder(ctx, b, "old", "new name/", func(n int64) { last = n }); err != nil {
			t.Fatal(err)
		}
		if last != 3 {
			t.Errorf("progress ended at %d, want 3", last)
		}
		_, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true})
		want := []string{"new name/", "new name/a.txt", "new name/sub/b c+d.txt", "old-not/x", "old.txt", "older/y"}
		if got := storetest.KeysOf(objs); !slices.Equal(got, want) {
			t.Fatalf("after rename: %q, want %q", got, want)
		}
		if got := readAll(t, svc, b, "new name/sub/b c+d.txt"); string(got) != "v:old/sub/b c+d.txt" {
			t.Errorf("content %q", got)
		}
		if err := svc.RenameFolder(ctx, b, "new name", "new name/inner", nil); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("folder into itself: %v", err)
		}
		// Across buckets.
		b2 := srv.Bucket(t)
		if err := svc.MoveFolder(ctx, storage.ObjectRef{Bucket: b, Key: "new name"}, storage.ObjectRef{Bucket: b2, Key: "x"}, nil); err != nil {
			t.Fatal(err)
		}
		_, objs, _ = storetest.ListAll(t, svc, b2, storage.ListOptions{Recursive: true})
		if got := storetest.KeysOf(objs); !slices.Equal(got, []string{"x/", "x/a.txt", "x/sub/b c+d.txt"}) {
			t.Errorf("moved across buckets: %q", got)
		}
		if err := svc.CopyFolder(ctx, storage.ObjectRef{Bucket: b2, Key: "x"}, storage.ObjectRef{Bucket: b2, Key: "y"}, nil); err != nil {
			t.Fatal(err)
		}
		_, objs, _ = storetest.ListAll(t, svc, b2, storage.ListOptions{Recursive: true})
		if len(objs) != 6 {
			t.Errorf("after folder copy: %q", storetest.KeysOf(objs))
		}
	})
}

// Objects above the threshold are copied with UploadPartCopy. The threshold
// is lowered so a 12 MiB object takes three parts of 5, 5 and 2 MiB.
func TestMultipartCopy(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		if srv.Fake() {
			srv.Skip(t, "gofakes3 does not implement UploadPartCopy")
		}
		if srv.Kind == s3test.Rclone {
			srv.Skip(t, "rclone serve s3 gives a multipart object its whole MD5 as ETag, not a -N one")
		}
		ctx := context.Background()
		svc := srv.Service(t)
		storage.SetCopyLimitsForTest(svc, 5<<20, 5<<20)
		b1, b2 := srv.Bucket(t), srv.Bucket(t)
		data := make([]byte, 12<<20)
		_, _ = rand.Read(data)
		key := "big/data file+1.bin"
		if err := svc.Put(ctx, b1, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{
			ContentType: "application/x-test", Metadata: map[string]string{"k": "v"},
		}); err != nil {
			t.Fatal(err)
		}
		dst := storage.ObjectRef{Bucket: b2, Key: "copy of big.bin"}
		if err := svc.Copy(ctx, storage.ObjectRef{Bucket: b1, Key: key}, dst); err != nil {
			t.Fatal(err)
		}
		info, err := svc.Stat(ctx, dst.Bucket, dst.Key)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != int64(len(data)) || info.ContentType != "application/x-test" || info.Metadata["k"] != "v" {
			t.Errorf("copy: %+v", info)
		}
		if !strings.HasSuffix(strings.Trim(info.ETag, `"`), "-3") {
			t.Errorf("ETag %s: not a 3-part multipart object", info.ETag)
		}
		if got := readAll(t, svc, dst.Bucket, dst.Key); !bytes.Equal(got, data) {
			t.Fatal("copied bytes differ")
		}
		// SetMetadata on a large object goes the same way.
		if err := svc.SetMetadata(ctx, dst, storage.MetadataUpdate{ContentType: "application/octet-stream"}); err != nil {
			t.Fatal(err)
		}
		if info, _ := svc.Stat(ctx, dst.Bucket, dst.Key); info.ContentType != "application/octet-stream" || info.Metadata["k"] != "v" || info.Size != int64(len(data)) {
			t.Errorf("after SetMetadata: %+v", info)
		}
		// A failed multipart copy leaves no incomplete upload behind.
		err = svc.Copy(ctx, storage.ObjectRef{Bucket: b1, Key: key}, storage.ObjectRef{Bucket: "no-such-bucket-zz", Key: "x"})
		if !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("copy to missing bucket: %v", err)
		}
		out, err := srv.Client(t).ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(b2)})
		if err != nil || len(out.Uploads) != 0 {
			t.Errorf("uploads left: %v %v", out, err)
		}
	})
}

func TestCopySourceEscaping(t *testing.T) {
	cases := map[string]string{
		"plain/key.txt":  "b/plain/key.txt",
		"a b+c%d&e?f#g":  "b/a%20b%2Bc%25d%26e%3Ff%23g",
		"x=y'\"":         "b/x%3Dy%27%22",
		"é/😀":            "b/%C3%A9/%F0%9F%98%80",
		"/lead//double/": "b//lead//double/",
	}
	for key, want := range cases {
		if got := storage.CopySourceForTest("b", key); got != want {
			t.Errorf("%q: got %q, want %q", key, got, want)
		}
	}
	if got, want := storage.CopySourceRefForTest(storage.ObjectRef{Bucket: "b", Key: "a b", VersionID: "v+1/="}), "b/a%20b?versionId=v%2B1%2F%3D"; got != want {
		t.Errorf("versioned: got %q, want %q", got, want)
	}
}

// Cancelling a folder move part-way loses nothing: every key is still in
// the old folder or already in the new one, and the error reads as a cancel.
func TestRenameFolderCancelLosesNothing(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		svc := srv.Service(t)
		b := srv.Bucket(t)
		var keys []string
		for i := range 60 {
			keys = append(keys, fmt.Sprintf("src/f%02d.txt", i))
		}
		storetest.PutMany(t, srv, b, keys)
		ctx, cancel := context.WithCancel(context.Background())
		err := svc.RenameFolder(ctx, b, "src", "dst", func(n int64) {
			if n >= 5 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
		_, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true})
		have := map[string]bool{}
		for _, o := range objs {
			have[o.Key] = true
		}
		moved := 0
		for _, k := range keys {
			nk := "dst/" + strings.TrimPrefix(k, "src/")
			switch {
			case have[nk] && !have[k]:
				moved++
			case have[k]:
			default:
				t.Errorf("%s is lost", k)
			}
		}
		if moved == 0 || moved == len(keys) {
			t.Errorf("moved %d of %d; the cancel should stop part-way", moved, len(keys))
		}
		t.Logf("moved %d of %d before the cancel took effect", moved, len(keys))
	})
}

// Cancelling a folder delete stops it between batches.
func TestDeleteFolderCancel(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		svc := srv.Service(t)
		b := srv.Bucket(t)
		var keys []string
		for i := range 30 {
			keys = append(keys, fmt.Sprintf("f/%02d", i))
		}
		storetest.PutMany(t, srv, b, keys)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// Small pages so there is a page boundary to stop at.
		n := 0
		for p, err := range svc.List(ctx, b, storage.ListOptions{Prefix: "f/", PageSize: 10}) {
			if err != nil {
				t.Fatal(err)
			}
			n += len(p.Objects)
		}
		if n != 30 {
			t.Fatalf("listed %d", n)
		}
		cancel()
		res, err := svc.DeleteFolder(ctx, b, "f", nil)
		if !errors.Is(err, context.Canceled) || res.Deleted != 0 {
			t.Fatalf("cancelled delete: %+v %v", res, err)
		}
		if _, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true}); len(objs) != 30 {
			t.Fatalf("a cancelled delete removed keys: %d left", len(objs))
		}
	})
}
