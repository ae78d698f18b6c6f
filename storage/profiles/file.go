package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"s3desk/storage/internal/atomicfile"
	"time"
)

// load reads the file; a missing file is an empty store.
// locked runs fn on the loaded profiles file while holding the store's
// mutex and the file lock, so that two windows do not lose each other's
// changes. fn saves what it changes.
func (s *Store) locked(fn func(ff fileFormat) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := atomicfile.Lock(s.path+".lock", "the profiles file", 10*time.Second)
	if err != nil {
		return err
	}
	defer unlock()
	ff, err := s.load()
	if err != nil {
		return err
	}
	return fn(ff)
}

func (s *Store) load() (fileFormat, error) {
	var ff fileFormat
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileFormat{Version: 1}, nil
	}
	if err != nil {
		return ff, fmt.Errorf("cannot read the profiles file %s: %w", s.path, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return fileFormat{Version: 1}, nil
	}
	if err := json.Unmarshal(b, &ff); err != nil {
		return ff, &Error{Kind: ErrCorrupt, Err: err,
			Msg: fmt.Sprintf("the profiles file %s is damaged (%v); fix it in a text editor or move it away to start with no profiles (secrets stay in the keychain)", s.path, err)}
	}
	if ff.Version > 1 {
		return ff, &Error{Kind: ErrCorrupt, Msg: fmt.Sprintf("the profiles file %s was written by a newer S3 Desk (format %d); update S3 Desk", s.path, ff.Version)}
	}
	ff.Version = 1
	return ff, nil
}

// save writes the file atomically and durably (atomicfile.Write): a crash
// at any point leaves either the old or the new file, never a mix.
func (s *Store) save(ff fileFormat) error {
	ff.Version = 1
	b, err := json.MarshalIndent(ff, "", "  ")
	if err != nil {
		return fmt.Errorf("profiles: encoding: %w", err)
	}
	b = append(b, '\n')
	err = atomicfile.Write(s.path, b, atomicfile.Options{TempPattern: tempPattern, Rename: s.rename})
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && pe.Op == "createtemp" {
		return fmt.Errorf("cannot save profiles in %s: %w", s.dir, err)
	}
	if err != nil {
		return fmt.Errorf("cannot save profiles to %s (nothing was changed): %w", s.path, err)
	}
	return nil
}

// removeStaleTemps deletes temp files a crashed writer left behind.
func (s *Store) removeStaleTemps() {
	matches, _ := filepath.Glob(filepath.Join(s.dir, tempPattern))
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && time.Since(st.ModTime()) > time.Minute {
			os.Remove(m)
		}
	}
}
