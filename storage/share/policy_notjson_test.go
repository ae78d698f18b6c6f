package share_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

// A service that answers GetBucketPolicy with something that is not a
// policy (the Local sandbox once answered with an XML listing) has no
// policy to read: "not supported", never "the policy is corrupt". Make
// private then has nothing to remove and succeeds.
func TestPolicyAnswerThatIsNotJSON(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	target, _ := url.Parse(srv.Endpoint)
	rp := httputil.NewSingleHostReverseProxy(target)
	px := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.URL.Query()["policy"]; ok && r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/xml")
			_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>` + b + `</Name></ListBucketResult>`))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(px.Close)
	svc := storetest.ServiceVia(t, srv, px.URL)
	storetest.Put(t, svc, b, "r/a.txt", "a")

	_, err := svc.BucketPolicy(context.Background(), b)
	if !errors.Is(err, storage.ErrNotImplemented) || strings.Contains(err.Error(), "JSON") {
		t.Fatalf("BucketPolicy: %v, want ErrNotImplemented", err)
	}
	if _, err := share.New(svc).MakePrivate(context.Background(), b, "r/", share.PrivateOptions{}); err != nil {
		t.Fatalf("make private: %v", err)
	}
}
