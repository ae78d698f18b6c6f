//go:build ci

package copyto

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/async"
	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

type conn struct{ svc *storage.Service }

func (c conn) Service() *storage.Service { return c.svc }
func (c conn) Buckets(ctx context.Context) ([]storage.Bucket, error) {
	return c.svc.ListBuckets(ctx)
}
func (c conn) Engine(ctx context.Context, dir string, o transfer.TransferOptions) (*transfer.Engine, error) {
	return transfer.New(c.svc).NewEngine(ctx, dir, o)
}

func read(t *testing.T, svc *storage.Service, bucket, key string) (string, error) {
	t.Helper()
	r, _, err := svc.Open(context.Background(), bucket, key, storage.ReadOptions{})
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func TestCopyToAnotherAccountThenMove(t *testing.T) {
	vg, fk := s3test.StartVersity(t), s3test.StartFake(t)
	src, dst := vg.Service(t), fk.Service(t)
	sb, db := vg.Bucket(t), fk.Bucket(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, k := range []string{"top/a.txt", "top/docs/b+c.txt", "top/docs/é d.txt"} {
		if err := src.Put(ctx, sb, k, strings.NewReader("data "+k), -1, storage.PutOptions{ContentType: "text/plain",
			Metadata: map[string]string{"owner": "ann"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := dst.CreateFolder(ctx, db, "in/"); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("copy")
	w.Resize(fyne.NewSize(900, 700))
	jobs := async.New(ctx)
	var rows []Item
	var results []transfer.BatchResult
	deps := Deps{Jobs: jobs, Profiles: func() []string { return []string{"versity", "fake"} }, Current: "versity",
		Connect: func(_ context.Context, p string) (Conn, error) {
			if p == "fake" {
				return conn{dst}, nil
			}
			return conn{src}, nil
		},
		DataDir: t.TempDir(),
		Track: func(r Runner, items []Item, retry func(context.Context, Item, transfer.ProgressFunc)) transfer.ProgressFunc {
			rows = append(rows, items...)
			return nil
		},
		Done: func(res transfer.BatchResult) { results = append(results, res) }}
	entries := []storage.Entry{{Key: "top/a.txt", Name: "a.txt", Size: int64(len("data top/a.txt"))},
		{Key: "top/docs/", Name: "docs/", IsFolder: true}}
	// Under the test driver a load's callbacks run on its own goroutine
	// (the app's driver runs them on the UI thread): the test's own widget
	// calls take the same turn, and then wait for what they started.
	ui := func(fn func()) { release := jobs.Hold(); fn(); release(); jobs.Wait() }
	release := deps.Jobs.Hold() // Show starts loads
	d := Show(ctx, w, deps, sb, "top/", entries, false)
	release()
	jobs.Wait()
	if d.Bucket.Selected != sb {
		t.Fatalf("the selection's bucket is not chosen first: %q of %v", d.Bucket.Selected, d.Bucket.Options)
	}
	ui(func() { d.Profile.SetSelected("fake") })
	ui(func() { d.Bucket.SetSelected(db) })
	if len(d.folders) != 1 || d.folders[0] != "in/" {
		t.Fatalf("folders of the destination: %v (%q)", d.folders, d.Status.Text)
	}
	ui(func() { d.Folders.Select(0) }) // browse into in/
	if d.Prefix.Text != "in/" {
		t.Fatalf("prefix %q", d.Prefix.Text)
	}
	ui(func() { d.Start() })
	if len(results) != 1 || results[0].Done != 3 || len(rows) != 3 {
		t.Fatalf("copy: %+v rows %v", results, rows)
	}
	for _, k := range []string{"a.txt", "docs/b+c.txt", "docs/é d.txt"} {
		got, err := read(t, dst, db, "in/"+k)
		if err != nil || got != "data top/"+k {
			t.Fatalf("%s: %q %v", k, got, err)
		}
		info, err := dst.Stat(ctx, db, "in/"+k)
		if err != nil || info.Metadata["owner"] != "ann" || info.ContentType != "text/plain" {
			t.Fatalf("%s: %+v %v", k, info, err)
		}
	}
	if _, err := src.Stat(ctx, sb, "top/a.txt"); err != nil {
		t.Fatalf("a copy touched the source: %v", err)
	}
	// Move the same: everything exists, the question comes once.
	asked := 0
	release = deps.Jobs.Hold()
	d = Show(ctx, w, deps, sb, "top/", entries, true)
	release()
	d.Conflict = func(n int, done func(transfer.ConflictPolicy, bool)) {
		asked = n
		done(transfer.ConflictOverwrite, true)
	}
	jobs.Wait()
	ui(func() { d.Profile.SetSelected("fake") })
	ui(func() { d.Bucket.SetSelected(db) })
	ui(func() { d.SetPrefix("in") })
	ui(func() { d.Start() })
	if asked != 3 || len(results) != 2 || results[1].Done != 3 {
		t.Fatalf("move: asked %d, %+v", asked, results)
	}
	for _, k := range []string{"top/a.txt", "top/docs/b+c.txt"} {
		if _, err := src.Stat(ctx, sb, k); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s not moved: %v", k, err)
		}
	}
}
