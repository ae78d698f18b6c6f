package accounts

import (
	"errors"
	"s3desk/storage/profiles"
	"sync"
	"testing"
)

// memKeychain is an in-memory keychain that can be made unavailable.
type memKeychain struct {
	mu     sync.Mutex
	items  map[string]string
	broken bool
}

var errNoDBus = errors.New("failed to connect to the session bus: dbus-launch not found")

func (k *memKeychain) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.broken {
		return errNoDBus
	}
	if k.items == nil {
		k.items = map[string]string{}
	}
	k.items[service+"/"+user] = secret
	return nil
}

func (k *memKeychain) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.broken {
		return "", errNoDBus
	}
	s, ok := k.items[service+"/"+user]
	if !ok {
		return "", errors.New("secret not found in keyring")
	}
	return s, nil
}

func (k *memKeychain) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.items, service+"/"+user)
	return nil
}

func presetLabel(t *testing.T, p profiles.Provider) string {
	for _, pr := range profiles.Presets() {
		if pr.Provider == p {
			return pr.Label
		}
	}
	t.Fatalf("no preset for %s", p)
	return ""
}
