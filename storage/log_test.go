package storage_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// syncBuffer is a bytes.Buffer safe for the SDK's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Nothing the service logs, nor any error it returns, carries the secret
// key or the session token, whatever happens: success, wrong secret,
// missing objects, a forced delete.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		var buf syncBuffer
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfg := srv.Config()
		cfg.Logger = logger
		const token = "SESSIONTOKEN-must-not-leak-0123456789"
		if srv.Fake() {
			cfg.SessionToken = token // gofakes3 accepts any credentials
		}
		svc, err := storage.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var errs []error
		note := func(err error) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		note(svc.CheckConnection(ctx))
		b := srv.Bucket(t)
		note(svc.Put(ctx, b, "k", strings.NewReader("v"), 1, storage.PutOptions{}))
		_, err = svc.Stat(ctx, b, "missing")
		note(err)
		for _, err := range svc.List(ctx, "no-such-bucket-zz", storage.ListOptions{}) {
			note(err)
		}
		note(svc.DeleteBucket(ctx, b, storage.DeleteBucketOptions{Force: true}))

		bad := srv.Config()
		bad.Logger = logger
		bad.SecretAccessKey = srv.SecretKey + "-wrong"
		badSvc, err := storage.New(ctx, bad)
		if err != nil {
			t.Fatal(err)
		}
		note(badSvc.CheckConnection(ctx))
		if !srv.Fake() && len(errs) == 0 {
			t.Fatal("the wrong secret produced no error")
		}

		logged := buf.String()
		for _, secret := range []string{srv.SecretKey, token, "Authorization", "Signature="} {
			if strings.Contains(logged, secret) {
				t.Errorf("log carries %q:\n%s", secret, logged)
			}
			for _, err := range errs {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error carries %q: %v", secret, err)
				}
			}
		}
		if !strings.Contains(logged, "connection check") {
			t.Errorf("the connection checks were not logged:\n%s", logged)
		}
		t.Logf("%d log bytes, %d errors checked", len(logged), len(errs))
	})
}
