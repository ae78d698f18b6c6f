package storage_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

func TestWebsiteURLPerProvider(t *testing.T) {
	ok := []struct{ endpoint, region, want string }{
		{"", "us-east-1", "http://b.s3-website-us-east-1.amazonaws.com"},
		{"", "us-west-2", "http://b.s3-website-us-west-2.amazonaws.com"},
		{"", "eu-west-1", "http://b.s3-website-eu-west-1.amazonaws.com"},
		{"", "ap-southeast-2", "http://b.s3-website-ap-southeast-2.amazonaws.com"},
		{"", "sa-east-1", "http://b.s3-website-sa-east-1.amazonaws.com"},
		{"", "us-gov-west-1", "http://b.s3-website-us-gov-west-1.amazonaws.com"},
		{"", "eu-central-1", "http://b.s3-website.eu-central-1.amazonaws.com"},
		{"", "us-east-2", "http://b.s3-website.us-east-2.amazonaws.com"},
		{"", "ap-south-1", "http://b.s3-website.ap-south-1.amazonaws.com"},
		{"", "us-gov-east-1", "http://b.s3-website.us-gov-east-1.amazonaws.com"},
		{"", "cn-north-1", "http://b.s3-website.cn-north-1.amazonaws.com.cn"},
		{"", "cn-northwest-1", "http://b.s3-website.cn-northwest-1.amazonaws.com.cn"},
		{"", "", "http://b.s3-website-us-east-1.amazonaws.com"},
		{"https://s3.eu-central-1.amazonaws.com", "eu-central-1", "http://b.s3-website.eu-central-1.amazonaws.com"},
		{"https://s3.fr-par.scw.cloud", "fr-par", "https://b.s3-website.fr-par.scw.cloud"},
		{"https://s3.nl-ams.scw.cloud", "", "https://b.s3-website.nl-ams.scw.cloud"},
		{"https://us-east-1.linodeobjects.com", "us-east-1", "http://b.website-us-east-1.linodeobjects.com"},
		{"https://se-sto-1.linodeobjects.com/", "", "http://b.website-se-sto-1.linodeobjects.com"},
	}
	for _, c := range ok {
		got, err := storage.WebsiteURLFor(c.endpoint, c.region, "b")
		if err != nil || got != c.want {
			t.Errorf("%q %q: got %q, %v; want %q", c.endpoint, c.region, got, err, c.want)
		}
	}
	none := map[string]string{
		"https://s3.us-east-1.wasabisys.com":                  "Wasabi has no static-website endpoint",
		"https://s3.us-west-004.backblazeb2.com":              "Backblaze B2 has no static-website endpoint",
		"https://0123456789abcdef.r2.cloudflarestorage.com":   "Cloudflare R2 has no static-website endpoint",
		"https://fra1.digitaloceanspaces.com":                 "DigitalOcean Spaces has no static-website endpoint",
		"http://127.0.0.1:9000":                               "this provider (127.0.0.1) has no known static-website endpoint",
		"https://minio.example.com":                           "this provider (minio.example.com) has no known static-website endpoint",
		"https://storage.googleapis.com":                      "Google Cloud Storage has no static-website endpoint",
		"https://not-wasabisys.com.evil.example":              "this provider (not-wasabisys.com.evil.example) has no known",
		"https://amazonaws.com.attacker.example/":             "this provider (amazonaws.com.attacker.example) has no known",
		"https://s3.us-east-1.wasabisys.com.example.internal": "has no known static-website endpoint",
	}
	for ep, want := range none {
		got, err := storage.WebsiteURLFor(ep, "us-east-1", "b")
		if got != "" || !errors.Is(err, storage.ErrNoWebsiteEndpoint) || !errors.Is(err, storage.ErrNotSupported) {
			t.Errorf("%s: got %q, %v; want ErrNoWebsiteEndpoint", ep, got, err)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "public URL") {
			t.Errorf("%s: message %q, want %q and the public-URL fallback", ep, err, want)
		}
	}
}

// The AWS website URL uses the bucket's own region once learnt, not the
// profile's.
func TestWebsiteURLServiceUsesBucketRegion(t *testing.T) {
	svc, err := storage.New(context.Background(), storage.Config{Region: "us-east-1", AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "x"})
	if err != nil {
		t.Fatal(err)
	}
	storage.RememberRegionForTest(svc, "site", "eu-central-1")
	u, err := svc.WebsiteURL(context.Background(), "site")
	if err != nil || u != "http://site.s3-website.eu-central-1.amazonaws.com" {
		t.Fatalf("got %q %v", u, err)
	}
}

func TestWebsiteRoundTripVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	ctx := context.Background()

	c, err := svc.Website(ctx, b)
	if err != nil || c.Enabled {
		t.Fatalf("fresh bucket: %+v %v", c, err)
	}
	if has, err := svc.HasWebsite(ctx, b); err != nil || has {
		t.Fatalf("HasWebsite fresh: %v %v", has, err)
	}
	if err := svc.PutWebsite(ctx, b, storage.WebsiteConfig{IndexDocument: "a/index.html"}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("index with a slash: %v", err)
	}
	if err := svc.PutWebsite(ctx, b, storage.WebsiteConfig{IndexDocument: " "}); !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "index document is empty") {
		t.Fatalf("empty index: %v", err)
	}
	if err := svc.PutWebsite(ctx, b, storage.WebsiteConfig{IndexDocument: "index.html", ErrorDocument: "errors/404.html"}); err != nil {
		t.Fatalf("put: %v", err)
	}
	// Behind the service's back: what the server stored.
	raw, err := srv.Client(t).GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(b)})
	if err != nil || aws.ToString(raw.IndexDocument.Suffix) != "index.html" || raw.ErrorDocument == nil || aws.ToString(raw.ErrorDocument.Key) != "errors/404.html" {
		t.Fatalf("stored: %+v %v", raw, err)
	}
	c, err = svc.Website(ctx, b)
	if err != nil || !c.Enabled || c.IndexDocument != "index.html" || c.ErrorDocument != "errors/404.html" {
		t.Fatalf("read back: %+v %v", c, err)
	}
	if has, err := svc.HasWebsite(ctx, b); err != nil || !has {
		t.Fatalf("HasWebsite: %v %v", has, err)
	}
	// versitygw keeps the configuration but serves no website endpoint.
	if u, err := svc.WebsiteURL(ctx, b); u != "" || !errors.Is(err, storage.ErrNoWebsiteEndpoint) {
		t.Fatalf("website URL on versitygw: %q %v", u, err)
	}
	if err := svc.DeleteWebsite(ctx, b); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if c, err := svc.Website(ctx, b); err != nil || c.Enabled {
		t.Fatalf("after delete: %+v %v", c, err)
	}
}

func TestWebsiteNotSupportedMinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	ctx := context.Background()
	err := svc.PutWebsite(ctx, b, storage.WebsiteConfig{IndexDocument: "index.html"})
	if !errors.Is(err, storage.ErrNotSupported) || !strings.Contains(err.Error(), "this server does not implement static website hosting") {
		t.Errorf("put: %v", err)
	}
	// MinIO answers GetBucketWebsite with "no configuration" (and
	// DeleteBucketWebsite with success): not an error.
	if has, err := svc.HasWebsite(ctx, b); err != nil || has {
		t.Fatalf("HasWebsite: %v %v", has, err)
	}
}

// NotImplemented and MethodNotAllowed, by code or by bare status, are
// ErrNotSupported (and still ErrNotImplemented, the older name); a 405 about
// a delete marker is not.
func TestNotSupportedMapping(t *testing.T) {
	resp := func(status int, hdr http.Header) *awshttp.ResponseError {
		if hdr == nil {
			hdr = http.Header{}
		}
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: hdr}},
			Err:      errors.New("boom")}}
	}
	apiErr := func(code string, status int, hdr http.Header) error {
		r := resp(status, hdr)
		r.Err = &smithy.GenericAPIError{Code: code, Message: "x"}
		return r
	}
	cases := []error{
		apiErr("NotImplemented", 501, nil),
		apiErr("MethodNotAllowed", 405, nil),
		resp(http.StatusNotImplemented, nil),
		resp(http.StatusMethodNotAllowed, nil),
	}
	for i, in := range cases {
		err := storage.MapFeatureError("read the lifecycle rules", "lifecycle rules", "b", in)
		if !errors.Is(err, storage.ErrNotSupported) || !errors.Is(err, storage.ErrNotImplemented) {
			t.Errorf("%d: kind %v", i, err)
		}
		if err.Error() != "read the lifecycle rules: this server does not implement lifecycle rules" {
			t.Errorf("%d: message %q", i, err)
		}
	}
	dm := storage.MapErrForTest("download", "b", "k", apiErr("MethodNotAllowed", 405, http.Header{"X-Amz-Delete-Marker": {"true"}}))
	if errors.Is(dm, storage.ErrNotSupported) || !errors.Is(dm, storage.ErrNotFound) || !strings.Contains(dm.Error(), "delete marker") {
		t.Fatalf("delete marker: %v", dm)
	}
}
