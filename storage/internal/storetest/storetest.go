// Package storetest holds the small helpers the storage packages' tests
// share: planting objects, listing, counting requests. Test code only.
package storetest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

func APIErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "server says " + code}
}

// ServiceVia is a storage.Service for srv's account reached through
// endpoint (a proxy in front of srv).
func ServiceVia(t testing.TB, srv *s3test.Server, endpoint string) *storage.Service {
	t.Helper()
	cfg := srv.Config()
	cfg.Endpoint = endpoint
	svc, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func Put(t testing.TB, svc *storage.Service, bucket, key, body string) {
	t.Helper()
	if strings.HasSuffix(key, "/") {
		body = "" // a folder marker: versitygw refuses "dir/" keys with content
	}
	if err := svc.Put(context.Background(), bucket, key, strings.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
		t.Fatalf("Put %q: %v", key, err)
	}
}

// PutMany plants keys with the raw client, 16 at a time.
func PutMany(t testing.TB, srv *s3test.Server, bucket string, keys []string) {
	t.Helper()
	c := srv.Client(t)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var mu sync.Mutex
	var firstErr error
	for _, k := range keys {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(BodyFor(k))})
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("plant keys: %v", firstErr)
	}
}

// ListAll collects a listing.
func ListAll(t testing.TB, svc *storage.Service, bucket string, opts storage.ListOptions) (folders, objects []storage.Entry, pages int) {
	t.Helper()
	for p, err := range svc.List(context.Background(), bucket, opts) {
		if err != nil {
			t.Fatalf("list %q: %v", opts.Prefix, err)
		}
		pages++
		folders = append(folders, p.Folders...)
		objects = append(objects, p.Objects...)
	}
	return folders, objects, pages
}

func KeysOf(es []storage.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key
	}
	return out
}

// BodyFor is the planted content of key: empty for folder markers.
func BodyFor(key string) string {
	if strings.HasSuffix(key, "/") {
		return ""
	}
	return "x"
}

func PutObject(t testing.TB, c *s3.Client, bucket, key, contentType string, body []byte) {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if _, err := c.PutObject(context.Background(), in); err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
}

// CountingProxy sits between the service and versitygw and counts the
// response body bytes the server sends.
// onRequest, when set, sees each request before it is forwarded.
func CountingProxy(t *testing.T, srv *s3test.Server, onRequest func(*http.Request)) (*storage.Service, *atomic.Int64) {
	t.Helper()
	target, _ := url.Parse(srv.Endpoint)
	var n atomic.Int64
	rp := httputil.NewSingleHostReverseProxy(target)
	if onRequest != nil {
		direct := rp.Director
		rp.Director = func(r *http.Request) { onRequest(r); direct(r) }
	}
	rp.ModifyResponse = func(r *http.Response) error {
		r.Body = &countBody{ReadCloser: r.Body, n: &n}
		return nil
	}
	ps := httptest.NewServer(rp)
	t.Cleanup(ps.Close)
	return ServiceVia(t, srv, ps.URL), &n
}

type countBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}
