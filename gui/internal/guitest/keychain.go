package guitest

import (
	"errors"
	"sync"
	"testing"

	"s3desk/storage/profiles"
)

// ErrNoDBus is what MemKeychain answers while Broken, as go-keyring does
// without a session bus.
var ErrNoDBus = errors.New("failed to connect to the session bus: dbus-launch not found")

// MemKeychain is an in-memory keychain (profiles.Keychain) that can be made
// unavailable with Broken.
type MemKeychain struct {
	mu     sync.Mutex
	items  map[string]string
	Broken bool
}

func (k *MemKeychain) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Broken {
		return ErrNoDBus
	}
	if k.items == nil {
		k.items = map[string]string{}
	}
	k.items[service+"/"+user] = secret
	return nil
}

func (k *MemKeychain) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Broken {
		return "", ErrNoDBus
	}
	s, ok := k.items[service+"/"+user]
	if !ok {
		return "", errors.New("secret not found in keyring")
	}
	return s, nil
}

func (k *MemKeychain) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.items, service+"/"+user)
	return nil
}

// Len is how many secrets the keychain holds.
func (k *MemKeychain) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.items)
}

// PresetLabel is the provider list's label for p; t may be nil (then a
// missing preset gives "").
func PresetLabel(t testing.TB, p profiles.Provider) string {
	for _, pr := range profiles.Presets() {
		if pr.Provider == p {
			return pr.Label
		}
	}
	if t != nil {
		t.Fatalf("no preset for %s", p)
	}
	return ""
}
