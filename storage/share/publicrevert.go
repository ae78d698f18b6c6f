package share

import "errors"

// ErrStillPublic: a make-public failed or was cancelled, and undoing it
// failed too, so something is still public. It comes inside a
// *StillPublicError that names what.
var ErrStillPublic = errors.New("still public after a failed undo")

// StillPublicError says what a failed make-public left public because its
// undo failed: objects whose public-read ACL could not be put back, or the
// bucket-policy statement that could not be removed.
type StillPublicError struct {
	Bucket, Target string
	// Keys are the objects still readable by anyone (sorted).
	Keys []string
	// Sid and Resource name the policy statement still in place ("" if none).
	Sid, Resource string
	Msg           string
	// Cause is why the change was undone (it may be a cancel); Err is the
	// undo's own failure.
	Cause, Err error
}

func (e *StillPublicError) Error() string { return e.Msg }

// Unwrap exposes ErrStillPublic and the undo's failure. The cause is not
// unwrapped: a make-public cancelled by the user whose undo failed must
// not read as a quiet context.Canceled.
func (e *StillPublicError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrStillPublic}
	}
	return []error{ErrStillPublic, e.Err}
}
