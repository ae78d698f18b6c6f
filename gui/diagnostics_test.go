//go:build ci

package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"s3desk/storage"
	"s3desk/storage/logfile"
	"s3desk/storage/profiles"
	"s3desk/storage/s3test"
)

// The window hands its log to every service it connects, scrubbed of the
// profile's secret; the storage layer's warnings land in the file.
func TestConnectedServiceLogsToTheFileWithoutSecrets(t *testing.T) {
	srv := s3test.StartVersity(t)
	cache := t.TempDir()
	lf, err := logfile.Open(LogDir(cache), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	log, scrub := lf.Logger()
	const secret = "GUIsecretKEY0123456789abcdefGUI"
	var got storage.Config
	var svc *storage.Service
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Sandbox: func(context.Context) (storage.Config, error) {
			cfg := srv.Config()
			cfg.SecretAccessKey = secret
			return cfg, nil
		},
		Connect: func(ctx context.Context, cfg storage.Config) (*Account, error) {
			got = cfg
			s, err := storage.New(ctx, cfg)
			if err != nil {
				return nil, err
			}
			svc = s
			return accountOf(s), nil
		},
		Logger: log, Secrets: scrub, CacheDir: cache,
	})
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	if got.Logger != log {
		t.Fatal("the service's config has no logger")
	}
	if mw.service() == nil || svc == nil {
		t.Fatal("not connected")
	}
	svc.Logger().Warn("abort failed", "key", "big.bin", "err", "signing with "+secret)
	b, err := os.ReadFile(filepath.Join(LogDir(cache), logfile.Name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "abort failed") {
		t.Fatalf("the warning is not in the log:\n%s", b)
	}
	if strings.Contains(string(b), secret) {
		t.Fatalf("the log holds the secret:\n%s", b)
	}
}

// Copy diagnostics names versions and profile kinds, never a name, key,
// secret or endpoint.
func TestDiagnosticsHoldNoSecrets(t *testing.T) {
	ps := []profiles.Profile{
		{Name: "acme-prod", Provider: profiles.ProviderAWS, AccessKeyID: "AKIAEXAMPLEKEYID0001", HasSessionToken: true},
		{Name: "my-minio", Provider: profiles.ProviderR2, Endpoint: "https://user:pw@minio.internal:9000", AccessKeyID: "MINIOKEY123"},
		{Name: "linked", Provider: profiles.ProviderAWS, AWSProfile: "work-sso"},
	}
	s := diagnosticsText("1.2.3", ps, nil, true)
	for _, want := range []string{"S3 Desk 1.2.3", "Go go", "Fyne ", "Profiles: 3", "linked AWS profile", "temporary keys", "custom endpoint"} {
		if !strings.Contains(s, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{"acme-prod", "my-minio", "AKIA", "MINIOKEY", "minio.internal", "pw@", "work-sso"} {
		if strings.Contains(s, bad) {
			t.Errorf("diagnostics hold %q:\n%s", bad, s)
		}
	}
}

// Opened files: older than a day go at start, all go at quit.
func TestOpenedFilesArePruned(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "s3desk-open-1"), filepath.Join(dir, "s3desk-open-2")
	_ = os.MkdirAll(old, 0o700)
	_ = os.MkdirAll(fresh, 0o700)
	_ = os.Chtimes(old, time.Now().Add(-48*time.Hour), time.Now().Add(-48*time.Hour))
	pruneOpened(dir, openMaxAge, time.Now())
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("a two-day-old opened file stayed")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a fresh opened file was removed")
	}
	mw := &MainWindow{deps: Deps{CacheDir: filepath.Dir(dir)}}
	_ = os.MkdirAll(openedDir(mw.cacheDir()), 0o700)
	mw.cleanOpened()
	if _, err := os.Stat(openedDir(mw.cacheDir())); !os.IsNotExist(err) {
		t.Error("opened files stayed after quit")
	}
}
