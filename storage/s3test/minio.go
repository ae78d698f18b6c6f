package s3test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// MinIOInstall is how .ci/run builds the MinIO server binary.
const MinIOInstall = "CGO_ENABLED=0 GOBIN=~/.cache/s3desk-ci/minio-<version> go install github.com/minio/minio@<version>"

// MinIOBinary finds the MinIO server: $MINIO_BIN, then the newest
// CacheDir()/minio-*/minio, then PATH.
func MinIOBinary() string { return findBinary("minio", "MINIO_BIN", "") }

// StartMinIO starts a single-drive MinIO server on a free 127.0.0.1 port
// with a temp data folder and random root credentials. Its console, update
// check and call-home are off and it binds loopback only; its config,
// certificates and HOME are temp folders too, so it reads nothing of the
// user's. A missing binary fails the test under CI=true and skips it
// otherwise. Restart keeps the port and the data.
func StartMinIO(t testing.TB) *Server {
	t.Helper()
	bin := MinIOBinary()
	needBinary(t, bin, "minio", MinIOInstall)
	dir, etc := t.TempDir(), t.TempDir()
	s := &Server{
		Kind:      MinIO,
		AccessKey: "AK" + strings.ToUpper(randHex(9)),
		SecretKey: randHex(20),
		Region:    Region,
		Dir:       dir,
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	console := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s.Endpoint = "http://" + addr
	p := &proc{
		name: "minio",
		bin:  bin,
		args: []string{"server", "--quiet",
			"--certs-dir", filepath.Join(etc, "certs"),
			"--address", addr, "--console-address", console, dir},
		env: childEnv([]string{"MINIO_", "HOME="},
			"HOME="+etc,
			"MINIO_ROOT_USER="+s.AccessKey,
			"MINIO_ROOT_PASSWORD="+s.SecretKey,
			"MINIO_SITE_REGION="+s.Region,
			"MINIO_UPDATE=off",
			"MINIO_BROWSER=off",
			"MINIO_CALLHOME_ENABLE=off",
		),
		// /minio/health/ready answers 200 before MinIO has loaded its
		// users: a busy machine then sees 503 for the first signed
		// requests. Ready means a signed ListBuckets works.
		ready: func() error {
			if err := httpStatus(s.Endpoint+"/minio/health/ready", 200)(); err != nil {
				return err
			}
			return signedPing(s)
		},
		limit: 60 * time.Second,
	}
	s.Stop = p.stop
	s.Restart = func(t testing.TB) { t.Helper(); p.stop(); p.start(t) }
	p.start(t)
	t.Cleanup(p.stop)
	return s
}
