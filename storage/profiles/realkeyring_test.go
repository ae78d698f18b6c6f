package profiles_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"s3desk/storage/profiles"
)

// TestRealKeyring runs the store against the real OS keychain (gnome-keyring
// under dbus-run-session in .ci/checks/20-keyring.sh). It needs
// S3DESK_REAL_KEYRING=1; without it the test skips and says where it runs.
// With it, an unavailable keychain is a failure, not a skip.
func TestRealKeyring(t *testing.T) {
	if os.Getenv("S3DESK_REAL_KEYRING") != "1" {
		msg := "set S3DESK_REAL_KEYRING=1 with a running, unlocked Secret Service to run it"
		if os.Getenv("CI") == "true" {
			msg = "runs in .ci/checks/20-keyring.sh under dbus-run-session + gnome-keyring (which fails if it does not run)"
		}
		t.Skip("real keychain suite: " + msg)
	}
	ctx := context.Background()
	s := open(t, t.TempDir(), profiles.SystemKeychain{})
	name := "real keyring " + randName()
	secret1 := "realSecret/" + randName()
	secret2 := "realSecret2/" + randName()
	token := "realToken" + randName()
	p := minioProfile(name)

	// Set.
	if err := s.Add(ctx, p, profiles.Secret{SecretAccessKey: secret1, SessionToken: token}); err != nil {
		t.Fatalf("Add to the real keychain: %v", err)
	}
	t.Cleanup(func() { _ = s.Delete(context.Background(), name) })
	seen, tool := searchKeyring(t)
	if tool && !strings.Contains(seen, secret1) {
		t.Fatalf("secret-tool does not show the item in the keyring:\n%s", seen)
	}
	noSecretInFile(t, s, secret1, token)

	// Get, through a fresh store as after a restart.
	s2 := open(t, s.Dir(), profiles.SystemKeychain{})
	cfg, err := s2.Config(ctx, name)
	if err != nil || cfg.SecretAccessKey != secret1 || cfg.SessionToken != token {
		t.Fatalf("Config from the real keychain: %v (secret matches: %v)", err, cfg.SecretAccessKey == secret1)
	}

	// Update: new secret and a rename.
	renamed := name + " renamed"
	if err := s2.Update(ctx, name, minioProfile(renamed), &profiles.Secret{SecretAccessKey: secret2}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	name = renamed
	cfg, err = s2.Config(ctx, renamed)
	if err != nil || cfg.SecretAccessKey != secret2 || cfg.SessionToken != "" {
		t.Fatalf("Config after Update: %v", err)
	}
	if seen, tool := searchKeyring(t); tool && (strings.Contains(seen, secret1) || !strings.Contains(seen, secret2)) {
		t.Fatalf("after Update the keyring should hold only the new secret:\n%s", seen)
	}

	// Delete removes the keychain item.
	if err := s2.Delete(ctx, renamed); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if seen, _ := searchKeyring(t); strings.Contains(seen, secret2) {
		t.Fatalf("the secret is still in the keyring after Delete:\n%s", seen)
	}
	if _, err := s2.Config(ctx, renamed); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("Config after Delete: %v", err)
	}
	_, tool = searchKeyring(t)
	t.Logf("set, get, update, delete through the real keychain: ok (checked with secret-tool: %v)", tool)
}

// searchKeyring lists S3 Desk's items with secret-tool, when installed, to
// see the secrets really land in the Secret Service (false without the tool).
func searchKeyring(t *testing.T) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("secret-tool"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("secret-tool (libsecret-tools) is needed to check the keyring under CI")
		}
		return "", false
	}
	out, _ := exec.Command("secret-tool", "search", "--all", "--unlock", "service", profiles.KeychainService).CombinedOutput()
	return string(out), true
}

func randName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestRealKeyringLocked runs against a gnome-keyring whose collection is
// locked and that has no one to show the unlock prompt
// (S3DESK_REAL_KEYRING_LOCKED=1, set by .ci/checks/20-keyring.sh): the store
// must say "unlock your keyring" within the timeout and write nothing.
func TestRealKeyringLocked(t *testing.T) {
	if os.Getenv("S3DESK_REAL_KEYRING_LOCKED") != "1" {
		t.Skip("locked real keychain: runs in .ci/checks/20-keyring.sh (S3DESK_REAL_KEYRING_LOCKED=1)")
	}
	s := open(t, t.TempDir(), profiles.SystemKeychain{})
	s.SetKeychainTimeout(3 * time.Second)
	began := time.Now()
	err := s.Add(context.Background(), minioProfile("locked"), profiles.Secret{SecretAccessKey: "lockedSecret"})
	took := time.Since(began)
	if !errors.Is(err, profiles.ErrKeychainUnavailable) || !strings.Contains(err.Error(), "unlock") {
		t.Fatalf("Add to a locked keychain: %v", err)
	}
	if took > 10*time.Second { // the 3s timeout plus room for a loaded machine
		t.Fatalf("took %s with a 3s timeout", took)
	}
	if _, statErr := os.Stat(s.Path()); !os.IsNotExist(statErr) {
		t.Fatal("a profile file was written although the keychain is locked")
	}
	t.Logf("locked keychain refused in %s: %v", took.Round(time.Millisecond), err)
}
