package profiles

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"s3desk/storage"
)

// FileName is the profiles file inside the store's folder.
const FileName = "profiles.json"

const tempPattern = ".profiles-*.tmp"

// DefaultDir is os.UserConfigDir()/s3desk (~/.config/s3desk on Linux).
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no folder for settings (set XDG_CONFIG_HOME or HOME): %w", err)
	}
	return filepath.Join(d, "s3desk"), nil
}

// Store keeps profiles: plain fields in dir/profiles.json, secrets in the
// keychain (or, for this session only, in memory). It is safe for
// concurrent use; every call re-reads the file, so two windows stay in step.
type Store struct {
	dir  string
	path string
	kc   Keychain

	mu      sync.Mutex
	timeout time.Duration
	session map[string]Secret // by sessionKey(name): secrets kept for this session only
	sandbox func(ctx context.Context) (storage.Config, error)

	// rename is os.Rename; tests swap it to simulate a crash between
	// writing the temp file and renaming it.
	rename func(oldpath, newpath string) error
}

// fileFormat is the JSON on disk. It has no field that could hold a secret.
type fileFormat struct {
	Version  int      `json:"version"`
	Profiles []stored `json:"profiles"`
}

type stored struct {
	// ID keys the profile's keychain item, so a rename does not touch the
	// keychain.
	ID string `json:"id"`
	Profile
}

// Open opens the store in dir (created with mode 0700 when missing), with kc
// as the keychain (SystemKeychain{} in the app). A damaged file is an error
// wrapping ErrCorrupt; it is left as it is.
func Open(dir string, kc Keychain) (*Store, error) {
	if dir == "" {
		return nil, errors.New("profiles: no folder given")
	}
	if kc == nil {
		kc = SystemKeychain{}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the settings folder %s: %w", dir, err)
	}
	s := &Store{
		dir:     dir,
		path:    filepath.Join(dir, FileName),
		kc:      kc,
		timeout: DefaultKeychainTimeout,
		session: map[string]Secret{},
		rename:  os.Rename,
	}
	if st, err := os.Stat(s.path); err == nil && st.Mode().Perm() != 0o600 {
		if err := os.Chmod(s.path, 0o600); err != nil {
			return nil, fmt.Errorf("cannot make %s private (mode 0600): %w", s.path, err)
		}
	}
	if _, err := s.load(); err != nil {
		return nil, err
	}
	s.removeStaleTemps()
	return s, nil
}

// Path is the profiles file.
func (s *Store) Path() string { return s.path }

// Dir is the folder the store keeps its file in.
func (s *Store) Dir() string { return s.dir }

// SetKeychainTimeout changes the bound on each keychain call.
func (s *Store) SetKeychainTimeout(d time.Duration) {
	s.mu.Lock()
	s.timeout = d
	s.mu.Unlock()
}

// SetSandbox wires the built-in "Local sandbox" profile: start returns the
// running sandbox's config (starting it on first use).
func (s *Store) SetSandbox(start func(ctx context.Context) (storage.Config, error)) {
	s.mu.Lock()
	s.sandbox = start
	s.mu.Unlock()
}

func sandboxProfile() Profile {
	return Profile{Name: SandboxName, Provider: ProviderSandbox, Endpoint: "http://127.0.0.1", Region: "us-east-1", PathStyle: true, Compatibility: true, BuiltIn: true}
}

func isSandbox(name string) bool { return strings.EqualFold(strings.TrimSpace(name), SandboxName) }

// List returns the built-in sandbox profile first, then the saved profiles
// sorted by name.
func (s *Store) List(ctx context.Context) ([]Profile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ff, err := s.load()
	if err != nil {
		return nil, err
	}
	out := []Profile{sandboxProfile()}
	for _, p := range ff.Profiles {
		out = append(out, p.Profile)
	}
	slices.SortStableFunc(out[1:], func(a, b Profile) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}

// Get returns the profile named name.
func (s *Store) Get(ctx context.Context, name string) (Profile, error) {
	if err := ctx.Err(); err != nil {
		return Profile{}, err
	}
	if isSandbox(name) {
		return sandboxProfile(), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ff, err := s.load()
	if err != nil {
		return Profile{}, err
	}
	i := find(ff, name)
	if i < 0 {
		return Profile{}, notFound(name)
	}
	return ff.Profiles[i].Profile, nil
}

// Add saves a new profile and puts its secret in the keychain (first; if the
// keychain fails, nothing is saved). sec is ignored for profiles without an
// access key.
func (s *Store) Add(ctx context.Context, p Profile, sec Secret) error {
	return s.add(ctx, p, sec, false)
}

// AddForSession saves a new profile's plain fields but keeps its secret in
// memory only, for when the keychain is unavailable. After a restart the
// profile asks for its secret again (Config returns ErrSecretNotFound).
func (s *Store) AddForSession(ctx context.Context, p Profile, sec Secret) error {
	return s.add(ctx, p, sec, true)
}

func (s *Store) add(ctx context.Context, p Profile, sec Secret, sessionOnly bool) error {
	p, err := s.check(p, sec)
	if err != nil {
		return err
	}
	return s.locked(func(ff fileFormat) error {
		if isSandbox(p.Name) || find(ff, p.Name) >= 0 {
			return duplicate(p.Name)
		}
		p.HasSessionToken = p.UsesKeychain() && sec.SessionToken != ""
		st := stored{ID: newID(), Profile: p}
		if p.UsesKeychain() && !sessionOnly {
			if err := s.setSecret(ctx, st.ID, sec); err != nil {
				return err
			}
		}
		ff.Profiles = append(ff.Profiles, st)
		if err := s.save(ff); err != nil {
			if p.UsesKeychain() && !sessionOnly {
				_ = s.deleteSecret(ctx, st.ID) // best effort: do not leave an orphan
			}
			return err
		}
		if p.UsesKeychain() && sessionOnly {
			s.session[sessionKey(p.Name)] = sec
		}
		return nil
	})
}

// Update replaces the profile oldName with p (which may carry a new name).
// A nil sec keeps the stored secret; a non-nil one replaces it in the
// keychain. Switching a profile from keys to a linked AWS profile removes its
// keychain item. On any error nothing is changed.
func (s *Store) Update(ctx context.Context, oldName string, p Profile, sec *Secret) error {
	if isSandbox(oldName) {
		return &Error{Kind: ErrBuiltIn, Msg: "the Local sandbox profile is built in and cannot be edited; use Reset to start it afresh"}
	}
	var check Secret
	if sec != nil {
		check = *sec
	} else {
		check = Secret{SecretAccessKey: "kept"}
	}
	p, err := s.check(p, check)
	if err != nil {
		return err
	}
	return s.locked(func(ff fileFormat) error {
		i := find(ff, oldName)
		if i < 0 {
			return notFound(oldName)
		}
		old := ff.Profiles[i]
		if isSandbox(p.Name) || (!strings.EqualFold(p.Name, old.Name) && find(ff, p.Name) >= 0) {
			return duplicate(p.Name)
		}
		sessionSec, inSession := s.session[sessionKey(old.Name)]
		id, newSecretID := old.ID, ""
		switch {
		case !p.UsesKeychain():
			p.HasSessionToken = false
			if old.UsesKeychain() {
				if err := s.deleteSecret(ctx, old.ID); err != nil && !errors.Is(err, ErrSecretNotFound) {
					return err
				}
			}
		case sec != nil:
			// The new secret goes to a new item; the old one is removed only
			// once the file names the new one, so a failure changes nothing.
			p.HasSessionToken = sec.SessionToken != ""
			newSecretID = newID()
			if err := s.setSecret(ctx, newSecretID, *sec); err != nil {
				return err
			}
			inSession = false
		case !old.UsesKeychain() || old.AccessKeyID != p.AccessKeyID:
			return &Error{Kind: ErrInvalid, Field: "secret_access_key", Msg: "enter the secret access key that belongs to access key " + p.AccessKeyID}
		default:
			p.HasSessionToken = old.HasSessionToken
		}
		if newSecretID != "" {
			id = newSecretID
		}
		if p.OpenedBuckets == nil { // the form does not show them: keep them
			p.OpenedBuckets = old.OpenedBuckets
		}
		ff.Profiles[i] = stored{ID: id, Profile: p}
		if err := s.save(ff); err != nil {
			if newSecretID != "" {
				_ = s.deleteSecret(ctx, newSecretID)
			}
			return err
		}
		if newSecretID != "" && old.UsesKeychain() {
			_ = s.deleteSecret(ctx, old.ID) // best effort: the file no longer names it
		}
		delete(s.session, sessionKey(old.Name))
		if inSession && p.UsesKeychain() {
			s.session[sessionKey(p.Name)] = sessionSec
		}
		return nil
	})
}

// Delete removes a profile and its keychain item. When the keychain is
// unavailable it fails and removes nothing; DeleteKeepingSecret removes the
// profile anyway.
func (s *Store) Delete(ctx context.Context, name string) error {
	return s.delete(ctx, name, true)
}

// DeleteKeepingSecret removes a profile but leaves its keychain item, for
// when the keychain is unavailable and the user chose to go on.
func (s *Store) DeleteKeepingSecret(ctx context.Context, name string) error {
	return s.delete(ctx, name, false)
}

func (s *Store) delete(ctx context.Context, name string, withSecret bool) error {
	if isSandbox(name) {
		return &Error{Kind: ErrBuiltIn, Msg: "the Local sandbox profile is built in and cannot be deleted; use Reset to empty it"}
	}
	return s.locked(func(ff fileFormat) error {
		i := find(ff, name)
		if i < 0 {
			return notFound(name)
		}
		old := ff.Profiles[i]
		if withSecret && old.UsesKeychain() {
			if err := s.deleteSecret(ctx, old.ID); err != nil && !errors.Is(err, ErrSecretNotFound) {
				return err
			}
		}
		ff.Profiles = slices.Delete(ff.Profiles, i, i+1)
		if err := s.save(ff); err != nil {
			return err
		}
		delete(s.session, sessionKey(old.Name))
		return nil
	})
}

// UseForSession keeps sec in memory for the profile name until the app
// exits, for when the keychain is unavailable. Config prefers it to the
// keychain.
func (s *Store) UseForSession(name string, sec Secret) {
	s.mu.Lock()
	s.session[sessionKey(name)] = sec
	s.mu.Unlock()
}

// Config resolves a profile into a storage.Config, reading its secret from
// the session or the keychain. For the sandbox it starts the sandbox.
func (s *Store) Config(ctx context.Context, name string) (storage.Config, error) {
	if isSandbox(name) {
		s.mu.Lock()
		start := s.sandbox
		s.mu.Unlock()
		if start == nil {
			return storage.Config{}, &Error{Kind: ErrNoSandbox, Msg: "the local sandbox is not available in this build"}
		}
		return start(ctx)
	}
	p, err := s.Get(ctx, name)
	if err != nil {
		return storage.Config{}, err
	}
	cfg := baseConfig(p)
	if !p.UsesKeychain() {
		return cfg, nil
	}
	sec, err := s.secretFor(ctx, p.Name)
	if err != nil {
		return storage.Config{}, err
	}
	cfg.SecretAccessKey, cfg.SessionToken = sec.SecretAccessKey, sec.SessionToken
	return cfg, nil
}

// Secret returns the stored secret of a profile (session first, then the
// keychain), for a form that shows "keep the current secret".
func (s *Store) secretFor(ctx context.Context, name string) (Secret, error) {
	s.mu.Lock()
	sec, ok := s.session[sessionKey(name)]
	s.mu.Unlock()
	if ok {
		return sec, nil
	}
	s.mu.Lock()
	ff, err := s.load()
	s.mu.Unlock()
	if err != nil {
		return Secret{}, err
	}
	i := find(ff, name)
	if i < 0 {
		return Secret{}, notFound(name)
	}
	return s.getSecret(ctx, ff.Profiles[i].ID, name)
}

// Test checks that p (with sec, or the stored secret when sec is nil)
// reaches its service: storage.New, then CheckConnection.
func (s *Store) Test(ctx context.Context, p Profile, sec *Secret) error {
	if isSandbox(p.Name) && p.BuiltIn {
		cfg, err := s.Config(ctx, p.Name)
		if err != nil {
			return err
		}
		return testConfig(ctx, cfg)
	}
	check := Secret{SecretAccessKey: "stored"}
	if sec != nil {
		check = *sec
	}
	p, err := s.check(p, check)
	if err != nil {
		return err
	}
	cfg := baseConfig(p)
	if p.UsesKeychain() {
		if sec == nil {
			stored, err := s.secretFor(ctx, p.Name)
			if err != nil {
				return err
			}
			sec = &stored
		}
		cfg.SecretAccessKey, cfg.SessionToken = sec.SecretAccessKey, sec.SessionToken
	}
	return testConfig(ctx, cfg)
}

func testConfig(ctx context.Context, cfg storage.Config) error {
	svc, err := storage.New(ctx, cfg)
	if err != nil {
		return err
	}
	return svc.CheckConnection(ctx)
}

func baseConfig(p Profile) storage.Config {
	return storage.Config{
		Endpoint:      p.Endpoint,
		Region:        p.Region,
		PathStyle:     p.PathStyle,
		AccessKeyID:   p.AccessKeyID,
		AWSProfile:    p.AWSProfile,
		Compatibility: p.Compatibility,
	}
}

// check normalizes and validates p and its secret.
func (s *Store) check(p Profile, sec Secret) (Profile, error) {
	p = normalize(p)
	p.BuiltIn = false
	if _, err := Validate(p); err != nil {
		return p, err
	}
	if err := validateSecret(p, sec); err != nil {
		return p, err
	}
	return p, nil
}

func (s *Store) keychainTimeout() time.Duration {
	if s.timeout <= 0 {
		return DefaultKeychainTimeout
	}
	return s.timeout
}

// setSecret, getSecret and deleteSecret are called with s.mu held (except
// getSecret); each is bounded by the keychain timeout.
func (s *Store) setSecret(ctx context.Context, id string, sec Secret) error {
	blob, _ := json.Marshal(sec)
	return callKeychain(ctx, s.keychainTimeout(), "save the secret", func() error {
		return s.kc.Set(KeychainService, id, string(blob))
	})
}

func (s *Store) getSecret(ctx context.Context, id, name string) (Secret, error) {
	s.mu.Lock()
	timeout := s.keychainTimeout()
	s.mu.Unlock()
	var blob string
	err := callKeychain(ctx, timeout, "read the secret of profile \""+name+"\"", func() error {
		var err error
		blob, err = s.kc.Get(KeychainService, id)
		return err
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && errors.Is(err, ErrSecretNotFound) {
			e.Msg = fmt.Sprintf("the secret of profile %q is not in the keychain (it may have been removed there, or it was kept for one session only); edit the profile and enter the secret access key again", name)
		}
		return Secret{}, err
	}
	var sec Secret
	if err := json.Unmarshal([]byte(blob), &sec); err != nil || sec.SecretAccessKey == "" {
		return Secret{}, &Error{Kind: ErrSecretNotFound, Err: err,
			Msg: fmt.Sprintf("the keychain item of profile %q is not one S3 Desk wrote; edit the profile and enter the secret access key again", name)}
	}
	return sec, nil
}

func (s *Store) deleteSecret(ctx context.Context, id string) error {
	return callKeychain(ctx, s.keychainTimeout(), "remove the secret", func() error {
		return s.kc.Delete(KeychainService, id)
	})
}

// sessionKey matches names as find does: trimmed, case-insensitive.
func sessionKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func find(ff fileFormat, name string) int {
	name = strings.TrimSpace(name)
	for i, p := range ff.Profiles {
		if strings.EqualFold(p.Name, name) {
			return i
		}
	}
	return -1
}

func notFound(name string) error {
	return &Error{Kind: ErrNotFound, Msg: fmt.Sprintf("there is no profile named %q; it may have been deleted in another window", name)}
}

func duplicate(name string) error {
	return &Error{Kind: ErrDuplicate, Field: "name", Msg: fmt.Sprintf("a profile named %q already exists; choose another name", name)}
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "profile-" + hex.EncodeToString(b)
}
