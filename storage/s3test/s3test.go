// Package s3test starts real S3 servers for tests: versitygw (the reference,
// which checks SigV4), MinIO and rclone serve s3 as processes on free
// loopback ports, and an in-process gofakes3 behind httptest, which stores
// keys that versitygw's posix backend refuses.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"s3desk/storage"
	"s3desk/storage/sandbox"
)

// Kinds of server.
const (
	Versity  = "versitygw"
	GoFakeS3 = "gofakes3"
	// Sandbox is the app's own embedded server (storage/sandbox): gofakes3
	// on a bbolt file, so it shares gofakes3's limits (no signature check,
	// no ACLs, no policies, no versioning) but persists across Restart.
	Sandbox = "sandbox"
	// MinIO is a single-drive MinIO server (StartMinIO).
	MinIO = "minio"
	// Rclone is `rclone serve s3` over a local folder (StartRclone).
	Rclone = "rclone"
)

// Region is the region every test server signs with.
const Region = "us-east-1"

// Server is one running S3 server, stopped and wiped when its test ends.
type Server struct {
	Kind      string
	Endpoint  string // e.g. http://127.0.0.1:41234
	AccessKey string
	SecretKey string
	Region    string
	Dir       string // the server's data directory ("" for gofakes3)
	// Stop ends the server early (idempotent); Restart starts it again on the
	// same port and data, for tests of a server lost mid-transfer.
	Stop    func()
	Restart func(t testing.TB)
}

// Config is a storage.Config for this server.
func (s *Server) Config() storage.Config {
	return storage.Config{
		Endpoint:        s.Endpoint,
		Region:          s.Region,
		PathStyle:       true,
		AccessKeyID:     s.AccessKey,
		SecretAccessKey: s.SecretKey,
	}
}

// Service is a ready storage.Service for this server.
func (s *Server) Service(t testing.TB) *storage.Service {
	t.Helper()
	svc, err := storage.New(context.Background(), s.Config())
	if err != nil {
		t.Fatalf("storage.New: %v", err)
	}
	return svc
}

// Client is a raw SDK client for this server, for planting data the service
// would refuse and for checking results behind its back.
func (s *Server) Client(t testing.TB) *s3.Client {
	t.Helper()
	return s3.New(s3.Options{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

// Bucket creates a bucket with a unique name and returns the name.
func (s *Server) Bucket(t testing.TB) string {
	t.Helper()
	name := "t-" + randHex(6)
	_, err := s.Client(t).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return name
}

// Skip skips the test on this server, by name, with the reason.
func (s *Server) Skip(t testing.TB, reason string) {
	t.Helper()
	t.Skipf("skipped on %s: %s", s.Kind, reason)
}

// VersityBinary finds the versitygw binary: $VERSITYGW, then PATH, then
// $GOPATH/bin and ~/go/bin.
func VersityBinary() string {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	var dirs []string
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.Join(gp, "bin"))
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		dirs = append(dirs, filepath.Join(strings.TrimSpace(string(out)), "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// StartVersity starts versitygw on a free 127.0.0.1 port with a temp
// directory and random root credentials. A missing binary fails the test
// under CI=true and skips it otherwise.
func StartVersity(t testing.TB) *Server {
	t.Helper()
	return startVersity(t, false)
}

// StartVersityVersioned is StartVersity with bucket versioning enabled
// (--versioning-dir), for tests of versions and delete markers.
func StartVersityVersioned(t testing.TB) *Server {
	t.Helper()
	return startVersity(t, true)
}

func startVersity(t testing.TB, versioned bool) *Server {
	t.Helper()
	bin := VersityBinary()
	if bin == "" {
		msg := "versitygw not found; install it with: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir, versionsDir := t.TempDir(), ""
	if versioned {
		versionsDir = t.TempDir()
	}
	s := &Server{
		Kind:      Versity,
		AccessKey: "AK" + strings.ToUpper(randHex(9)),
		SecretKey: randHex(20),
		Region:    Region,
		Dir:       dir,
	}
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s.Endpoint = "http://" + addr

	var cmd *exec.Cmd
	var logf *os.File
	start := func(t testing.TB) {
		t.Helper()
		args := []string{"--quiet", "--port", addr, "posix"}
		if versioned {
			args = append(args, "--versioning-dir", versionsDir)
		}
		cmd = exec.Command(bin, append(args, dir)...)
		cmd.Env = append(os.Environ(),
			"ROOT_ACCESS_KEY="+s.AccessKey,
			"ROOT_SECRET_KEY="+s.SecretKey,
			"VGW_REGION="+s.Region)
		var err error
		logf, err = os.CreateTemp("", "versitygw-*.log")
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatalf("start versitygw: %v", err)
		}
		if err := waitReady(s.Endpoint, 15*time.Second); err != nil {
			_ = cmd.Process.Kill()
			_, _ = cmd.Process.Wait()
			out, _ := os.ReadFile(logf.Name())
			t.Fatalf("versitygw did not answer on %s: %v\n%s", addr, err, out)
		}
	}
	stop := func() {
		if cmd == nil || cmd.Process == nil {
			return
		}
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _, _ = cmd.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		cmd = nil
		if logf != nil {
			logf.Close()
			os.Remove(logf.Name())
			logf = nil
		}
	}
	s.Stop = stop
	s.Restart = func(t testing.TB) { stop(); start(t) }
	start(t)
	t.Cleanup(stop)
	return s
}

// StartFake starts an in-process gofakes3 server behind httptest. It stores
// any key, but checks no signature and supports no ACLs.
func StartFake(t testing.TB) *Server {
	t.Helper()
	backend := s3mem.New()
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(false), gofakes3.WithLogger(gofakes3.DiscardLog()))
	ts := httptest.NewUnstartedServer(faker.Server())
	ts.Start()
	s := &Server{
		Kind:      GoFakeS3,
		Endpoint:  ts.URL,
		AccessKey: "AKFAKE" + strings.ToUpper(randHex(7)),
		SecretKey: randHex(20),
		Region:    Region,
	}
	var stopped bool
	s.Stop = func() {
		if !stopped {
			stopped = true
			ts.Close()
		}
	}
	s.Restart = func(t testing.TB) { t.Fatal("gofakes3 test servers cannot restart") }
	t.Cleanup(s.Stop)
	return s
}

// StartSandbox starts the app's embedded sandbox server on a free loopback
// port with a temp data folder, without the sample data. Restart keeps its
// data and port.
func StartSandbox(t testing.TB) *Server {
	t.Helper()
	dir := t.TempDir()
	sb, err := sandbox.StartWith(context.Background(), dir, sandbox.Options{NoSeed: true})
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	cfg := sb.Config()
	s := &Server{
		Kind:      Sandbox,
		Endpoint:  cfg.Endpoint,
		AccessKey: cfg.AccessKeyID,
		SecretKey: cfg.SecretAccessKey,
		Region:    cfg.Region,
		Dir:       dir,
	}
	var stopped bool
	s.Stop = func() {
		if !stopped {
			stopped = true
			_ = sb.Close()
		}
	}
	s.Restart = func(t testing.TB) {
		t.Helper()
		s.Stop()
		next, err := sandbox.StartWith(context.Background(), dir, sandbox.Options{NoSeed: true})
		if err != nil {
			t.Fatalf("restart sandbox: %v", err)
		}
		if next.Endpoint() != s.Endpoint {
			next.Close()
			t.Fatalf("sandbox restarted on %s, not %s (the port was taken)", next.Endpoint(), s.Endpoint)
		}
		sb, stopped = next, false
		s.SecretKey = next.Config().SecretAccessKey
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

// Fake tells whether the server is gofakes3 underneath (GoFakeS3 or
// Sandbox): no signature check, no ACLs or bucket policies. Skip tests of
// those with srv.Skip when Fake() is true.
func (s *Server) Fake() bool { return s.Kind == GoFakeS3 || s.Kind == Sandbox }

// Each runs fn as a subtest on every server of the harness: versitygw,
// gofakes3, the app's sandbox, MinIO and rclone serve s3. Servers whose
// binary is missing fail under CI=true and are skipped otherwise.
func Each(t *testing.T, fn func(t *testing.T, srv *Server)) {
	t.Helper()
	t.Run(Versity, func(t *testing.T) { fn(t, StartVersity(t)) })
	t.Run(GoFakeS3, func(t *testing.T) { fn(t, StartFake(t)) })
	t.Run(Sandbox, func(t *testing.T) { fn(t, StartSandbox(t)) })
	t.Run(MinIO, func(t *testing.T) { fn(t, StartMinIO(t)) })
	t.Run(Rclone, func(t *testing.T) { fn(t, StartRclone(t)) })
}

func waitReady(endpoint string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: time.Second}
	var last error
	for time.Now().Before(deadline) {
		resp, err := c.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil // any HTTP answer (403 unsigned) means it is serving
		}
		last = err
		time.Sleep(30 * time.Millisecond)
	}
	return last
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
