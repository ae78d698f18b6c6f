package storage_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// TestSetStorageClass changes the class of a small object (one CopyObject)
// and of one over the copy threshold (multipart copy) on MinIO, which
// accepts STANDARD and REDUCED_REDUNDANCY, and checks bytes, properties,
// metadata and tags survive both ways.
func TestSetStorageClass(t *testing.T) {
	srv := s3test.StartMinIO(t)
	ctx := context.Background()
	svc := srv.Service(t)
	b := srv.Bucket(t)
	big := make([]byte, 11<<20)
	rand.Read(big)
	meta := map[string]string{"author": "zoe", "n": "1"}
	tags := map[string]string{"project": "desk", "tier": "cold"}
	for _, c := range []struct {
		name string
		data []byte
		lim  bool
	}{{"small", []byte("hello class"), false}, {"multipart", big, true}} {
		t.Run(c.name, func(t *testing.T) {
			if c.lim {
				storage.SetCopyLimitsForTest(svc, 5<<20, 5<<20)
				defer storage.SetCopyLimitsForTest(svc, 0, 0)
			}
			ref := storage.ObjectRef{Bucket: b, Key: "cls/" + c.name + " +#.bin"}
			if err := svc.Put(ctx, b, ref.Key, bytes.NewReader(c.data), int64(len(c.data)), storage.PutOptions{
				ContentType: "application/x-test", CacheControl: "max-age=60", Metadata: meta,
			}); err != nil {
				t.Fatal(err)
			}
			if err := svc.PutObjectTags(ctx, ref, tags); err != nil {
				t.Fatal(err)
			}
			for _, class := range []types.StorageClass{types.StorageClassReducedRedundancy, types.StorageClassStandard} {
				if err := svc.SetStorageClass(ctx, ref, class); err != nil {
					t.Fatalf("to %s: %v", class, err)
				}
				info, err := svc.Stat(ctx, b, ref.Key)
				if err != nil {
					t.Fatal(err)
				}
				got := info.StorageClass
				if got == "" {
					got = "STANDARD"
				}
				if got != string(class) {
					t.Errorf("class %q, want %s", info.StorageClass, class)
				}
				if info.ContentType != "application/x-test" || info.CacheControl != "max-age=60" || !maps.Equal(info.Metadata, meta) || info.Size != int64(len(c.data)) {
					t.Errorf("properties lost after %s: %+v", class, info)
				}
				if gt, err := svc.ObjectTags(ctx, ref); err != nil || !maps.Equal(gt, tags) {
					t.Errorf("tags after %s: %v %v", class, gt, err)
				}
				if !bytes.Equal(readAll(t, svc, b, ref.Key), c.data) {
					t.Errorf("bytes changed after %s", class)
				}
			}
		})
	}
	// A class the server does not offer is said plainly.
	ref := storage.ObjectRef{Bucket: b, Key: "cls/small +#.bin"}
	err := svc.SetStorageClass(ctx, ref, types.StorageClassGlacierIr)
	t.Logf("GLACIER_IR on MinIO: %v", err)
	if err == nil {
		t.Fatal("MinIO took GLACIER_IR")
	}
	if _, err := svc.Stat(ctx, b, ref.Key); err != nil {
		t.Errorf("object gone after a refused class change: %v", err)
	}
	if err := svc.SetStorageClass(ctx, storage.ObjectRef{Bucket: b, Key: "missing"}, types.StorageClassStandard); !errors.Is(err, storage.ErrNotFound) || !strings.HasPrefix(err.Error(), "change storage class") {
		t.Errorf("missing object: %v", err)
	}
}

// TestSetStorageClassVersity: versitygw keeps a class it is given or says
// it does not offer it; either way bytes and metadata are intact.
func TestSetStorageClassVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	ctx := context.Background()
	svc := srv.Service(t)
	b := srv.Bucket(t)
	ref := storage.ObjectRef{Bucket: b, Key: "v.txt"}
	if err := svc.Put(ctx, b, ref.Key, strings.NewReader("versity"), 7, storage.PutOptions{ContentType: "text/plain", Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	err := svc.SetStorageClass(ctx, ref, types.StorageClassReducedRedundancy)
	t.Logf("versitygw REDUCED_REDUNDANCY: %v", err)
	info, serr := svc.Stat(ctx, b, ref.Key)
	if serr != nil || info.ContentType != "text/plain" || info.Metadata["k"] != "v" || string(readAll(t, svc, b, ref.Key)) != "versity" {
		t.Fatalf("object changed: %+v %v", info, serr)
	}
	if err == nil && info.StorageClass != "REDUCED_REDUNDANCY" {
		t.Errorf("accepted but class is %q", info.StorageClass)
	}
}
