package bucketconfig_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"s3desk/storage"
	"s3desk/storage/bucketconfig"
	"s3desk/storage/s3test"
)

// Neither server here implements default encryption (versitygw at all,
// MinIO without a KMS): reading says "none" or "not supported", saving says
// "not supported" in words.
func TestEncryptionNotSupported(t *testing.T) {
	for _, srv := range []*s3test.Server{s3test.StartVersity(t), s3test.StartMinIO(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc, b := srv.Service(t), srv.Bucket(t)
			cfg := bucketconfig.New(svc)
			e, err := cfg.Encryption(ctx, b)
			switch srv.Kind {
			case s3test.Versity:
				notSupported(t, "read", err, "default encryption")
			default:
				if err != nil || e.Algorithm != bucketconfig.NoEncryption {
					t.Fatalf("read: %+v %v", e, err)
				}
			}
			for _, e := range []bucketconfig.Encryption{{Algorithm: bucketconfig.SSES3}, {Algorithm: bucketconfig.SSEKMS, KMSKeyID: "alias/app"}} {
				notSupported(t, "put "+string(e.Algorithm), cfg.PutEncryption(ctx, b, e), "default encryption")
			}
		})
	}
}

func TestEncryptionValidate(t *testing.T) {
	bad := map[string]bucketconfig.Encryption{
		"choose SSE-S3 or SSE-KMS": {},
		"the algorithm is SSE-S3":  {Algorithm: bucketconfig.SSES3, KMSKeyID: "k"},
		"contains spaces":          {Algorithm: bucketconfig.SSEKMS, KMSKeyID: "my key"},
		"unknown":                  {Algorithm: "aws:kms:dsse:x"},
	}
	for want, e := range bad {
		if err := e.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", e, err, want)
		}
	}
}

// encRequest is what a loopback server saw of a PutBucketEncryption.
type encRequest struct {
	method, path, query string
	header              http.Header
	body                []byte
}

// The request the SDK sends for each choice, captured at a loopback
// server, against the shape in the S3 API reference (PutBucketEncryption):
// PUT /BUCKET?encryption with an integrity header and the body
//
//	<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
//	  <Rule>
//	    <ApplyServerSideEncryptionByDefault>
//	      <SSEAlgorithm>AES256 | aws:kms</SSEAlgorithm>
//	      <KMSMasterKeyID>…</KMSMasterKeyID>   (SSE-KMS only)
//	    </ApplyServerSideEncryptionByDefault>
//	    <BucketKeyEnabled>true|false</BucketKeyEnabled>
//	  </Rule>
//	</ServerSideEncryptionConfiguration>
func TestPutEncryptionRequestShape(t *testing.T) {
	var mu sync.Mutex
	var seen []encRequest
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, encRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(hs.Close)
	svc, err := storage.New(context.Background(), storage.Config{Endpoint: hs.URL, Region: "eu-west-1", PathStyle: true, AccessKeyID: "AKID", SecretAccessKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := bucketconfig.New(svc)
	ctx := context.Background()
	if err := cfg.PutEncryption(ctx, "site", bucketconfig.Encryption{Algorithm: bucketconfig.SSES3}); err != nil {
		t.Fatal(err)
	}
	kmsKey := "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	if err := cfg.PutEncryption(ctx, "site", bucketconfig.Encryption{Algorithm: bucketconfig.SSEKMS, KMSKeyID: kmsKey, BucketKey: true}); err != nil {
		t.Fatal(err)
	}
	if err := cfg.PutEncryption(ctx, "site", bucketconfig.Encryption{Algorithm: bucketconfig.SSEKMS}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 {
		t.Fatalf("requests: %d", len(seen))
	}
	type byDefault struct {
		SSEAlgorithm   string
		KMSMasterKeyID *string
	}
	type doc struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ServerSideEncryptionConfiguration"`
		Rules   []struct {
			ApplyServerSideEncryptionByDefault *byDefault
			BucketKeyEnabled                   *bool
		} `xml:"Rule"`
	}
	want := []struct {
		alg       string
		key       *string
		bucketKey *bool
	}{
		{"AES256", nil, nil},
		{"aws:kms", &kmsKey, ptr(true)},
		{"aws:kms", nil, ptr(false)},
	}
	for i, r := range seen {
		if r.method != http.MethodPut || r.path != "/site" || (r.query != "encryption" && r.query != "encryption=") {
			t.Errorf("%d: %s %s?%s", i, r.method, r.path, r.query)
		}
		if r.header.Get("Content-MD5") == "" && !hasChecksum(r.header) {
			t.Errorf("%d: no Content-MD5 or x-amz-checksum-* header (the API requires one): %v", i, r.header)
		}
		var d doc
		if err := xml.Unmarshal(r.body, &d); err != nil {
			t.Fatalf("%d: body %s: %v", i, r.body, err)
		}
		if len(d.Rules) != 1 || d.Rules[0].ApplyServerSideEncryptionByDefault == nil {
			t.Fatalf("%d: body %s", i, r.body)
		}
		got := d.Rules[0]
		w := want[i]
		if got.ApplyServerSideEncryptionByDefault.SSEAlgorithm != w.alg ||
			!sameStr(got.ApplyServerSideEncryptionByDefault.KMSMasterKeyID, w.key) || !sameBool(got.BucketKeyEnabled, w.bucketKey) {
			t.Errorf("%d: body %s", i, r.body)
		}
	}
}

func hasChecksum(h http.Header) bool {
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-checksum-") {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

func sameStr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func sameBool(a, b *bool) bool  { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// A 501 from a server without KMS is ErrNotSupported, not a failure to retry.
func TestEncryptionNotSupportedIsNotRetried(t *testing.T) {
	var n int
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = io.WriteString(w, `<Error><Code>NotImplemented</Code><Message>no KMS</Message></Error>`)
	}))
	t.Cleanup(hs.Close)
	svc, err := storage.New(context.Background(), storage.Config{Endpoint: hs.URL, Region: "us-east-1", PathStyle: true, AccessKeyID: "AKID", SecretAccessKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	err = bucketconfig.New(svc).PutEncryption(context.Background(), "b", bucketconfig.Encryption{Algorithm: bucketconfig.SSES3})
	if !errors.Is(err, storage.ErrNotSupported) || n != 1 {
		t.Fatalf("%v after %d requests", err, n)
	}
}
