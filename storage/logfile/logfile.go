// Package logfile is S3 Desk's log file: a size-rotated file of slog text
// lines, scrubbed of credentials (storage.ScrubHandler). It never imports
// fyne; the GUI opens it at start and hands its logger to every service.
package logfile

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"s3desk/storage"
)

// Name is the current log file's name; older ones are Name.1 … Name.Keep.
const Name = "s3desk.log"

// Defaults: rotate at 5 MiB, keep 3 older files (20 MiB at most).
const (
	DefaultMaxBytes = 5 << 20
	DefaultKeep     = 3
)

// File is an append-only log file that rotates when it would pass MaxBytes:
// s3desk.log becomes s3desk.log.1, .1 becomes .2, and so on up to Keep;
// the oldest is removed. It is safe for concurrent use.
type File struct {
	mu       sync.Mutex
	dir      string
	maxBytes int64
	keep     int
	f        *os.File
	size     int64
}

// Open opens (or creates) dir/s3desk.log, making dir private (0700).
// maxBytes <= 0 and keep <= 0 take the defaults.
func Open(dir string, maxBytes int64, keep int) (*File, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if keep <= 0 {
		keep = DefaultKeep
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("log folder %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("log folder %s: %w", dir, err)
	}
	l := &File{dir: dir, maxBytes: maxBytes, keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

// Dir is the log folder.
func (l *File) Dir() string { return l.dir }

// Path is the current log file.
func (l *File) Path() string { return filepath.Join(l.dir, Name) }

func (l *File) open() error {
	f, err := os.OpenFile(l.Path(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log file: %w", err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// Write appends p (one log line), rotating first when p would take the
// file past its bound.
func (l *File) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	if l.size > 0 && l.size+int64(len(p)) > l.maxBytes {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

func (l *File) rotate() error {
	l.f.Close()
	l.f = nil
	old := func(i int) string { return fmt.Sprintf("%s.%d", l.Path(), i) }
	_ = os.Remove(old(l.keep))
	for i := l.keep - 1; i >= 1; i-- {
		_ = os.Rename(old(i), old(i+1))
	}
	if err := os.Rename(l.Path(), old(1)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("log rotation: %w", err)
	}
	return l.open()
}

// Close closes the file; later writes fail.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// Logger is an Info-level text logger writing to l, scrubbed; the returned
// handler learns the secrets to hide (ScrubHandler.Forget).
func (l *File) Logger() (*slog.Logger, *storage.ScrubHandler) {
	h := storage.NewScrubHandler(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return slog.New(h), h
}
