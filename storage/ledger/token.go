package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"
)

// tokenParam is the query parameter of a presigned URL that carries the
// session token of temporary credentials.
const tokenParam = "X-Amz-Security-Token"

// lockTimeout is how long a change waits for another S3 Desk process.
const lockTimeout = 5 * time.Second

// ErrSessionEnded: the link was signed with temporary credentials whose
// session is not the app's current one, and its token is not kept on disk.
var ErrSessionEnded = errors.New("this link was signed with temporary credentials (a session) that the app no longer has; their session token is never saved to disk, so the link cannot be copied again. Share the file again for a new link")

// SessionFingerprint names a session token without revealing it.
func SessionFingerprint(token string) string {
	h := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(h[:12])
}

// NeedsSession reports whether URL lacks the session token that signed it:
// copying it again needs that session (WithSession).
func (l Link) NeedsSession() bool { return l.Session != "" }

// WithSession is the link as it was copied: URL with the session token put
// back, when token is the one that signed it. A link that needs no session
// is URL as is. Any other token (or none) gives ErrSessionEnded.
func (l Link) WithSession(token string) (string, error) {
	if l.Session == "" {
		return l.URL, nil
	}
	if token == "" || SessionFingerprint(token) != l.Session {
		return "", ErrSessionEnded
	}
	u, err := url.Parse(l.URL)
	if err != nil {
		return "", err
	}
	q := tokenParam + "=" + url.QueryEscape(token)
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	return u.String(), nil
}

// stripped is l with any session token taken out of its URL and recorded
// as a fingerprint in Session. The rest of the URL stays byte for byte.
func (l Link) stripped() Link {
	u, err := url.Parse(l.URL)
	if err != nil || u.RawQuery == "" {
		return l
	}
	parts := strings.Split(u.RawQuery, "&")
	kept := parts[:0:0]
	token := ""
	found := false
	for _, p := range parts {
		name, val, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil && strings.EqualFold(n, tokenParam) {
			if v, err := url.QueryUnescape(val); err == nil {
				token = v
			} else {
				token = val
			}
			found = true
			continue
		}
		kept = append(kept, p)
	}
	if !found {
		return l
	}
	u.RawQuery = strings.Join(kept, "&")
	l.URL = u.String()
	if token != "" {
		l.Session = SessionFingerprint(token)
	} else if l.Session == "" {
		l.Session = SessionFingerprint("")
	}
	return l
}
