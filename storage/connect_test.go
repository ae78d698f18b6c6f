package storage_test

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

func TestCheckConnection(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		if err := srv.Service(t).CheckConnection(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCheckConnectionWrongCredentials(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		if srv.Fake() {
			srv.Skip(t, "gofakes3 checks no credentials")
		}
		ctx := context.Background()
		cfg := srv.Config()
		cfg.AccessKeyID = "AKWRONGWRONGWRONG"
		svc, err := storage.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = svc.CheckConnection(ctx)
		if !errors.Is(err, storage.ErrInvalidAccessKey) {
			t.Errorf("wrong key: want ErrInvalidAccessKey, got %v", err)
		}
		if err != nil && !strings.Contains(err.Error(), "access key") {
			t.Errorf("message does not say what to fix: %v", err)
		}
		cfg = srv.Config()
		cfg.SecretAccessKey = "not-the-secret"
		svc, err = storage.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = svc.CheckConnection(ctx)
		if !errors.Is(err, storage.ErrSignatureMismatch) {
			t.Errorf("wrong secret: want ErrSignatureMismatch, got %v", err)
		}
		if err != nil && !strings.Contains(err.Error(), "secret") {
			t.Errorf("message does not say what to fix: %v", err)
		}
	})
}

func TestCheckConnectionUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	svc := fakeService(t, "http://"+addr)
	start := time.Now()
	err = svc.CheckConnection(context.Background())
	if !errors.Is(err, storage.ErrEndpoint) {
		t.Fatalf("want ErrEndpoint, got %v", err)
	}
	t.Logf("refused connection reported in %v: %v", time.Since(start), err)

	svc = fakeService(t, "http://no-such-host.invalid")
	if err := svc.CheckConnection(context.Background()); !errors.Is(err, storage.ErrEndpoint) || !strings.Contains(err.Error(), "no-such-host.invalid") {
		t.Fatalf("unknown host: want ErrEndpoint naming the host, got %v", err)
	}
}

func TestCheckConnectionTLS(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		// https:// to a plain-http server.
		cfg := srv.Config()
		cfg.Endpoint = strings.Replace(srv.Endpoint, "http://", "https://", 1)
		svc, err := storage.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = svc.CheckConnection(context.Background())
		if !errors.Is(err, storage.ErrTLS) {
			t.Fatalf("https to http: want ErrTLS, got %v", err)
		}
		t.Log(err)
	})
	// A certificate nobody vouches for.
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	defer ts.Close()
	err := fakeService(t, ts.URL).CheckConnection(context.Background())
	if !errors.Is(err, storage.ErrTLS) || !strings.Contains(err.Error(), "AWS_CA_BUNDLE") {
		t.Fatalf("untrusted certificate: want ErrTLS mentioning AWS_CA_BUNDLE, got %v", err)
	}
}

// AWS_CA_BUNDLE is set in the environment the app runs in; the service must
// load it instead of failing, and use it: a server whose certificate is only
// in the bundle is trusted.
func TestAWSCABundle(t *testing.T) {
	t.Run("environment", func(t *testing.T) {
		if os.Getenv("AWS_CA_BUNDLE") == "" {
			t.Setenv("AWS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
		}
		srv := s3test.StartVersity(t)
		svc, err := storage.New(context.Background(), srv.Config())
		if err != nil {
			t.Fatalf("New with AWS_CA_BUNDLE=%s: %v", os.Getenv("AWS_CA_BUNDLE"), err)
		}
		if err := svc.CheckConnection(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("own CA", func(t *testing.T) {
		ts := httptest.NewUnstartedServer(gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
		ts.StartTLS()
		defer ts.Close()
		bundle := filepath.Join(t.TempDir(), "ca.pem")
		pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
		if err := os.WriteFile(bundle, pemData, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("AWS_CA_BUNDLE", bundle)
		svc := fakeService(t, ts.URL)
		if err := svc.CheckConnection(context.Background()); err != nil {
			t.Fatalf("server trusted through AWS_CA_BUNDLE: %v", err)
		}
		if err := svc.CreateBucket(context.Background(), "over-tls", storage.CreateBucketOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

// The mapping of RequestTimeTooSkewed, as a unit and as a server answer.
func TestClockSkew(t *testing.T) {
	err := storage.MapErrForTest("connect", "", "", storetest.APIErr("RequestTimeTooSkewed"))
	if !errors.Is(err, storage.ErrClockSkew) || !strings.Contains(err.Error(), "clock") {
		t.Fatalf("mapping: %v", err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>RequestTimeTooSkewed</Code>`+
			`<Message>The difference between the request time and the current time is too large.</Message></Error>`)
	}))
	defer ts.Close()
	if err := fakeService(t, ts.URL).CheckConnection(context.Background()); !errors.Is(err, storage.ErrClockSkew) {
		t.Fatalf("server answer: want ErrClockSkew, got %v", err)
	}
}

func TestErrorMapping(t *testing.T) {
	cases := map[string]error{
		"NoSuchBucket":                  storage.ErrBucketNotFound,
		"NoSuchKey":                     storage.ErrNotFound,
		"AccessDenied":                  storage.ErrAccessDenied,
		"BucketNotEmpty":                storage.ErrBucketNotEmpty,
		"BucketAlreadyOwnedByYou":       storage.ErrBucketExists,
		"BucketAlreadyExists":           storage.ErrBucketExists,
		"InvalidBucketName":             storage.ErrInvalidName,
		"AccessControlListNotSupported": storage.ErrACLNotSupported,
		"NotImplemented":                storage.ErrNotImplemented,
		"PreconditionFailed":            storage.ErrPreconditionFailed,
		"InvalidAccessKeyId":            storage.ErrInvalidAccessKey,
		"SignatureDoesNotMatch":         storage.ErrSignatureMismatch,
		"RequestTimeTooSkewed":          storage.ErrClockSkew,
		"EntityTooLarge":                storage.ErrTooLarge,
		"InvalidRange":                  storage.ErrInvalidArgument,
		"SlowDown":                      storage.ErrUnavailable,
		"XAdminUserNotFound":            storage.ErrInvalidAccessKey,
		"ExpiredToken":                  storage.ErrExpiredCredentials,
		"PermanentRedirect":             storage.ErrWrongRegion,
		"InvalidObjectState":            storage.ErrInvalidArgument,
		"SomethingNew":                  storage.ErrProtocol,
	}
	for code, want := range cases {
		err := storage.MapErrForTest("do it", "bkt", "key", storetest.APIErr(code))
		if !errors.Is(err, want) {
			t.Errorf("%s: want %v, got %v", code, want, err)
		}
		var se *storage.Error
		if !errors.As(err, &se) || se.Code != code || !strings.HasPrefix(err.Error(), "do it: ") {
			t.Errorf("%s: typed error %+v", code, se)
		}
	}
	if storage.MapErrForTest("x", "", "", nil) != nil {
		t.Error("nil error mapped to non-nil")
	}
	err := storage.MapErrForTest("upload", "b", "k", fmt.Errorf("wrapped: %w", context.Canceled))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel not recognisable: %v", err)
	}
}

func TestCancelIsRecognisable(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		svc := srv.Service(t)
		b := srv.Bucket(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		checks := map[string]error{
			"check": svc.CheckConnection(ctx),
			"put":   svc.Put(ctx, b, "k", strings.NewReader("x"), 1, storage.PutOptions{}),
		}
		_, checks["stat"] = svc.Stat(ctx, b, "k")
		_, checks["buckets"] = svc.ListBuckets(ctx)
		for _, err := range svc.List(ctx, b, storage.ListOptions{}) {
			checks["list"] = err
		}
		_, checks["delete folder"] = svc.DeleteFolder(ctx, b, "f", nil)
		checks["copy"] = svc.Copy(ctx, storage.ObjectRef{Bucket: b, Key: "a"}, storage.ObjectRef{Bucket: b, Key: "b"})
		for op, err := range checks {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: want context.Canceled, got %v", op, err)
			}
		}
	})
}

// A service that hands back the same continuation token forever must end
// the listing with ErrProtocol, not loop.
func TestListRepeatedContinuationToken(t *testing.T) {
	for name, next := range map[string]func(n int64) string{
		"same token":   func(int64) string { return "tok-A" },
		"token cycle":  func(n int64) string { return []string{"tok-A", "tok-B"}[n%2] },
		"no token":     func(int64) string { return "" },
		"first repeat": func(n int64) string { return "tok-" + fmt.Sprint(min(n, 2)) },
	} {
		t.Run(name, func(t *testing.T) {
			var requests atomic.Int64
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := requests.Add(1)
				if n > 50 {
					http.Error(w, "too many", http.StatusServiceUnavailable)
					return
				}
				w.Header().Set("Content-Type", "application/xml")
				tok := ""
				if t := next(n); t != "" {
					tok = "<NextContinuationToken>" + t + "</NextContinuationToken>"
				}
				fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix></Prefix>`+
					`<KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>%s`+
					`<Contents><Key>key-%d</Key><Size>1</Size></Contents></ListBucketResult>`, tok, n)
			}))
			defer ts.Close()
			svc := fakeService(t, ts.URL)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var last error
			keys := 0
			for p, err := range svc.List(ctx, "b", storage.ListOptions{}) {
				keys += len(p.Objects)
				last = err
			}
			if !errors.Is(last, storage.ErrProtocol) {
				t.Fatalf("want ErrProtocol, got %v", last)
			}
			if requests.Load() > 5 {
				t.Fatalf("%d requests before giving up", requests.Load())
			}
			t.Logf("%d requests, %d keys, then: %v", requests.Load(), keys, last)
		})
	}
}
