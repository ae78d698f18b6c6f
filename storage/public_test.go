package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// shareHostileKey holds a +, spaces and unicode.
const shareHostileKey = "share/a+b c ü €.txt"

// keepPolicy puts a policy with a statement of the user's own, which must
// survive everything the app does: it makes other/* public.
func shareKeepPolicy(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	pol := `{"Version":"2012-10-17","Statement":[{"Sid":"UsersOwn","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/other/*"}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(pol)}); err != nil {
		t.Fatalf("put policy: %v", err)
	}
}

// policySids lists the Sids of the bucket policy ("" entries for none).
func sharePolicySids(t *testing.T, c *s3.Client, bucket string) []string {
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

func shareExpect(t *testing.T, url string, want int, body string) {
	t.Helper()
	st, got, _ := shareAnon(t, http.MethodGet, url, nil, nil)
	if st != want || (want == 200 && string(got) != body) {
		t.Fatalf("anonymous GET %s: %d %q, want %d", url, st, got, want)
	}
}

// shareACLProxy stands in front of versitygw with an ACL emulator (see
// aclEmu); with honour false the emulated service accepts ACLs and ignores
// them for anonymous reads, as some services do.
func shareACLProxy(t *testing.T, srv *s3test.Server, honour bool) string {
	t.Helper()
	return newACLEmu(t, srv, honour).URL
}

func TestMakePublicThroughACL(t *testing.T) {
	srv := s3test.StartVersity(t)
	c, b := srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	svc := serviceVia(t, srv, shareACLProxy(t, srv, true))
	shareKeepPolicy(t, c, b)
	sharePut(t, c, b, shareHostileKey, []byte("public soon"))
	sharePut(t, c, b, "other/kept.txt", []byte("theirs"))
	url, err := svc.PublicURL(b, shareHostileKey)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(url, "/share/a%2Bb%20c%20%C3%BC%20%E2%82%AC.txt") {
		t.Fatalf("public URL %s", url)
	}
	shareExpect(t, url, 403, "")
	if _, err := svc.VerifyPublic(ctx, url); !errors.Is(err, storage.ErrNotPublic) {
		t.Fatalf("verify before: %v", err)
	}

	res, err := svc.MakePublic(ctx, b, shareHostileKey, storage.PublicOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != storage.PublicByACL || res.Objects != 1 || res.URL != url || !res.Verified || res.Check.Status != 200 {
		t.Fatalf("result %+v", res)
	}
	shareExpect(t, url, 200, "public soon")
	if sids := sharePolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy touched by the ACL path: %v", sids)
	}

	pr, err := svc.MakePrivate(ctx, b, shareHostileKey, storage.PrivateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pr.ACLReset != 1 || pr.RemovedStatement {
		t.Fatalf("private result %+v", pr)
	}
	shareExpect(t, url, 403, "")
	if _, err := svc.VerifyPublic(ctx, url); !errors.Is(err, storage.ErrNotPublic) || !strings.Contains(err.Error(), "403") {
		t.Fatalf("verify after private: %v", err)
	}
	if sids := sharePolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy after private: %v", sids)
	}
	other, _ := svc.PublicURL(b, "other/kept.txt")
	shareExpect(t, other, 200, "theirs")
}

// A service that accepts a public-read ACL but ignores it must not make the
// app claim success.
func TestMakePublicIgnoredACLIsNotSuccess(t *testing.T) {
	srv := s3test.StartVersity(t)
	c, b := srv.Client(t), srv.Bucket(t)
	svc := serviceVia(t, srv, shareACLProxy(t, srv, false))
	sharePut(t, c, b, "k.txt", []byte("x"))
	_, err := svc.MakePublic(context.Background(), b, "k.txt", storage.PublicOptions{})
	var pe *storage.PublicError
	if !errors.Is(err, storage.ErrConsentRequired) || !errors.As(err, &pe) || pe.ACLReason != storage.BlockACLIgnored {
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
	shareKeepPolicy(t, c, b)
	sharePut(t, c, b, shareHostileKey, []byte("owner preferred"))
	url, _ := svc.PublicURL(b, shareHostileKey)
	_, err := svc.MakePublic(ctx, b, shareHostileKey, storage.PublicOptions{})
	var pe *storage.PublicError
	if !errors.Is(err, storage.ErrConsentRequired) || !errors.As(err, &pe) || pe.ACLReason != storage.BlockNotImplemented {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "NotImplemented") {
		t.Fatalf("message %q", err)
	}
	shareExpect(t, url, 403, "")
	res, err := svc.MakePublic(ctx, b, shareHostileKey, storage.PublicOptions{AllowPolicy: true})
	if err != nil || res.Method != storage.PublicByPolicy || !res.Verified {
		t.Fatalf("%+v %v", res, err)
	}
	shareExpect(t, url, 200, "owner preferred")
	if _, err := svc.MakePrivate(ctx, b, shareHostileKey, storage.PrivateOptions{}); err != nil {
		t.Fatal(err)
	}
	shareExpect(t, url, 403, "")
	if sids := sharePolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy after private: %v", sids)
	}
}

func TestMakePublicThroughPolicyNeedsConsent(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	shareKeepPolicy(t, c, b)
	sharePut(t, c, b, shareHostileKey, []byte("via policy"))
	sharePut(t, c, b, "share/sibling.txt", []byte("not shared"))
	sharePut(t, c, b, "other/kept.txt", []byte("theirs"))
	url, _ := svc.PublicURL(b, shareHostileKey)
	other, _ := svc.PublicURL(b, "other/kept.txt")
	sibling, _ := svc.PublicURL(b, "share/sibling.txt")

	// Without consent: a typed error asking for it, and nothing changed.
	_, err := svc.MakePublic(ctx, b, shareHostileKey, storage.PublicOptions{})
	var pe *storage.PublicError
	if !errors.Is(err, storage.ErrConsentRequired) || !errors.As(err, &pe) || !pe.NeedsConsent {
		t.Fatalf("without consent: %v", err)
	}
	if pe.ACLReason != storage.BlockOwnerEnforced && pe.ACLReason != storage.BlockNotImplemented {
		t.Fatalf("ACL reason %q", pe.ACLReason)
	}
	if !strings.Contains(err.Error(), "bucket-policy statement") {
		t.Fatalf("message %q", err)
	}
	shareExpect(t, url, 403, "")

	// With consent: one statement for exactly that key.
	res, err := svc.MakePublic(ctx, b, shareHostileKey, storage.PublicOptions{AllowPolicy: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != storage.PublicByPolicy || res.Sid != storage.PublicSid(b, shareHostileKey) {
		t.Fatalf("result %+v", res)
	}
	shareExpect(t, url, 200, "via policy")
	shareExpect(t, sibling, 403, "")
	shareExpect(t, other, 200, "theirs")
	if sids := sharePolicySids(t, c, b); len(sids) != 2 || sids[0] != "UsersOwn" || sids[1] != res.Sid {
		t.Fatalf("policy after public: %v", sids)
	}
	// Doing it twice keeps one statement.
	if _, err := svc.MakePublic(ctx, b, shareHostileKey, storage.PublicOptions{AllowPolicy: true}); err != nil {
		t.Fatal(err)
	}
	if sids := sharePolicySids(t, c, b); len(sids) != 2 {
		t.Fatalf("policy after second public: %v", sids)
	}

	pr, err := svc.MakePrivate(ctx, b, shareHostileKey, storage.PrivateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !pr.RemovedStatement {
		t.Fatalf("private result %+v", pr)
	}
	shareExpect(t, url, 403, "")
	shareExpect(t, other, 200, "theirs")
	if sids := sharePolicySids(t, c, b); len(sids) != 1 || sids[0] != "UsersOwn" {
		t.Fatalf("policy after private: %v", sids)
	}
}

func TestMakePublicFolderThroughPolicy(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	sharePut(t, c, b, "pub/one.txt", []byte("1"))
	sharePut(t, c, b, "pub/deep/two.txt", []byte("2"))
	sharePut(t, c, b, "pubx.txt", []byte("x"))
	res, err := svc.MakePublic(ctx, b, "pub/", storage.PublicOptions{AllowPolicy: true})
	if err != nil || res.Method != storage.PublicByPolicy {
		t.Fatalf("%+v %v", res, err)
	}
	for k, body := range map[string]string{"pub/one.txt": "1", "pub/deep/two.txt": "2"} {
		u, _ := svc.PublicURL(b, k)
		shareExpect(t, u, 200, body)
	}
	u, _ := svc.PublicURL(b, "pubx.txt")
	shareExpect(t, u, 403, "")

	// Making a file inside private does not undo the folder's statement,
	// and says so.
	pr, err := svc.MakePrivate(ctx, b, "pub/one.txt", storage.PrivateOptions{})
	if err != nil || pr.RemovedStatement || len(pr.StillGrantedBy) != 1 {
		t.Fatalf("inner private: %+v %v", pr, err)
	}
	pr, err = svc.MakePrivate(ctx, b, "pub/", storage.PrivateOptions{})
	if err != nil || !pr.RemovedStatement {
		t.Fatalf("folder private: %+v %v", pr, err)
	}
	u, _ = svc.PublicURL(b, "pub/one.txt")
	shareExpect(t, u, 403, "")
	if sids := sharePolicySids(t, c, b); len(sids) != 0 {
		t.Fatalf("policy left behind: %v", sids)
	}
}

func TestMakePublicRefusesWildcardKeyHonestly(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	sharePut(t, c, b, "a*b.txt", []byte("x"))
	_, err := svc.MakePublic(context.Background(), b, "a*b.txt", storage.PublicOptions{AllowPolicy: true})
	var pe *storage.PublicError
	if !errors.Is(err, storage.ErrCannotMakePublic) || !errors.As(err, &pe) || pe.PolicyReason != storage.BlockWildcardKey {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "presigned link") {
		t.Fatalf("no alternative offered: %q", err)
	}
	if sids := sharePolicySids(t, c, b); len(sids) != 0 {
		t.Fatalf("policy written: %v", sids)
	}
}

func TestWebsiteURLOnlyForAWS(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	u, err := svc.WebsiteURL(context.Background(), b, "index.html")
	if err != nil || u != "" {
		t.Fatalf("custom endpoint website URL %q %v", u, err)
	}
}
