package atomicfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"s3desk/storage/internal/atomicfile"
)

func TestWriteReplacesWithModeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(p, []byte("new"), atomicfile.Options{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	st, _ := os.Stat(p)
	if err != nil || string(b) != "new" || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) {
		t.Fatalf("got %q %v mode %v", b, err, st.Mode())
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("left %d entries, want only the file", len(es))
	}
}

func TestWriteFailedRenameKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("crash before the rename")
	err := atomicfile.Write(p, []byte("new"), atomicfile.Options{TempPattern: ".f-*.tmp",
		Rename: func(string, string) error { return boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("file %q, want the old content", b)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("left %d entries: the temp file was not removed", len(es))
	}
}

func TestLockExcludesAnotherHolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock on Windows: Lock is a no-op there")
	}
	p := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := atomicfile.Lock(p, "the test file", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_, err = atomicfile.Lock(p, "the test file", 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "another S3 Desk window is changing the test file") {
		t.Fatalf("second lock: %v", err)
	}
	unlock()
	unlock2, err := atomicfile.Lock(p, "the test file", time.Second)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
}
