package s3test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RcloneVersion is the rclone that .ci/run builds and the harness prefers.
const RcloneVersion = "v1.76.0"

// RcloneInstall is how .ci/run builds rclone.
const RcloneInstall = "CGO_ENABLED=0 GOBIN=~/.cache/s3desk-ci/rclone-" + RcloneVersion + " go install github.com/rclone/rclone@" + RcloneVersion

// RcloneBinary finds rclone: $RCLONE_BIN, then
// CacheDir()/rclone-v1.76.0/rclone, then the newest cached one, then PATH.
func RcloneBinary() string { return findBinary("rclone", "RCLONE_BIN", RcloneVersion) }

// StartRclone starts `rclone serve s3` over a local folder (each top-level
// folder is a bucket) on a free 127.0.0.1 port with random SigV4
// credentials. It runs with its own temp --config, --cache-dir and HOME and
// without the caller's RCLONE_* variables, so it reads nothing of the
// user's. A missing binary fails the test under CI=true and skips it
// otherwise. Restart keeps the port and the data (not multipart uploads in
// progress, which rclone holds in memory).
func StartRclone(t testing.TB) *Server {
	t.Helper()
	bin := RcloneBinary()
	needBinary(t, bin, "rclone", RcloneInstall)
	dir, etc := t.TempDir(), t.TempDir()
	conf := filepath.Join(etc, "rclone.conf")
	if err := os.WriteFile(conf, []byte("[local]\ntype = local\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Server{
		Kind:      Rclone,
		AccessKey: "AK" + strings.ToUpper(randHex(9)),
		SecretKey: randHex(20),
		Region:    Region,
		Dir:       dir,
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s.Endpoint = "http://" + addr
	p := &proc{
		name: "rclone",
		bin:  bin,
		args: []string{"serve", "s3",
			"--config", conf,
			"--cache-dir", filepath.Join(etc, "cache"),
			"--temp-dir", etc,
			"--addr", addr,
			"--auth-key", s.AccessKey + "," + s.SecretKey,
			"local:" + dir},
		env:   childEnv([]string{"RCLONE_", "HOME="}, "HOME="+etc),
		ready: func() error { return signedPing(s) },
		limit: 30 * time.Second,
	}
	s.Stop = p.stop
	s.Restart = func(t testing.TB) { t.Helper(); p.stop(); p.start(t) }
	p.start(t)
	t.Cleanup(p.stop)
	return s
}
