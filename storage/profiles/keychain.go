package profiles

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// KeychainService is the service name S3 Desk's items carry in the keychain.
const KeychainService = "s3desk"

// DefaultKeychainTimeout bounds every keychain call: a locked collection may
// show a prompt nobody answers, and a half-started Secret Service may never
// reply.
const DefaultKeychainTimeout = 4 * time.Second

// Keychain is the small part of an OS keychain the store uses. Errors are
// go-keyring's (keyring.ErrNotFound, keyring.ErrSetDataTooBig) or anything
// else for "unavailable".
type Keychain interface {
	Set(service, user, secret string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// SystemKeychain is the OS keychain through zalando/go-keyring: the Secret
// Service (gnome-keyring, KWallet) on Linux and BSD, Keychain on macOS, the
// Credential Manager on Windows. keyring.MockInit swaps it for a memory
// store in tests.
type SystemKeychain struct{}

// Set stores a secret.
func (SystemKeychain) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

// Get reads a secret.
func (SystemKeychain) Get(service, user string) (string, error) {
	return keyring.Get(service, user)
}

// Delete removes a secret.
func (SystemKeychain) Delete(service, user string) error {
	return keyring.Delete(service, user)
}

// callKeychain runs fn with a deadline so that a keychain that never
// answers does not hang the caller. On timeout the call goes on in the
// background; its late result is dropped.
func callKeychain(ctx context.Context, timeout time.Duration, op string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return keychainErr(op, err)
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return &Error{Kind: ErrKeychainUnavailable,
			Msg: fmt.Sprintf("the keychain did not answer within %s while trying to %s; %s, then try again. You can also connect for this session only (the secret stays in memory until S3 Desk closes)",
				timeout, op, unlockAdvice())}
	}
}

// keychainErr turns a go-keyring error into the package's typed errors.
func keychainErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return &Error{Kind: ErrSecretNotFound, Err: err,
			Msg: "the secret is not in the keychain (it may have been removed there); edit the profile and enter the secret access key again"}
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return &Error{Kind: ErrSecretTooBig, Err: err,
			Msg: "the keychain refused the secret because it is too big (macOS allows about 3000 bytes, Windows 2560); check that only the secret key and session token were pasted, or connect for this session only"}
	}
	text := strings.ToLower(err.Error())
	var advice string
	switch {
	case strings.Contains(text, "dismissed"), strings.Contains(text, "unlock"), strings.Contains(text, "locked"), strings.Contains(text, "prompt"):
		advice = "unlock your keyring (in GNOME: open \"Passwords and Keys\" and unlock \"Login\"), then try again"
	case strings.Contains(text, "org.freedesktop.secrets"), strings.Contains(text, "serviceunknown"), strings.Contains(text, "not provided by any"):
		advice = "no Secret Service is running; start gnome-keyring or KWallet (they usually start with your desktop session), then try again"
	case strings.Contains(text, "dbus"), strings.Contains(text, "d-bus"), strings.Contains(text, "session bus"), strings.Contains(text, "connect"), strings.Contains(text, "no such file"):
		advice = "there is no D-Bus session to reach the keychain; log in to a desktop session, or start gnome-keyring or KWallet, then try again"
	default:
		advice = unlockAdvice() + ", then try again"
	}
	return &Error{Kind: ErrKeychainUnavailable, Err: err,
		Msg: fmt.Sprintf("cannot %s: the keychain is unavailable (%s); %s. You can also connect for this session only (the secret stays in memory until S3 Desk closes); it is never written to a file", op, firstLine(err.Error()), advice)}
}

func unlockAdvice() string {
	switch runtime.GOOS {
	case "darwin":
		return "unlock the login keychain in Keychain Access"
	case "windows":
		return "check that the Windows Credential Manager is running"
	}
	return "unlock your keyring, or start gnome-keyring or KWallet if none is running"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
