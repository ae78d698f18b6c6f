// Package ledger records every link the user copies (presigned, public,
// upload, index page) in a local JSON file, so the Links view can list them
// with their expiry. The file holds the URLs as copied, which can grant
// access, so it is written with mode 0600 inside a 0700 directory, and
// replaced atomically (write a temp file, fsync, rename) under a lock that
// other S3 Desk processes respect.
//
// A URL signed with temporary credentials carries their session token
// (X-Amz-Security-Token). No token is kept on disk: the ledger stores the
// URL without it, with a fingerprint of the token (Link.Session), and
// Link.WithSession puts it back while that session is still the app's.
package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"s3desk/storage/internal/atomicfile"
	"slices"
	"sync"
	"time"
)

// FileName is the ledger's file inside the data directory.
const FileName = "links.json"

// Kind of link, as share.LinkKind names them.
type Kind string

// Kinds of link.
const (
	Presigned Kind = "presigned"
	Upload    Kind = "upload"
	Public    Kind = "public"
	Website   Kind = "website"
	IndexPage Kind = "index"
)

// Link is one copied link.
type Link struct {
	ID      string    `json:"id"`
	Kind    Kind      `json:"kind"`
	Profile string    `json:"profile,omitempty"`
	Bucket  string    `json:"bucket"`
	Key     string    `json:"key"`
	URL     string    `json:"url"`
	Created time.Time `json:"created"`
	// Expires is when the link stops working; zero means it does not expire
	// (public links work until the object is made private).
	Expires time.Time `json:"expires,omitzero"`
	// Why explains an expiry earlier than asked (temporary credentials).
	Why  string `json:"why,omitempty"`
	Note string `json:"note,omitempty"`
	// Session, for a link signed with temporary credentials, is a
	// fingerprint of their session token (never the token itself): URL is
	// stored without the token, and only that session can complete it.
	Session string `json:"session,omitempty"`
}

// State is whether a link still works, as far as the app knows.
type State int

// States.
const (
	Valid     State = iota // before its expiry
	Expired                // past its expiry
	Permanent              // no expiry (public links)
)

func (s State) String() string {
	switch s {
	case Valid:
		return "valid"
	case Expired:
		return "expired"
	}
	return "no expiry"
}

// State says whether l still works at now.
func (l Link) State(now time.Time) State {
	switch {
	case l.Expires.IsZero():
		return Permanent
	case now.Before(l.Expires):
		return Valid
	}
	return Expired
}

// Remaining is the time left before l expires (0 when expired or permanent).
func (l Link) Remaining(now time.Time) time.Duration {
	if l.State(now) != Valid {
		return 0
	}
	return l.Expires.Sub(now)
}

// ErrNotFound: no link has that ID.
var ErrNotFound = errors.New("link not found in the ledger")

// Store is the ledger file. It is safe for concurrent use.
type Store struct {
	path string
	mu   sync.Mutex
}

// DefaultDir is the app's data directory: os.UserConfigDir()/s3desk.
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no place for the link ledger: %w", err)
	}
	return filepath.Join(d, "s3desk"), nil
}

// Open uses dir (created with mode 0700 if missing) for the ledger file.
// A missing file is an empty ledger.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("the link ledger needs a data directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("could not create the data directory %s: %w", dir, err)
	}
	st := &Store{path: filepath.Join(dir, FileName)}
	if err := st.scrub(); err != nil {
		return nil, err
	}
	return st, nil
}

// scrub rewrites a ledger left by an older version that still holds
// session tokens, keeping everything else.
func (s *Store) scrub() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := atomicfile.Lock(s.path+".lock", "the link ledger", lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	all, err := s.read()
	if err != nil {
		return nil // a damaged ledger is reported (and left alone) when used
	}
	changed := false
	for i, l := range all {
		if c := l.stripped(); c.URL != l.URL {
			all[i], changed = c, true
		}
	}
	if !changed {
		return nil
	}
	return s.write(all)
}

// Path is the ledger file's path.
func (s *Store) Path() string { return s.path }

// Add records l, filling ID and Created when empty, and returns it.
func (s *Store) Add(ctx context.Context, l Link) (Link, error) {
	if err := ctx.Err(); err != nil {
		return l, err
	}
	if l.URL == "" {
		return l, errors.New("the ledger records links; this one has no URL")
	}
	if l.ID == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		l.ID = hex.EncodeToString(b)
	}
	if l.Created.IsZero() {
		l.Created = time.Now()
	}
	l.Created, l.Expires = l.Created.UTC(), l.Expires.UTC()
	l = l.stripped()
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := atomicfile.Lock(s.path+".lock", "the link ledger", lockTimeout)
	if err != nil {
		return l, err
	}
	defer unlock()
	all, err := s.read()
	if err != nil {
		return l, err
	}
	all = append(all, l)
	return l, s.write(all)
}

// List returns every link, newest first.
func (s *Store) List(ctx context.Context) ([]Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	all, err := s.read()
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(all, func(a, b Link) int { return b.Created.Compare(a.Created) })
	return all, nil
}

// Get returns the link with id.
func (s *Store) Get(ctx context.Context, id string) (Link, error) {
	all, err := s.List(ctx)
	if err != nil {
		return Link{}, err
	}
	for _, l := range all {
		if l.ID == id {
			return l, nil
		}
	}
	return Link{}, fmt.Errorf("%w: %s", ErrNotFound, id)
}

// SetNote changes a link's note.
func (s *Store) SetNote(ctx context.Context, id, note string) error {
	return s.update(ctx, func(all []Link) ([]Link, bool) {
		for i := range all {
			if all[i].ID == id {
				all[i].Note = note
				return all, true
			}
		}
		return all, false
	}, id)
}

// Remove forgets a link. It does not revoke it: a presigned link works until
// it expires whatever the ledger says.
func (s *Store) Remove(ctx context.Context, id string) error {
	return s.update(ctx, func(all []Link) ([]Link, bool) {
		n := len(all)
		all = slices.DeleteFunc(all, func(l Link) bool { return l.ID == id })
		return all, len(all) != n
	}, id)
}

// RemoveExpired forgets every expired link and returns how many went.
func (s *Store) RemoveExpired(ctx context.Context, now time.Time) (int, error) {
	var gone int
	err := s.update(ctx, func(all []Link) ([]Link, bool) {
		n := len(all)
		all = slices.DeleteFunc(all, func(l Link) bool { return l.State(now) == Expired })
		gone = n - len(all)
		return all, true
	}, "")
	return gone, err
}

func (s *Store) update(ctx context.Context, fn func([]Link) ([]Link, bool), id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := atomicfile.Lock(s.path+".lock", "the link ledger", lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	all, err := s.read()
	if err != nil {
		return err
	}
	all, found := fn(all)
	if !found {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return s.write(all)
}

type file struct {
	Version int    `json:"version"`
	Links   []Link `json:"links"`
}

func (s *Store) read() ([]Link, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the link ledger %s: %w", s.path, err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("the link ledger %s is damaged (%v); move it aside to start a new one", s.path, err)
	}
	return f.Links, nil
}

func (s *Store) write(all []Link) error {
	if all == nil {
		all = []Link{}
	}
	b, err := json.MarshalIndent(file{Version: 1, Links: all}, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.path, b, atomicfile.Options{TempPattern: ".links-*.tmp"}); err != nil {
		return fmt.Errorf("could not write the link ledger: %w", err)
	}
	return nil
}
