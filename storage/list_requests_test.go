package storage_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

// A listing sends ListObjectsV2 requests and nothing else: no HEAD (or GET)
// per key, for a folder view, a recursive listing, Usage and Find.
func TestListSendsNoRequestPerKey(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	var keys []string
	for i := range 30 {
		keys = append(keys, fmt.Sprintf("p/k%02d.txt", i), fmt.Sprintf("p/sub%d/x.txt", i%3))
	}
	storetest.PutMany(t, srv, b, keys)
	var mu sync.Mutex
	var other []string
	lists := 0
	svc, _ := storetest.CountingProxy(t, srv, func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2" {
			lists++
			return
		}
		other = append(other, r.Method+" "+r.URL.RequestURI())
	})
	ctx := context.Background()
	check := func(what string, wantLists int) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(other) != 0 || lists != wantLists {
			t.Errorf("%s: %d list requests (want %d) and other requests %q", what, lists, wantLists, other)
		}
		other, lists = nil, 0
	}
	folders, objects, pages := storetest.ListAll(t, svc, b, storage.ListOptions{Prefix: "p/", PageSize: 10})
	if len(folders) != 3 || len(objects) != 30 {
		t.Fatalf("listed %d folders, %d objects", len(folders), len(objects))
	}
	check("folder listing", pages)
	_, objects, pages = storetest.ListAll(t, svc, b, storage.ListOptions{Prefix: "p/", Recursive: true})
	if len(objects) != 33 {
		t.Fatalf("recursive listing: %d objects", len(objects))
	}
	check("recursive listing", pages)
	if u, err := svc.Usage(ctx, b, "p/", nil); err != nil || u.Objects != 33 {
		t.Fatalf("usage %+v %v", u, err)
	}
	check("usage", 1)
	var found int
	if _, err := svc.Find(ctx, b, storage.FindOptions{Query: "K0", OnMatch: func(storage.Entry) { found++ }}); err != nil || found != 10 {
		t.Fatalf("find: %d matches, %v", found, err)
	}
	check("find", 1)
}
