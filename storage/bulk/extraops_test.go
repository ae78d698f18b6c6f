package bulk_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"s3desk/storage/bulk"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

// TestBulkTags replaces the tags of a folder's objects on versitygw, then
// adds one with TagsMerge, then removes them all (an empty set).
func TestBulkTags(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	ctx := context.Background()
	b := srv.Bucket(t)
	keys := seed(t, srv, b, "t/", 200)
	run := func(spec bulk.Spec) {
		t.Helper()
		spec.Source = bulk.Source{Bucket: b, Prefixes: []string{"t/"}}
		_, j, plan := newJob(t, svc, spec)
		if err := j.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if st := j.Status(); st.State != bulk.Finished || st.Done != plan.Objects || plan.Objects != 200 {
			t.Fatalf("%+v", st)
		}
	}
	run(bulk.Spec{Op: bulk.Tags, Tags: map[string]string{"project": "desk", "tier": "hot"}})
	run(bulk.Spec{Op: bulk.Tags, TagsMerge: true, Tags: map[string]string{"tier": "cold", "owner": "zoë"}})
	for _, k := range []string{keys[0], keys[199]} {
		tags, err := svc.ObjectTags(ctx, refOf(b, k))
		if err != nil || len(tags) != 3 || tags["project"] != "desk" || tags["tier"] != "cold" || tags["owner"] != "zoë" {
			t.Fatalf("tags of %s after replace and merge: %v %v", k, tags, err)
		}
	}
	run(bulk.Spec{Op: bulk.Tags, Tags: map[string]string{}})
	if tags, err := svc.ObjectTags(ctx, refOf(b, keys[5])); err != nil || len(tags) != 0 {
		t.Fatalf("tags after removing: %v %v", tags, err)
	}
}

// TestBulkStorageClass changes the class of a folder on MinIO (which
// offers STANDARD and REDUCED_REDUNDANCY; versitygw has no classes).
func TestBulkStorageClass(t *testing.T) {
	srv := s3test.StartMinIO(t)
	svc := srv.Service(t)
	ctx := context.Background()
	b := srv.Bucket(t)
	keys := seed(t, srv, b, "c/", 300)
	_, j, plan := newJob(t, svc, bulk.Spec{Op: bulk.StorageClass, Class: "REDUCED_REDUNDANCY", Source: bulk.Source{Bucket: b, Prefixes: []string{"c/"}}})
	if err := j.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if st := j.Status(); st.State != bulk.Finished || st.Done != plan.Objects || plan.Objects != 300 {
		t.Fatalf("%+v", st)
	}
	for _, k := range []string{keys[0], keys[299]} {
		info, err := svc.Stat(ctx, b, k)
		if err != nil || info.StorageClass != "REDUCED_REDUNDANCY" || info.ContentType != "text/plain" {
			t.Fatalf("%s: %+v %v", k, info, err)
		}
	}
}

// TestBulkRestore sends one RestoreObject per archived object. No test
// server archives objects, so a proxy in front of versitygw answers POST
// ?restore as S3 does: 202 Accepted, and 409 RestoreAlreadyInProgress for
// some, which the job counts as done (the restore asked for is running).
func TestBulkRestore(t *testing.T) {
	srv := s3test.StartVersity(t)
	target, _ := url.Parse(srv.Endpoint)
	rp := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	restores := map[string]string{}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !r.URL.Query().Has("restore") {
			rp.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		restores[r.URL.Path] = string(body)
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "3") {
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>RestoreAlreadyInProgress</Code><Message>Object restore is already in progress</Message></Error>`)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(front.Close)
	svc := storetest.ServiceVia(t, srv, front.URL)
	b := srv.Bucket(t)
	seed(t, srv, b, "g/", 100)
	_, j, _ := newJob(t, svc, bulk.Spec{Op: bulk.Restore, RestoreDays: 3, RestoreTier: "Bulk", Source: bulk.Source{Bucket: b, Prefixes: []string{"g/"}}})
	if err := j.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := j.Status(); st.State != bulk.Finished || st.Done != 100 || st.Failed != 0 {
		t.Fatalf("%+v", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(restores) != 100 {
		t.Fatalf("%d restore requests, want 100", len(restores))
	}
	for p, body := range restores {
		if !strings.Contains(body, "<Days>3</Days>") || !strings.Contains(body, "<Tier>Bulk</Tier>") {
			t.Fatalf("restore of %s sent %s", p, body)
		}
	}
}
