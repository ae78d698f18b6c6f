package ledger_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/ledger"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

// sessionToken looks like an STS token: long, with /, + and =.
const sessionToken = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with+plus=="

// noSecretUnder fails when any file under the dirs holds one of secrets, raw
// or URL-escaped.
func noSecretUnder(t *testing.T, secrets []string, dirs ...string) int {
	t.Helper()
	files := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			for _, s := range secrets {
				for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")} {
					if bytes.Contains(b, []byte(form)) {
						t.Errorf("%s holds a secret (%.12s…)", p, form)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func TestLedgerKeepsNoSessionToken(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := ledger.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw := "https://b.s3.amazonaws.com/k.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA%2F20260101&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=" +
		url.QueryEscape(sessionToken) + "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc"
	l, err := st.Add(ctx, ledger.Link{Kind: ledger.Presigned, Bucket: "b", Key: "k.txt", URL: raw, Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if noSecretUnder(t, []string{sessionToken}, dir) == 0 {
		t.Fatal("no ledger file written")
	}
	if strings.Contains(l.URL, "Security-Token") || !l.NeedsSession() {
		t.Fatalf("recorded %+v", l)
	}
	got, _ := st.Get(ctx, l.ID)
	if !got.NeedsSession() || got.URL != l.URL {
		t.Fatalf("read back %+v", got)
	}
	// Copy again with the same session gives back a working link: the
	// same query, token included.
	again, err := got.WithSession(sessionToken)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := url.Parse(again)
	o, _ := url.Parse(raw)
	if a.Query().Encode() != o.Query().Encode() || a.Path != o.Path || a.Host != o.Host {
		t.Fatalf("copy again gave\n%s\nwant\n%s", again, raw)
	}
	// Another session (or none) cannot: it says so plainly.
	for _, tok := range []string{"", "another-token"} {
		if _, err := got.WithSession(tok); !errors.Is(err, ledger.ErrSessionEnded) || !strings.Contains(err.Error(), "session") {
			t.Fatalf("copy again with %q: %v", tok, err)
		}
	}
	// A link made without temporary credentials needs no session.
	plain, err := st.Add(ctx, ledger.Link{Kind: ledger.Presigned, URL: "https://b/k?X-Amz-Signature=1"})
	if err != nil || plain.NeedsSession() {
		t.Fatalf("%+v %v", plain, err)
	}
	if u, err := plain.WithSession(""); err != nil || u != plain.URL {
		t.Fatalf("%q %v", u, err)
	}
}

// A ledger written by an older version, token and all, is cleaned when
// opened.
func TestLedgerScrubsOldFile(t *testing.T) {
	dir := t.TempDir()
	old := `{"version":1,"links":[{"id":"1","kind":"presigned","bucket":"b","key":"k","url":"https://b/k?X-Amz-Security-Token=` +
		url.QueryEscape(sessionToken) + `&X-Amz-Signature=1","created":"2026-01-01T00:00:00Z"}]}`
	if err := os.WriteFile(filepath.Join(dir, ledger.FileName), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := ledger.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	noSecretUnder(t, []string{sessionToken}, dir)
	all, err := st.List(context.Background())
	if err != nil || len(all) != 1 || !all[0].NeedsSession() || strings.Contains(all[0].URL, "Token") {
		t.Fatalf("%+v %v", all, err)
	}
}

// End to end: links shared with temporary credentials and recorded in the
// app's data folder leave no session token and no secret in any file under
// the config and data folders.
func TestSharedWithTemporaryCredentialsLeavesNoTokenOnDisk(t *testing.T) {
	home := t.TempDir()
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		p := home
		if v != "HOME" {
			p = filepath.Join(home, strings.ToLower(strings.TrimPrefix(v, "XDG_")))
		}
		t.Setenv(v, p)
	}
	srv := s3test.StartVersity(t)
	cfg := srv.Config()
	cfg.SessionToken = sessionToken
	svc, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := ledger.DefaultDir()
	if err != nil || !strings.HasPrefix(dir, home) {
		t.Fatalf("ledger dir %q %v", dir, err)
	}
	st, err := ledger.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	get, err := share.New(svc).PresignGet(ctx, srv.Bucket(t), "a b+c.txt", share.ShareOptions{Expiry: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	put, err := share.New(svc).PresignPut(ctx, srv.Bucket(t), "in/up.bin", share.ShareOptions{Expiry: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(get.URL, "X-Amz-Security-Token") || !strings.Contains(put.URL, "X-Amz-Security-Token") {
		t.Fatalf("presigned URLs carry no token, the test proves nothing: %s", get.URL)
	}
	for _, l := range []share.SharedLink{get, put} {
		if _, err := st.Add(ctx, ledger.Link{Kind: ledger.Kind(l.Kind), Bucket: l.Bucket, Key: l.Key, URL: l.URL, Expires: l.Expires, Why: l.Why}); err != nil {
			t.Fatal(err)
		}
	}
	if n := noSecretUnder(t, []string{sessionToken, srv.SecretKey}, home); n == 0 {
		t.Fatal("nothing written under the config and data folders")
	}
	all, _ := st.List(ctx)
	for _, l := range all {
		u, err := l.WithSession(sessionToken)
		if err != nil || u != map[string]string{get.Key: get.URL, put.Key: put.URL}[l.Key] && !sameQuery(u, map[string]string{get.Key: get.URL, put.Key: put.URL}[l.Key]) {
			t.Fatalf("copy again of %s: %q %v", l.Key, u, err)
		}
	}
}

func sameQuery(a, b string) bool {
	ua, _ := url.Parse(a)
	ub, _ := url.Parse(b)
	return ua != nil && ub != nil && ua.Path == ub.Path && ua.Query().Encode() == ub.Query().Encode()
}
