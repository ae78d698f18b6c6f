package profiles_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/internal/core"
	"s3desk/storage/profiles"
	"s3desk/storage/s3test"
)

// writeAWSFiles writes a temp AWS config and credentials file and points
// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at them.
func writeAWSFiles(t *testing.T, config, credentials string) string {
	t.Helper()
	dir := t.TempDir()
	cf, cr := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cf, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cr, []byte(credentials), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cf)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", cr)
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	return dir
}

const sampleConfig = `# a comment
[default]
region = eu-west-1

[profile minio-lab]
region = us-east-1
endpoint_url = http://127.0.0.1:9000/
s3 =
  addressing_style = path
  signature_version = s3v4

[profile work]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = default

[profile r2]
region = auto
services = r2-endpoints
aws_access_key_id = R2KEYFROMCONFIG
aws_secret_access_key = r2secretfromconfig

[services r2-endpoints]
s3 =
  endpoint_url = https://abc123.r2.cloudflarestorage.com
`

const sampleCredentials = `[default]
aws_access_key_id = AKIADEFAULTEXAMPLE
aws_secret_access_key = defaultSecretExample/Key
aws_session_token = defaultSessionToken

[minio-lab]
aws_access_key_id = minioadmin
aws_secret_access_key = minioadminsecret
`

func TestDiscoverAWS(t *testing.T) {
	writeAWSFiles(t, sampleConfig, sampleCredentials)
	got, err := profiles.DiscoverAWS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]profiles.ImportCandidate{}
	var order []string
	for _, c := range got {
		byName[c.Name] = c
		order = append(order, c.Name)
	}
	if strings.Join(order, ",") != "default,deploy,minio-lab,r2,work" {
		t.Fatalf("candidates %q", order)
	}
	check := func(name string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %+v", name, byName[name])
		}
	}
	d := byName["default"]
	check("default", d.Region == "eu-west-1" && d.HasStaticKeys && d.Kind == "static keys" && d.Endpoint == "")
	m := byName["minio-lab"]
	check("minio-lab", m.Endpoint == "http://127.0.0.1:9000" && m.PathStyle && m.HasStaticKeys && m.Region == "us-east-1")
	w := byName["work"]
	check("work", w.Kind == "SSO" && !w.HasStaticKeys && w.Region == "us-west-2")
	check("deploy", byName["deploy"].Kind == "assume role")
	r := byName["r2"]
	check("r2", r.Endpoint == "https://abc123.r2.cloudflarestorage.com" && r.HasStaticKeys && r.Region == "auto")
	for _, c := range got {
		if strings.Contains(c.Name+c.Endpoint+c.Region+c.Kind, "ecret") {
			t.Fatalf("candidate %+v carries a secret", c)
		}
	}

	// No files at all: an empty list, not an error.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	if got, err := profiles.DiscoverAWS(context.Background()); err != nil || len(got) != 0 {
		t.Fatalf("without files: %v %v", got, err)
	}
}

func TestImportLinksByDefaultCopiesOnRequest(t *testing.T) {
	writeAWSFiles(t, sampleConfig, sampleCredentials)
	ctx := context.Background()
	kc := newMem()
	s := open(t, t.TempDir(), kc)
	cands, _ := profiles.DiscoverAWS(ctx)
	find := func(name string) profiles.ImportCandidate {
		for _, c := range cands {
			if c.Name == name {
				return c
			}
		}
		t.Fatalf("no candidate %s", name)
		return profiles.ImportCandidate{}
	}

	// Default: link, nothing copied.
	p, err := s.Import(ctx, find("minio-lab"), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.AWSProfile != "minio-lab" || p.AccessKeyID != "" || !p.PathStyle || kc.sets != 0 {
		t.Fatalf("linked import: %+v, keychain sets %d", p, kc.sets)
	}
	cfg, err := s.Config(ctx, "minio-lab")
	if err != nil || cfg.AWSProfile != "minio-lab" || cfg.SecretAccessKey != "" {
		t.Fatalf("linked Config: %+v %v", cfg, err)
	}
	// SSO profiles can only be linked.
	if _, err := s.Import(ctx, find("work"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, find("deploy"), true); !errors.Is(err, profiles.ErrInvalid) {
		t.Fatalf("copying keys of a role profile: %v", err)
	}
	// A second import of the same name is a duplicate.
	if _, err := s.Import(ctx, find("work"), false); !errors.Is(err, profiles.ErrDuplicate) {
		t.Fatalf("second import: %v", err)
	}

	// Explicit copy: the keys go to the keychain, the file has none.
	p, err = s.Import(ctx, find("default"), true)
	if err != nil {
		t.Fatal(err)
	}
	if p.AccessKeyID != "AKIADEFAULTEXAMPLE" || p.AWSProfile != "" || p.Region != "eu-west-1" {
		t.Fatalf("copied import: %+v", p)
	}
	cfg, err = s.Config(ctx, "default")
	if err != nil || cfg.SecretAccessKey != "defaultSecretExample/Key" || cfg.SessionToken != "defaultSessionToken" {
		t.Fatalf("copied Config: %v", err)
	}
	p, err = s.Import(ctx, find("r2"), true)
	if err != nil || p.Provider != profiles.ProviderR2 || !p.Compatibility || p.Endpoint != "https://abc123.r2.cloudflarestorage.com" {
		t.Fatalf("r2 import: %+v %v", p, err)
	}
	noSecretInFile(t, s, "defaultSecretExample", "defaultSessionToken", "r2secretfromconfig", "minioadminsecret")
}

// TestLinkedAWSProfileThroughTheSDK shows that a linked profile is resolved
// by the SDK from AWS_CONFIG_FILE: region, endpoint_url and
// credential_process, and that AWS_PROFILE / AWS_ENDPOINT_URL_S3 steer a
// profile without keys.
func TestLinkedAWSProfileThroughTheSDK(t *testing.T) {
	srv := s3test.StartFake(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "creds.sh")
	os.WriteFile(script, []byte("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIAPROCESS\",\"SecretAccessKey\":\"processSecret\"}'\n"), 0o700)
	writeAWSFiles(t, `[profile lab]
region = eu-north-1
endpoint_url = `+srv.Endpoint+`
credential_process = `+script+`
s3 =
  addressing_style = path
`, "")
	ctx := context.Background()
	s := open(t, t.TempDir(), newMem())
	cands, err := profiles.DiscoverAWS(ctx)
	if err != nil || len(cands) != 1 || cands[0].Kind != "credential process" {
		t.Fatalf("discover: %+v %v", cands, err)
	}
	if _, err := s.Import(ctx, cands[0], false); err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config(ctx, "lab")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := storage.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Region() != "eu-north-1" {
		t.Fatalf("region %q, want the linked profile's eu-north-1", svc.Region())
	}
	creds, err := svc.Credentials(ctx)
	if err != nil || creds.AccessKeyID != "AKIAPROCESS" {
		t.Fatalf("credentials: %v %v", creds.AccessKeyID, err)
	}
	// The endpoint comes from endpoint_url, path style from the profile.
	if _, err := core.Of(svc).Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("linked")}); err != nil {
		t.Fatalf("create bucket through the linked profile: %v", err)
	}
	if err := s.Test(ctx, profiles.Profile{Name: "lab", Provider: profiles.ProviderAWS, AWSProfile: "lab", PathStyle: true}, nil); err != nil {
		t.Fatalf("Test: %v", err)
	}

	// A profile without keys or link follows AWS_PROFILE.
	if err := s.Add(ctx, profiles.Profile{Name: "env", Provider: profiles.ProviderAWS, PathStyle: true}, profiles.Secret{}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_PROFILE", "lab")
	cfg, _ = s.Config(ctx, "env")
	svc, err = storage.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if creds, err := svc.Credentials(ctx); err != nil || creds.AccessKeyID != "AKIAPROCESS" {
		t.Fatalf("AWS_PROFILE: %v %v", creds.AccessKeyID, err)
	}
	if _, err := core.Of(svc).Client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("linked")}); err != nil {
		t.Fatalf("AWS_PROFILE profile did not reach the endpoint: %v", err)
	}

	// A profile with its own keys and no endpoint follows AWS_ENDPOINT_URL_S3.
	os.Unsetenv("AWS_PROFILE")
	t.Setenv("AWS_ENDPOINT_URL_S3", srv.Endpoint)
	if err := s.Add(ctx, profiles.Profile{Name: "keys", Provider: profiles.ProviderAWS, PathStyle: true, AccessKeyID: srv.AccessKey}, profiles.Secret{SecretAccessKey: srv.SecretKey}); err != nil {
		t.Fatal(err)
	}
	cfg, _ = s.Config(ctx, "keys")
	svc, err = storage.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.Of(svc).Client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("linked")}); err != nil {
		t.Fatalf("AWS_ENDPOINT_URL_S3 was not honoured: %v", err)
	}
}

// TestLinkedProfileCredentialErrors: what a person sees when the SDK cannot
// get credentials for a linked profile.
func TestLinkedProfileCredentialErrors(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home) // no SSO token cache
	writeAWSFiles(t, `[profile work]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile broken]
region = us-east-1
credential_process = /bin/false
`, "")
	ctx := context.Background()
	s := open(t, t.TempDir(), newMem())
	cands, err := profiles.DiscoverAWS(ctx)
	if err != nil || len(cands) != 2 {
		t.Fatalf("discover: %+v %v", cands, err)
	}
	for _, c := range cands {
		if _, err := s.Import(ctx, c, false); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := s.Get(ctx, "work")
	err = s.Test(ctx, p, nil)
	if !errors.Is(err, storage.ErrExpiredCredentials) || !strings.Contains(err.Error(), "aws sso login") {
		t.Fatalf("SSO never signed in: %v", err)
	}
	p, _ = s.Get(ctx, "broken")
	err = s.Test(ctx, p, nil)
	if !errors.Is(err, storage.ErrNoCredentials) || !strings.Contains(err.Error(), "credential_process") {
		t.Fatalf("failing credential_process: %v", err)
	}
}
