package profiles

import "errors"

// Sentinel errors; test with errors.Is. The *Error wrapping them carries the
// sentence to show.
var (
	// ErrKeychainUnavailable: no Secret Service / keychain answered, the
	// collection is locked, or the user dismissed the prompt. Nothing was
	// written. The user may connect for this session only (UseForSession).
	ErrKeychainUnavailable = errors.New("keychain unavailable")
	// ErrSecretNotFound: the profile's secret is not in the keychain.
	ErrSecretNotFound = errors.New("secret not found in the keychain")
	// ErrSecretTooBig: the keychain refused the secret for its size.
	ErrSecretTooBig = errors.New("secret too big for the keychain")
	// ErrNotFound: no profile of that name.
	ErrNotFound = errors.New("profile not found")
	// ErrDuplicate: another profile already has that name.
	ErrDuplicate = errors.New("duplicate profile name")
	// ErrInvalid: a field is missing or malformed.
	ErrInvalid = errors.New("invalid profile")
	// ErrInsecure: a plain http:// endpoint to another host without
	// AllowInsecureHTTP. It also matches ErrInvalid.
	ErrInsecure = &kindError{"insecure endpoint", ErrInvalid}
	// ErrBuiltIn: the built-in sandbox profile cannot be changed or deleted.
	ErrBuiltIn = errors.New("built-in profile")
	// ErrCorrupt: the profiles file cannot be read as JSON.
	ErrCorrupt = errors.New("profiles file damaged")
	// ErrNoSandbox: the sandbox profile was asked for but the app did not
	// wire a sandbox (SetSandbox).
	ErrNoSandbox = errors.New("sandbox not available")
)

type kindError struct {
	msg    string
	parent error
}

func (k *kindError) Error() string { return k.msg }
func (k *kindError) Unwrap() error { return k.parent }

// Error is the typed error of the package: Error() is a sentence a person
// can act on; errors.Is matches Kind and the cause.
type Error struct {
	Kind  error  // one of the sentinels above
	Field string // the form field at fault, e.g. "endpoint" ("" if none)
	Msg   string
	Err   error
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	if e.Err != nil {
		return e.Kind.Error() + ": " + e.Err.Error()
	}
	return e.Kind.Error()
}

// Unwrap exposes the kind and the cause.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}
