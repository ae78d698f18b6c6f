package profiles_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"s3desk/storage/profiles"
)

// The mocked tests swap go-keyring's global provider, so they do not run in
// parallel.

func TestMockKeychainRoundTrip(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	s := open(t, t.TempDir(), profiles.SystemKeychain{})
	if err := s.Add(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret}); err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config(ctx, "m")
	if err != nil || cfg.SecretAccessKey != testSecret {
		t.Fatalf("Config: %+v %v", cfg, err)
	}
	if err := s.Delete(ctx, "m"); err != nil {
		t.Fatal(err)
	}
}

func TestMockKeychainUnavailable(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	ctx := context.Background()
	s := open(t, t.TempDir(), profiles.SystemKeychain{})
	err := s.Add(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret})
	if !errors.Is(err, profiles.ErrKeychainUnavailable) {
		t.Fatalf("Add: %v, want ErrKeychainUnavailable", err)
	}
	if !strings.Contains(err.Error(), "start gnome-keyring or KWallet") || !strings.Contains(err.Error(), "this session only") {
		t.Fatalf("message does not say what to do: %q", err)
	}
	if _, statErr := os.Stat(s.Path()); !os.IsNotExist(statErr) {
		t.Fatal("a profile file was written although the keychain failed")
	}

	// Locked collection / dismissed prompt.
	keyring.MockInitWithError(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"))
	err = s.Add(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret})
	if !errors.Is(err, profiles.ErrKeychainUnavailable) || !strings.Contains(err.Error(), "unlock your keyring") {
		t.Fatalf("locked: %v", err)
	}

	// For this session only: the profile is saved, the secret stays in memory.
	if err := s.AddForSession(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret}); err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config(ctx, "m")
	if err != nil || cfg.SecretAccessKey != testSecret {
		t.Fatalf("session Config: %+v %v", cfg, err)
	}
	noSecretInFile(t, s, testSecret)

	// A restart forgets it; the keychain is still down.
	s2 := open(t, s.Dir(), profiles.SystemKeychain{})
	if _, err := s2.Config(ctx, "m"); !errors.Is(err, profiles.ErrKeychainUnavailable) {
		t.Fatalf("after restart: %v", err)
	}
	s2.UseForSession(" M ", profiles.Secret{SecretAccessKey: "typed-again"})
	if cfg, err := s2.Config(ctx, "m"); err != nil || cfg.SecretAccessKey != "typed-again" {
		t.Fatalf("UseForSession: %+v %v", cfg, err)
	}
	// Delete refuses while the keychain is down, DeleteKeepingSecret goes on.
	if err := s2.Delete(ctx, "m"); !errors.Is(err, profiles.ErrKeychainUnavailable) {
		t.Fatalf("Delete: %v", err)
	}
	if err := s2.DeleteKeepingSecret(ctx, "m"); err != nil {
		t.Fatal(err)
	}
}

func TestMockKeychainNotFound(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	s := open(t, t.TempDir(), profiles.SystemKeychain{})
	if err := s.Add(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret}); err != nil {
		t.Fatal(err)
	}
	// Someone removed the item in the keyring manager.
	keyring.MockInitWithError(keyring.ErrNotFound)
	_, err := s.Config(ctx, "m")
	if !errors.Is(err, profiles.ErrSecretNotFound) || !strings.Contains(err.Error(), `profile "m"`) || !strings.Contains(err.Error(), "enter the secret access key again") {
		t.Fatalf("Config: %v", err)
	}
	// Deleting a profile whose secret is already gone works.
	if err := s.Delete(ctx, "m"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
}

func TestMockKeychainTooBig(t *testing.T) {
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	ctx := context.Background()
	s := open(t, t.TempDir(), profiles.SystemKeychain{})
	err := s.Add(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret, SessionToken: strings.Repeat("t", 4000)})
	if !errors.Is(err, profiles.ErrSecretTooBig) || !strings.Contains(err.Error(), "too big") {
		t.Fatalf("Add: %v", err)
	}
	if _, statErr := os.Stat(s.Path()); !os.IsNotExist(statErr) {
		t.Fatal("a profile file was written although the keychain refused the secret")
	}
}

// hangingKeychain never answers, like a Secret Service waiting on a prompt
// nobody sees.
type hangingKeychain struct{ release chan struct{} }

func (h hangingKeychain) Set(string, string, string) error { <-h.release; return nil }
func (h hangingKeychain) Get(string, string) (string, error) {
	<-h.release
	return "", keyring.ErrNotFound
}
func (h hangingKeychain) Delete(string, string) error { <-h.release; return nil }

func TestKeychainHangTimesOut(t *testing.T) {
	h := hangingKeychain{release: make(chan struct{})}
	defer close(h.release)
	s := open(t, t.TempDir(), h)
	s.SetKeychainTimeout(300 * time.Millisecond)
	began := time.Now()
	err := s.Add(context.Background(), minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret})
	took := time.Since(began)
	if !errors.Is(err, profiles.ErrKeychainUnavailable) || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("Add: %v", err)
	}
	if took > 10*time.Second { // a bound against hanging, with room for a loaded machine
		t.Fatalf("Add took %s with a 300ms keychain timeout", took)
	}
	if _, statErr := os.Stat(s.Path()); !os.IsNotExist(statErr) {
		t.Fatal("a profile file was written although the keychain hung")
	}
	// The caller's context wins over the timeout.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Add(ctx, minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Add: %v", err)
	}
}

// TestKeychainMissing runs the real go-keyring with no reachable D-Bus
// session, in a child process (go-keyring caches the session bus).
func TestKeychainMissing(t *testing.T) {
	if os.Getenv("S3DESK_KEYCHAIN_MISSING_CHILD") == "1" {
		keychainMissingChild(t)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeychainMissing$", "-test.count=1", "-test.v")
	env := []string{"S3DESK_KEYCHAIN_MISSING_CHILD=1", "S3DESK_TEST_DIR=" + dir,
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + dir + "/no-such-bus"}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DBUS_") && !strings.HasPrefix(e, "DISPLAY=") {
			env = append(env, e)
		}
	}
	cmd.Env = env
	began := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestKeychainMissing") {
		t.Fatalf("child did not run the check:\n%s", out)
	}
	t.Logf("child process took %s", time.Since(began).Round(time.Millisecond))
}

func keychainMissingChild(t *testing.T) {
	dir := os.Getenv("S3DESK_TEST_DIR")
	s := open(t, dir, profiles.SystemKeychain{})
	s.SetKeychainTimeout(3 * time.Second)
	began := time.Now()
	err := s.Add(context.Background(), minioProfile("m"), profiles.Secret{SecretAccessKey: testSecret})
	took := time.Since(began)
	t.Logf("Add without D-Bus: %s: %v", took.Round(time.Millisecond), err)
	if !errors.Is(err, profiles.ErrKeychainUnavailable) {
		t.Fatalf("Add: %v, want ErrKeychainUnavailable", err)
	}
	if took > 10*time.Second { // the 3s timeout plus room for a loaded machine
		t.Fatalf("took %s, far more than the 3s timeout", took)
	}
	if _, statErr := os.Stat(s.Path()); !os.IsNotExist(statErr) {
		t.Fatal("a profile file was written although there is no keychain")
	}
	if _, err := s.Config(context.Background(), "m"); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("Config: %v", err)
	}
}
