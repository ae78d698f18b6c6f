package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/s3test"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

func TestSyncCancelMidApplyLeavesARerunnableState(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	bucket := srv.Bucket(t)
	e := engine(t, svc)
	dir := t.TempDir()
	const n = 120
	for i := range n {
		write(t, dir, fmt.Sprintf("f/%03d.bin", i), randBytes(64<<10))
	}
	write(t, dir, "big.bin", randBytes(40<<20)) // a multipart upload, cancelled halfway
	o := ssync.Options{Direction: ssync.LocalToRemote, Local: dir, Dst: ssync.Remote{Service: svc, Bucket: bucket, Prefix: "c/"}}
	rows, sum := plan(t, o)
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int64
	res, err := ssync.Apply(ctx, o, rows, ssync.ApplyOptions{Engine: e, DstFiles: sum.DstFiles, Progress: func(p transfer.Progress) {
		if p.State == transfer.StateDone && done.Add(1) == 30 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cancelled == 0 || res.Copied >= n+1 {
		t.Fatalf("cancel did not stop the apply: %s", res)
	}
	stored := keys(t, svc, bucket, "c/")
	for k, size := range stored {
		if want := mustRead(t, filepath.Join(dir, k)); int64(len(want)) != size {
			t.Fatalf("%s stored with %d bytes of %d", k, size, len(want))
		}
	}
	rows, sum = plan(t, o)
	if sum.New != n+1-len(stored) || sum.Changed != 0 {
		t.Fatalf("after cancel: %+v (stored %d)", sum, len(stored))
	}
	apply(t, o, rows, sum, e)
	if rows, sum := plan(t, o); sum.Work() != 0 {
		t.Fatalf("after the rerun: %v", actions(rows))
	}
	if got := get(t, svc, bucket, "c/big.bin"); !bytes.Equal(got, mustRead(t, filepath.Join(dir, "big.bin"))) {
		t.Fatal("big.bin differs")
	}
	if ups, err := svc.ListMultipartUploads(context.Background(), bucket, ""); err != nil || len(ups) != 0 {
		t.Fatalf("orphan uploads: %v %v", ups, err)
	}
}

func TestSyncThroughFaults(t *testing.T) {
	servers(t, func(t *testing.T, srv *s3test.Server) {
		f := s3test.NewFaults(t, srv)
		f.Add(s3test.Rule{Match: s3test.Op("PutObject"), Share: 0.3, Fault: s3test.SlowDown()})
		f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Share: 0.3, Fault: s3test.CutBody(100)})
		f.Add(s3test.Rule{Match: s3test.Op("ListObjectsV2"), Times: 2, Fault: s3test.InternalError()})
		f.Add(s3test.Rule{Match: s3test.Op("DeleteObjects"), Times: 1, Fault: s3test.SlowDown()})
		fs := f.Server()
		svc := fs.Service(t)
		bucket := fs.Bucket(t)
		e := engine(t, svc)
		dir, back := t.TempDir(), t.TempDir()
		for i := range 30 {
			write(t, dir, fmt.Sprintf("d%d/%02d.txt", i%3, i), randBytes(1000+i))
		}
		up := ssync.Options{Direction: ssync.LocalToRemote, Local: dir, Dst: ssync.Remote{Service: svc, Bucket: bucket, Prefix: "x/"}, Mirror: true}
		rows, sum := plan(t, up)
		apply(t, up, rows, sum, e)
		down := ssync.Options{Direction: ssync.RemoteToLocal, Local: back, Src: up.Dst, Compare: ssync.CompareChecksum}
		rows, sum = plan(t, down)
		apply(t, down, rows, sum, e)
		for i := range 30 {
			rel := fmt.Sprintf("d%d/%02d.txt", i%3, i)
			if !bytes.Equal(mustRead(t, filepath.Join(dir, rel)), mustRead(t, filepath.Join(back, rel))) {
				t.Fatalf("%s differs after the round trip", rel)
			}
		}
		// A mirror delete through a throttled DeleteObjects.
		if err := os.Remove(filepath.Join(dir, "d0/00.txt")); err != nil {
			t.Fatal(err)
		}
		rows, sum = plan(t, up)
		if res := apply(t, up, rows, sum, e); res.Deleted != 1 {
			t.Fatalf("mirror: %s", res)
		}
		for _, o := range []ssync.Options{up, down} {
			o.Mirror = false
			if rows, sum := plan(t, o); sum.Work() != 0 {
				t.Fatalf("%v second run: %v", o.Direction, actions(rows))
			}
		}
		if f.Hit("GetObject") == 0 || f.Hit("PutObject") == 0 {
			t.Fatalf("the faults were not met: %v", f.Log()[:5])
		}
	})
}

func TestSyncExclusions(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	bucket := srv.Bucket(t)
	e := engine(t, svc)
	ctx := context.Background()
	outside := write(t, t.TempDir(), "secret.txt", []byte("do not upload"))
	dir := t.TempDir()
	write(t, dir, "keep.txt", []byte("keep"))
	write(t, dir, "scratch.tmp", []byte("x"))
	write(t, dir, ".git/HEAD", []byte("x"))
	write(t, dir, "sub/.git/HEAD", []byte("x"))
	write(t, dir, "build/a.o", []byte("x"))
	write(t, dir, "build/a.c", []byte("x"))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(outside, filepath.Join(dir, "out-link")))
	must(os.Symlink("keep.txt", filepath.Join(dir, "in-link")))
	must(os.Symlink(".", filepath.Join(dir, "loop")))
	must(os.Symlink("nowhere", filepath.Join(dir, "broken")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	// What the bucket has under the skipped names stays, even with mirror.
	for _, k := range []string{"m/out-link", "m/loop/x.txt", "m/fifo", "m/gone.txt", "m/scratch.tmp"} {
		must(svc.Put(ctx, bucket, k, strings.NewReader("old"), -1, storage.PutOptions{}))
	}
	o := ssync.Options{Direction: ssync.LocalToRemote, Local: dir, Dst: ssync.Remote{Service: svc, Bucket: bucket, Prefix: "m/"},
		Mirror: true, Filters: []string{"*.tmp", ".git/", "build/*.o"}}
	rows, sum := plan(t, o)
	a := actions(rows)
	for rel, want := range map[string]string{"keep.txt": "new", "in-link": "new", "build/a.c": "new", "gone.txt": "delete",
		"out-link": "skip", "loop/": "skip", "loop/x.txt": "skip", "fifo": "skip", "broken": "skip"} {
		if !strings.HasPrefix(a[rel], want) {
			t.Errorf("%s: %q, want %s", rel, a[rel], want)
		}
	}
	for _, rel := range []string{"scratch.tmp", ".git/HEAD", "sub/.git/HEAD", "build/a.o"} {
		if _, ok := a[rel]; ok {
			t.Errorf("%s not excluded: %q", rel, a[rel])
		}
	}
	if !strings.Contains(a["out-link"], "outside the folder") {
		t.Errorf("out-link: %q", a["out-link"])
	}
	apply(t, o, rows, sum, e)
	got := keys(t, svc, bucket, "m/")
	for _, k := range []string{"keep.txt", "in-link", "build/a.c", "out-link", "loop/x.txt", "fifo", "scratch.tmp"} {
		if _, ok := got[k]; !ok {
			t.Errorf("%s missing after the mirror: %v", k, got)
		}
	}
	if _, ok := got["gone.txt"]; ok {
		t.Error("gone.txt not deleted")
	}
	if string(get(t, svc, bucket, "m/out-link")) != "old" {
		t.Fatal("the link outside the folder was uploaded")
	}
	if rows, sum := plan(t, o); sum.Work() != 0 {
		t.Fatalf("second run: %v", actions(rows))
	}
	// A bad pattern is refused before anything is listed.
	o.Filters = []string{"[x"}
	for _, err := range ssync.Plan(ctx, o) {
		if err == nil || !strings.Contains(err.Error(), "[x") {
			t.Fatalf("bad filter: %v", err)
		}
		break
	}
}

func TestSyncPlanStreamsBeforeTheListingEnds(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	fs := f.Server()
	svc := fs.Service(t)
	bucket := fs.Bucket(t)
	dir := t.TempDir()
	for i := range 1100 {
		write(t, dir, fmt.Sprintf("%04d", i), []byte("x"))
	}
	up := ssync.Options{Direction: ssync.LocalToRemote, Local: dir, Dst: ssync.Remote{Service: svc, Bucket: bucket}}
	rows, sum := plan(t, up)
	apply(t, up, rows, sum, engine(t, svc))
	f.Add(s3test.Rule{Match: s3test.Op("ListObjectsV2"), Skip: 1, Fault: s3test.Latency(time.Second)})
	before := f.Seen("ListObjectsV2")
	down := ssync.Options{Direction: ssync.RemoteToLocal, Local: t.TempDir(), Src: up.Dst}
	start := time.Now()
	var first time.Duration
	var pagesAtFirst, n int
	for r, err := range ssync.Plan(context.Background(), down) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			first, pagesAtFirst = time.Since(start), f.Seen("ListObjectsV2")-before
		}
		if r.Action == ssync.New {
			n++
		}
	}
	total := time.Since(start)
	if n != 1100 || pagesAtFirst != 1 || first > total/2 {
		t.Fatalf("rows %d; first row after %v with %d pages asked, all after %v", n, first, pagesAtFirst, total)
	}
}

func TestGuard(t *testing.T) {
	g := ssync.DefaultGuard
	for _, c := range []struct {
		del, dst int
		want     bool
	}{{0, 0, false}, {50, 1000, false}, {51, 10000, true}, {10, 100, false}, {11, 100, true}, {1, 5, true}} {
		if got := g.NeedsConfirm(c.del, c.dst); got != c.want {
			t.Errorf("NeedsConfirm(%d, %d) = %v", c.del, c.dst, got)
		}
	}
}

func TestPairStore(t *testing.T) {
	dir := t.TempDir()
	s := ssync.NewPairStore(dir)
	if ps, err := s.List(); err != nil || len(ps) != 0 {
		t.Fatalf("empty store: %v %v", ps, err)
	}
	a, err := s.Save(ssync.Pair{Direction: ssync.LocalToRemote, Local: "/home/u/photos", DstProfile: "work", DstBucket: "b", DstPrefix: "photos/",
		Mirror: true, Filters: []string{"*.tmp"}})
	if err != nil || a.ID == "" {
		t.Fatal(a, err)
	}
	b, _ := s.Save(ssync.Pair{Name: "backup", Direction: ssync.RemoteToLocal, Local: "/tmp/x", SrcProfile: "home", SrcBucket: "c"})
	a.Compare = ssync.CompareChecksum
	if _, err := s.Save(a); err != nil {
		t.Fatal(err)
	}
	ps, err := s.List()
	if err != nil || len(ps) != 2 || ps[0].Compare != ssync.CompareChecksum || ps[1].Title() != "backup" || !ps[0].Mirror {
		t.Fatalf("%+v %v", ps, err)
	}
	if !strings.Contains(ps[0].Title(), "work:b/photos/") {
		t.Errorf("title %q", ps[0].Title())
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Delete(b.ID))
	ps, _ = s.List()
	if len(ps) != 1 || ps[0].ID != a.ID {
		t.Fatalf("after delete: %+v", ps)
	}
	st, err := os.Stat(filepath.Join(dir, ssync.PairsFile))
	must(err)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	must(os.WriteFile(filepath.Join(dir, ssync.PairsFile), []byte("{"), 0o600))
	if _, err := s.List(); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged file: %v", err)
	}
}
