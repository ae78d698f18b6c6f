package share_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/internal/core"
	"s3desk/storage/internal/sharetest"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

func TestPresignGetFetchedWithoutCredentials(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	for _, key := range []string{"plain.txt", "dir/a+b c ü.txt"} {
		want := []byte("hello " + key)
		sharetest.Put(t, c, b, key, want)
		link, err := share.New(svc).PresignGet(ctx, b, key, share.ShareOptions{Expiry: time.Hour, DownloadAs: "Report ü \"final\".txt"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link.URL, srv.Endpoint+"/"+b+"/") {
			t.Fatalf("link %s is not path-style on the endpoint", link.URL)
		}
		if d := link.Expires.Sub(link.Created); d != time.Hour || link.Limit != share.LimitNone || link.Why != "" {
			t.Fatalf("expiry: %v after creation, limit %q, why %q", d, link.Limit, link.Why)
		}
		if time.Since(link.Created) > time.Minute || time.Since(link.Created) < -time.Minute {
			t.Fatalf("created %v is not now", link.Created)
		}
		st, got, hdr := sharetest.Anon(t, http.MethodGet, link.URL, nil, nil)
		if st != 200 || !bytes.Equal(got, want) {
			t.Fatalf("GET %s: %d %q", link.URL, st, got)
		}
		cd := hdr.Get("Content-Disposition")
		if !strings.Contains(cd, "attachment") || !strings.Contains(cd, "filename*=UTF-8''Report%20%C3%BC%20%22final%22.txt") {
			t.Fatalf("Content-Disposition %q", cd)
		}
	}
}

func TestPresignGetExpiredLinkIsRefused(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	sharetest.Put(t, c, b, "soon-gone.txt", []byte("x"))
	link, err := share.New(svc).PresignGet(context.Background(), b, "soon-gone.txt", share.ShareOptions{Expiry: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(link.Expires.Add(1500 * time.Millisecond)))
	if st, body, _ := sharetest.Anon(t, http.MethodGet, link.URL, nil, nil); st != http.StatusForbidden {
		t.Fatalf("expired link answered %d %s, want 403", st, body)
	}
}

func TestPresignPutUploads(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	key := "inbox/from them + ü.csv"
	link, err := share.New(svc).PresignPut(ctx, b, key, share.ShareOptions{Expiry: 24 * time.Hour, ContentType: "text/csv"})
	if err != nil {
		t.Fatal(err)
	}
	if link.Kind != share.LinkUpload || link.Method != http.MethodPut {
		t.Fatalf("kind %q method %q", link.Kind, link.Method)
	}
	if link.Header.Get("Content-Type") != "text/csv" {
		t.Fatalf("required headers %v", link.Header)
	}
	body := []byte("a,b\n1,2\n")
	if st, msg, _ := sharetest.Anon(t, http.MethodPut, link.URL, body, link.Header); st != 200 {
		t.Fatalf("PUT: %d %s", st, msg)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, body) || aws.ToString(out.ContentType) != "text/csv" {
		t.Fatalf("stored %q as %q", got, aws.ToString(out.ContentType))
	}
	if _, err := share.New(svc).PresignPut(ctx, b, "folder/", share.ShareOptions{Expiry: time.Hour}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("upload link to a folder: %v", err)
	}
}

func TestShareExpiryValidation(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Hour, 500 * time.Millisecond, share.MaxShareExpiry + time.Second, 30 * 24 * time.Hour} {
		err := share.ValidateExpiry(d)
		if !errors.Is(err, storage.ErrInvalidArgument) {
			t.Fatalf("%v accepted (%v)", d, err)
		}
		if d > share.MaxShareExpiry && !strings.Contains(err.Error(), "7 days (604,800 seconds)") {
			t.Fatalf("message for %v: %q", d, err)
		}
	}
	for _, d := range []time.Duration{time.Second, time.Hour, 24 * time.Hour, share.MaxShareExpiry} {
		if err := share.ValidateExpiry(d); err != nil {
			t.Fatalf("%v refused: %v", d, err)
		}
	}
	svc, err := storage.New(context.Background(), storage.Config{Endpoint: "http://127.0.0.1:1", PathStyle: true, AccessKeyID: "AK", SecretAccessKey: "SK"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := share.New(svc).PresignGet(context.Background(), "b", "k", share.ShareOptions{Expiry: 8 * 24 * time.Hour}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("8 days: %v", err)
	}
	if _, err := share.New(svc).PresignGet(context.Background(), "b", "k", share.ShareOptions{Expiry: time.Hour, DownloadAs: "../x"}); !errors.Is(err, storage.ErrInvalidName) {
		t.Fatalf("download-as with a path: %v", err)
	}
}

func TestShareExpiryTemporaryCredentials(t *testing.T) {
	signed := time.Date(2030, 1, 8, 12, 0, 0, 0, time.UTC)
	creds := signed.Add(-6 * 24 * time.Hour)
	lim, exp, why := share.ShareExpiry(signed, true, creds, true)
	if lim != share.LimitCredentials || !exp.Equal(creds) || !strings.Contains(why, "temporary credentials") {
		t.Fatalf("got %q %v %q", lim, exp, why)
	}
	if lim, exp, _ := share.ShareExpiry(signed, true, signed.Add(time.Hour), true); lim != share.LimitNone || !exp.Equal(signed) {
		t.Fatalf("credentials outliving the link: %q %v", lim, exp)
	}
	if lim, _, why := share.ShareExpiry(signed, false, time.Time{}, true); lim != share.LimitSessionUnknown || why == "" {
		t.Fatalf("static session token: %q %q", lim, why)
	}

	// Through the real credential chain: an AWS profile whose
	// credential_process hands out credentials ending in 2 hours.
	dir := t.TempDir()
	credExp := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	script := filepath.Join(dir, "creds.sh")
	json := `{"Version":1,"AccessKeyId":"ASIATEMP","SecretAccessKey":"secret","SessionToken":"token","Expiration":"` + credExp.Format(time.RFC3339) + `"}`
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho '"+json+"'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "config")
	if err := os.WriteFile(cfgFile, []byte("[profile temp]\nregion = eu-west-1\ncredential_process = "+script+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	svc, err := storage.New(context.Background(), storage.Config{AWSProfile: "temp"})
	if err != nil {
		t.Fatal(err)
	}
	core.Of(svc).RememberRegion("bkt", "eu-west-1")
	link, err := share.New(svc).PresignGet(context.Background(), "bkt", "k.txt", share.ShareOptions{Expiry: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if link.Limit != share.LimitCredentials || !link.Expires.Equal(credExp) || link.Signed.Sub(link.Created) != 24*time.Hour {
		t.Fatalf("limit %q expires %v (credentials %v) signed %v", link.Limit, link.Expires, credExp, link.Signed)
	}
	if !strings.Contains(link.URL, "X-Amz-Security-Token=token") {
		t.Fatalf("link lacks the session token: %s", link.URL)
	}
}

func TestShareURLsFollowEndpointAndStyle(t *testing.T) {
	ctx := context.Background()
	custom, err := storage.New(ctx, storage.Config{Endpoint: "https://gw.example.com/s3/", Region: "us-east-1", PathStyle: true, AccessKeyID: "AK", SecretAccessKey: "SK"})
	if err != nil {
		t.Fatal(err)
	}
	awsSvc, err := storage.New(ctx, storage.Config{Region: "eu-west-1", AccessKeyID: "AK", SecretAccessKey: "SK"})
	if err != nil {
		t.Fatal(err)
	}
	key := "dir/a+b c ü.txt"
	enc := "dir/a%2Bb%20c%20%C3%BC.txt"
	for _, c := range []struct {
		svc  *storage.Service
		want string
	}{
		{custom, "https://gw.example.com/s3/bkt/" + enc},
		{awsSvc, "https://bkt.s3.eu-west-1.amazonaws.com/" + enc},
	} {
		core.Of(c.svc).RememberRegion("bkt", "eu-west-1")
		pub, err := share.New(c.svc).PublicURL("bkt", key)
		if err != nil || pub != c.want {
			t.Fatalf("public URL %q (%v), want %q", pub, err, c.want)
		}
		link, err := share.New(c.svc).PresignGet(ctx, "bkt", key, share.ShareOptions{Expiry: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link.URL, c.want+"?") {
			t.Fatalf("presigned %q, want it to start with %q", link.URL, c.want)
		}
	}
	// A bucket name with dots cannot be a TLS host name: path-style on AWS.
	core.Of(awsSvc).RememberRegion("my.dotted.bucket", "eu-west-1")
	if u, err := share.New(awsSvc).PublicURL("my.dotted.bucket", "a b"); err != nil || u != "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/a%20b" {
		t.Fatalf("dotted bucket URL %q %v", u, err)
	}
}
