package s3test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// CacheDir is where .ci/run keeps the server binaries it builds, outside any
// clone so that a clean CI checkout reuses them: $S3DESK_CI_CACHE, else
// s3desk-ci under the user's cache folder (~/.cache/s3desk-ci). Each binary
// lives in a folder named for its version, e.g. minio-v0.0.0-2026…/minio.
func CacheDir() string {
	if d := os.Getenv("S3DESK_CI_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "s3desk-ci")
}

// findBinary looks for a server binary: the path in $envVar, then
// CacheDir()/<name>-<pinned>/<name> (pinned may be ""), then the newest
// CacheDir()/<name>-*/<name> by version, then PATH. "" when none is there.
func findBinary(name, envVar, pinned string) string {
	if p := os.Getenv(envVar); p != "" {
		return p
	}
	isFile := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
	}
	if dir := CacheDir(); dir != "" {
		if pinned != "" {
			if p := filepath.Join(dir, name+"-"+pinned, name); isFile(p) {
				return p
			}
		}
		found, _ := filepath.Glob(filepath.Join(dir, name+"-*", name))
		// Versions here are vX.Y.Z or Go pseudo-versions that begin
		// v0.0.0-YYYYMMDDhhmmss, so the last in order is the newest.
		sort.Strings(found)
		for i := len(found) - 1; i >= 0; i-- {
			if isFile(found[i]) {
				return found[i]
			}
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return ""
}

// needBinary fails the test under CI=true and skips it otherwise when bin
// is "", with how to install it.
func needBinary(t testing.TB, bin, name, install string) {
	t.Helper()
	if bin != "" {
		return
	}
	msg := fmt.Sprintf("%s not found (set $%s, or run .ci/run, or install it with: %s)", name, strings.ToUpper(name)+"_BIN", install)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// childEnv is the test's environment without the variables (by prefix) a
// server would read its settings from, so a developer's own MINIO_* or
// RCLONE_* settings cannot change what the tests run against, plus extra.
func childEnv(dropPrefixes []string, extra ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range dropPrefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// proc is a server process started again and again with the same command
// line (for Restart), its output kept in a temp log file shown when it does
// not come up.
type proc struct {
	name  string
	bin   string
	args  []string
	env   []string
	ready func() error // nil when the server answers its requests
	limit time.Duration

	cmd    *exec.Cmd
	waited chan error // gets Wait's result once the process ends
	logf   *os.File
}

func (p *proc) start(t testing.TB) {
	t.Helper()
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Env = p.env
	var err error
	p.logf, err = os.CreateTemp("", p.name+"-*.log")
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.logf, p.logf
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	exited := make(chan error, 1)
	cmd := p.cmd
	go func() { exited <- cmd.Wait() }()
	p.waited = exited
	deadline := time.Now().Add(p.limit)
	for {
		err := p.ready()
		if err == nil {
			return
		}
		select {
		case werr := <-exited:
			out, _ := os.ReadFile(p.logf.Name())
			p.cleanLog()
			p.cmd = nil
			t.Fatalf("%s exited before it was ready (%v): %v\n%s", p.name, werr, err, out)
		default:
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(p.logf.Name())
			p.stop()
			t.Fatalf("%s not ready after %v: %v\n%s", p.name, p.limit, err, out)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (p *proc) cleanLog() {
	if p.logf != nil {
		p.logf.Close()
		os.Remove(p.logf.Name())
		p.logf = nil
	}
}

// stop interrupts the server, kills it after 5 s, and removes its log.
// Idempotent.
func (p *proc) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		p.cleanLog()
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.waited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.waited
	}
	p.cmd = nil
	p.cleanLog()
}

// signedPing is a readiness check: a signed ListBuckets succeeds, once.
func signedPing(s *Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	c := s3.New(s3.Options{
		Region:           s.Region,
		BaseEndpoint:     aws.String(s.Endpoint),
		UsePathStyle:     true,
		Credentials:      credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RetryMaxAttempts: 1,
	})
	_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	return err
}

// httpStatus is a readiness check: GET url answers with want (0: any
// status).
func httpStatus(url string, want int) func() error {
	c := &http.Client{Timeout: time.Second}
	return func() error {
		resp, err := c.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if want != 0 && resp.StatusCode != want {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
}
