//go:build ci

package sync

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/async"
	"s3desk/storage"
	"s3desk/storage/s3test"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

type testConn struct{ svc *storage.Service }

func (c testConn) Remote(b, p string) ssync.Remote {
	return ssync.Remote{Service: c.svc, Bucket: b, Prefix: p}
}
func (c testConn) Buckets(ctx context.Context) ([]storage.Bucket, error) {
	return c.svc.ListBuckets(ctx)
}
func (c testConn) Engine(ctx context.Context, dir string, o transfer.TransferOptions) (*transfer.Engine, error) {
	return transfer.New(c.svc).NewEngine(ctx, dir, o)
}

func listKeys(t *testing.T, svc *storage.Service, bucket, prefix string) []string {
	t.Helper()
	var out []string
	for p, err := range svc.List(context.Background(), bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Objects {
			out = append(out, strings.TrimPrefix(o.Key, prefix))
		}
	}
	sort.Strings(out)
	return out
}

func TestSyncViewPreviewUntickGuardApply(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	for _, k := range []string{"p/old1.txt", "p/old2.txt"} {
		if err := svc.Put(ctx, bucket, k, strings.NewReader("old"), -1, storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("data "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("sync")
	w.Resize(fyne.NewSize(1000, 700))
	jobs := async.New(ctx)
	var tracked []Item
	var progress atomic.Int64 // progress comes from the engine's goroutines
	deps := Deps{Jobs: jobs, Profiles: func() []string { return []string{"vg"} }, Current: "vg",
		Connect: func(context.Context, string) (Conn, error) { return testConn{svc}, nil },
		Pairs:   ssync.NewPairStore(t.TempDir()), DataDir: t.TempDir(),
		Track: func(r Runner, items []Item, retry func(context.Context, Item, transfer.ProgressFunc)) transfer.ProgressFunc {
			tracked = append(tracked, items...)
			return func(transfer.Progress) { progress.Add(1) }
		}}
	// The view starts loading buckets as it is built; under the test
	// driver their callbacks would run on that goroutine while this one
	// lays the window out (the app's driver runs them on the UI thread).
	release := jobs.Hold()
	v := NewView(ctx, w, deps)
	defer v.Close()
	w.SetContent(v.CanvasObject())
	release()
	jobs.Wait()
	v.local.SetText(dir)
	v.dst.bucket.SetText(bucket)
	v.dst.prefix.SetText("p/")
	v.mirror.SetChecked(true)
	if !v.ApplyBtn.Disabled() {
		t.Fatal("Apply is enabled before a preview")
	}
	v.Preview()
	jobs.Wait()
	if !v.Ready() {
		t.Fatalf("preview not ready: %q", v.Status.Text)
	}
	got := map[string]ssync.Action{}
	for _, r := range v.Rows() {
		got[r.Rel] = r.Action
	}
	if len(got) != 5 || got["a.txt"] != ssync.New || got["old1.txt"] != ssync.Delete {
		t.Fatalf("rows %v", got)
	}
	// Nothing happened before Apply.
	if k := listKeys(t, svc, bucket, "p/"); len(k) != 2 {
		t.Fatalf("the preview changed the bucket: %v", k)
	}
	// Two of two files deleted: the guard wants "2".
	if !v.GuardEntry.Visible() || !v.ApplyBtn.Disabled() || !strings.Contains(v.GuardLabel.Text, "type 2") {
		t.Fatalf("guard: visible %v, apply disabled %v, %q", v.GuardEntry.Visible(), v.ApplyBtn.Disabled(), v.GuardLabel.Text)
	}
	test.Type(v.GuardEntry, "1")
	if !v.ApplyBtn.Disabled() {
		t.Fatal("Apply enabled with a wrong count")
	}
	v.GuardEntry.SetText("2")
	if v.ApplyBtn.Disabled() {
		t.Fatal("Apply disabled with the right count")
	}
	// Untick b.txt.
	for i, r := range v.Rows() {
		if r.Rel == "b.txt" {
			v.Tick(i, false)
		}
	}
	if !strings.HasPrefix(v.Counts.Text, "2 new") {
		t.Fatalf("counts %q", v.Counts.Text)
	}
	test.Tap(v.ApplyBtn)
	jobs.Wait()
	if !strings.Contains(v.Status.Text, "2 copied") || !strings.Contains(v.Status.Text, "2 deleted") {
		t.Fatalf("summary %q", v.Status.Text)
	}
	if k := listKeys(t, svc, bucket, "p/"); strings.Join(k, ",") != "a.txt,c.txt" {
		t.Fatalf("after apply: %v", k)
	}
	if len(tracked) != 2 || progress.Load() == 0 {
		t.Fatalf("transfers panel rows %v, %d updates", tracked, progress.Load())
	}
	if !v.ApplyBtn.Disabled() {
		t.Fatal("Apply enabled again without a new preview")
	}
	// Save the pair; running it again previews only the unticked file.
	test.Tap(v.saveBtn)
	jobs.Wait()
	if len(v.pairs) != 1 {
		t.Fatalf("pairs %v (%q)", v.pairs, v.Status.Text)
	}
	v.mirror.SetChecked(false)
	v.RunPair(v.pairs[0])
	jobs.Wait()
	if rows := v.Rows(); !v.mirror.Checked || len(rows) != 1 || rows[0].Rel != "b.txt" || v.GuardEntry.Visible() {
		t.Fatalf("re-run rows %v, mirror %v", rows, v.mirror.Checked)
	}
}
