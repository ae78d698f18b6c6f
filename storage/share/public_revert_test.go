package share_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	"s3desk/storage/internal/sharetest"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

// colleagueACL gives key a grant of its own before the app touches it: a
// colleague may read it.
func colleagueACL(t *testing.T, c *s3.Client, bucket, key string) {
	t.Helper()
	_, err := c.PutObjectAcl(context.Background(), &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(sharetest.EmuOwner)}, Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(sharetest.EmuOwner)}, Permission: types.PermissionFullControl},
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
	emu := sharetest.NewACLEmu(t, srv, false)
	svc := storetest.ServiceVia(t, srv, emu.URL)
	c := (&s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}).Client(t)
	sharetest.Put(t, srv.Client(t), b, "g/a.txt", []byte("a"))
	sharetest.Put(t, srv.Client(t), b, "g/b.txt", []byte("b"))
	colleagueACL(t, c, b, "g/a.txt")
	want := emu.GrantIDs(b, "g/a.txt")

	_, err := share.New(svc).MakePublic(context.Background(), b, "g/", share.PublicOptions{})
	var pe *share.PublicError
	if !errors.As(err, &pe) || pe.ACLReason != share.BlockACLIgnored {
		t.Fatalf("got %v", err)
	}
	if got := emu.GrantIDs(b, "g/a.txt"); !slices.Equal(got, want) {
		t.Fatalf("grants after the undo %v, want the previous %v", got, want)
	}
	if left := emu.PublicKeys(b); len(left) != 0 {
		t.Fatalf("still public: %v", left)
	}
}

// When putting back the previous ACL fails for some objects, the error
// names exactly those objects as still public.
func TestMakePublicRevertFailureNamesStillPublicKeys(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := sharetest.NewACLEmu(t, srv, false)
	svc := storetest.ServiceVia(t, srv, emu.URL)
	for _, k := range []string{"f/a", "f/b", "f/c", "f/d", "f/e", "f/g"} {
		sharetest.Put(t, srv.Client(t), b, k, []byte(k))
	}
	emu.FailRevert["f/b"], emu.FailRevert["f/e"] = true, true

	_, err := share.New(svc).MakePublic(context.Background(), b, "f/", share.PublicOptions{AllowPolicy: true})
	var sp *share.StillPublicError
	if !errors.Is(err, share.ErrStillPublic) || !errors.As(err, &sp) {
		t.Fatalf("got %v", err)
	}
	if truth := emu.PublicKeys(b); !slices.Equal(sp.Keys, truth) || !slices.Equal(truth, []string{"f/b", "f/e"}) {
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
	if sids := sharetest.PolicySids(t, srv.Client(t), b); len(sids) != 0 {
		t.Fatalf("went on to the policy way after a failed undo: %v", sids)
	}
}

// Cancel during a folder's ACL changes stops within a second and puts back
// what was changed.
func TestMakePublicFolderCancelStopsAndUndoes(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := sharetest.NewACLEmu(t, srv, true)
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = fmt.Sprintf("big/%03d.txt", i)
	}
	storetest.PutMany(t, srv, b, keys)
	f := s3test.NewFaults(t, &s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	f.Add(s3test.Rule{Match: s3test.Op("PutObjectAcl"), Fault: s3test.Latency(40 * time.Millisecond)})
	svc := storetest.ServiceVia(t, srv, f.URL)

	ctx, cancel := context.WithCancel(context.Background())
	var last, total atomic.Int64
	var cancelled time.Time
	var once sync.Once
	opts := share.PublicOptions{Progress: func(done, of int64) {
		last.Store(done)
		total.Store(of)
		if done >= 40 {
			once.Do(func() { cancelled = time.Now(); cancel() })
		}
	}}
	start := time.Now()
	_, err := share.New(svc).MakePublic(ctx, b, "big/", opts)
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
	if left := emu.PublicKeys(b); len(left) != 0 {
		t.Fatalf("%d objects left public after Cancel: %v", len(left), left[:min(5, len(left))])
	}
	if n := emu.Puts.Load(); n >= 2*200 {
		t.Fatalf("%d ACL puts: Cancel did not stop the folder", n)
	}
	t.Logf("cancel at %d of 200 ACLs, stopped and undone in %v, %d ACL puts", last.Load(), took, emu.Puts.Load())
}

// Parallel: 200 objects at 40 ms each take well under the 8 s a serial
// loop needs.
func TestMakePublicFolderACLsRunInParallel(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := sharetest.NewACLEmu(t, srv, true)
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = fmt.Sprintf("par/%03d.txt", i)
	}
	storetest.PutMany(t, srv, b, keys)
	f := s3test.NewFaults(t, &s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	f.Add(s3test.Rule{Match: s3test.Op("PutObjectAcl"), Fault: s3test.Latency(40 * time.Millisecond)})
	svc := storetest.ServiceVia(t, srv, f.URL)
	var calls atomic.Int64
	var last atomic.Int64
	start := time.Now()
	res, err := share.New(svc).MakePublic(context.Background(), b, "par/", share.PublicOptions{Progress: func(done, of int64) {
		calls.Add(1)
		last.Store(done)
	}})
	took := time.Since(start)
	if err != nil || res.Objects != 200 || res.Method != share.PublicByACL {
		t.Fatalf("%+v %v", res, err)
	}
	if last.Load() != 200 {
		t.Fatalf("last progress %d", last.Load())
	}
	if took > 4*time.Second {
		t.Fatalf("200 ACLs took %v: not parallel", took)
	}
	if got := emu.PublicKeys(b); len(got) != 200 {
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
				sharetest.KeepPolicy(t, c, b)
			}
			sharetest.Put(t, c, b, "p/doc.txt", []byte("doc"))
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

			_, err := share.New(svc).MakePublic(context.Background(), b, "p/", share.PublicOptions{AllowPolicy: true})
			var sp *share.StillPublicError
			if !errors.Is(err, share.ErrStillPublic) || !errors.As(err, &sp) {
				t.Fatalf("got %v", err)
			}
			sid := share.PublicSid(b, "p/")
			if sp.Sid != sid || !strings.Contains(err.Error(), sid) || !strings.Contains(err.Error(), `"p/"`) {
				t.Fatalf("statement not named: %+v %q", sp, err)
			}
			if sids := sharetest.PolicySids(t, c, b); !slices.Contains(sids, sid) {
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
	sharetest.Put(t, c, b, "q/doc.txt", []byte("doc"))
	svc := srv.Service(t)
	if _, err := share.New(svc).MakePublic(context.Background(), b, "q/", share.PublicOptions{AllowPolicy: true}); err != nil {
		t.Fatal(err)
	}
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: s3test.Op("HeadObject"), Fault: s3test.InternalError()})
	_, err := share.New(f.Server().Service(t)).MakePublic(context.Background(), b, "q/", share.PublicOptions{AllowPolicy: true})
	if err == nil {
		t.Fatal("a failed check reported success")
	}
	if sids := sharetest.PolicySids(t, c, b); !slices.Contains(sids, share.PublicSid(b, "q/")) {
		t.Fatalf("the earlier statement (made public before this call) was removed: %v", sids)
	}
}

// A service that reads ACLs but refuses to set them changed nothing: no
// undo is sent and nothing is reported as still public.
func TestMakePublicRefusedACLNeedsNoUndo(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := sharetest.NewACLEmu(t, srv, true)
	emu.RefuseCanned = true
	emu.FailRevert["r/a"] = true // an undo, if sent, fails
	// One file: with two, the first refusal cancels the other's change in
	// flight, whose outcome is then unknown and rightly undone.
	sharetest.Put(t, srv.Client(t), b, "r/a", []byte("a"))
	_, err := share.New(storetest.ServiceVia(t, srv, emu.URL)).MakePublic(context.Background(), b, "r/", share.PublicOptions{})
	var pe *share.PublicError
	if errors.Is(err, share.ErrStillPublic) || !errors.As(err, &pe) || !pe.NeedsConsent {
		t.Fatalf("got %v", err)
	}
	if n := emu.Puts.Load(); n > 1 {
		t.Fatalf("%d ACL puts for 1 refused change: an undo was sent", n)
	}
}

// Cancelled, with an undo that fails: the error says what is still public
// and is not a quiet context.Canceled.
func TestMakePublicCancelWithFailedUndoIsNotQuiet(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	emu := sharetest.NewACLEmu(t, srv, true)
	keys := make([]string, 60)
	for i := range keys {
		keys[i] = fmt.Sprintf("cx/%02d", i)
		emu.FailRevert[keys[i]] = true
	}
	storetest.PutMany(t, srv, b, keys)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := share.New(storetest.ServiceVia(t, srv, emu.URL)).MakePublic(ctx, b, "cx/", share.PublicOptions{Progress: func(done, _ int64) {
		if done == 10 {
			cancel()
		}
	}})
	var sp *share.StillPublicError
	if errors.Is(err, context.Canceled) || !errors.As(err, &sp) {
		t.Fatalf("got %v", err)
	}
	if truth := emu.PublicKeys(b); !slices.Equal(sp.Keys, truth) || len(truth) < 10 {
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
	storetest.PutMany(t, srv, b, keys)
	emu := sharetest.NewACLEmu(t, srv, true)
	f := s3test.NewFaults(t, &s3test.Server{Endpoint: emu.URL, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	f.Add(s3test.Rule{Match: s3test.Op("ListObjectsV2"), Fault: s3test.Fault{DropToken: true}})
	_, err := share.New(storetest.ServiceVia(t, srv, f.URL)).MakePublic(context.Background(), b, "lp/", share.PublicOptions{})
	if !errors.Is(err, storage.ErrProtocol) {
		t.Fatalf("got %v", err)
	}
	if n := emu.Puts.Load(); n != 0 || len(emu.PublicKeys(b)) != 0 {
		t.Fatalf("%d ACL puts on an incomplete listing", n)
	}
}
