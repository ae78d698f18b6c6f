package transfer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// Only "." and ".." segments leave the folder; "..." is an ordinary name.
func TestSafeLocalPathDots(t *testing.T) {
	good := map[string]string{"...": "...", "a/.../b": "a/.../b", "....txt": "....txt", "a/..../b": "a/..../b"}
	if runtime.GOOS != "windows" {
		good[". /x"] = ". /x" // Win32 would strip the space: refused there only
	}
	for k, want := range good {
		if p, err := transfer.SafeLocalPath(k); err != nil || p != want {
			t.Errorf("%q: got %q, %v; want %q", k, p, err, want)
		}
	}
	bad := []string{".", "..", "a/./b", "a/../b", "../x", "．．/x", "a/．/b", "‥/x", "/etc/x", `\x`, `C:\x`, "c:x", "a/\x01b", "a\x7f"}
	for _, k := range bad {
		if p, err := transfer.SafeLocalPath(k); err == nil || !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("%q: want refused, got %q, %v", k, p, err)
		}
	}
}

func TestDownloadDotNames(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		bucket := srv.Bucket(t)
		ctx := context.Background()
		keys := []string{"...", "a/.../b", "....txt"}
		for _, k := range keys {
			if _, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader("data:" + k)}); err != nil {
				t.Skipf("%s does not store the key %q: %v", srv.Kind, k, err)
			}
		}
		e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
		plan, err := e.PlanDownload(ctx, bucket, "", []storage.Entry{{Key: "", IsFolder: true}})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Skipped) != 0 || len(plan.Items) != len(keys) {
			t.Fatalf("planned %d, skipped %v", len(plan.Items), plan.Skipped)
		}
		dest := filepath.Join(t.TempDir(), "dest")
		if err := os.Mkdir(dest, 0o755); err != nil {
			t.Fatal(err)
		}
		res := e.Download(ctx, dest, plan.Items, transfer.DownloadOptions{}, nil)
		if res.Done != len(keys) {
			for _, it := range res.Items {
				t.Logf("%s: %v %v", it.Key, it.State, it.Err)
			}
			t.Fatalf("downloaded %d of %d", res.Done, len(keys))
		}
		for _, k := range keys {
			got, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(k)))
			if err != nil || string(got) != "data:"+k {
				t.Errorf("%q: got %q, %v", k, got, err)
			}
		}
		if ents, _ := os.ReadDir(filepath.Dir(dest)); len(ents) != 1 {
			t.Errorf("something was written beside the chosen folder: %v", ents)
		}
	})
}
