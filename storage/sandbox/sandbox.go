// Package sandbox is S3 Desk's built-in S3 server: an embedded gofakes3 with
// a bbolt file as its store, listening on 127.0.0.1 only. It lets a person
// with no account and no network try every feature at once, and it is seeded
// on first start with the sample data of the boto3 guide the app grew from.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"s3desk/storage/internal/atomicfile"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	bolt "go.etcd.io/bbolt"

	"s3desk/storage"
	"s3desk/storage/internal/core"
)

// The built-in profile that connects to the sandbox is profiles.SandboxName.

// Region is the region the sandbox signs with.
const Region = "us-east-1"

// File names inside the sandbox directory.
const (
	dbFile     = "sandbox.db"
	stateFile  = "state.json"
	seededFile = "seeded"
)

// ErrInUse is returned by Start when another S3 Desk holds the sandbox data.
var ErrInUse = errors.New("sandbox in use")

// DefaultMaxObjectSize is the largest object the sandbox accepts. gofakes3
// holds an object (and a multipart upload's parts) in memory several times
// over while storing it, so bigger files belong on a real service.
const DefaultMaxObjectSize = 256 << 20

// Options tune Start. The zero value is what the app uses.
type Options struct {
	// NoSeed skips the sample data on first start (the test harness wants an
	// empty server).
	NoSeed bool
	// MaxObjectSize overrides DefaultMaxObjectSize (0 = the default).
	MaxObjectSize int64
}

// Sandbox is a running embedded S3 server. Its methods are safe for
// concurrent use.
type Sandbox struct {
	dir      string
	opts     Options
	ln       net.Listener
	srv      *http.Server
	endpoint string
	access   string // guards the server: requests must name this key ID
	secret   string // not checked by gofakes3; random per start

	maxSize int64
	partsMu sync.Mutex
	parts   map[string]map[string]int64 // upload ID -> part number -> bytes

	policies *policies // bucket policies (gofakes3 has none)

	mu      sync.RWMutex
	db      *bolt.DB
	handler http.Handler // the current gofakes3 handler; nil while resetting
	closed  bool
}

// state is what survives a restart besides the data: the port (so presigned
// links and open views keep working) and the access key ID.
type state struct {
	Port        int    `json:"port"`
	AccessKeyID string `json:"access_key_id"`
}

// DefaultDir is where the app keeps the sandbox: $XDG_DATA_HOME/s3desk/sandbox
// (~/.local/share/s3desk/sandbox) on Linux and BSD, the user's application
// support / local app data folder on macOS and Windows.
func DefaultDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "s3desk", "sandbox"), nil
		}
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("sandbox: no folder for app data: %w", err)
		}
		return filepath.Join(d, "s3desk", "sandbox"), nil
	case "darwin", "ios":
		d, err := os.UserConfigDir() // ~/Library/Application Support
		if err != nil {
			return "", fmt.Errorf("sandbox: no folder for app data: %w", err)
		}
		return filepath.Join(d, "s3desk", "sandbox"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "s3desk", "sandbox"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("sandbox: no home folder for app data (set XDG_DATA_HOME): %w", err)
	}
	return filepath.Join(home, ".local", "share", "s3desk", "sandbox"), nil
}

// Start opens (or creates) the sandbox in dir, serves it on a free
// 127.0.0.1 port (the previous one when it is still free) and seeds it with
// the sample data on first start.
func Start(ctx context.Context, dir string) (*Sandbox, error) {
	return StartWith(ctx, dir, Options{})
}

// StartWith is Start with options.
func StartWith(ctx context.Context, dir string, opts Options) (*Sandbox, error) {
	if dir == "" {
		return nil, errors.New("sandbox: no data folder given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: cannot create its folder %s: %w", dir, err)
	}
	st := loadState(dir)
	if st.AccessKeyID == "" {
		st.AccessKeyID = "SANDBOX" + strings.ToUpper(randHex(7))
	}
	s := &Sandbox{dir: dir, opts: opts, access: st.AccessKeyID, secret: randHex(20),
		maxSize: opts.MaxObjectSize, parts: map[string]map[string]int64{}}
	if s.maxSize <= 0 {
		s.maxSize = DefaultMaxObjectSize
	}
	if err := s.openDB(); err != nil {
		return nil, err
	}
	pol, err := loadPolicies(dir)
	if err != nil {
		s.db.Close()
		return nil, err
	}
	s.policies = pol
	ln, err := listen(st.Port)
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("sandbox: cannot listen on 127.0.0.1: %w", err)
	}
	s.ln = ln
	port := ln.Addr().(*net.TCPAddr).Port
	s.endpoint = "http://127.0.0.1:" + strconv.Itoa(port)
	st.Port = port
	if err := saveState(dir, st); err != nil {
		ln.Close()
		s.db.Close()
		return nil, err
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
	}
	go func() { _ = s.srv.Serve(ln) }()
	if err := s.seedIfNew(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func listen(port int) (net.Listener, error) {
	if port > 0 {
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			return ln, nil
		}
	}
	return net.Listen("tcp", "127.0.0.1:0")
}

// openDB opens the bolt file (failing fast when another process holds it)
// and builds a fresh gofakes3 handler on it. Callers hold s.mu or own s.
func (s *Sandbox) openDB() error {
	path := filepath.Join(s.dir, dbFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return fmt.Errorf("sandbox: its data in %s is in use by another S3 Desk; close that window first: %w", s.dir, ErrInUse)
		}
		return fmt.Errorf("sandbox: cannot open its data file %s (delete the folder to start afresh): %w", path, err)
	}
	s.db = db
	faker := gofakes3.New(&safeBackend{b: s3bolt.New(db)},
		gofakes3.WithAutoBucket(false),
		gofakes3.WithLogger(gofakes3.DiscardLog()),
	)
	s.handler = faker.Server()
	return nil
}

// ServeHTTP lets only requests that name the sandbox's access key through:
// loopback alone does not keep a web page in the user's browser from
// reaching the port.
//
// Anonymous GETs and HEADs of objects a bucket policy makes public are let
// through too, as S3 lets them through: that is what "Make public" means.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	h := s.handler
	s.mu.RUnlock()
	if h == nil {
		writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "The sandbox is being reset; try again in a moment.")
		return
	}
	if bucket, key, ok := anonymousRead(r); ok {
		if s.policies.allowsAnonymousGet(bucket, key) {
			h.ServeHTTP(w, r)
			return
		}
		writeError(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	if r.Header.Get("Origin") != "" || !s.authorized(r) {
		writeError(w, http.StatusForbidden, "InvalidAccessKeyId", "The sandbox accepts only S3 Desk's own requests.")
		return
	}
	bucket, key := splitPath(r.URL.Path)
	if _, ok := r.URL.Query()["policy"]; ok && bucket != "" && key == "" {
		s.servePolicy(w, r, h, bucket)
		return
	}
	if _, ok := r.URL.Query()["acl"]; ok && bucket != "" {
		// gofakes3 has no ACLs: it would serve (or overwrite) the object.
		// Public access goes through the bucket policy instead.
		writeError(w, http.StatusNotImplemented, "NotImplemented", "The local sandbox has no ACLs; make objects public with a bucket policy.")
		return
	}
	if !s.admitSize(r) {
		// Take (and drop) the body before answering: the SDK's client,
		// refused while it sends the body, often saw only "connection reset
		// by peer" instead of this answer. Parts are small enough; a larger
		// body is cut off after 64 MiB.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
		writeError(w, http.StatusBadRequest, "EntityTooLarge",
			fmt.Sprintf("The local sandbox keeps objects up to %d MiB; use a real S3 service for bigger files.", s.maxSize>>20))
		return
	}
	if r.Method == http.MethodDelete && bucket != "" && key == "" && len(r.URL.Query()) == 0 {
		// DeleteBucket: a bucket made again later starts without a policy.
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status/100 == 2 {
			_ = s.policies.set(bucket, nil)
		}
		return
	}
	h.ServeHTTP(w, r)
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// admitSize refuses a PUT whose object (or multipart upload so far) would
// exceed the size limit, before gofakes3 reads it into memory.
func (s *Sandbox) admitSize(r *http.Request) bool {
	q := r.URL.Query()
	uploadID := q.Get("uploadId")
	switch {
	case r.Method == http.MethodPut:
		n := max(r.ContentLength, headerInt(r, "X-Amz-Decoded-Content-Length"))
		if n > s.maxSize {
			return false
		}
		if uploadID == "" || q.Get("partNumber") == "" {
			return true
		}
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return true // UploadPartCopy: the source is within the limit already
		}
		s.partsMu.Lock()
		defer s.partsMu.Unlock()
		parts := s.parts[uploadID]
		if parts == nil {
			parts = map[string]int64{}
			s.parts[uploadID] = parts
		}
		var total int64
		for pn, size := range parts {
			if pn != q.Get("partNumber") {
				total += size
			}
		}
		if total+n > s.maxSize {
			return false
		}
		parts[q.Get("partNumber")] = n
	case uploadID != "" && (r.Method == http.MethodDelete || r.Method == http.MethodPost):
		s.partsMu.Lock()
		delete(s.parts, uploadID) // completed or aborted
		s.partsMu.Unlock()
	}
	return true
}

func headerInt(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.Header.Get(name), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func (s *Sandbox) authorized(r *http.Request) bool {
	want := "Credential=" + s.access + "/"
	if strings.Contains(r.Header.Get("Authorization"), want) {
		return true
	}
	return strings.HasPrefix(r.URL.Query().Get("X-Amz-Credential"), s.access+"/")
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, msg)
}

// Endpoint is the sandbox's URL, http://127.0.0.1:<port>.
func (s *Sandbox) Endpoint() string { return s.endpoint }

// Dir is the folder holding the sandbox's data.
func (s *Sandbox) Dir() string { return s.dir }

// Config is a storage.Config that connects to the sandbox (path-style,
// compatibility checksums: gofakes3 does not know the newer checksums).
func (s *Sandbox) Config() storage.Config {
	return storage.Config{
		Endpoint:        s.endpoint,
		Region:          Region,
		PathStyle:       true,
		AccessKeyID:     s.access,
		SecretAccessKey: s.secret,
		Compatibility:   true,
	}
}

// Reset deletes every bucket and object in the sandbox and seeds it again.
// The address stays the same. The GUI asks the user before calling it.
func (s *Sandbox) Reset(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("sandbox: it is closed")
	}
	s.handler = nil
	err := s.db.Close()
	if err == nil {
		err = removeIfExists(filepath.Join(s.dir, dbFile))
	}
	if err == nil {
		err = removeIfExists(filepath.Join(s.dir, seededFile))
	}
	if err == nil {
		err = s.policies.clear()
	}
	if err != nil {
		// Keep serving whatever is left rather than nothing.
		if s.openDB() != nil {
			s.mu.Unlock()
			return fmt.Errorf("sandbox: reset failed and its data could not be reopened: %w", err)
		}
		s.mu.Unlock()
		return fmt.Errorf("sandbox: reset failed, nothing was removed: %w", err)
	}
	if err := s.openDB(); err != nil {
		s.mu.Unlock()
		return err
	}
	s.mu.Unlock()
	return s.seedIfNew(ctx)
}

// Close stops the server and closes the data file. It is idempotent.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	s.mu.Lock()
	s.handler = nil
	dbErr := s.db.Close()
	s.mu.Unlock()
	if dbErr != nil {
		return fmt.Errorf("sandbox: closing its data file: %w", dbErr)
	}
	return nil
}

func (s *Sandbox) seedIfNew(ctx context.Context) error {
	if s.opts.NoSeed {
		return nil
	}
	marker := filepath.Join(s.dir, seededFile)
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	svc, err := storage.New(ctx, s.Config())
	if err != nil {
		return fmt.Errorf("sandbox: seeding: %w", err)
	}
	if err := Seed(ctx, core.Of(svc).Client); err != nil {
		return fmt.Errorf("sandbox: seeding the sample data: %w", err)
	}
	return os.WriteFile(marker, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600)
}

func loadState(dir string) state {
	var st state
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err == nil {
		_ = json.Unmarshal(b, &st)
	}
	if st.Port < 1024 || st.Port > 65535 {
		st.Port = 0
	}
	return st
}

func saveState(dir string, st state) error {
	b, _ := json.Marshal(st)
	if err := atomicfile.Write(filepath.Join(dir, stateFile), b, atomicfile.Options{TempPattern: ".state-*.tmp"}); err != nil {
		return fmt.Errorf("sandbox: cannot write its state: %w", err)
	}
	return nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
