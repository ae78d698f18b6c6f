// Package bookmarks keeps named places (a profile, a bucket, a folder) in a
// JSON file beside the profiles (~/.config/s3desk/bookmarks.json). It holds
// no secret: a bookmark names its profile, whose keys stay in the keychain.
// The file is replaced atomically (storage/internal/atomicfile) under a
// lock other S3 Desk processes respect, and every call reads it again, so
// two windows stay in step. A damaged file is never overwritten: it is
// kept aside under a new name, and the error says where.
package bookmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"s3desk/storage/internal/atomicfile"
)

// FileName is the bookmarks file inside the store's folder.
const FileName = "bookmarks.json"

// MaxBookmarks bounds the file.
const MaxBookmarks = 500

// Errors, matched with errors.Is.
var (
	// ErrCorrupt: the file could not be read as bookmarks; it was kept aside.
	ErrCorrupt = errors.New("bookmarks file damaged")
	// ErrInvalid: a bookmark without a name, profile or bucket.
	ErrInvalid = errors.New("invalid bookmark")
	// ErrExists: another bookmark has that name.
	ErrExists = errors.New("bookmark exists")
	// ErrNotFound: no bookmark of that name.
	ErrNotFound = errors.New("bookmark not found")
)

// Error is a bookmarks error: Kind is one of the sentinels, Msg says what
// happened and what to do.
type Error struct {
	Kind error
	Msg  string
	Err  error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap gives Kind and the cause.
func (e *Error) Unwrap() []error {
	out := []error{e.Kind}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// Bookmark is a named place.
type Bookmark struct {
	Name    string `json:"name"`
	Profile string `json:"profile"`
	Bucket  string `json:"bucket"`
	// Prefix is the folder ("" for the bucket's root, else ending in "/"),
	// kept as it is: keys are data.
	Prefix string `json:"prefix,omitempty"`
}

type fileFormat struct {
	Version   int        `json:"version"`
	Bookmarks []Bookmark `json:"bookmarks"`
}

// Store is the bookmarks file. It is safe for concurrent use.
type Store struct {
	dir, path string
	mu        sync.Mutex
	now       func() time.Time
	damaged   error // what Open found, for Damaged
}

// Damaged returns, once, the error of a damaged file that Open kept aside
// (nil when there was none), so that a window can say so.
func (s *Store) Damaged() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.damaged
	s.damaged = nil
	return err
}

// Open opens the store in dir (created with mode 0700 when missing). A
// damaged file is moved aside at once: Open then returns the store (empty)
// and an error wrapping ErrCorrupt that names where the old file is.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("bookmarks: no folder given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the settings folder %s: %w", dir, err)
	}
	s := &Store{dir: dir, path: filepath.Join(dir, FileName), now: time.Now}
	_, err := s.List(context.Background())
	if errors.Is(err, ErrCorrupt) {
		s.damaged = err
		return s, err
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Path is the bookmarks file.
func (s *Store) Path() string { return s.path }

// List returns the bookmarks in the order they were added. When the file
// is damaged it is moved aside and List returns no bookmarks and an error
// wrapping ErrCorrupt; the next call starts from an empty file.
func (s *Store) List(ctx context.Context) ([]Bookmark, error) {
	var out []Bookmark
	err := s.locked(ctx, func(ff *fileFormat) (bool, error) {
		out = slices.Clone(ff.Bookmarks)
		return false, nil
	})
	return out, err
}

// Add saves b (under a name no other bookmark has) and returns it as
// stored.
func (s *Store) Add(ctx context.Context, b Bookmark) (Bookmark, error) {
	b, err := check(b)
	if err != nil {
		return b, err
	}
	err = s.locked(ctx, func(ff *fileFormat) (bool, error) {
		if find(ff.Bookmarks, b.Name) >= 0 {
			return false, &Error{Kind: ErrExists, Msg: fmt.Sprintf("a bookmark called “%s” exists already; choose another name", b.Name)}
		}
		if len(ff.Bookmarks) >= MaxBookmarks {
			return false, &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("there are %d bookmarks already; remove some first", len(ff.Bookmarks))}
		}
		ff.Bookmarks = append(ff.Bookmarks, b)
		return true, nil
	})
	return b, err
}

// Remove deletes the bookmark called name.
func (s *Store) Remove(ctx context.Context, name string) error {
	return s.locked(ctx, func(ff *fileFormat) (bool, error) {
		i := find(ff.Bookmarks, name)
		if i < 0 {
			return false, &Error{Kind: ErrNotFound, Msg: fmt.Sprintf("there is no bookmark called “%s”", name)}
		}
		ff.Bookmarks = slices.Delete(ff.Bookmarks, i, i+1)
		return true, nil
	})
}

// Rename gives the bookmark oldName a new name.
func (s *Store) Rename(ctx context.Context, oldName, newName string) error {
	newName = strings.TrimSpace(newName)
	if err := checkName(newName); err != nil {
		return err
	}
	return s.locked(ctx, func(ff *fileFormat) (bool, error) {
		i := find(ff.Bookmarks, oldName)
		if i < 0 {
			return false, &Error{Kind: ErrNotFound, Msg: fmt.Sprintf("there is no bookmark called “%s”", oldName)}
		}
		if j := find(ff.Bookmarks, newName); j >= 0 && j != i {
			return false, &Error{Kind: ErrExists, Msg: fmt.Sprintf("a bookmark called “%s” exists already; choose another name", newName)}
		}
		ff.Bookmarks[i].Name = newName
		return true, nil
	})
}

// locked reads the file under the lock, runs fn, and saves when fn says
// it changed something.
func (s *Store) locked(ctx context.Context, fn func(ff *fileFormat) (bool, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := atomicfile.Lock(s.path+".lock", "the bookmarks file", 10*time.Second)
	if err != nil {
		return err
	}
	defer unlock()
	ff, err := s.load()
	if err != nil {
		return err
	}
	changed, err := fn(&ff)
	if err != nil || !changed {
		return err
	}
	return s.save(ff)
}

// load reads the file; a missing or empty file holds no bookmarks. A
// damaged one is renamed to bookmarks-damaged-<time>.json beside it.
func (s *Store) load() (fileFormat, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(bytes.TrimSpace(b)) == 0) {
		return fileFormat{Version: 1}, nil
	}
	if err != nil {
		return fileFormat{}, fmt.Errorf("cannot read the bookmarks file %s: %w", s.path, err)
	}
	var ff fileFormat
	perr := json.Unmarshal(b, &ff)
	if perr == nil && ff.Version > 1 {
		return fileFormat{}, &Error{Kind: ErrCorrupt, Msg: fmt.Sprintf("the bookmarks file %s was written by a newer S3 Desk (format %d); update S3 Desk", s.path, ff.Version)}
	}
	if perr == nil {
		for _, bm := range ff.Bookmarks {
			if _, err := check(bm); err != nil {
				perr = fmt.Errorf("bookmark %q: %w", bm.Name, err)
				break
			}
		}
	}
	if perr == nil {
		ff.Version = 1
		return ff, nil
	}
	aside := filepath.Join(s.dir, "bookmarks-damaged-"+s.now().UTC().Format("20060102-150405.000")+".json")
	if err := os.Rename(s.path, aside); err != nil {
		return fileFormat{}, &Error{Kind: ErrCorrupt, Err: perr,
			Msg: fmt.Sprintf("the bookmarks file %s is damaged (%v) and could not be moved aside (%v); fix or move it in a file manager", s.path, perr, err)}
	}
	return fileFormat{}, &Error{Kind: ErrCorrupt, Err: perr,
		Msg: fmt.Sprintf("the bookmarks file was damaged (%v); it was kept as %s, and new bookmarks start afresh", perr, aside)}
}

func (s *Store) save(ff fileFormat) error {
	ff.Version = 1
	b, err := json.MarshalIndent(ff, "", "  ")
	if err != nil {
		return fmt.Errorf("bookmarks: encoding: %w", err)
	}
	if err := atomicfile.Write(s.path, append(b, '\n'), atomicfile.Options{}); err != nil {
		return fmt.Errorf("cannot save the bookmarks to %s (nothing was changed): %w", s.path, err)
	}
	return nil
}

// check trims the name and validates the bookmark.
func check(b Bookmark) (Bookmark, error) {
	b.Name = strings.TrimSpace(b.Name)
	b.Bucket = strings.TrimSpace(b.Bucket)
	if err := checkName(b.Name); err != nil {
		return b, err
	}
	switch {
	case strings.TrimSpace(b.Profile) == "":
		return b, &Error{Kind: ErrInvalid, Msg: "a bookmark needs a profile; connect first"}
	case b.Bucket == "" || strings.Contains(b.Bucket, "/"):
		return b, &Error{Kind: ErrInvalid, Msg: "a bookmark needs a bucket; open one first"}
	case b.Prefix != "" && !strings.HasSuffix(b.Prefix, "/"):
		b.Prefix += "/"
	}
	return b, nil
}

func checkName(name string) error {
	switch {
	case name == "":
		return &Error{Kind: ErrInvalid, Msg: "give the bookmark a name"}
	case len(name) > 200:
		return &Error{Kind: ErrInvalid, Msg: "the bookmark's name is too long; use at most 200 characters"}
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return &Error{Kind: ErrInvalid, Msg: "the bookmark's name contains a control character; type it again"}
	}
	return nil
}

func find(list []Bookmark, name string) int {
	return slices.IndexFunc(list, func(b Bookmark) bool { return strings.EqualFold(b.Name, strings.TrimSpace(name)) })
}
