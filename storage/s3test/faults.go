package s3test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Faults is a fault-injecting reverse proxy on loopback in front of a real
// server: the harness's way to make the network and the server misbehave.
// Rules are checked in order for each request; the first whose Match
// accepts the request (and whose Share and Times allow it) applies its
// Fault. Requests no rule takes pass through untouched. The Host header is
// kept, so SigV4 signatures made for the proxy's address still verify.
//
//	f := s3test.NewFaults(t, srv)
//	f.Add(s3test.Rule{Match: s3test.Op("UploadPart"), Share: 0.3, Fault: s3test.SlowDown()})
//	svc := f.Server().Service(t)
type Faults struct {
	URL    string
	target *Server

	mu    sync.Mutex
	rules []*Rule
	rng   *rand.Rand
	seen  map[string]int // operation -> requests seen
	hit   map[string]int // operation -> requests a fault was applied to
	log   []string       // "OP method path?query" of each request, in order
}

// Rule says which requests get which fault.
type Rule struct {
	// Match picks the requests (nil: every request). Op("GetObject") and
	// friends build common ones.
	Match func(*http.Request) bool
	// Share is the chance a matching request gets the fault (0 means 1).
	Share float64
	// Times caps how many requests get the fault (0: no cap).
	Times int
	// Skip lets the first Skip matching requests through untouched.
	Skip  int
	Fault Fault

	applied, skipped int
}

// Fault is one way a request can go wrong.
type Fault struct {
	// Status answers without reaching the server: this status with an S3
	// error body carrying Code (e.g. 503 "SlowDown").
	Status int
	Code   string
	// Latency waits this long before the request goes on.
	Latency time.Duration
	// CutAfter, when > 0, closes the connection after this many bytes of the
	// response body (the Content-Length promised more).
	CutAfter int64
	// FlipAt, when >= 0 together with Flip, flips one byte of the response
	// body at this offset (XOR 0xff). Use FlipByte(n).
	FlipAt int64
	Flip   bool
	// Reset closes the client's connection abruptly before any answer.
	Reset bool
	// RepeatToken makes a listing answer's next token (or markers) the one
	// the request carried (the first page passes unchanged), so a client
	// that follows it loops. DropToken removes the next token while
	// the answer still says it is truncated.
	RepeatToken, DropToken bool
}

// SlowDown is S3's throttling answer.
func SlowDown() Fault { return Fault{Status: http.StatusServiceUnavailable, Code: "SlowDown"} }

// InternalError is a server fault S3 clients retry.
func InternalError() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: "InternalError"}
}

// BadToken answers 403 with an expired-token error, as S3 does for stale
// temporary credentials.
func BadToken() Fault { return Fault{Status: http.StatusForbidden, Code: "ExpiredToken"} }

// CutBody closes the connection after n bytes of the body.
func CutBody(n int64) Fault { return Fault{CutAfter: n} }

// FlipByte flips the body byte at offset n.
func FlipByte(n int64) Fault { return Fault{FlipAt: n, Flip: true} }

// Latency delays the request by d.
func Latency(d time.Duration) Fault { return Fault{Latency: d} }

// ResetConn resets the connection before the answer.
func ResetConn() Fault { return Fault{Reset: true} }

// NewFaults starts a fault proxy in front of target, stopped when the test
// ends.
func NewFaults(t testing.TB, target *Server) *Faults {
	t.Helper()
	u, err := url.Parse(target.Endpoint)
	if err != nil {
		t.Fatalf("fault proxy: %v", err)
	}
	f := &Faults{target: target, rng: rand.New(rand.NewPCG(1, 2)), seen: map[string]int{}, hit: map[string]int{}}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host // the signature covers the Host the client used
		},
		ModifyResponse: f.modify,
		// Flush each write, so a cut body reaches the client as a short
		// body rather than as a connection lost before the headers.
		FlushInterval: -1,
		ErrorLog:      log.New(io.Discard, "", 0),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fault, ok := f.pick(r)
		if ok {
			if fault.Latency > 0 {
				select {
				case <-time.After(fault.Latency):
				case <-r.Context().Done():
					return
				}
			}
			if fault.Reset {
				resetConn(w)
				return
			}
			if fault.Status != 0 {
				// Drain the request body so the client sees the answer,
				// not a reset while it is still sending.
				_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(fault.Status)
				fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>injected by the test's fault proxy</Message></Error>`, fault.Code)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), faultKey{}, fault))
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Server is target as reached through the proxy.
func (f *Faults) Server() *Server {
	s := *f.target
	s.Endpoint = f.URL
	return &s
}

// Add appends a rule and returns it.
func (f *Faults) Add(r Rule) *Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	rr := r
	f.rules = append(f.rules, &rr)
	return &rr
}

// Clear removes every rule: requests pass through untouched again.
func (f *Faults) Clear() {
	f.mu.Lock()
	f.rules = nil
	f.mu.Unlock()
}

// Seen is how many requests of operation op (as OpName names them; "" for
// all) reached the proxy.
func (f *Faults) Seen(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if op == "" {
		return len(f.log)
	}
	return f.seen[op]
}

// Hit is how many requests of operation op ("" for all) got a fault.
func (f *Faults) Hit(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if op == "" {
		n := 0
		for _, v := range f.hit {
			n += v
		}
		return n
	}
	return f.hit[op]
}

// Log is every request seen so far, as "Op METHOD /path?query".
func (f *Faults) Log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

func (f *Faults) pick(r *http.Request) (Fault, bool) {
	op := OpName(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen[op]++
	f.log = append(f.log, op+" "+r.Method+" "+r.URL.RequestURI())
	for _, rule := range f.rules {
		if rule.Match != nil && !rule.Match(r) {
			continue
		}
		if rule.skipped < rule.Skip {
			rule.skipped++
			continue
		}
		if rule.Times > 0 && rule.applied >= rule.Times {
			continue
		}
		if rule.Share > 0 && rule.Share < 1 && f.rng.Float64() >= rule.Share {
			continue
		}
		rule.applied++
		f.hit[op]++
		return rule.Fault, true
	}
	return Fault{}, false
}

type faultKey struct{}

var (
	nextTokenRe  = regexp.MustCompile(`<NextContinuationToken>[^<]*</NextContinuationToken>`)
	nextMarkerRe = regexp.MustCompile(`<(NextKeyMarker|NextVersionIdMarker|NextUploadIdMarker|NextPartNumberMarker|NextMarker)>[^<]*</[A-Za-z]+>`)
)

// modify applies the response-side faults of the request's rule.
func (f *Faults) modify(resp *http.Response) error {
	fault, ok := resp.Request.Context().Value(faultKey{}).(Fault)
	if !ok {
		return nil
	}
	switch {
	case fault.RepeatToken || fault.DropToken:
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		q := resp.Request.URL.Query()
		if fault.DropToken {
			body = nextTokenRe.ReplaceAll(body, nil)
			// Listings that page by markers (versions, uploads, parts).
			body = nextMarkerRe.ReplaceAll(body, nil)
		} else {
			// The first page passes as it is; every later one hands back
			// the token it was asked with, so a client that follows loops.
			if tok := q.Get("continuation-token"); tok != "" && nextTokenRe.Match(body) {
				body = nextTokenRe.ReplaceAll(body, []byte("<NextContinuationToken>"+xmlEscape(tok)+"</NextContinuationToken>"))
			} else {
				// Marker-paged listings: give back the markers the request sent.
				for _, m := range []struct{ elem, param string }{
					{"NextKeyMarker", "key-marker"}, {"NextVersionIdMarker", "version-id-marker"},
					{"NextUploadIdMarker", "upload-id-marker"}, {"NextPartNumberMarker", "part-number-marker"},
					{"NextMarker", "marker"},
				} {
					re := regexp.MustCompile(`<` + m.elem + `>[^<]*</` + m.elem + `>`)
					body = re.ReplaceAll(body, []byte("<"+m.elem+">"+xmlEscape(q.Get(m.param))+"</"+m.elem+">"))
				}
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", fmt.Sprint(len(body)))
	case fault.CutAfter > 0:
		resp.Body = &cutBody{r: resp.Body, left: fault.CutAfter}
	case fault.Flip:
		resp.Body = &flipBody{r: resp.Body, at: fault.FlipAt}
	}
	return nil
}

func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cutBody ends with an error after left bytes; the reverse proxy then
// aborts the connection, so the client sees a body shorter than promised.
type cutBody struct {
	r    io.ReadCloser
	left int64
}

func (c *cutBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("s3test: body cut by the fault proxy")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cutBody) Close() error { return c.r.Close() }

type flipBody struct {
	r   io.ReadCloser
	off int64
	at  int64
}

func (b *flipBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if b.at >= b.off && b.at < b.off+int64(n) {
		p[b.at-b.off] ^= 0xff
	}
	b.off += int64(n)
	return n, err
}

func (b *flipBody) Close() error { return b.r.Close() }

// resetConn closes the client's connection with a TCP reset.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

// Op matches requests of the named S3 operations (see OpName).
func Op(names ...string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		op := OpName(r)
		for _, n := range names {
			if n == op {
				return true
			}
		}
		return false
	}
}

// OpName names the S3 operation of a path-style request: "ListObjectsV2",
// "GetObject", "PutObject", "UploadPart", "CreateMultipartUpload",
// "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
// "ListMultipartUploads", "HeadObject", "HeadBucket", "DeleteObject",
// "DeleteObjects", "CopyObject", "UploadPartCopy", "PutObjectAcl",
// "GetObjectAcl", "PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy",
// "ListObjectVersions", "ListBuckets", "CreateBucket", "DeleteBucket",
// "GetBucketLocation", or "Other".
func OpName(r *http.Request) string {
	q := r.URL.Query()
	has := func(k string) bool { _, ok := q[k]; return ok }
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucketOnly := path != "" && !strings.Contains(path, "/")
	if path == "" {
		if r.Method == http.MethodGet {
			return "ListBuckets"
		}
		return "Other"
	}
	copySrc := r.Header.Get("X-Amz-Copy-Source") != ""
	switch r.Method {
	case http.MethodGet:
		switch {
		case has("uploadId"):
			return "ListParts"
		case has("uploads"):
			return "ListMultipartUploads"
		case has("versions"):
			return "ListObjectVersions"
		case has("acl") && !bucketOnly:
			return "GetObjectAcl"
		case has("acl"):
			return "GetBucketAcl"
		case has("policy"):
			return "GetBucketPolicy"
		case has("location"):
			return "GetBucketLocation"
		case has("policyStatus"):
			return "GetBucketPolicyStatus"
		case bucketOnly && q.Get("list-type") == "2":
			return "ListObjectsV2"
		case bucketOnly && len(q) > 0:
			return "Other"
		case bucketOnly:
			return "ListObjects"
		}
		return "GetObject"
	case http.MethodHead:
		if bucketOnly {
			return "HeadBucket"
		}
		return "HeadObject"
	case http.MethodPut:
		switch {
		case has("partNumber") && copySrc:
			return "UploadPartCopy"
		case has("partNumber"):
			return "UploadPart"
		case has("acl") && !bucketOnly:
			return "PutObjectAcl"
		case has("acl"):
			return "PutBucketAcl"
		case has("policy"):
			return "PutBucketPolicy"
		case bucketOnly && len(q) == 0:
			return "CreateBucket"
		case bucketOnly:
			return "Other"
		case copySrc:
			return "CopyObject"
		}
		return "PutObject"
	case http.MethodPost:
		switch {
		case has("uploads"):
			return "CreateMultipartUpload"
		case has("uploadId"):
			return "CompleteMultipartUpload"
		case has("delete"):
			return "DeleteObjects"
		}
		return "Other"
	case http.MethodDelete:
		switch {
		case has("uploadId"):
			return "AbortMultipartUpload"
		case has("policy"):
			return "DeleteBucketPolicy"
		case bucketOnly && len(q) == 0:
			return "DeleteBucket"
		case bucketOnly:
			return "Other"
		}
		return "DeleteObject"
	}
	return "Other"
}
