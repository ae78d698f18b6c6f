package profiles_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"s3desk/storage/profiles"
)

const (
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testToken  = "FwoGZXIvYXdzEXAMPLESESSIONTOKENabc123"
)

// memKeychain is a keychain in memory that records calls, for checks of
// what the store asked for.
type memKeychain struct {
	mu    sync.Mutex
	items map[string]string
	err   error
	sets  int
}

func newMem() *memKeychain { return &memKeychain{items: map[string]string{}} }

func (m *memKeychain) Set(service, user, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.sets++
	m.items[service+"/"+user] = secret
	return nil
}

func (m *memKeychain) Get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return "", m.err
	}
	v, ok := m.items[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (m *memKeychain) Delete(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	if _, ok := m.items[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.items, service+"/"+user)
	return nil
}

func (m *memKeychain) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

func open(t *testing.T, dir string, kc profiles.Keychain) *profiles.Store {
	t.Helper()
	s, err := profiles.Open(dir, kc)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func minioProfile(name string) profiles.Profile {
	return profiles.Profile{Name: name, Provider: profiles.ProviderMinIO, Endpoint: "http://127.0.0.1:9000",
		Region: "us-east-1", PathStyle: true, Compatibility: true, AccessKeyID: "AKIAEXAMPLE123"}
}

// noSecretInFile fails when any of the secrets appears in the bytes of the
// profiles file.
func noSecretInFile(t *testing.T, s *profiles.Store, secrets ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(string(b), sec) {
			t.Fatalf("the profiles file contains a secret:\n%s", b)
		}
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kc := newMem()
	s := open(t, dir, kc)
	p := minioProfile("Home MinIO")
	if err := s.Add(ctx, p, profiles.Secret{SecretAccessKey: testSecret, SessionToken: testToken}); err != nil {
		t.Fatal(err)
	}
	r2 := profiles.Profile{Name: "R2 photos", Provider: profiles.ProviderR2, Endpoint: "https://0123abcd.r2.cloudflarestorage.com/", Region: "auto", PathStyle: true, Compatibility: true, AccessKeyID: "R2KEY"}
	if err := s.Add(ctx, r2, profiles.Secret{SecretAccessKey: "r2secretvalue"}); err != nil {
		t.Fatal(err)
	}
	linked := profiles.Profile{Name: "work", Provider: profiles.ProviderAWS, AWSProfile: "work-sso"}
	if err := s.Add(ctx, linked, profiles.Secret{}); err != nil {
		t.Fatal(err)
	}

	// A second Store on the same folder (a restart) sees the same.
	s2 := open(t, dir, kc)
	list, err := s2.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range list {
		names = append(names, x.Name)
	}
	if strings.Join(names, "|") != "Local sandbox|Home MinIO|R2 photos|work" {
		t.Fatalf("List = %q", names)
	}
	if !list[0].BuiltIn || list[0].Provider != profiles.ProviderSandbox {
		t.Fatalf("first profile %+v is not the built-in sandbox", list[0])
	}
	got, err := s2.Get(ctx, "home minio") // names match case-insensitively
	if err != nil {
		t.Fatal(err)
	}
	want := p
	want.HasSessionToken = true
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v\nwant  %+v", got, want)
	}
	cfg, err := s2.Config(ctx, "Home MinIO")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != p.Endpoint || !cfg.PathStyle || !cfg.Compatibility || cfg.AccessKeyID != p.AccessKeyID ||
		cfg.SecretAccessKey != testSecret || cfg.SessionToken != testToken {
		t.Fatalf("Config = %+v", cfg)
	}
	if got, _ := s2.Get(ctx, "R2 photos"); got.Endpoint != "https://0123abcd.r2.cloudflarestorage.com" {
		t.Fatalf("endpoint not normalised: %q", got.Endpoint)
	}
	cfg, err = s2.Config(ctx, "work")
	if err != nil || cfg.AWSProfile != "work-sso" || cfg.AccessKeyID != "" || cfg.SecretAccessKey != "" {
		t.Fatalf("linked Config = %+v, %v", cfg, err)
	}
	noSecretInFile(t, s2, testSecret, testToken, "r2secretvalue")
	if kc.count() != 2 {
		t.Fatalf("keychain holds %d items, want 2 (linked profiles have none)", kc.count())
	}
}

func TestFileModeAndNoSecretBytes(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cfg", "s3desk")
	s := open(t, dir, newMem())
	if err := s.Add(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret, SessionToken: testToken}); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "m", minioProfile("m2"), &profiles.Secret{SecretAccessKey: testSecret + "X"}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("profiles file mode %v, want 0600", st.Mode().Perm())
	}
	dst, _ := os.Stat(dir)
	if dst.Mode().Perm() != 0o700 {
		t.Fatalf("settings folder mode %v, want 0700", dst.Mode().Perm())
	}
	b := noSecretInFile(t, s, testSecret, testToken, "wJalrXUtnFEMI")
	// The file is plain JSON a person can read.
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("file is not JSON: %v", err)
	}
	// A file that someone made world-readable is made private again.
	os.Chmod(s.Path(), 0o644)
	open(t, dir, newMem())
	st, _ = os.Stat(s.Path())
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("Open left mode %v", st.Mode().Perm())
	}
}

func TestAtomicWriteCrashBeforeRename(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, newMem())
	if err := s.Add(ctx, minioProfile("first"), profiles.Secret{SecretAccessKey: testSecret}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())

	// The process "dies" between writing the temp file and renaming it.
	restore := profiles.SetRenameHook(s, func(oldpath, newpath string) error {
		return errors.New("simulated crash before rename")
	})
	err := s.Add(ctx, minioProfile("second"), profiles.Secret{SecretAccessKey: testSecret})
	restore()
	if err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("Add with failing rename: %v", err)
	}
	after, _ := os.ReadFile(s.Path())
	if string(after) != string(before) {
		t.Fatal("the profiles file changed although the rename failed")
	}
	// A stray temp file (a real crash leaves one) does not disturb readers.
	stray := filepath.Join(dir, ".profiles-123.tmp")
	os.WriteFile(stray, []byte(`{"version":1,"profiles":[{"id":"x","name":"half-writ`), 0o600)
	s2 := open(t, dir, newMem())
	list, err := s2.List(ctx)
	if err != nil || len(list) != 2 || list[1].Name != "first" {
		t.Fatalf("after crash: %v %+v", err, list)
	}
	// The failed Add did not leave an orphan secret behind.
	if err := s.Add(ctx, minioProfile("second"), profiles.Secret{SecretAccessKey: testSecret}); err != nil {
		t.Fatalf("Add after recovery: %v", err)
	}
}

func TestValidation(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), newMem())
	if err := s.Add(ctx, minioProfile("taken"), profiles.Secret{SecretAccessKey: testSecret}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		p     profiles.Profile
		sec   profiles.Secret
		kind  error
		field string
		words string
	}{
		{"empty name", profiles.Profile{Name: "  ", Provider: profiles.ProviderAWS}, profiles.Secret{}, profiles.ErrInvalid, "name", "needs a name"},
		{"duplicate name", minioProfile("Taken"), profiles.Secret{SecretAccessKey: "x"}, profiles.ErrDuplicate, "name", "already exists"},
		{"sandbox name", minioProfile("local sandbox"), profiles.Secret{SecretAccessKey: "x"}, profiles.ErrDuplicate, "name", "already exists"},
		{"ftp endpoint", profiles.Profile{Name: "a", Provider: profiles.ProviderOther, Endpoint: "ftp://files.example.com"}, profiles.Secret{}, profiles.ErrInvalid, "endpoint", "not an http(s) URL"},
		{"bare host", profiles.Profile{Name: "a", Provider: profiles.ProviderOther, Endpoint: "s3.example.com"}, profiles.Secret{}, profiles.ErrInvalid, "endpoint", "not an http(s) URL"},
		{"placeholder left", profiles.Profile{Name: "a", Provider: profiles.ProviderR2, Endpoint: "https://<account-id>.r2.cloudflarestorage.com"}, profiles.Secret{}, profiles.ErrInvalid, "endpoint", "replace the <...>"},
		{"no endpoint for R2", profiles.Profile{Name: "a", Provider: profiles.ProviderR2, AccessKeyID: "K"}, profiles.Secret{SecretAccessKey: "s"}, profiles.ErrInvalid, "endpoint", "needs an endpoint"},
		{"access key with space", profiles.Profile{Name: "a", Provider: profiles.ProviderAWS, AccessKeyID: "AKIA EXAMPLE"}, profiles.Secret{SecretAccessKey: "s"}, profiles.ErrInvalid, "access_key_id", "space"},
		{"secret with newline", profiles.Profile{Name: "a", Provider: profiles.ProviderAWS, AccessKeyID: "AKIA"}, profiles.Secret{SecretAccessKey: "abc\n"}, profiles.ErrInvalid, "secret_access_key", "space or line break"},
		{"missing secret", profiles.Profile{Name: "a", Provider: profiles.ProviderAWS, AccessKeyID: "AKIA"}, profiles.Secret{}, profiles.ErrInvalid, "secret_access_key", "enter the secret"},
		{"keys and link", profiles.Profile{Name: "a", Provider: profiles.ProviderAWS, AccessKeyID: "AKIA", AWSProfile: "dev"}, profiles.Secret{SecretAccessKey: "s"}, profiles.ErrInvalid, "aws_profile", "not both"},
		{"plain http remote", profiles.Profile{Name: "a", Provider: profiles.ProviderOther, Endpoint: "http://10.1.2.3:9000"}, profiles.Secret{}, profiles.ErrInsecure, "endpoint", "Allow insecure HTTP"},
		{"unknown provider", profiles.Profile{Name: "a", Provider: "gcs", Endpoint: "https://x"}, profiles.Secret{}, profiles.ErrInvalid, "provider", "unknown provider"},
		{"bad region", profiles.Profile{Name: "a", Provider: profiles.ProviderAWS, Region: "US East"}, profiles.Secret{}, profiles.ErrInvalid, "region", "us-east-1"},
		{"userinfo in endpoint", profiles.Profile{Name: "a", Provider: profiles.ProviderOther, Endpoint: "https://key:secret@s3.example.com"}, profiles.Secret{}, profiles.ErrInvalid, "endpoint", "user name or password"},
	}
	before, _ := os.ReadFile(s.Path())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.Add(ctx, c.p, c.sec)
			if !errors.Is(err, c.kind) {
				t.Fatalf("Add: %v, want %v", err, c.kind)
			}
			var pe *profiles.Error
			if !errors.As(err, &pe) || pe.Field != c.field || !strings.Contains(err.Error(), c.words) {
				t.Fatalf("error %q (field %q), want field %q and words %q", err, pe.Field, c.field, c.words)
			}
		})
	}
	after, _ := os.ReadFile(s.Path())
	if string(before) != string(after) {
		t.Fatal("a refused profile changed the file")
	}
	if !errors.Is(profiles.ErrInsecure, profiles.ErrInvalid) {
		t.Fatal("ErrInsecure should also be ErrInvalid")
	}
}

func TestInsecureHTTPNeedsTheFlag(t *testing.T) {
	p := profiles.Profile{Name: "lab", Provider: profiles.ProviderMinIO, Endpoint: "http://nas.lan:9000", Compatibility: true}
	if _, err := profiles.Validate(p); !errors.Is(err, profiles.ErrInsecure) {
		t.Fatalf("without the flag: %v", err)
	}
	p.AllowInsecureHTTP = true
	warn, err := profiles.Validate(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(warn) == 0 || !strings.Contains(strings.Join(warn, "\n"), "insecure") {
		t.Fatalf("warnings = %q, want an insecure-HTTP warning", warn)
	}
	for _, ep := range []string{"http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"} {
		p := profiles.Profile{Name: "loop", Provider: profiles.ProviderMinIO, Endpoint: ep, Compatibility: true}
		if w, err := profiles.Validate(p); err != nil || strings.Contains(strings.Join(w, " "), "insecure") {
			t.Fatalf("%s: %v %q (loopback needs no flag)", ep, err, w)
		}
	}
}

func TestUpdateRenameAndSecrets(t *testing.T) {
	ctx := context.Background()
	kc := newMem()
	s := open(t, t.TempDir(), kc)
	if err := s.Add(ctx, minioProfile("old"), profiles.Secret{SecretAccessKey: "first-secret", SessionToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	// Rename, keeping the secret (nil).
	p := minioProfile("new")
	p.Region = "eu-west-1"
	if err := s.Update(ctx, "old", p, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "old"); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("old name still there: %v", err)
	}
	cfg, err := s.Config(ctx, "new")
	if err != nil || cfg.SecretAccessKey != "first-secret" || cfg.SessionToken != "tok" || cfg.Region != "eu-west-1" {
		t.Fatalf("after rename: %+v %v", cfg, err)
	}
	// Replace the secret.
	if err := s.Update(ctx, "new", p, &profiles.Secret{SecretAccessKey: "second-secret"}); err != nil {
		t.Fatal(err)
	}
	cfg, _ = s.Config(ctx, "new")
	got, _ := s.Get(ctx, "new")
	if cfg.SecretAccessKey != "second-secret" || cfg.SessionToken != "" || got.HasSessionToken {
		t.Fatalf("after new secret: %+v", cfg)
	}
	if kc.count() != 1 {
		t.Fatalf("keychain holds %d items after updates, want 1", kc.count())
	}
	// A new access key ID needs its own secret.
	changed := p
	changed.AccessKeyID = "AKIAOTHERKEY"
	if err := s.Update(ctx, "new", changed, nil); !errors.Is(err, profiles.ErrInvalid) {
		t.Fatalf("new key ID without a secret: %v", err)
	}
	// Renaming onto another profile is refused.
	if err := s.Add(ctx, minioProfile("other"), profiles.Secret{SecretAccessKey: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "new", minioProfile("OTHER"), nil); !errors.Is(err, profiles.ErrDuplicate) {
		t.Fatalf("rename onto another: %v", err)
	}
	// Switching to a linked AWS profile removes the keychain item.
	if err := s.Update(ctx, "new", profiles.Profile{Name: "new", Provider: profiles.ProviderAWS, AWSProfile: "dev"}, nil); err != nil {
		t.Fatal(err)
	}
	if kc.count() != 1 {
		t.Fatalf("keychain holds %d items, want 1 (only \"other\")", kc.count())
	}
	// Switching back to keys needs a secret.
	if err := s.Update(ctx, "new", minioProfile("new"), nil); !errors.Is(err, profiles.ErrInvalid) {
		t.Fatalf("keys without a secret: %v", err)
	}
	// Delete removes the keychain item.
	if err := s.Delete(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	if kc.count() != 0 {
		t.Fatalf("keychain holds %d items after delete", kc.count())
	}
	if err := s.Delete(ctx, "other"); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestSandboxProfileIsBuiltIn(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), newMem())
	if err := s.Delete(ctx, profiles.SandboxName); !errors.Is(err, profiles.ErrBuiltIn) {
		t.Fatalf("Delete sandbox: %v", err)
	}
	if err := s.Update(ctx, profiles.SandboxName, minioProfile("x"), nil); !errors.Is(err, profiles.ErrBuiltIn) {
		t.Fatalf("Update sandbox: %v", err)
	}
	if _, err := s.Config(ctx, profiles.SandboxName); !errors.Is(err, profiles.ErrNoSandbox) {
		t.Fatalf("Config without SetSandbox: %v", err)
	}
}

func TestCorruptFileIsReportedNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, profiles.FileName)
	os.WriteFile(path, []byte("{not json"), 0o600)
	_, err := profiles.Open(dir, newMem())
	if !errors.Is(err, profiles.ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open on a damaged file: %v", err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "{not json" {
		t.Fatal("the damaged file was changed")
	}
}

func TestPresets(t *testing.T) {
	want := map[profiles.Provider]func(p profiles.Preset) bool{
		profiles.ProviderAWS: func(p profiles.Preset) bool { return p.EndpointHint == "" && !p.PathStyle },
		profiles.ProviderR2: func(p profiles.Preset) bool {
			return p.Region == "auto" && p.Compatibility && p.ExpandEndpoint("abc123") == "https://abc123.r2.cloudflarestorage.com"
		},
		profiles.ProviderB2: func(p profiles.Preset) bool {
			return p.Compatibility && p.ExpandEndpoint("us-west-004") == "https://s3.us-west-004.backblazeb2.com"
		},
		profiles.ProviderWasabi: func(p profiles.Preset) bool {
			return p.ExpandEndpoint("eu-central-1") == "https://s3.eu-central-1.wasabisys.com"
		},
		profiles.ProviderMinIO: func(p profiles.Preset) bool { return p.PathStyle && p.Compatibility },
		profiles.ProviderOther: func(p profiles.Preset) bool { return p.Label != "" },
	}
	ps := profiles.Presets()
	if len(ps) != len(want) {
		t.Fatalf("%d presets, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		if ok := want[p.Provider]; ok == nil || !ok(p) {
			t.Errorf("preset %+v is wrong", p)
		}
	}
}

// TestTwoStoresDoNotLoseUpdates: two windows (two Stores on one folder)
// adding at the same time keep every profile.
func TestTwoStoresDoNotLoseUpdates(t *testing.T) {
	dir := t.TempDir()
	kc := newMem()
	a, b := open(t, dir, kc), open(t, dir, kc)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		for j, s := range []*profiles.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := minioProfile(strings.Repeat("x", j+1) + "-" + string(rune('a'+i)))
				errs <- s.Add(context.Background(), p, profiles.Secret{SecretAccessKey: testSecret})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	list, err := open(t, dir, kc).List(context.Background())
	if err != nil || len(list) != 41 {
		t.Fatalf("%d profiles after 40 concurrent adds from two stores (want 40 + sandbox): %v", len(list), err)
	}
}
