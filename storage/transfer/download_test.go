package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

func TestSafeLocalPath(t *testing.T) {
	bad := []string{"../x", "a/../../x", "/etc/x", `..\x`, `C:\x`, "．．/x", "a/./b", "", "/", "a/\x00b"}
	for _, k := range bad {
		if p, err := transfer.SafeLocalPath(k); err == nil || !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("%q: want refused, got %q, %v", k, p, err)
		}
	}
	good := map[string]string{"file..txt": "file..txt", "a//b": "a/b", "x/y z+é.txt": "x/y z+é.txt", "..a": "..a", "a..": "a.."}
	for k, want := range good {
		if p, err := transfer.SafeLocalPath(k); err != nil || p != want {
			t.Errorf("%q: got %q, %v; want %q", k, p, err, want)
		}
	}
}

// listEntries lists a bucket as entries, as the objects view would.
func listEntries(t *testing.T, srv *s3test.Server, bucket string) []storage.Entry {
	t.Helper()
	var out []storage.Entry
	pager := s3.NewListObjectsV2Paginator(srv.Client(t), &s3.ListObjectsV2Input{Bucket: &bucket})
	for pager.HasMorePages() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			out = append(out, storage.Entry{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size)})
		}
	}
	return out
}

func TestDownloadTraversalKeys(t *testing.T) {
	srv := s3test.StartFake(t) // versitygw refuses ".." segments
	bucket := srv.Bucket(t)
	ctx := context.Background()
	evil := []string{"../x", "a/../../x", "/etc/x", `..\x`, `C:\x`, "．．/x"}
	fine := []string{"file..txt", "ok/a.txt", "Case.txt", "case.txt", "evil/pwned"}
	for _, k := range append(append([]string{}, evil...), fine...) {
		_, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader("data:" + k)})
		if err != nil {
			t.Fatalf("plant %q: %v", k, err)
		}
	}
	entries := listEntries(t, srv, bucket)
	planted := map[string]bool{}
	for _, e := range entries {
		planted[e.Key] = true
	}
	for _, k := range evil {
		if !planted[k] {
			t.Logf("gofakes3 stored %q differently; keys: %v", k, entries)
		}
	}

	base := t.TempDir()
	dest := filepath.Join(base, "dest")
	outside := filepath.Join(base, "outside")
	_ = os.MkdirAll(dest, 0o755)
	_ = os.MkdirAll(outside, 0o755)
	if err := os.Symlink(outside, filepath.Join(dest, "evil")); err != nil {
		t.Fatal(err)
	}

	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	plan, err := e.PlanDownload(ctx, bucket, "", []storage.Entry{{Key: "", IsFolder: true}})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]string{}
	for _, s := range plan.Skipped {
		skipped[s.Path] = s.Reason
	}
	for _, k := range evil {
		if planted[k] && skipped[k] == "" {
			t.Errorf("traversal key %q was not refused", k)
		}
	}
	if !strings.Contains(skipped["case.txt"]+skipped["Case.txt"], "only by case") {
		t.Errorf("case collision not reported: %v", skipped)
	}
	res := e.Download(ctx, dest, plan.Items, transfer.DownloadOptions{}, nil)
	var pwned transfer.Progress
	for _, it := range res.Items {
		if it.Key == "evil/pwned" {
			pwned = it
		}
	}
	if pwned.State != transfer.StateFailed {
		t.Errorf("write through a planted symlink: state %v", pwned.State)
	}
	t.Logf("through the symlink: %v", pwned.Err)
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("something was written outside the chosen folder: %v", ents)
	}
	if ents, _ := os.ReadDir(base); len(ents) != 2 {
		t.Fatalf("something was written beside the chosen folder: %v", ents)
	}
	for _, k := range []string{"file..txt", "ok/a.txt"} {
		b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(k)))
		if err != nil || string(b) != "data:"+k {
			t.Errorf("%s: %q %v", k, b, err)
		}
	}
	filepath.Walk(dest, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(p), ".s3desk-") {
			t.Errorf("temp file left: %s", p)
		}
		return nil
	})
}

func TestDownloadCancelKeepsExisting(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	src := randFile(t, t.TempDir(), "big.bin", 48<<20)
	f, _ := os.Open(src)
	_, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("big.bin"), Body: f})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	_ = os.WriteFile(filepath.Join(dest, "big.bin"), []byte("precious"), 0o644)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{PartSize: 5 << 20, Concurrency: 1})
	items := []transfer.DownloadItem{{Bucket: bucket, Key: "big.bin", Size: 48 << 20, Rel: "big.bin"}}
	cancelOnFirst := func(p transfer.Progress) {
		if p.Done > 0 && p.State == transfer.StateRunning {
			e.Cancel(p.ID)
		}
	}
	res := e.Download(ctx, dest, items, transfer.DownloadOptions{Conflict: transfer.ConflictOverwrite}, cancelOnFirst)
	if res.Items[0].State != transfer.StateCancelled {
		t.Fatalf("state %v: %v", res.Items[0].State, res.Items[0].Err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "big.bin")); string(b) != "precious" {
		t.Fatal("the existing file was damaged by a cancelled download")
	}
	items[0].Rel, items[0].ID = "fresh.bin", 0
	res = e.Download(ctx, dest, items, transfer.DownloadOptions{}, cancelOnFirst)
	if res.Items[0].State != transfer.StateCancelled {
		t.Fatalf("state %v", res.Items[0].State)
	}
	ents, _ := os.ReadDir(dest)
	if len(ents) != 1 {
		t.Fatalf("a cancelled download left files: %v", ents)
	}
	// Existing files are kept unless the caller says overwrite.
	items[0].Rel, items[0].ID = "big.bin", 0
	res = e.Download(ctx, dest, items, transfer.DownloadOptions{Conflict: transfer.ConflictSkip}, nil)
	if res.SkippedN != 1 {
		t.Fatalf("want skipped, got %+v", res.Items[0])
	}
	res = e.Download(ctx, dest, items, transfer.DownloadOptions{Conflict: transfer.ConflictKeepBoth}, nil)
	if res.Done != 1 {
		t.Fatalf("keep both: %+v", res.Items[0])
	}
	if st, err := os.Stat(filepath.Join(dest, "big (1).bin")); err != nil || st.Size() != 48<<20 {
		t.Fatalf("keep both: %v", err)
	}
}

func TestStaleTempsCleanedOnStart(t *testing.T) {
	srv := s3test.StartFake(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	_, _ = srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("f.bin"), Body: strings.NewReader(strings.Repeat("x", 9<<20))})
	for _, named := range []bool{false, true} {
		mode := "unnamed file"
		if named {
			mode = "temp name"
		}
		t.Run(mode, func(t *testing.T) {
			if !named && runtime.GOOS != "linux" {
				t.Skip("unnamed files are Linux-only")
			}
			data, dest := t.TempDir(), t.TempDir()
			// A download that is "killed": the engine's goroutine is stopped
			// mid-way. Simulate with a progress callback that blocks.
			e := newEngine(t, srv, data, transfer.TransferOptions{})
			if named {
				transfer.UseNamedTemps(e)
			}
			block := make(chan struct{})
			var once, unblock sync.Once
			started := make(chan struct{})
			finished := make(chan struct{})
			t.Cleanup(func() { unblock.Do(func() { close(block) }); <-finished })
			go func() {
				defer close(finished)
				e.Download(ctx, dest, []transfer.DownloadItem{{Bucket: bucket, Key: "f.bin", Size: 9 << 20, Rel: "f.bin"}},
					transfer.DownloadOptions{}, func(p transfer.Progress) {
						if p.Done > 0 {
							once.Do(func() { close(started) })
							<-block
						}
					})
			}()
			<-started
			if _, err := os.Stat(filepath.Join(dest, "f.bin")); err == nil {
				t.Fatal("final file exists before the download finished")
			}
			temps, _ := filepath.Glob(filepath.Join(dest, ".f.bin.s3desk-*.part"))
			if !named {
				// Nothing half-written is visible at all, so nothing can be left.
				if ents, _ := os.ReadDir(dest); len(ents) != 0 {
					t.Fatalf("entries during an unnamed download: %v", ents)
				}
			} else {
				if len(temps) != 1 {
					t.Fatalf("temp files during download: %v", temps)
				}
				// "Restart": a new engine on the same data directory cleans the temp.
				newEngine(t, srv, data, transfer.TransferOptions{})
				if _, err := os.Stat(temps[0]); !os.IsNotExist(err) {
					t.Fatalf("stale temp file not removed: %v", err)
				}
			}
			unblock.Do(func() { close(block) })
			<-finished
		})
	}
}

// A download across more folders than the engine keeps open at once, with
// conflicts inside subfolders: keep both names the copy beside the local
// file, skip keeps it, timestamps are set, and no temp file is left.
func TestDownloadManyFoldersConflicts(t *testing.T) {
	t.Run("unnamed files", func(t *testing.T) { downloadManyFolders(t, false) })
	t.Run("temp names", func(t *testing.T) { downloadManyFolders(t, true) })
}

func downloadManyFolders(t *testing.T, named bool) {
	srv := s3test.StartFake(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	c := srv.Client(t)
	const folders = 70 // more than the engine keeps open at once
	for i := 0; i < folders; i++ {
		for _, name := range []string{"f.txt", "g.txt"} {
			key := fmt.Sprintf("tree/d%03d/%s", i, name)
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader("remote " + key)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dest := t.TempDir()
	for _, d := range []string{"d005", "d006"} {
		if err := os.MkdirAll(filepath.Join(dest, "tree", d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dest, "tree", d, "f.txt"), []byte("local"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{Files: 3})
	if named {
		transfer.UseNamedTemps(e)
	}
	plan, err := e.PlanDownload(ctx, bucket, "", []storage.Entry{{Key: "tree/", IsFolder: true}})
	if err != nil || len(plan.Items) != 2*folders {
		t.Fatalf("plan: %d items, %v", len(plan.Items), err)
	}
	stamp := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	var skipD006 []transfer.DownloadItem
	for i := range plan.Items {
		plan.Items[i].LastModified = stamp
		if strings.HasPrefix(plan.Items[i].Key, "tree/d006/") {
			skipD006 = append(skipD006, plan.Items[i])
		}
	}
	res := e.Download(ctx, dest, plan.Items, transfer.DownloadOptions{Conflict: transfer.ConflictKeepBoth}, nil)
	if res.Done != 2*folders || res.Failed != 0 {
		t.Fatalf("keep both: %d done, %d failed: %+v", res.Done, res.Failed, res)
	}
	for _, d := range []string{"d005", "d006"} {
		if b, _ := os.ReadFile(filepath.Join(dest, "tree", d, "f.txt")); string(b) != "local" {
			t.Errorf("%s/f.txt: the local file was changed to %q", d, b)
		}
		got, _ := os.ReadFile(filepath.Join(dest, "tree", d, "f (1).txt"))
		if want := "remote tree/" + d + "/f.txt"; string(got) != want {
			t.Errorf("%s/f (1).txt = %q, want %q", d, got, want)
		}
	}
	var noted bool
	for _, it := range res.Items {
		if it.Key == "tree/d005/f.txt" {
			noted = it.Note == "saved as tree/d005/f (1).txt" && it.Path == filepath.Join(dest, "tree", "d005", "f (1).txt")
		}
	}
	if !noted {
		t.Error("the progress of tree/d005/f.txt does not say where the copy went")
	}
	st, err := os.Stat(filepath.Join(dest, "tree", "d069", "g.txt"))
	if err != nil || !st.ModTime().Equal(stamp) {
		t.Errorf("tree/d069/g.txt: %v, modified %v, want %v", err, st.ModTime(), stamp)
	}
	// Again with skip: nothing in d006 changes, and no third copy appears.
	for i := range skipD006 {
		skipD006[i].ID = 0
	}
	res = e.Download(ctx, dest, skipD006, transfer.DownloadOptions{Conflict: transfer.ConflictSkip}, nil)
	if res.SkippedN != 2 {
		t.Fatalf("skip: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(dest, "tree", "d006", "f (2).txt")); err == nil {
		t.Error("skip made another copy")
	}
	// Overwrite replaces the local file; a folder in the way is an error
	// that names it, and the folder is untouched.
	if err := os.Remove(filepath.Join(dest, "tree", "d006", "g.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dest, "tree", "d006", "g.txt", "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range skipD006 {
		skipD006[i].ID = 0
	}
	res = e.Download(ctx, dest, skipD006, transfer.DownloadOptions{Conflict: transfer.ConflictOverwrite}, nil)
	if res.Done != 1 || res.Failed != 1 {
		t.Fatalf("overwrite: %+v", res)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "tree", "d006", "f.txt")); string(b) != "remote tree/d006/f.txt" {
		t.Errorf("overwrite left %q", b)
	}
	for _, it := range res.Items {
		if it.Key == "tree/d006/g.txt" && (it.Err == nil || !strings.Contains(it.Err.Error(), "a folder named")) {
			t.Errorf("g.txt over a folder: %v", it.Err)
		}
	}
	if st, err := os.Stat(filepath.Join(dest, "tree", "d006", "g.txt", "inner")); err != nil || !st.IsDir() {
		t.Errorf("the folder in the way was changed: %v", err)
	}
	_ = filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if strings.Contains(p, ".s3desk-") {
			t.Errorf("temp file left: %s", p)
		}
		return nil
	})
}

// A local file that appears while its download runs is kept: the download
// is placed under the name only if the name is still free.
func TestDownloadKeepsFileMadeMeanwhile(t *testing.T) {
	srv := s3test.StartFake(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	body := strings.Repeat("r", 256<<10)
	if _, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("a/r.txt"), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	for _, named := range []bool{false, true} {
		dest := t.TempDir()
		// Paced, so that progress is reported while the bytes arrive.
		e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{Limiter: transfer.NewRateLimiter(1 << 20)})
		if named {
			transfer.UseNamedTemps(e)
		}
		local := filepath.Join(dest, "a", "r.txt")
		var once sync.Once
		res := e.Download(ctx, dest, []transfer.DownloadItem{{Bucket: bucket, Key: "a/r.txt", Size: int64(len(body)), Rel: "a/r.txt"}},
			transfer.DownloadOptions{}, func(p transfer.Progress) {
				if p.State == transfer.StateRunning && p.Done > 0 {
					once.Do(func() {
						if err := os.WriteFile(local, []byte("mine"), 0o644); err != nil {
							t.Error(err)
						}
					})
				}
			})
		it := res.Items[0]
		if b, _ := os.ReadFile(local); string(b) != "mine" {
			t.Errorf("named=%v: the file made meanwhile now holds %d bytes", named, len(b))
		}
		if it.State != transfer.StateSkipped || it.Err == nil || !strings.Contains(it.Err.Error(), "appeared meanwhile") {
			t.Errorf("named=%v: state %v, reason %v", named, it.State, it.Err)
		}
		if ents, _ := os.ReadDir(filepath.Join(dest, "a")); len(ents) != 1 {
			t.Errorf("named=%v: left %v", named, ents)
		}
	}
}
