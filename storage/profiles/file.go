package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// load reads the file; a missing file is an empty store.
// locked runs fn on the loaded profiles file while holding the store's
// mutex and the file lock, so that two windows do not lose each other's
// changes. fn saves what it changes.
func (s *Store) locked(fn func(ff fileFormat) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := lockFile(s.path+".lock", 10*time.Second)
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

// save writes the file atomically: a temp file in the same folder (mode
// 0600 from the start), flushed to disk, then renamed over the old file. A
// crash at any point leaves either the old or the new file, never a mix.
func (s *Store) save(ff fileFormat) error {
	ff.Version = 1
	b, err := json.MarshalIndent(ff, "", "  ")
	if err != nil {
		return fmt.Errorf("profiles: encoding: %w", err)
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(s.dir, tempPattern) // CreateTemp makes it 0600
	if err != nil {
		return fmt.Errorf("cannot save profiles in %s: %w", s.dir, err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("cannot save profiles to %s (nothing was changed): %w", s.path, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(b); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := s.rename(name, s.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("cannot save profiles to %s (nothing was changed): %w", s.path, err)
	}
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync() // make the rename itself durable
		d.Close()
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
