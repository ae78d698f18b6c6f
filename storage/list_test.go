package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

func TestListFoldersAndObjects(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b := srv.Bucket(t)
		storetest.Put(t, svc, b, "top.txt", "hello")
		storetest.Put(t, svc, b, "docs/a.txt", "a")
		storetest.Put(t, svc, b, "docs/sub/b.txt", "bb")
		if err := svc.CreateFolder(ctx, b, "empty"); err != nil {
			t.Fatal(err)
		}
		folders, objects, _ := storetest.ListAll(t, svc, b, storage.ListOptions{})
		if got, want := storetest.KeysOf(folders), []string{"docs/", "empty/"}; !slices.Equal(got, want) {
			t.Errorf("folders = %q, want %q", got, want)
		}
		if len(objects) != 1 || objects[0].Key != "top.txt" || objects[0].Size != 5 || objects[0].IsFolder || objects[0].LastModified.IsZero() {
			t.Errorf("objects = %+v", objects)
		}
		for _, f := range folders {
			if !f.IsFolder || f.Name != f.Key {
				t.Errorf("folder entry %+v", f)
			}
		}
		folders, objects, _ = storetest.ListAll(t, svc, b, storage.ListOptions{Prefix: "docs/"})
		if len(folders) != 1 || folders[0].Key != "docs/sub/" || folders[0].Name != "sub/" {
			t.Errorf("docs/ folders = %+v", folders)
		}
		if len(objects) != 1 || objects[0].Name != "a.txt" {
			t.Errorf("docs/ objects = %+v", objects)
		}
		// The empty folder lists as empty (its own marker is not a row).
		folders, objects, _ = storetest.ListAll(t, svc, b, storage.ListOptions{Prefix: "empty/"})
		if len(folders)+len(objects) != 0 {
			t.Errorf("empty/ lists %v %v", folders, objects)
		}
		_, objects, _ = storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true})
		if got, want := storetest.KeysOf(objects), []string{"docs/a.txt", "docs/sub/b.txt", "empty/", "top.txt"}; !slices.Equal(got, want) {
			t.Errorf("recursive = %q, want %q", got, want)
		}
		_, objects, _ = storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true, StartAfter: "docs/sub/b.txt"})
		if got, want := storetest.KeysOf(objects), []string{"empty/", "top.txt"}; !slices.Equal(got, want) {
			t.Errorf("StartAfter = %q, want %q", got, want)
		}
		// Missing bucket.
		for _, err := range svc.List(ctx, "no-such-bucket-zz", storage.ListOptions{}) {
			if !errors.Is(err, storage.ErrBucketNotFound) {
				t.Errorf("list missing bucket: want ErrBucketNotFound, got %v", err)
			}
		}
	})
}

func TestListPageSizeOne(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		svc := srv.Service(t)
		b := srv.Bucket(t)
		storetest.PutMany(t, srv, b, []string{"a", "b", "c/1", "d/2", "e"})
		folders, objects, pages := storetest.ListAll(t, svc, b, storage.ListOptions{PageSize: 1})
		if got := append(storetest.KeysOf(folders), storetest.KeysOf(objects)...); len(got) != 5 {
			t.Fatalf("PageSize=1 gave %q", got)
		}
		if pages < 5 {
			t.Errorf("PageSize=1 gave %d pages, want 5", pages)
		}
		_, objects, pages = storetest.ListAll(t, svc, b, storage.ListOptions{PageSize: 1, Recursive: true})
		if got, want := storetest.KeysOf(objects), []string{"a", "b", "c/1", "d/2", "e"}; !slices.Equal(got, want) || pages < 5 {
			t.Errorf("recursive PageSize=1: %q in %d pages", got, pages)
		}
	})
}

func TestListLargePrefix(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		svc := srv.Service(t)
		b := srv.Bucket(t)
		const n = 2500
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("many/item-%05d.dat", i)
		}
		storetest.PutMany(t, srv, b, append(keys, "many-other.txt", "manyX/y"))
		start := time.Now()
		seen := map[string]int{}
		pages := 0
		for p, err := range svc.List(context.Background(), b, storage.ListOptions{Prefix: "many/"}) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if p.Last != (pages == 3) {
				t.Errorf("page %d Last=%v", pages, p.Last)
			}
			for _, o := range p.Objects {
				seen[o.Key]++
			}
		}
		t.Logf("%s: listed %d keys in %d pages in %v", srv.Kind, len(seen), pages, time.Since(start))
		if len(seen) != n {
			t.Fatalf("listed %d distinct keys, want %d", len(seen), n)
		}
		for k, c := range seen {
			if c != 1 || !strings.HasPrefix(k, "many/") {
				t.Fatalf("key %q listed %d times", k, c)
			}
		}
		// Breaking early stops the listing.
		got := 0
		for p, err := range svc.List(context.Background(), b, storage.ListOptions{Prefix: "many/", PageSize: 100}) {
			if err != nil {
				t.Fatal(err)
			}
			got += len(p.Objects)
			break
		}
		if got != 100 {
			t.Errorf("first page of 100 had %d", got)
		}
	})
}

func TestUsage(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b := srv.Bucket(t)
		storetest.Put(t, svc, b, "p/a", "12345")
		storetest.Put(t, svc, b, "p/deep/b", "123")
		storetest.Put(t, svc, b, "p-other", "1234567")
		storetest.Put(t, svc, b, "top", "1")
		svc2 := srv.Service(t)
		var updates []storage.Usage
		u, err := svc2.Usage(ctx, b, "p/", func(u storage.Usage) { updates = append(updates, u) })
		if err != nil {
			t.Fatal(err)
		}
		if u != (storage.Usage{Objects: 2, Bytes: 8}) {
			t.Errorf("usage of p/ = %+v", u)
		}
		if len(updates) == 0 || updates[len(updates)-1] != u {
			t.Errorf("progress %+v does not end at the total", updates)
		}
		if u, err := svc.Usage(ctx, b, "", nil); err != nil || u != (storage.Usage{Objects: 4, Bytes: 16}) {
			t.Errorf("usage of bucket = %+v %v", u, err)
		}
		// Small pages stream running totals.
		n := 0
		var lastU storage.Usage
		for p, err := range svc.List(ctx, b, storage.ListOptions{Recursive: true, PageSize: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range p.Objects {
				n++
				lastU.Bytes += o.Size
			}
		}
		if n != 4 || lastU.Bytes != 16 {
			t.Errorf("paged recursive listing: %d objects, %d bytes", n, lastU.Bytes)
		}
		if _, err := svc.Usage(ctx, "no-such-bucket-zz", "", nil); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("usage of missing bucket: %v", err)
		}
	})
}

// BenchmarkList2500 lists a 2,500-key folder on versitygw (3 pages).
func BenchmarkList2500(b *testing.B) {
	srv := s3test.StartVersity(b)
	svc := srv.Service(b)
	bucket := srv.Bucket(b)
	keys := make([]string, 2500)
	for i := range keys {
		keys[i] = fmt.Sprintf("many/item-%05d.dat", i)
	}
	storetest.PutMany(b, srv, bucket, keys)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for p, err := range svc.List(context.Background(), bucket, storage.ListOptions{Prefix: "many/"}) {
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.Objects)
		}
		if n != 2500 {
			b.Fatalf("listed %d", n)
		}
	}
}
