package bucketconfig_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/bucketconfig"
	"s3desk/storage/s3test"
)

func TestWebsiteEnableVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	ctx := context.Background()
	svc, b := srv.Service(t), srv.Bucket(t)
	cfg := bucketconfig.New(svc)
	if err := cfg.PutWebsite(ctx, b, storage.WebsiteConfig{IndexDocument: "index.html", ErrorDocument: "404.html"}); err != nil {
		t.Fatal(err)
	}
	w, err := cfg.Website(ctx, b)
	if err != nil || !w.Enabled || w.IndexDocument != "index.html" || w.ErrorDocument != "404.html" {
		t.Fatalf("read back %+v %v", w, err)
	}
	// versitygw has no website endpoint: the address is the index page's
	// object URL, and the note says why.
	addr, err := cfg.WebsiteAddress(ctx, b, w.IndexDocument)
	if err != nil || addr.Endpoint || addr.URL != srv.Endpoint+"/"+b+"/index.html" || !strings.Contains(addr.Note, "no known static-website endpoint") {
		t.Fatalf("address %+v %v", addr, err)
	}
	if err := cfg.DeleteWebsite(ctx, b); err != nil {
		t.Fatal(err)
	}
	if w, err := cfg.Website(ctx, b); err != nil || w.Enabled {
		t.Fatalf("after disable %+v %v", w, err)
	}
}

func TestWebsiteAddressAWS(t *testing.T) {
	svc, err := storage.New(context.Background(), storage.Config{Region: "eu-central-1", AccessKeyID: "AKID", SecretAccessKey: "x"})
	if err != nil {
		t.Fatal(err)
	}
	// The bucket's region is the profile's once learnt; LearnRegion would
	// ask AWS, so the context is already cancelled and the profile's region
	// is used.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	addr, err := bucketconfig.New(svc).WebsiteAddress(ctx, "site", "index.html")
	if err != nil || !addr.Endpoint || addr.URL != "http://site.s3-website.eu-central-1.amazonaws.com/" {
		t.Fatalf("%+v %v", addr, err)
	}
}

// sub matches requests to a bucket subresource (?versioning, ?tagging...)
// with the given method.
func sub(method, name string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		_, ok := r.URL.Query()[name]
		return ok && r.Method == method
	}
}

// A busy server (503 SlowDown) on reading and writing each setting is
// retried to success.
func TestSettingsRetryThrough503(t *testing.T) {
	srv := s3test.StartVersityVersioned(t)
	b := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	subs := []string{"versioning", "tagging", "policy", "cors", "website"}
	for _, name := range subs {
		for _, m := range []string{http.MethodGet, http.MethodPut} {
			f.Add(s3test.Rule{Match: sub(m, name), Times: 2, Fault: s3test.SlowDown()})
		}
	}
	cfg := bucketconfig.New(f.Server().Service(t))
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("set versioning", cfg.SetVersioning(ctx, b, bucketconfig.Enabled))
	v, err := cfg.Versioning(ctx, b)
	must("read versioning", err)
	must("put tags", cfg.PutTags(ctx, b, []bucketconfig.Tag{{"a", "1"}}))
	tags, err := cfg.Tags(ctx, b)
	must("read tags", err)
	must("put policy", cfg.PutPolicy(ctx, b, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+b+`/*"}]}`))
	p, err := cfg.Policy(ctx, b)
	must("read policy", err)
	must("put cors", cfg.PutCORS(ctx, b, []bucketconfig.CORSRule{bucketconfig.AllowGetFromAnyOrigin()}))
	cors, err := cfg.CORS(ctx, b)
	must("read cors", err)
	must("put website", cfg.PutWebsite(ctx, b, storage.WebsiteConfig{IndexDocument: "index.html"}))
	w, err := cfg.Website(ctx, b)
	must("read website", err)
	if v != bucketconfig.Enabled || len(tags) != 1 || p == "" || len(cors) != 1 || !w.Enabled {
		t.Fatalf("read back: %q %v %q %v %+v", v, tags, p, cors, w)
	}
	log := strings.Join(f.Log(), "\n")
	for _, name := range subs {
		for _, m := range []string{http.MethodGet, http.MethodPut} {
			// 2 faults, then the answer that got through.
			if n := strings.Count(log, m+" /"+b+"?"+name); n < 3 {
				t.Errorf("%s ?%s reached the proxy %d times, want at least 3 (two 503s, then success)\n%s", m, name, n, log)
			}
		}
	}
}

// The same for what MinIO has and versitygw lacks: lifecycle rules (the
// abort rule's read-modify-write included) and object lock.
func TestSettingsRetryThrough503MinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	b := srv.Bucket(t)
	locked := b + "-lock"
	ctx := context.Background()
	if _, err := srv.Client(t).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(locked), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	f := s3test.NewFaults(t, srv)
	for _, name := range []string{"lifecycle", "object-lock"} {
		for _, m := range []string{http.MethodGet, http.MethodPut} {
			f.Add(s3test.Rule{Match: sub(m, name), Times: 1, Fault: s3test.InternalError()})
		}
	}
	cfg := bucketconfig.New(f.Server().Service(t))
	if err := cfg.PutLifecycle(ctx, b, []bucketconfig.LifecycleRule{{ID: "logs", Enabled: true, Prefix: "logs/", ExpireDays: 30}}); err != nil {
		t.Fatalf("put lifecycle: %v", err)
	}
	rules, err := cfg.Lifecycle(ctx, b)
	if err != nil || len(rules) != 1 || rules[0].ID != "logs" {
		t.Fatalf("read lifecycle: %v %v", rules, err)
	}
	if err := cfg.PutObjectLockRetention(ctx, locked, bucketconfig.ObjectLock{Mode: bucketconfig.Governance, Days: 1}); err != nil {
		t.Fatalf("put retention: %v", err)
	}
	if l, err := cfg.ObjectLock(ctx, locked); err != nil || l.Days != 1 {
		t.Fatalf("read retention: %+v %v", l, err)
	}
	log := strings.Join(f.Log(), "\n")
	for _, want := range []string{"PUT /" + b + "?lifecycle", "GET /" + b + "?lifecycle", "PUT /" + locked + "?object-lock", "GET /" + locked + "?object-lock"} {
		if n := strings.Count(log, want); n < 2 {
			t.Errorf("%s reached the proxy %d times, want the fault and the retry\n%s", want, n, log)
		}
	}
}
