package batchops_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/bulk/batchops"
	"s3desk/storage/s3test"
)

// TestManifestRoundTrip writes keys that are data (space, "+", "%",
// commas, quotes, unicode, a newline) into a CSV manifest, checks the
// lines AWS will read, and reads them back.
func TestManifestRoundTrip(t *testing.T) {
	keys := []string{"a b+c.txt", "100%/x", `q"uote,comma`, "zoë/ünï", "line\nbreak", "a//b/", "+"}
	var buf bytes.Buffer
	n, versions, err := batchops.WriteManifest(&buf, func(yield func(batchops.ManifestEntry) bool) {
		for _, k := range keys {
			if !yield(batchops.ManifestEntry{Bucket: "my-bucket", Key: k}) {
				return
			}
		}
	})
	if err != nil || n != int64(len(keys)) || versions {
		t.Fatalf("write: %d %v %v", n, versions, err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []string{"my-bucket,a%20b%2Bc.txt", "my-bucket,100%25/x", "my-bucket,q%22uote%2Ccomma", "my-bucket,zo%C3%AB/%C3%BCn%C3%AF",
		"my-bucket,line%0Abreak", "my-bucket,a//b/", "my-bucket,%2B"}
	if !slices.Equal(lines, want) {
		t.Fatalf("manifest lines\n%q\nwant\n%q", lines, want)
	}
	got, err := batchops.ReadManifest(&buf)
	if err != nil || len(got) != len(keys) {
		t.Fatalf("read: %v %v", got, err)
	}
	for i, e := range got {
		if e.Key != keys[i] || e.Bucket != "my-bucket" {
			t.Fatalf("entry %d: %+v, want %q", i, e, keys[i])
		}
	}
}

// TestManifestAWSExample reads the manifest of AWS's documentation
// ("Specifying a manifest": bucket,key,versionId lines), and an
// Inventory-style key with "+" for a space.
func TestManifestAWSExample(t *testing.T) {
	doc := "Examplebucket,objectkey1,PZ9ibn9D5lP6p298B7S9_ceqx1n5EJ0p\nExamplebucket,objectkey2,YY_ouuAJByNW1LRBfFMfxMge7XQWxMBF\nExamplebucket,photos/my+photo%281%29.jpg,v3\n"
	got, err := batchops.ReadManifest(strings.NewReader(doc))
	if err != nil || len(got) != 3 {
		t.Fatal(got, err)
	}
	if got[0] != (batchops.ManifestEntry{Bucket: "Examplebucket", Key: "objectkey1", VersionID: "PZ9ibn9D5lP6p298B7S9_ceqx1n5EJ0p"}) || got[2].Key != "photos/my photo(1).jpg" {
		t.Fatalf("%+v", got)
	}
	if _, err := batchops.ReadManifest(strings.NewReader("only-one-field\n")); err == nil {
		t.Fatal("a line without a key was accepted")
	}
	_, _, err = batchops.WriteManifest(&bytes.Buffer{}, func(yield func(batchops.ManifestEntry) bool) {
		_ = yield(batchops.ManifestEntry{Bucket: "b", Key: "k1", VersionID: "v1"}) && yield(batchops.ManifestEntry{Bucket: "b", Key: "k2"})
	})
	if err == nil || !strings.Contains(err.Error(), "mixes") {
		t.Fatalf("a manifest mixing versions: %v", err)
	}
}

// TestSaveManifest lists a folder on versitygw into a manifest saved in
// another bucket, and reads the saved object back: the dry run's keys.
func TestSaveManifest(t *testing.T) {
	srv := s3test.StartVersity(t)
	ctx := context.Background()
	svc := srv.Service(t)
	b, mb := srv.Bucket(t), srv.Bucket(t)
	keys := []string{"big/a b.txt", "big/c+d", "big/zoë", "big/sub/e", "bigger/not-this"}
	for _, k := range keys {
		if err := svc.Put(ctx, b, k, strings.NewReader(k), int64(len(k)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tmp, err := os.CreateTemp(t.TempDir(), "manifest-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	w, err := batchops.SaveManifest(ctx, svc, bulk.Spec{Op: bulk.Tags, Source: bulk.Source{Bucket: b, Prefixes: []string{"big/"}}}, tmp, mb, "manifests/job.csv")
	if err != nil || w.Objects != 4 || w.ETag == "" || w.Bucket != mb {
		t.Fatalf("%+v %v", w, err)
	}
	if arn := w.ObjectARN("aws"); arn != "arn:aws:s3:::"+mb+"/manifests/job.csv" {
		t.Fatalf("arn %s", arn)
	}
	rc, _, err := svc.Open(ctx, mb, "manifests/job.csv", storage.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := batchops.ReadManifest(rc)
	if err != nil {
		t.Fatal(err)
	}
	var gotKeys []string
	for _, e := range got {
		gotKeys = append(gotKeys, e.Key)
	}
	slices.Sort(gotKeys)
	if want := []string{"big/a b.txt", "big/c+d", "big/sub/e", "big/zoë"}; !slices.Equal(gotKeys, want) {
		t.Fatalf("saved manifest keys %q, want %q", gotKeys, want)
	}
}
