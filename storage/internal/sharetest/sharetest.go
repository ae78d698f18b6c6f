// Package sharetest is the test harness of sharing, used by the tests of
// storage/share and storage/report: an ACL emulator in front of versitygw
// and anonymous requests.
package sharetest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage/s3test"
)

// ACLEmu stands in front of versitygw, whose backends implement no object
// ACLs, and emulates them: it answers PUT and GET ?acl itself (canned ACLs
// and full AccessControlPolicy bodies) and serves anonymous GET/HEAD of keys
// whose ACL grants AllUsers READ by fetching them with a presigned URL. With
// honour false it stores ACLs but ignores them for anonymous reads. Keys in
// FailRevert refuse a PUT ?acl that carries a policy body (how the app puts
// back saved grants) with AccessDenied. Everything else goes to versitygw
// untouched (Host kept, so signatures still match).
type ACLEmu struct {
	URL    string
	honour bool

	mu         sync.Mutex
	acl        map[string]string // bucket/key -> AccessControlPolicy XML
	FailRevert map[string]bool   // keys
	// RefuseCanned answers every canned-ACL PUT with NotImplemented while
	// GET ?acl works, as services without object ACLs (MinIO) do.
	RefuseCanned bool
	Puts         atomic.Int64
}

const EmuOwner = "emu-owner"

func emuPolicy(grants ...string) string {
	return `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>` + EmuOwner + `</ID></Owner><AccessControlList>` +
		strings.Join(grants, "") + `</AccessControlList></AccessControlPolicy>`
}

func emuGrant(id, perm string) string {
	return `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>` + id + `</ID></Grantee><Permission>` + perm + `</Permission></Grant>`
}

const emuAllUsersRead = `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>`

func NewACLEmu(t *testing.T, srv *s3test.Server, honour bool) *ACLEmu {
	t.Helper()
	e := &ACLEmu{honour: honour, acl: map[string]string{}, FailRevert: map[string]bool{}}
	target, _ := neturl.Parse(srv.Endpoint)
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}}
	pc := s3.NewPresignClient(srv.Client(t))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		_, isACL := r.URL.Query()["acl"]
		anonymous := r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Signature") == ""
		switch {
		case isACL && key != "" && r.Method == http.MethodPut:
			e.Puts.Add(1)
			body, _ := io.ReadAll(r.Body)
			var pol string
			switch canned := r.Header.Get("X-Amz-Acl"); {
			case len(body) > 0:
				e.mu.Lock()
				fail := e.FailRevert[key]
				e.mu.Unlock()
				if fail {
					w.WriteHeader(http.StatusForbidden)
					fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>emulated refusal</Message></Error>`)
					return
				}
				pol = string(body)
			case e.RefuseCanned:
				w.WriteHeader(http.StatusNotImplemented)
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code><Message>emulated</Message></Error>`)
				return
			case canned == "public-read":
				pol = emuPolicy(emuGrant(EmuOwner, "FULL_CONTROL"), emuAllUsersRead)
			default:
				pol = emuPolicy(emuGrant(EmuOwner, "FULL_CONTROL"))
			}
			e.mu.Lock()
			e.acl[bucket+"/"+key] = pol
			e.mu.Unlock()
			w.WriteHeader(http.StatusOK)
			return
		case isACL && key != "" && r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+e.Policy(bucket, key))
			return
		case anonymous && key != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			if e.honour && e.IsPublic(bucket, key) {
				req, err := pc.PresignGetObject(r.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				if err != nil {
					http.Error(w, err.Error(), 500)
					return
				}
				out, err := http.Get(req.URL)
				if err != nil {
					http.Error(w, err.Error(), 502)
					return
				}
				defer out.Body.Close()
				w.Header().Set("Content-Length", out.Header.Get("Content-Length"))
				w.WriteHeader(out.StatusCode)
				if r.Method == http.MethodGet {
					_, _ = io.Copy(w, out.Body)
				}
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	e.URL = ts.URL
	return e
}

func (e *ACLEmu) Policy(bucket, key string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.acl[bucket+"/"+key]; ok {
		return p
	}
	return emuPolicy(emuGrant(EmuOwner, "FULL_CONTROL"))
}

func (e *ACLEmu) IsPublic(bucket, key string) bool {
	return strings.Contains(e.Policy(bucket, key), "global/AllUsers")
}

// PublicKeys lists the keys of bucket whose emulated ACL is public, sorted.
func (e *ACLEmu) PublicKeys(bucket string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for k, p := range e.acl {
		if b, key, _ := strings.Cut(k, "/"); b == bucket && strings.Contains(p, "global/AllUsers") {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// GrantIDs are the canonical-user IDs and permissions of key's ACL.
func (e *ACLEmu) GrantIDs(bucket, key string) []string {
	var doc struct {
		Grants []struct {
			ID         string `xml:"Grantee>ID"`
			URI        string `xml:"Grantee>URI"`
			Permission string
		} `xml:"AccessControlList>Grant"`
	}
	_ = xml.Unmarshal([]byte(e.Policy(bucket, key)), &doc)
	var out []string
	for _, g := range doc.Grants {
		out = append(out, g.ID+g.URI+":"+g.Permission)
	}
	slices.Sort(out)
	return out
}

// KeepPolicy puts a policy with a statement of the user's own, which must
// survive everything the app does: it makes other/* public.
func KeepPolicy(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	pol := `{"Version":"2012-10-17","Statement":[{"Sid":"UsersOwn","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/other/*"}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(pol)}); err != nil {
		t.Fatalf("put policy: %v", err)
	}
}

// PolicySids lists the Sids of the bucket policy ("" entries for none).
func PolicySids(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil
	}
	var doc struct{ Statement []struct{ Sid string } }
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		t.Fatalf("policy %s: %v", aws.ToString(out.Policy), err)
	}
	var sids []string
	for _, s := range doc.Statement {
		sids = append(sids, s.Sid)
	}
	return sids
}

func Expect(t *testing.T, url string, want int, body string) {
	t.Helper()
	st, got, _ := Anon(t, http.MethodGet, url, nil, nil)
	if st != want || (want == 200 && string(got) != body) {
		t.Fatalf("anonymous GET %s: %d %q, want %d", url, st, got, want)
	}
}

// ACLProxy stands in front of versitygw with an ACL emulator (see
// ACLEmu); with honour false the emulated service accepts ACLs and ignores
// them for anonymous reads, as some services do.
func ACLProxy(t *testing.T, srv *s3test.Server, honour bool) string {
	t.Helper()
	return NewACLEmu(t, srv, honour).URL
}

// Anon fetches url with a plain net/http client and no credentials.
func Anon(t *testing.T, method, url string, body []byte, hdr http.Header) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func Put(t *testing.T, c *s3.Client, bucket, key string, body []byte) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
}
