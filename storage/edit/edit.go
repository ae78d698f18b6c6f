// Package edit is edit in place: an object downloaded into a private edit
// folder, watched (fsnotify), and each save uploaded back, guarded by the
// ETag it was opened at so that a change made on the server meanwhile is
// never overwritten without asking.
package edit

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"s3desk/storage"
)

// MaxSize is the largest object edited in place (a text editor's file, not
// a transfer).
const MaxSize = 64 << 20

// Debounce is how long a file must stay still before a save is uploaded
// (editors write a file in several steps).
const Debounce = 400 * time.Millisecond

// Status is where a session stands, after each save.
type Status struct {
	Saved    time.Time // when the last save was seen
	Uploaded bool      // the last save is on the server
	Uploads  int       // saves uploaded so far
	Note     string    // "uploaded", "not uploaded: the object changed on the server", …
	Err      error
	Ended    bool
}

// Options tune a session.
type Options struct {
	// Conflict is asked when the object changed on the server since it was
	// opened or last uploaded; true overwrites it. nil never overwrites.
	Conflict func(ctx context.Context) bool
	// Status receives each change of status (any goroutine).
	Status func(Status)
}

// Session is one object being edited.
type Session struct {
	svc         *storage.Service
	bucket, key string
	dir, path   string
	opts        Options
	ctype       string

	mu     sync.Mutex
	etag   string // the server's ETag as last read or written
	sum    [16]byte
	st     Status
	cancel context.CancelFunc
	done   chan struct{}
}

// Start downloads bucket/key into a new folder (mode 0700) under root, the
// app's edit folder, and starts watching it. Close ends the session and
// removes the folder.
func Start(ctx context.Context, svc *storage.Service, bucket, key, root string, o Options) (*Session, error) {
	name := path.Base(strings.TrimSuffix(key, "/"))
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return nil, &storage.Error{Op: "edit", Bucket: bucket, Key: key, Kind: storage.ErrInvalidName,
			Msg: fmt.Sprintf("edit: %q has no file name to edit it under", key)}
	}
	r, info, err := svc.Open(ctx, bucket, key, storage.ReadOptions{})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if info.Size > MaxSize {
		return nil, &storage.Error{Op: "edit", Bucket: bucket, Key: key, Kind: storage.ErrTooLarge,
			Msg: fmt.Sprintf("edit: %s is %d MiB; edit in place takes files up to %d MiB, download it instead", key, info.Size>>20, MaxSize>>20)}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, storage.MapError("edit", bucket, key, err)
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, localErr(bucket, key, err)
	}
	_ = os.Chmod(root, 0o700)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	dir := filepath.Join(root, "edit-"+hex.EncodeToString(b))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, localErr(bucket, key, err)
	}
	s := &Session{svc: svc, bucket: bucket, key: key, dir: dir, path: filepath.Join(dir, name), opts: o,
		ctype: info.ContentType, etag: info.ETag, sum: md5.Sum(data), done: make(chan struct{})}
	if err := os.WriteFile(s.path, data, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return nil, localErr(bucket, key, err)
	}
	w, err := fsnotify.NewWatcher()
	if err == nil {
		err = w.Add(dir) // the folder: editors save by renaming a new file over the old
	}
	if err != nil {
		if w != nil {
			w.Close()
		}
		_ = os.RemoveAll(dir)
		return nil, localErr(bucket, key, err)
	}
	wctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	go s.watch(wctx, w)
	return s, nil
}

func localErr(bucket, key string, err error) error {
	return &storage.Error{Op: "edit", Bucket: bucket, Key: key, Kind: storage.ErrAccessDenied, Err: err,
		Msg: "edit: cannot prepare the file to edit: " + err.Error()}
}

// Path is the local file the editor opens.
func (s *Session) Path() string { return s.path }

// Key is the object being edited.
func (s *Session) Key() string { return s.key }

// Status is the current status.
func (s *Session) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

func (s *Session) setStatus(f func(*Status)) {
	s.mu.Lock()
	f(&s.st)
	st := s.st
	s.mu.Unlock()
	if s.opts.Status != nil {
		s.opts.Status(st)
	}
}

func (s *Session) watch(ctx context.Context, w *fsnotify.Watcher) {
	defer close(s.done)
	defer w.Close()
	var timer *time.Timer
	var fire <-chan time.Time
	base := filepath.Base(s.path)
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
				s.upload(context.WithoutCancel(ctx)) // the last save still goes up
			}
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if filepath.Base(ev.Name) != base || ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) == 0 {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(Debounce)
			} else {
				timer.Reset(Debounce)
			}
			fire = timer.C
		case <-fire:
			fire, timer = nil, nil
			s.upload(ctx)
		case <-w.Errors:
		}
	}
}

// upload sends the file if it changed since the last upload, asking first
// when the object changed on the server.
func (s *Session) upload(ctx context.Context) {
	data, err := os.ReadFile(s.path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return // between an editor's remove and rename; the rename follows
		}
		s.setStatus(func(st *Status) { st.Err, st.Note = err, "cannot read the file: "+err.Error() })
		return
	}
	sum := md5.Sum(data)
	s.mu.Lock()
	same, etag := sum == s.sum, s.etag
	s.mu.Unlock()
	now := time.Now()
	if same {
		s.setStatus(func(st *Status) { st.Saved = now })
		return
	}
	s.setStatus(func(st *Status) { st.Saved, st.Uploaded, st.Note, st.Err = now, false, "uploading", nil })
	// A HEAD first (servers that ignore If-Match), then If-Match for a
	// change in between.
	ifMatch := etag
	info, err := s.svc.Stat(ctx, s.bucket, s.key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		ifMatch = "" // deleted on the server: writing it back loses nothing
		if !s.ask(ctx) {
			return
		}
	case err != nil:
		s.setStatus(func(st *Status) { st.Err, st.Note = err, "not uploaded: "+err.Error() })
		return
	case info.ETag != etag:
		if !s.ask(ctx) {
			return
		}
		ifMatch = info.ETag
	}
	err = s.svc.Put(ctx, s.bucket, s.key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{
		ContentType: s.ctype, IfMatch: ifMatch, Op: "edit"})
	if errors.Is(err, storage.ErrPreconditionFailed) {
		if !s.ask(ctx) {
			return
		}
		err = s.svc.Put(ctx, s.bucket, s.key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{ContentType: s.ctype, Op: "edit"})
	}
	if err != nil {
		s.setStatus(func(st *Status) { st.Err, st.Note = err, "not uploaded: "+err.Error() })
		return
	}
	newTag := ""
	if info, err := s.svc.Stat(ctx, s.bucket, s.key); err == nil {
		newTag = info.ETag
	}
	s.mu.Lock()
	s.sum, s.etag = sum, newTag
	s.mu.Unlock()
	s.setStatus(func(st *Status) { st.Uploaded, st.Uploads, st.Note, st.Err = true, st.Uploads+1, "uploaded", nil })
}

// ask asks whether to overwrite a change made on the server.
func (s *Session) ask(ctx context.Context) bool {
	if s.opts.Conflict != nil && s.opts.Conflict(ctx) {
		return true
	}
	s.setStatus(func(st *Status) {
		st.Uploaded, st.Note = false, "not uploaded: the object changed on the server; your file is kept"
	})
	return false
}

// Close ends the session: a pending save is uploaded, the watch stops and
// the edit folder is removed.
func (s *Session) Close() {
	s.cancel()
	<-s.done
	_ = os.RemoveAll(s.dir)
	s.setStatus(func(st *Status) { st.Ended = true })
}

// RunEditor opens the file with argv (the file's path appended) and ends
// the session when the editor exits.
func (s *Session) RunEditor(argv []string) error {
	if len(argv) == 0 {
		return errors.New("edit: no editor command")
	}
	cmd := exec.Command(argv[0], append(argv[1:], s.path)...)
	if err := cmd.Start(); err != nil {
		return &storage.Error{Op: "edit", Key: s.key, Kind: storage.ErrInvalidArgument, Err: err,
			Msg: fmt.Sprintf("edit: cannot start the editor %s: %v", argv[0], err)}
	}
	go func() {
		_ = cmd.Wait()
		time.Sleep(Debounce) // its last save's events
		s.Close()
	}()
	return nil
}

// Clean removes edit folders a previous run left under root (at start).
func Clean(root string) {
	ds, _ := filepath.Glob(filepath.Join(root, "edit-*"))
	for _, d := range ds {
		_ = os.RemoveAll(d)
	}
}
