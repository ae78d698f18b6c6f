package bucketconfig_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/bucketconfig"
	"s3desk/storage/s3test"
)

// notSupported fails unless err is ErrNotSupported with the plain message
// naming feature.
func notSupported(t *testing.T, what string, err error, feature string) {
	t.Helper()
	if !errors.Is(err, storage.ErrNotSupported) {
		t.Fatalf("%s: want ErrNotSupported, got %v", what, err)
	}
	if !strings.Contains(err.Error(), "this server does not implement "+feature) {
		t.Fatalf("%s: message %q does not say plainly that %s are not implemented", what, err, feature)
	}
}

func TestVersioningRoundTrip(t *testing.T) {
	for _, srv := range []*s3test.Server{s3test.StartVersityVersioned(t), s3test.StartMinIO(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc, b := srv.Service(t), srv.Bucket(t)
			cfg := bucketconfig.New(svc)
			v, err := cfg.Versioning(ctx, b)
			if err != nil || v != bucketconfig.Unversioned {
				t.Fatalf("fresh: %q %v", v, err)
			}
			if !strings.Contains(v.Describe(), "never enabled") {
				t.Fatalf("describe: %q", v.Describe())
			}
			for _, want := range []bucketconfig.Versioning{bucketconfig.Enabled, bucketconfig.Suspended, bucketconfig.Enabled} {
				if err := cfg.SetVersioning(ctx, b, want); err != nil {
					t.Fatalf("set %s: %v", want, err)
				}
				raw, err := srv.Client(t).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
				if err != nil || string(raw.Status) != string(want) {
					t.Fatalf("stored after %s: %q %v", want, raw.Status, err)
				}
				if got, err := cfg.Versioning(ctx, b); err != nil || got != want {
					t.Fatalf("read after %s: %q %v", want, got, err)
				}
			}
			if err := cfg.SetVersioning(ctx, b, bucketconfig.Unversioned); !errors.Is(err, storage.ErrInvalidArgument) {
				t.Fatalf("unversioning: %v", err)
			}
		})
	}
}

func TestVersioningNotSupported(t *testing.T) {
	// versitygw without --versioning-dir, and rclone serve s3.
	for _, srv := range []*s3test.Server{s3test.StartVersity(t), s3test.StartRclone(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			svc, b := srv.Service(t), srv.Bucket(t)
			err := bucketconfig.New(svc).SetVersioning(context.Background(), b, bucketconfig.Enabled)
			notSupported(t, "enable", err, "versioning")
		})
	}
}

func TestTagsRoundTrip(t *testing.T) {
	for _, srv := range []*s3test.Server{s3test.StartVersity(t), s3test.StartMinIO(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc, b := srv.Service(t), srv.Bucket(t)
			cfg := bucketconfig.New(svc)
			if tags, err := cfg.Tags(ctx, b); err != nil || len(tags) != 0 {
				t.Fatalf("fresh: %v %v", tags, err)
			}
			want := []bucketconfig.Tag{{"team", "data"}, {"cost centre", "42 / x"}, {"empty", ""}}
			if err := cfg.PutTags(ctx, b, want); err != nil {
				t.Fatalf("put: %v", err)
			}
			got, err := cfg.Tags(ctx, b)
			if err != nil || !sameTags(got, want) {
				t.Fatalf("read back %v %v, want %v", got, err, want)
			}
			if err := cfg.PutTags(ctx, b, nil); err != nil {
				t.Fatalf("remove: %v", err)
			}
			if got, err := cfg.Tags(ctx, b); err != nil || len(got) != 0 {
				t.Fatalf("after remove %v %v", got, err)
			}
		})
	}
}

func sameTags(a, b []bucketconfig.Tag) bool {
	m := map[bucketconfig.Tag]int{}
	for _, t := range a {
		m[t]++
	}
	for _, t := range b {
		m[t]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func TestTagsValidate(t *testing.T) {
	bad := map[string][]bucketconfig.Tag{
		"has no key":         {{"", "v"}},
		"used twice":         {{"a", "1"}, {"a", "2"}},
		"begins with \"aws:": {{"aws:x", "1"}},
		"longer than 128":    {{strings.Repeat("k", 129), ""}},
		"longer than 256":    {{"k", strings.Repeat("v", 257)}},
		"does not allow":     {{"k", "a;b"}},
	}
	for want, tags := range bad {
		if err := bucketconfig.ValidateTags(tags); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v, want %q", tags, err, want)
		}
	}
	if err := bucketconfig.ValidateTags([]bucketconfig.Tag{{"k", ""}, {strings.Repeat("ü", 128), strings.Repeat("é", 256)}}); err != nil {
		t.Errorf("good tags: %v", err)
	}
}

func TestTagsNotSupported(t *testing.T) {
	srv := s3test.StartRclone(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	err := bucketconfig.New(svc).PutTags(context.Background(), b, []bucketconfig.Tag{{"a", "b"}})
	notSupported(t, "put tags", err, "bucket tags")
}

func TestCORSRoundTripVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	ctx := context.Background()
	svc, b := srv.Service(t), srv.Bucket(t)
	cfg := bucketconfig.New(svc)
	if rules, err := cfg.CORS(ctx, b); err != nil || len(rules) != 0 {
		t.Fatalf("fresh: %v %v", rules, err)
	}
	want := []bucketconfig.CORSRule{
		bucketconfig.AllowGetFromAnyOrigin(),
		{ID: "uploads", AllowedOrigins: []string{"https://app.example.com", "https://*.example.org"}, AllowedMethods: []string{"PUT", "POST"},
			AllowedHeaders: []string{"Content-Type", "x-amz-*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: 600},
	}
	if err := cfg.PutCORS(ctx, b, want); err != nil {
		t.Fatalf("put: %v", err)
	}
	got, err := cfg.CORS(ctx, b)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back:\n%+v %v\nwant\n%+v", got, err, want)
	}
	if got[0].AllowedOrigins[0] != "*" || !reflect.DeepEqual(got[0].AllowedMethods, []string{"GET", "HEAD"}) {
		t.Fatalf("preset: %+v", got[0])
	}
	if err := cfg.PutCORS(ctx, b, nil); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if got, err := cfg.CORS(ctx, b); err != nil || len(got) != 0 {
		t.Fatalf("after remove: %v %v", got, err)
	}
}

func TestCORSValidate(t *testing.T) {
	bad := map[string]bucketconfig.CORSRule{
		"has no origin":      {AllowedMethods: []string{"GET"}},
		"allows no method":   {AllowedOrigins: []string{"*"}},
		"not a method":       {AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}},
		"more than one *":    {AllowedOrigins: []string{"https://*.*.example.com"}, AllowedMethods: []string{"GET"}},
		"cannot be negative": {AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, MaxAgeSeconds: -1},
	}
	for want, r := range bad {
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", r, err, want)
		}
	}
	if err := bucketconfig.AllowGetFromAnyOrigin().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestCORSNotSupportedMinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	err := bucketconfig.New(svc).PutCORS(context.Background(), b, []bucketconfig.CORSRule{bucketconfig.AllowGetFromAnyOrigin()})
	notSupported(t, "put CORS", err, "CORS rules")
}

func TestObjectLockRetention(t *testing.T) {
	for _, srv := range []*s3test.Server{s3test.StartVersity(t), s3test.StartMinIO(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc, plain := srv.Service(t), srv.Bucket(t)
			locked := plain + "-lock"
			if _, err := srv.Client(t).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(locked), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
				t.Fatal(err)
			}
			cfg := bucketconfig.New(svc)
			if l, err := cfg.ObjectLock(ctx, plain); err != nil || l.Enabled {
				t.Fatalf("plain bucket: %+v %v", l, err)
			}
			err := cfg.PutObjectLockRetention(ctx, plain, bucketconfig.ObjectLock{Mode: bucketconfig.Governance, Days: 1})
			if !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "created without object lock") {
				t.Fatalf("retention on a plain bucket: %v", err)
			}
			if l, err := cfg.ObjectLock(ctx, locked); err != nil || !l.Enabled || l.Mode != "" {
				t.Fatalf("locked bucket: %+v %v", l, err)
			}
			for _, want := range []bucketconfig.ObjectLock{
				{Enabled: true, Mode: bucketconfig.Governance, Days: 3},
				{Enabled: true, Mode: bucketconfig.Compliance, Years: 1},
			} {
				if err := cfg.PutObjectLockRetention(ctx, locked, want); err != nil {
					t.Fatalf("put %+v: %v", want, err)
				}
				if got, err := cfg.ObjectLock(ctx, locked); err != nil || got != want {
					t.Fatalf("read back %+v %v, want %+v", got, err, want)
				}
			}
			if err := cfg.PutObjectLockRetention(ctx, locked, bucketconfig.ObjectLock{Mode: bucketconfig.Governance, Days: 1, Years: 1}); !errors.Is(err, storage.ErrInvalidArgument) {
				t.Fatalf("days and years: %v", err)
			}
		})
	}
}

// gofakes3 (and so the Local sandbox) ignores bucket subresources: a GET of
// ?website lists the bucket and a PUT of ?cors creates it. Neither may pass
// for a setting: both are "not supported".
func TestSubresourcesIgnoredAreNotSupported(t *testing.T) {
	for _, srv := range []*s3test.Server{s3test.StartSandbox(t), s3test.StartFake(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc, b := srv.Service(t), srv.Bucket(t)
			cfg := bucketconfig.New(svc)
			_, err := cfg.Website(ctx, b)
			notSupported(t, "read website", err, "static website hosting")
			if has, err := svc.HasWebsite(ctx, b); has || err != nil {
				t.Fatalf("HasWebsite: %v %v", has, err)
			}
			notSupported(t, "put CORS", cfg.PutCORS(ctx, b, []bucketconfig.CORSRule{bucketconfig.AllowGetFromAnyOrigin()}), "CORS rules")
			notSupported(t, "put tags", cfg.PutTags(ctx, b, []bucketconfig.Tag{{"a", "b"}}), "bucket tags")
			notSupported(t, "put lifecycle", cfg.PutLifecycle(ctx, b, []bucketconfig.LifecycleRule{{ID: "x", Enabled: true, ExpireDays: 1}}), "lifecycle rules")
			notSupported(t, "put encryption", cfg.PutEncryption(ctx, b, bucketconfig.Encryption{Algorithm: bucketconfig.SSES3}), "default encryption")
			notSupported(t, "put website", cfg.PutWebsite(ctx, b, storage.WebsiteConfig{IndexDocument: "index.html"}), "static website hosting")
		})
	}
}
