package logfile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/logfile"
	"s3desk/storage/s3test"
)

// A warning the storage layer logs lands in the file; the profile's secret
// never does, even when a message carries it.
func TestServiceWarningLandsInFileWithoutSecret(t *testing.T) {
	dir := t.TempDir()
	lf, err := logfile.Open(dir, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	log, scrub := lf.Logger()
	srv := s3test.StartVersity(t)
	cfg := srv.Config()
	const secret = "SECRETdeadbeef1234567890SECRET"
	cfg.SecretAccessKey = secret // a recognisable secret: the calls fail to sign, and may log
	cfg.Logger = log
	scrub.Forget(cfg.SecretAccessKey, cfg.SessionToken)
	svc, err := storage.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = svc.ListBuckets(t.Context())
	svc.Logger().Warn("abort failed", "err", errors.New("request with Authorization: AWS4-HMAC-SHA256 Credential=x, Signature=abc and key "+secret))
	svc.Logger().LogAttrs(context.Background(), 8, "group", slogGroup(secret))

	b, err := os.ReadFile(filepath.Join(dir, logfile.Name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, "level=WARN") || !strings.Contains(s, "abort failed") {
		t.Fatalf("warning not in the log:\n%s", s)
	}
	if strings.Contains(s, secret) || strings.Contains(s, "Signature=abc") {
		t.Fatalf("the log holds a secret:\n%s", s)
	}
}

// The file rotates at its bound and keeps Keep old files.
func TestRotation(t *testing.T) {
	dir := t.TempDir()
	lf, err := logfile.Open(dir, 1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	line := []byte(strings.Repeat("x", 99) + "\n")
	for range 100 { // 10,000 bytes: 10 files' worth
		if _, err := lf.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
		info, _ := e.Info()
		if info.Size() > 1000 {
			t.Errorf("%s has %d bytes, over the bound", e.Name(), info.Size())
		}
	}
	if strings.Join(names, ",") != "s3desk.log,s3desk.log.1,s3desk.log.2,s3desk.log.3" {
		t.Fatalf("files %v", names)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("log folder mode %v", st.Mode().Perm())
	}
}
