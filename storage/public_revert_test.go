package storage_test

import (
	"context"
	"encoding/xml"
	"errors"
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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// aclEmu stands in front of versitygw, whose backends implement no object
// ACLs, and emulates them: it answers PUT and GET ?acl itself (canned ACLs
// and full AccessControlPolicy bodies) and serves anonymous GET/HEAD of keys
// whose ACL grants AllUsers READ by fetching them with a presigned URL. With
// honour false it stores ACLs but ignores them for anonymous reads. Keys in
// failRevert refuse a PUT ?acl that carries a policy body (how the app puts
// back saved grants) with AccessDenied. Everything else goes to versitygw
// untouched (Host kept, so signatures still match).
type aclEmu struct {
	URL    string
	honour bool

	mu         sync.Mutex
	acl        map[string]string // bucket/key -> AccessControlPolicy XML
	failRevert map[string]bool   // keys
	// refuseCanned answers every canned-ACL PUT with NotImplemented while
	// GET ?acl works, as services without object ACLs (MinIO) do.
	refuseCanned bool
	puts         atomic.Int64
}

const emuOwner = "emu-owner"

func emuPolicy(grants ...string) string {
	return `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>` + emuOwner + `</ID></Owner><AccessControlList>` +
		strings.Join(grants, "") + `</AccessControlList></AccessControlPolicy>`
}

func emuGrant(id, perm string) string {
	return `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>` + id + `</ID></Grantee><Permission>` + perm + `</Permission></Grant>`
}

const emuAllUsersRead = `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>`

func newACLEmu(t *testing.T, srv *s3test.Server, honour bool) *aclEmu {
	t.Helper()
	e := &aclEmu{honour: honour, acl: map[string]string{}, failRevert: map[string]bool{}}
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
			e.puts.Add(1)
			body, _ := io.ReadAll(r.Body)
			var pol string
			switch canned := r.Header.Get("X-Amz-Acl"); {
			case len(body) > 0:
				e.mu.Lock()
				fail := e.failRevert[key]
				e.mu.Unlock()
				if fail {
					w.WriteHeader(http.StatusForbidden)
					fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>emulated refusal</Message></Error>`)
					return
				}
				pol = string(body)
			case e.refuseCanned:
				w.WriteHeader(http.StatusNotImplemented)
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code><Message>emulated</Message></Error>`)
				return
			case canned == "public-read":
				pol = emuPolicy(emuGrant(emuOwner, "FULL_CONTROL"), emuAllUsersRead)
			default:
				pol = emuPolicy(emuGrant(emuOwner, "FULL_CONTROL"))
			}
			e.mu.Lock()
			e.acl[bucket+"/"+key] = pol
			e.mu.Unlock()
			w.WriteHeader(http.StatusOK)
			return
		case isACL && key != "" && r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+e.policy(bucket, key))
			return
		case anonymous && key != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			if e.honour && e.isPublic(bucket, key) {
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

func (e *aclEmu) policy(bucket, key string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.acl[bucket+"/"+key]; ok {
		return p
	}
	return emuPolicy(emuGrant(emuOwner, "FULL_CONTROL"))
}

func (e *aclEmu) isPublic(bucket, key string) bool {
	return strings.Contains(e.policy(bucket, key), "global/AllUsers")
}

// publicKeys lists the keys of bucket whose emulated ACL is public, sorted.
func (e *aclEmu) publicKeys(bucket string) []string {
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

// grantIDs are the canonical-user IDs and permissions of key's ACL.
func (e *aclEmu) grantIDs(bucket, key string) []string {
	var doc struct {
		Grants []struct {
			ID         string `xml:"Grantee>ID"`
			URI        string `xml:"Grantee>URI"`
			Permission string
		} `xml:"AccessControlList>Grant"`
	}
	_ = xml.Unmarshal([]byte(e.policy(bucket, key)), &doc)
	var out []string
	for _, g := range doc.Grants {
		out = append(out, g.ID+g.URI+":"+g.Permission)
	}
	slices.Sort(out)
	return out
}

// colleagueACL gives key a grant of its own before the app touches it: a
// colleague may read it.
func colleagueACL(t *testing.T, c *s3.Client, bucket, key string) {
	t.Helper()
	_, err := c.PutObjectAcl(context.Background(), &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(emuOwner)}, Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(emuOwner)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String("colleague")}, Permission: types.PermissionRead},
		}}})
	if err != nil {
		t.Fatalf("colleague ACL on %s: %v", key, err)
	}
}

// A make-public undone because the service ignored the ACL puts back each
// object's previous grants, not a blanket "private".
func TestMakePublicRevertRestoresPreviousGrants(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := newACLEmu(t, srv, false)
	svc := serviceVia(t, srv, emu.URL)
	c := (&s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}).Client(t)
	sharePut(t, srv.Client(t), b, "g/a.txt", []byte("a"))
	sharePut(t, srv.Client(t), b, "g/b.txt", []byte("b"))
	colleagueACL(t, c, b, "g/a.txt")
	want := emu.grantIDs(b, "g/a.txt")

	_, err := svc.MakePublic(context.Background(), b, "g/", storage.PublicOptions{})
	var pe *storage.PublicError
	if !errors.As(err, &pe) || pe.ACLReason != storage.BlockACLIgnored {
		t.Fatalf("got %v", err)
	}
	if got := emu.grantIDs(b, "g/a.txt"); !slices.Equal(got, want) {
		t.Fatalf("grants after the undo %v, want the previous %v", got, want)
	}
	if left := emu.publicKeys(b); len(left) != 0 {
		t.Fatalf("still public: %v", left)
	}
}

// When putting back the previous ACL fails for some objects, the error
// names exactly those objects as still public.
func TestMakePublicRevertFailureNamesStillPublicKeys(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := newACLEmu(t, srv, false)
	svc := serviceVia(t, srv, emu.URL)
	for _, k := range []string{"f/a", "f/b", "f/c", "f/d", "f/e", "f/g"} {
		sharePut(t, srv.Client(t), b, k, []byte(k))
	}
	emu.failRevert["f/b"], emu.failRevert["f/e"] = true, true

	_, err := svc.MakePublic(context.Background(), b, "f/", storage.PublicOptions{AllowPolicy: true})
	var sp *storage.StillPublicError
	if !errors.Is(err, storage.ErrStillPublic) || !errors.As(err, &sp) {
		t.Fatalf("got %v", err)
	}
	if truth := emu.publicKeys(b); !slices.Equal(sp.Keys, truth) || !slices.Equal(truth, []string{"f/b", "f/e"}) {
		t.Fatalf("error names %v as still public; really public: %v", sp.Keys, truth)
	}
	for _, k := range []string{`"f/b"`, `"f/e"`, "public"} {
		if !strings.Contains(err.Error(), k) {
			t.Fatalf("message %q does not mention %s", err, k)
		}
	}
	if strings.Contains(err.Error(), `"f/a"`) {
		t.Fatalf("message names a key that was put back: %q", err)
	}
	if sids := sharePolicySids(t, srv.Client(t), b); len(sids) != 0 {
		t.Fatalf("went on to the policy way after a failed undo: %v", sids)
	}
}

// Cancel during a folder's ACL changes stops within a second and puts back
// what was changed.
func TestMakePublicFolderCancelStopsAndUndoes(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := newACLEmu(t, srv, true)
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = fmt.Sprintf("big/%03d.txt", i)
	}
	putMany(t, srv, b, keys)
	f := s3test.NewFaults(t, &s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	f.Add(s3test.Rule{Match: s3test.Op("PutObjectAcl"), Fault: s3test.Latency(40 * time.Millisecond)})
	svc := serviceVia(t, srv, f.URL)

	ctx, cancel := context.WithCancel(context.Background())
	var last, total atomic.Int64
	var cancelled time.Time
	var once sync.Once
	opts := storage.PublicOptions{Progress: func(done, of int64) {
		last.Store(done)
		total.Store(of)
		if done >= 40 {
			once.Do(func() { cancelled = time.Now(); cancel() })
		}
	}}
	start := time.Now()
	_, err := svc.MakePublic(ctx, b, "big/", opts)
	took := time.Since(cancelled)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v after %v", err, time.Since(start))
	}
	if cancelled.IsZero() || took > time.Second {
		t.Fatalf("cancel took %v to stop (whole call %v)", took, time.Since(start))
	}
	if total.Load() != 200 || last.Load() < 40 || last.Load() >= 200 {
		t.Fatalf("progress %d of %d", last.Load(), total.Load())
	}
	if left := emu.publicKeys(b); len(left) != 0 {
		t.Fatalf("%d objects left public after Cancel: %v", len(left), left[:min(5, len(left))])
	}
	if n := emu.puts.Load(); n >= 2*200 {
		t.Fatalf("%d ACL puts: Cancel did not stop the folder", n)
	}
	t.Logf("cancel at %d of 200 ACLs, stopped and undone in %v, %d ACL puts", last.Load(), took, emu.puts.Load())
}

// Parallel: 200 objects at 40 ms each take well under the 8 s a serial
// loop needs.
func TestMakePublicFolderACLsRunInParallel(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := newACLEmu(t, srv, true)
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = fmt.Sprintf("par/%03d.txt", i)
	}
	putMany(t, srv, b, keys)
	f := s3test.NewFaults(t, &s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	f.Add(s3test.Rule{Match: s3test.Op("PutObjectAcl"), Fault: s3test.Latency(40 * time.Millisecond)})
	svc := serviceVia(t, srv, f.URL)
	var calls atomic.Int64
	var last atomic.Int64
	start := time.Now()
	res, err := svc.MakePublic(context.Background(), b, "par/", storage.PublicOptions{Progress: func(done, of int64) {
		calls.Add(1)
		last.Store(done)
	}})
	took := time.Since(start)
	if err != nil || res.Objects != 200 || res.Method != storage.PublicByACL {
		t.Fatalf("%+v %v", res, err)
	}
	if last.Load() != 200 {
		t.Fatalf("last progress %d", last.Load())
	}
	if took > 4*time.Second {
		t.Fatalf("200 ACLs took %v: not parallel", took)
	}
	if got := emu.publicKeys(b); len(got) != 200 {
		t.Fatalf("%d public", len(got))
	}
	t.Logf("200 ACLs at 40 ms latency in %v", took)
}

// A policy statement whose removal fails is reported as still in place.
func TestMakePublicPolicyRevertFailureReportsStatement(t *testing.T) {
	for _, tc := range []struct {
		name, op string
		keep     bool
	}{
		{"put back the user's policy", "PutBucketPolicy", true},
		{"delete the policy", "DeleteBucketPolicy", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := s3test.StartVersity(t)
			c, b := srv.Client(t), srv.Bucket(t)
			if tc.keep {
				shareKeepPolicy(t, c, b)
			}
			sharePut(t, c, b, "p/doc.txt", []byte("doc"))
			f := s3test.NewFaults(t, srv)
			// The anonymous check fails, so the statement is undone...
			f.Add(s3test.Rule{Match: s3test.Op("HeadObject"), Fault: s3test.InternalError()})
			// ...and the undo is refused (the first PutBucketPolicy, the
			// one adding the statement, goes through).
			skip := 0
			if tc.op == "PutBucketPolicy" {
				skip = 1
			}
			f.Add(s3test.Rule{Match: s3test.Op(tc.op), Skip: skip, Fault: s3test.Fault{Status: http.StatusForbidden, Code: "AccessDenied"}})
			svc := f.Server().Service(t)

			_, err := svc.MakePublic(context.Background(), b, "p/", storage.PublicOptions{AllowPolicy: true})
			var sp *storage.StillPublicError
			if !errors.Is(err, storage.ErrStillPublic) || !errors.As(err, &sp) {
				t.Fatalf("got %v", err)
			}
			sid := storage.PublicSid(b, "p/")
			if sp.Sid != sid || !strings.Contains(err.Error(), sid) || !strings.Contains(err.Error(), `"p/"`) {
				t.Fatalf("statement not named: %+v %q", sp, err)
			}
			if sids := sharePolicySids(t, c, b); !slices.Contains(sids, sid) {
				t.Fatalf("report says the statement is in place, the policy says %v", sids)
			}
			if f.Hit(tc.op) == 0 {
				t.Fatalf("the undo never reached %s: %v", tc.op, f.Log())
			}
		})
	}
}

// The undo of a statement that was there before (made public earlier) puts
// that statement back rather than removing it.
func TestMakePublicPolicyRevertKeepsEarlierStatement(t *testing.T) {
	srv := s3test.StartVersity(t)
	c, b := srv.Client(t), srv.Bucket(t)
	sharePut(t, c, b, "q/doc.txt", []byte("doc"))
	svc := srv.Service(t)
	if _, err := svc.MakePublic(context.Background(), b, "q/", storage.PublicOptions{AllowPolicy: true}); err != nil {
		t.Fatal(err)
	}
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: s3test.Op("HeadObject"), Fault: s3test.InternalError()})
	_, err := f.Server().Service(t).MakePublic(context.Background(), b, "q/", storage.PublicOptions{AllowPolicy: true})
	if err == nil {
		t.Fatal("a failed check reported success")
	}
	if sids := sharePolicySids(t, c, b); !slices.Contains(sids, storage.PublicSid(b, "q/")) {
		t.Fatalf("the earlier statement (made public before this call) was removed: %v", sids)
	}
}

// A service that reads ACLs but refuses to set them changed nothing: no
// undo is sent and nothing is reported as still public.
func TestMakePublicRefusedACLNeedsNoUndo(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := newACLEmu(t, srv, true)
	emu.refuseCanned = true
	emu.failRevert["r/a"] = true // an undo, if sent, fails
	sharePut(t, srv.Client(t), b, "r/a", []byte("a"))
	sharePut(t, srv.Client(t), b, "r/b", []byte("b"))
	_, err := serviceVia(t, srv, emu.URL).MakePublic(context.Background(), b, "r/", storage.PublicOptions{})
	var pe *storage.PublicError
	if errors.Is(err, storage.ErrStillPublic) || !errors.As(err, &pe) || !pe.NeedsConsent {
		t.Fatalf("got %v", err)
	}
	if n := emu.puts.Load(); n > 2 {
		t.Fatalf("%d ACL puts for 2 refused changes: an undo was sent", n)
	}
}

// Cancelled, with an undo that fails: the error says what is still public
// and is not a quiet context.Canceled.
func TestMakePublicCancelWithFailedUndoIsNotQuiet(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := newACLEmu(t, srv, true)
	keys := make([]string, 60)
	for i := range keys {
		keys[i] = fmt.Sprintf("cx/%02d", i)
		emu.failRevert[keys[i]] = true
	}
	putMany(t, srv, b, keys)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := serviceVia(t, srv, emu.URL).MakePublic(ctx, b, "cx/", storage.PublicOptions{Progress: func(done, _ int64) {
		if done == 10 {
			cancel()
		}
	}})
	var sp *storage.StillPublicError
	if errors.Is(err, context.Canceled) || !errors.As(err, &sp) {
		t.Fatalf("got %v", err)
	}
	if truth := emu.publicKeys(b); !slices.Equal(sp.Keys, truth) || len(truth) < 10 {
		t.Fatalf("error names %d keys, %d really public", len(sp.Keys), len(truth))
	}
}

// The folder listing goes through the guarded paginator: a listing that
// says it is truncated but gives no token ends in ErrProtocol before any
// ACL changes, instead of making 1,000 of 1,001 files public.
func TestMakePublicFolderListingIsGuarded(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	keys := make([]string, 1001)
	for i := range keys {
		keys[i] = fmt.Sprintf("lp/%04d", i)
	}
	putMany(t, srv, b, keys)
	emu := newACLEmu(t, srv, true)
	f := s3test.NewFaults(t, &s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	f.Add(s3test.Rule{Match: s3test.Op("ListObjectsV2"), Fault: s3test.Fault{DropToken: true}})
	_, err := serviceVia(t, srv, f.URL).MakePublic(context.Background(), b, "lp/", storage.PublicOptions{})
	if !errors.Is(err, storage.ErrProtocol) {
		t.Fatalf("got %v", err)
	}
	if n := emu.puts.Load(); n != 0 || len(emu.publicKeys(b)) != 0 {
		t.Fatalf("%d ACL puts on an incomplete listing", n)
	}
}
