package share_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage/internal/sharetest"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

// shareHostileKey holds a +, spaces and unicode.
const shareHostileKey = "share/a+b c ü €.txt"

func TestMakePublicThroughACL(t *testing.T) {
	srv := s3test.StartVersity(t)
	c, b := srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	svc := storetest.ServiceVia(t, srv, sharetest.ACLProxy(t, srv, true))
	sharetest.KeepPolicy(t, c, b)
	sharetest.Put(t, c, b, shareHostileKey, []byte("public soon"))
	sharetest.Put(t, c, b, "other/kept.txt", []byte("theirs"))
	url, err := share.New(svc).PublicURL(b, shareHostileKey)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(url, "/share/a%2Bb%20c%20%C3%BC%20%E2%82%AC.txt") {
		t.Fatalf("public URL %s", url)
	}
	sharetest.Expect(t, url, 403, "")
	if _, err := share.New(svc).VerifyPublic(ctx, url); !errors.Is(err, share.ErrNotPublic) {
		t.Fatalf("verify before: %v", err)
	}

	res, err := share.New(svc).MakePublic(ctx, b, shareHostileKey, share.PublicOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != share.PublicByACL || res.Objects != 1 || res.URL != url || !res.Verified || res.Check.Status != 200 {
		t.Fatalf("result %+v", res)
	}
	sharetest.Expect(t, url, 200, "public soon")
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy touched by the ACL path: %v", sids)
	}

	pr, err := share.New(svc).MakePrivate(ctx, b, shareHostileKey, share.PrivateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pr.ACLReset != 1 || pr.RemovedStatement {
		t.Fatalf("private result %+v", pr)
	}
	sharetest.Expect(t, url, 403, "")
	if _, err := share.New(svc).VerifyPublic(ctx, url); !errors.Is(err, share.ErrNotPublic) || !strings.Contains(err.Error(), "403") {
		t.Fatalf("verify after private: %v", err)
	}
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy after private: %v", sids)
	}
	other, _ := share.New(svc).PublicURL(b, "other/kept.txt")
	sharetest.Expect(t, other, 200, "theirs")
}

// A service that accepts a public-read ACL but ignores it must not make the
// app claim success.
func TestMakePublicIgnoredACLIsNotSuccess(t *testing.T) {
	srv := s3test.StartVersity(t)
	c, b := srv.Client(t), srv.Bucket(t)
	svc := storetest.ServiceVia(t, srv, sharetest.ACLProxy(t, srv, false))
	sharetest.Put(t, c, b, "k.txt", []byte("x"))
	_, err := share.New(svc).MakePublic(context.Background(), b, "k.txt", share.PublicOptions{})
	var pe *share.PublicError
	if !errors.Is(err, share.ErrConsentRequired) || !errors.As(err, &pe) || pe.ACLReason != share.BlockACLIgnored {
		t.Fatalf("got %v", err)
	}
}

// versitygw with BucketOwnerPreferred ownership takes bucket ACLs but
// implements no object ACLs: the app says so and offers the policy way.
func TestMakePublicOwnerPreferredBucketOnVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c := srv.Service(t), srv.Client(t)
	ctx := context.Background()
	b := "acl-" + strings.ToLower(srv.AccessKey[2:10])
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b), ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}); err != nil {
		t.Fatal(err)
	}
	sharetest.KeepPolicy(t, c, b)
	sharetest.Put(t, c, b, shareHostileKey, []byte("owner preferred"))
	url, _ := share.New(svc).PublicURL(b, shareHostileKey)
	_, err := share.New(svc).MakePublic(ctx, b, shareHostileKey, share.PublicOptions{})
	var pe *share.PublicError
	if !errors.Is(err, share.ErrConsentRequired) || !errors.As(err, &pe) || pe.ACLReason != share.BlockNotImplemented {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "NotImplemented") {
		t.Fatalf("message %q", err)
	}
	sharetest.Expect(t, url, 403, "")
	res, err := share.New(svc).MakePublic(ctx, b, shareHostileKey, share.PublicOptions{AllowPolicy: true})
	if err != nil || res.Method != share.PublicByPolicy || !res.Verified {
		t.Fatalf("%+v %v", res, err)
	}
	sharetest.Expect(t, url, 200, "owner preferred")
	if _, err := share.New(svc).MakePrivate(ctx, b, shareHostileKey, share.PrivateOptions{}); err != nil {
		t.Fatal(err)
	}
	sharetest.Expect(t, url, 403, "")
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy after private: %v", sids)
	}
}

func TestMakePublicThroughPolicyNeedsConsent(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	sharetest.KeepPolicy(t, c, b)
	sharetest.Put(t, c, b, shareHostileKey, []byte("via policy"))
	sharetest.Put(t, c, b, "share/sibling.txt", []byte("not shared"))
	sharetest.Put(t, c, b, "other/kept.txt", []byte("theirs"))
	url, _ := share.New(svc).PublicURL(b, shareHostileKey)
	other, _ := share.New(svc).PublicURL(b, "other/kept.txt")
	sibling, _ := share.New(svc).PublicURL(b, "share/sibling.txt")

	// Without consent: a typed error asking for it, and nothing changed.
	_, err := share.New(svc).MakePublic(ctx, b, shareHostileKey, share.PublicOptions{})
	var pe *share.PublicError
	if !errors.Is(err, share.ErrConsentRequired) || !errors.As(err, &pe) || !pe.NeedsConsent {
		t.Fatalf("without consent: %v", err)
	}
	if pe.ACLReason != share.BlockOwnerEnforced && pe.ACLReason != share.BlockNotImplemented {
		t.Fatalf("ACL reason %q", pe.ACLReason)
	}
	if !strings.Contains(err.Error(), "bucket-policy statement") {
		t.Fatalf("message %q", err)
	}
	sharetest.Expect(t, url, 403, "")

	// With consent: one statement for exactly that key.
	res, err := share.New(svc).MakePublic(ctx, b, shareHostileKey, share.PublicOptions{AllowPolicy: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != share.PublicByPolicy || res.Sid != share.PublicSid(b, shareHostileKey) {
		t.Fatalf("result %+v", res)
	}
	sharetest.Expect(t, url, 200, "via policy")
	sharetest.Expect(t, sibling, 403, "")
	sharetest.Expect(t, other, 200, "theirs")
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 2 || sids[0] != "UsersOwn" || sids[1] != res.Sid {
		t.Fatalf("policy after public: %v", sids)
	}
	// Doing it twice keeps one statement.
	if _, err := share.New(svc).MakePublic(ctx, b, shareHostileKey, share.PublicOptions{AllowPolicy: true}); err != nil {
		t.Fatal(err)
	}
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 2 {
		t.Fatalf("policy after second public: %v", sids)
	}

	pr, err := share.New(svc).MakePrivate(ctx, b, shareHostileKey, share.PrivateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !pr.RemovedStatement {
		t.Fatalf("private result %+v", pr)
	}
	sharetest.Expect(t, url, 403, "")
	sharetest.Expect(t, other, 200, "theirs")
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy after private: %v", sids)
	}
}

func TestMakePublicFolderThroughPolicy(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	sharetest.Put(t, c, b, "pub/one.txt", []byte("1"))
	sharetest.Put(t, c, b, "pub/deep/two.txt", []byte("2"))
	sharetest.Put(t, c, b, "pubx.txt", []byte("x"))
	res, err := share.New(svc).MakePublic(ctx, b, "pub/", share.PublicOptions{AllowPolicy: true})
	if err != nil || res.Method != share.PublicByPolicy {
		t.Fatalf("%+v %v", res, err)
	}
	for k, body := range map[string]string{"pub/one.txt": "1", "pub/deep/two.txt": "2"} {
		u, _ := share.New(svc).PublicURL(b, k)
		sharetest.Expect(t, u, 200, body)
	}
	u, _ := share.New(svc).PublicURL(b, "pubx.txt")
	sharetest.Expect(t, u, 403, "")

	// Making a file inside private does not undo the folder's statement,
	// and says so.
	pr, err := share.New(svc).MakePrivate(ctx, b, "pub/one.txt", share.PrivateOptions{})
	if err != nil || pr.RemovedStatement || len(pr.StillGrantedBy) != 1 {
		t.Fatalf("inner private: %+v %v", pr, err)
	}
	pr, err = share.New(svc).MakePrivate(ctx, b, "pub/", share.PrivateOptions{})
	if err != nil || !pr.RemovedStatement {
		t.Fatalf("folder private: %+v %v", pr, err)
	}
	u, _ = share.New(svc).PublicURL(b, "pub/one.txt")
	sharetest.Expect(t, u, 403, "")
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 0 {
		t.Fatalf("policy left behind: %v", sids)
	}
}

func TestMakePublicRefusesWildcardKeyHonestly(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	sharetest.Put(t, c, b, "a*b.txt", []byte("x"))
	_, err := share.New(svc).MakePublic(context.Background(), b, "a*b.txt", share.PublicOptions{AllowPolicy: true})
	var pe *share.PublicError
	if !errors.Is(err, share.ErrCannotMakePublic) || !errors.As(err, &pe) || pe.PolicyReason != share.BlockWildcardKey {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "presigned link") {
		t.Fatalf("no alternative offered: %q", err)
	}
	if sids := sharetest.PolicySids(t, c, b); len(sids) != 0 {
		t.Fatalf("policy written: %v", sids)
	}
}

func TestWebsiteURLOnlyForAWS(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	u, err := share.New(svc).WebsiteURL(context.Background(), b, "index.html")
	if err != nil || u != "" {
		t.Fatalf("custom endpoint website URL %q %v", u, err)
	}
}
