package share_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/sharetest"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

// blockProxy stands in front of versitygw (which has no public-access block
// API) and changes two answers: GET ?publicAccessBlock returns the given
// configuration, and with ignorePolicy a PUT ?policy is answered 204 without
// reaching the server, like a service that takes a public policy and then
// refuses anonymous reads anyway. Everything else goes through untouched.
func blockProxy(t *testing.T, srv *s3test.Server, pabXML string, ignorePolicy bool) *storage.Service {
	t.Helper()
	target, _ := neturl.Parse(srv.Endpoint)
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if _, ok := q["publicAccessBlock"]; ok && r.Method == http.MethodGet && pabXML != "" {
			w.Header().Set("Content-Type", "application/xml")
			_, _ = w.Write([]byte(pabXML))
			return
		}
		if _, ok := q["policy"]; ok && r.Method == http.MethodPut && ignorePolicy {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return storetest.ServiceVia(t, srv, ts.URL)
}

const pabAllOn = `<?xml version="1.0" encoding="UTF-8"?>
<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`

// A public-access block on the bucket: no ACL and no policy is attempted,
// the error says why and offers a presigned link, and nothing changes.
func TestMakePublicRefusedByPublicAccessBlock(t *testing.T) {
	srv := s3test.StartVersity(t)
	c, b := srv.Client(t), srv.Bucket(t)
	svc := blockProxy(t, srv, pabAllOn, false)
	ctx := context.Background()
	sharetest.KeepPolicy(t, c, b)
	sharetest.Put(t, c, b, shareHostileKey, []byte("stays private"))
	url, _ := share.New(svc).PublicURL(b, shareHostileKey)

	res, err := share.New(svc).MakePublic(ctx, b, shareHostileKey, share.PublicOptions{AllowPolicy: true})
	var pe *share.PublicError
	if !errors.Is(err, share.ErrCannotMakePublic) || !errors.As(err, &pe) {
		t.Fatalf("MakePublic under a public-access block: %+v, %v", res, err)
	}
	if pe.ACLReason != share.BlockPublicAccessBlock || pe.PolicyReason != share.BlockPublicAccessBlock || pe.NeedsConsent {
		t.Fatalf("reasons %q / %q, consent %v", pe.ACLReason, pe.PolicyReason, pe.NeedsConsent)
	}
	for _, want := range []string{"public-access block", "presigned link"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %q", want, err)
		}
	}
	sharetest.Expect(t, url, 403, "")
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy changed under a public-access block: %v", sids)
	}
}

// A service that accepts the policy statement but still refuses anonymous
// reads: never claimed as success, and the statement is taken out again.
func TestMakePublicIgnoredPolicyIsNotSuccess(t *testing.T) {
	srv := s3test.StartVersity(t)
	c, b := srv.Client(t), srv.Bucket(t)
	svc := blockProxy(t, srv, "", true)
	ctx := context.Background()
	sharetest.KeepPolicy(t, c, b)
	sharetest.Put(t, c, b, "k.txt", []byte("x"))
	url, _ := share.New(svc).PublicURL(b, "k.txt")

	res, err := share.New(svc).MakePublic(ctx, b, "k.txt", share.PublicOptions{AllowPolicy: true})
	var pe *share.PublicError
	if !errors.Is(err, share.ErrCannotMakePublic) || !errors.As(err, &pe) || pe.PolicyReason != share.BlockPolicyIgnored {
		t.Fatalf("MakePublic with an ignored policy: %+v, %v", res, err)
	}
	if !strings.Contains(err.Error(), "presigned link") || !strings.Contains(err.Error(), "removed again") {
		t.Errorf("message %q", err)
	}
	if !errors.Is(err, share.ErrNotPublic) {
		t.Errorf("the failed anonymous check is not in the chain: %v", err)
	}
	sharetest.Expect(t, url, 403, "")
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy after an ignored statement: %v", sids)
	}
}
