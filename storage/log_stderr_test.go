package storage_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// The SDK writes nothing to stderr: its warnings (such as "Response has no
// supported checksum", which a GET from a server that sends no checksums
// provokes) go to the app's logger. Static keys and a linked AWS profile
// both count.
func TestSDKWritesNothingToStderr(t *testing.T) {
	s3test.Each(t, sdkQuietOnStderr)
}

func sdkQuietOnStderr(t *testing.T, srv *s3test.Server) {
	b := srv.Bucket(t)
	dir := t.TempDir()
	cfgFile, credFile := dir+"/config", dir+"/credentials"
	if err := os.WriteFile(cfgFile, []byte("[profile lab]\nregion = "+srv.Region+"\nendpoint_url = "+srv.Endpoint+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credFile, []byte("[lab]\naws_access_key_id = "+srv.AccessKey+"\naws_secret_access_key = "+srv.SecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	defer func() { os.Stderr = saved }()
	got := make(chan string)
	go func() { b, _ := io.ReadAll(r); got <- string(b) }()

	var logged syncBuffer
	ctx := context.Background()
	linked := srv.Config()
	linked.AccessKeyID, linked.SecretAccessKey, linked.AWSProfile = "", "", "lab"
	for _, cfg := range []storage.Config{srv.Config(), linked} {
		cfg.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
		svc, err := storage.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		body := strings.Repeat("x", 100<<10)
		if err := svc.Put(ctx, b, "k.txt", strings.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, ro := range []storage.ReadOptions{{}, {Offset: 10, Length: 100}} {
			rc, _, err := svc.Open(ctx, b, "k.txt", ro)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, rc)
			rc.Close()
		}
		_, _ = svc.Stat(ctx, b, "missing.txt")
		for _, err := range svc.List(ctx, b, storage.ListOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	os.Stderr = saved
	w.Close()
	if out := <-got; out != "" {
		t.Errorf("the SDK wrote to stderr:\n%s", out)
	}
}
