package sandbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"s3desk/storage"
	"s3desk/storage/share"
)

func anonGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The sandbox keeps bucket policies and honours them for anonymous reads:
// exactly the objects a statement makes public can be read without keys,
// and nothing else, not even by a listing.
func TestSandboxBucketPolicy(t *testing.T) {
	sb := start(t, t.TempDir())
	svc := service(t, sb)
	ctx := context.Background()
	for _, k := range []string{"pub/a.txt", "pub/sub/b.txt", "priv.txt"} {
		if err := svc.Put(ctx, "sampled", k, strings.NewReader("data of "+k), -1, storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	base := sb.Endpoint() + "/sampled/"
	if code, _ := anonGet(t, base+"pub/a.txt"); code != http.StatusForbidden {
		t.Fatalf("anonymous read before any policy: %d, want 403", code)
	}

	c := s3.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		cfg := sb.Config()
		return aws.Credentials{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey}, nil
	})}, func(o *s3.Options) { o.BaseEndpoint = aws.String(sb.Endpoint()); o.UsePathStyle = true })
	_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("sampled")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucketPolicy" {
		t.Fatalf("no policy yet: %v, want NoSuchBucketPolicy", err)
	}
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("sampled"), Policy: aws.String("{not json")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "MalformedPolicy" {
		t.Fatalf("bad JSON: %v, want MalformedPolicy", err)
	}
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("nosuchbucket"), Policy: aws.String(`{"Statement":[]}`)})
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucket" {
		t.Fatalf("missing bucket: %v, want NoSuchBucket", err)
	}
	policy := `{"Version":"2012-10-17","Statement":[
		{"Sid":"pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sampled/pub/*"},
		{"Sid":"no","Effect":"Deny","Principal":{"AWS":["*"]},"Action":["s3:*"],"Resource":"arn:aws:s3:::sampled/pub/sub/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("sampled"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("sampled")})
	if err != nil || aws.ToString(out.Policy) != policy {
		t.Fatalf("policy read back: %q, %v", aws.ToString(out.Policy), err)
	}
	if code, body := anonGet(t, base+"pub/a.txt"); code != http.StatusOK || body != "data of pub/a.txt" {
		t.Fatalf("public object: %d %q", code, body)
	}
	for _, u := range []string{base + "pub/sub/b.txt", base + "priv.txt", base + "?list-type=2", sb.Endpoint() + "/", base + "pub/a.txt?acl"} {
		if code, _ := anonGet(t, u); code != http.StatusForbidden {
			t.Fatalf("anonymous %s: %d, want 403", u, code)
		}
	}
	// It survives a restart, and goes with DeleteBucketPolicy.
	dir := sb.Dir()
	sb.Close()
	sb2 := start(t, dir)
	if code, _ := anonGet(t, sb2.Endpoint()+"/sampled/pub/a.txt"); code != http.StatusOK {
		t.Fatalf("after a restart: %d", code)
	}
	c2 := s3.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		cfg := sb2.Config()
		return aws.Credentials{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey}, nil
	})}, func(o *s3.Options) { o.BaseEndpoint = aws.String(sb2.Endpoint()); o.UsePathStyle = true })
	if _, err := c2.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("sampled")}); err != nil {
		t.Fatal(err)
	}
	if code, _ := anonGet(t, sb2.Endpoint()+"/sampled/pub/a.txt"); code != http.StatusForbidden {
		t.Fatalf("after DeleteBucketPolicy: %d, want 403", code)
	}
}

// The boto3 guide's last step on the embedded default: Make public on the
// sandbox works (through the policy path, with consent) and the URL opens
// without keys; Make private closes it again.
func TestSandboxMakePublic(t *testing.T) {
	sb := start(t, t.TempDir())
	svc := service(t, sb)
	sh := share.New(svc)
	ctx := context.Background()
	res, err := sh.MakePublic(ctx, "sampled", "22_Sept/", share.PublicOptions{AllowPolicy: true})
	if err != nil {
		t.Fatalf("make public: %v", err)
	}
	if !res.Verified {
		t.Fatalf("not verified: %+v", res)
	}
	var first string
	for p, err := range svc.List(ctx, "sampled", storage.ListOptions{Prefix: "22_Sept/", Recursive: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Objects) > 0 && first == "" {
			first = p.Objects[0].Key
		}
	}
	u, err := sh.PublicURL("sampled", first)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := anonGet(t, u); code != http.StatusOK {
		t.Fatalf("public URL %s: %d", u, code)
	}
	if code, _ := anonGet(t, sb.Endpoint()+"/sampled/values.csv"); code != http.StatusForbidden {
		t.Fatalf("a file outside the folder: %d, want 403", code)
	}
	if _, err := sh.MakePrivate(ctx, "sampled", "22_Sept/", share.PrivateOptions{}); err != nil {
		t.Fatalf("make private: %v", err)
	}
	if code, _ := anonGet(t, u); code != http.StatusForbidden {
		t.Fatalf("after make private: %d, want 403", code)
	}
}
