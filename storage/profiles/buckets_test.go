package profiles_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"s3desk/storage/profiles"
)

func TestParsePlace(t *testing.T) {
	for in, want := range map[string][2]string{
		"my-bucket":             {"my-bucket", ""},
		"  my-bucket  ":         {"my-bucket", ""},
		"my-bucket/a/b":         {"my-bucket", "a/b/"},
		"S3://my-bucket/a/":     {"my-bucket", "a/"},
		"my-bucket/a//b":        {"my-bucket", "a//b/"},
		"my-bucket/../x":        {"my-bucket", "../x/"},
		"s3://my-bucket":        {"my-bucket", ""},
		"b/ünïcode folder/":     {"b", "ünïcode folder/"},
		"my-bucket/+plus%20/":   {"my-bucket", "+plus%20/"},
		"my-bucket/trailing ":   {"my-bucket", "trailing/"}, // the typed text is trimmed
		"my-bucket//leading":    {"my-bucket", "/leading/"},
		"my-bucket/with space/": {"my-bucket", "with space/"},
	} {
		b, p, err := profiles.ParsePlace(in)
		if err != nil || b != want[0] || p != want[1] {
			t.Errorf("ParsePlace(%q) = %q, %q, %v; want %q, %q", in, b, p, err, want[0], want[1])
		}
	}
	for _, bad := range []string{"", "  ", "s3://", "/x", "my bucket", "a\tb/x"} {
		if _, _, err := profiles.ParsePlace(bad); !errors.Is(err, profiles.ErrInvalid) {
			t.Errorf("ParsePlace(%q): %v, want ErrInvalid", bad, err)
		}
	}
}

// Buckets opened by name are kept in the profile, most recent first, without
// duplicates, bounded, and survive reopening the store and editing the
// profile in its form (which does not carry them).
func TestRememberBucket(t *testing.T) {
	dir := t.TempDir()
	s, err := profiles.Open(dir, newMem())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	p := profiles.Profile{Name: "Reader", Provider: profiles.ProviderOther, Endpoint: "http://127.0.0.1:9000", AccessKeyID: "AKIAREADER",
		DefaultBucket: " reports ", DefaultPrefix: "2026/q1"}
	if err := s.Add(ctx, p, profiles.Secret{SecretAccessKey: testSecret}); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"one", "two", "one"} {
		if err := s.RememberBucket(ctx, "Reader", b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get(ctx, "Reader")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.OpenedBuckets, []string{"one", "two"}) {
		t.Fatalf("opened %v, want [one two]", got.OpenedBuckets)
	}
	if got.DefaultBucket != "reports" || got.DefaultPrefix != "2026/q1/" {
		t.Errorf("defaults %q %q", got.DefaultBucket, got.DefaultPrefix)
	}
	// The form's profile has no OpenedBuckets: an edit keeps them.
	edit := got
	edit.OpenedBuckets = nil
	edit.Region = "eu-west-1"
	if err := s.Update(ctx, "Reader", edit, nil); err != nil {
		t.Fatal(err)
	}
	s2, err := profiles.Open(dir, newMem())
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s2.Get(ctx, "Reader")
	if !slices.Equal(got.OpenedBuckets, []string{"one", "two"}) || got.Region != "eu-west-1" {
		t.Fatalf("after edit and reopen: opened %v region %q", got.OpenedBuckets, got.Region)
	}
	for i := range profiles.MaxOpenedBuckets + 5 {
		if err := s2.RememberBucket(ctx, "Reader", fmt.Sprintf("b%02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ = s2.Get(ctx, "Reader")
	if len(got.OpenedBuckets) != profiles.MaxOpenedBuckets || got.OpenedBuckets[0] != fmt.Sprintf("b%02d", profiles.MaxOpenedBuckets+4) {
		t.Fatalf("bounded list: %d, first %q", len(got.OpenedBuckets), got.OpenedBuckets[0])
	}
	if err := s2.ForgetBucket(ctx, "Reader", got.OpenedBuckets[0]); err != nil {
		t.Fatal(err)
	}
	got2, _ := s2.Get(ctx, "Reader")
	if slices.Contains(got2.OpenedBuckets, got.OpenedBuckets[0]) || len(got2.OpenedBuckets) != profiles.MaxOpenedBuckets-1 {
		t.Fatalf("forget: %v", got2.OpenedBuckets)
	}
	if err := s2.RememberBucket(ctx, "Nobody", "x"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("unknown profile: %v", err)
	}
	if err := s2.RememberBucket(ctx, profiles.SandboxName, "x"); err != nil {
		t.Errorf("sandbox: %v", err)
	}
	raw, _ := os.ReadFile(s2.Path())
	if strings.Contains(string(raw), testSecret) {
		t.Fatal("the secret reached the profiles file")
	}
}

func TestDefaultBucketIsValidated(t *testing.T) {
	base := profiles.Profile{Name: "x", Provider: profiles.ProviderOther, Endpoint: "http://127.0.0.1:9000"}
	for _, c := range []struct{ bucket, prefix string }{{"", "folder/"}, {"a/b", ""}, {"a b", ""}} {
		p := base
		p.DefaultBucket, p.DefaultPrefix = c.bucket, c.prefix
		if _, err := profiles.Validate(p); !errors.Is(err, profiles.ErrInvalid) {
			t.Errorf("default %q %q: %v, want ErrInvalid", c.bucket, c.prefix, err)
		}
	}
	p := base
	p.DefaultBucket, p.DefaultPrefix = "ok-bucket", "a//b"
	if _, err := profiles.Validate(p); err != nil {
		t.Errorf("valid default: %v", err)
	}
}
