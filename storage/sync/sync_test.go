package sync_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/s3test"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

func engine(t testing.TB, svc *storage.Service) *transfer.Engine {
	t.Helper()
	e, err := transfer.New(svc).NewEngine(context.Background(), t.TempDir(), transfer.TransferOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

func write(t testing.TB, dir, rel string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// plan collects a plan's rows, by path.
func plan(t testing.TB, o ssync.Options) ([]ssync.Row, ssync.Summary) {
	t.Helper()
	var rows []ssync.Row
	var sum ssync.Summary
	for r, err := range ssync.Plan(context.Background(), o) {
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		rows = append(rows, r)
		sum.Add(r)
	}
	return rows, sum
}

func actions(rows []ssync.Row) map[string]string {
	m := map[string]string{}
	for _, r := range rows {
		if r.Action != ssync.Unchanged {
			m[r.Rel] = r.Action.String() + " " + r.Reason
		}
	}
	return m
}

func apply(t testing.TB, o ssync.Options, rows []ssync.Row, sum ssync.Summary, e *transfer.Engine) ssync.Result {
	t.Helper()
	res, err := ssync.Apply(context.Background(), o, rows, ssync.ApplyOptions{Engine: e, DstFiles: sum.DstFiles, Confirm: sum.Deleted})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if res.Failed > 0 || res.DeleteFailed > 0 {
		for _, it := range res.Items {
			if it.Err != nil {
				t.Logf("%s: %v", it.Key, it.Err)
			}
		}
		t.Fatalf("apply: %s", res)
	}
	return res
}

func keys(t testing.TB, svc *storage.Service, bucket, prefix string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for p, err := range svc.List(context.Background(), bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Objects {
			out[strings.TrimPrefix(o.Key, prefix)] = o.Size
		}
	}
	return out
}

func get(t testing.TB, svc *storage.Service, bucket, key string) []byte {
	t.Helper()
	r, _, err := svc.Open(context.Background(), bucket, key, storage.ReadOptions{})
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	data, err := readAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return data
}

const (
	nfc = "caf\u00e9.txt"
	nfd = "cafe\u0301.txt"
)

// hostile are the file names every direction must keep.
var hostile = []string{"with space.txt", "plus+sign.txt", nfc, nfd, "sub/deeper/x%y.txt", "a-b.txt", "a.txt", "a/z.txt"}

func servers(t *testing.T, fn func(t *testing.T, srv *s3test.Server)) {
	t.Run("versitygw", func(t *testing.T) { fn(t, s3test.StartVersity(t)) })
	t.Run("gofakes3", func(t *testing.T) { fn(t, s3test.StartFake(t)) })
}

func TestSyncLocalToRemoteDetectsAndMirrors(t *testing.T) {
	servers(t, func(t *testing.T, srv *s3test.Server) {
		svc := srv.Service(t)
		bucket := srv.Bucket(t)
		e := engine(t, svc)
		dir := t.TempDir()
		for _, n := range hostile {
			write(t, dir, n, randBytes(100+len(n)))
		}
		write(t, dir, "junk.tmp", []byte("x"))
		write(t, dir, ".git/config", []byte("x"))
		old := time.Now().Add(-time.Hour)
		for _, n := range hostile {
			_ = os.Chtimes(filepath.Join(dir, filepath.FromSlash(n)), old, old)
		}
		o := ssync.Options{Direction: ssync.LocalToRemote, Local: dir, Dst: ssync.Remote{Service: svc, Bucket: bucket, Prefix: "bk"},
			Filters: []string{"*.tmp", ".git/"}}
		rows, sum := plan(t, o)
		if sum.New != len(hostile) || sum.Work() != len(hostile) {
			t.Fatalf("first plan: %+v %v", sum, actions(rows))
		}
		// Rows come in key order, the order S3 lists.
		rels := make([]string, len(rows))
		for i, r := range rows {
			rels[i] = r.Rel
		}
		if !sort.StringsAreSorted(rels) {
			t.Fatalf("rows not in key order: %q", rels)
		}
		apply(t, o, rows, sum, e)
		got := keys(t, svc, bucket, "bk/")
		if len(got) != len(hostile) {
			t.Fatalf("stored %v", got)
		}
		for _, n := range hostile {
			if _, ok := got[n]; !ok {
				t.Errorf("missing %q", n)
			}
		}
		info, err := svc.Stat(context.Background(), bucket, "bk/a.txt")
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := transfer.ParseModTime(info.Metadata[transfer.MetaModTime]); !ok || !m.Equal(old) {
			t.Errorf("mtime metadata %q, want %v", info.Metadata[transfer.MetaModTime], old)
		}
		// A second run finds nothing.
		if rows, sum := plan(t, o); sum.Work() != 0 || sum.Unchanged != len(hostile) {
			t.Fatalf("second plan: %+v %v", sum, actions(rows))
		}
		// Same size, new content and time; another size; one removed.
		write(t, dir, "a.txt", randBytes(100+len("a.txt")))
		write(t, dir, "with space.txt", randBytes(3))
		if err := os.Remove(filepath.Join(dir, "plus+sign.txt")); err != nil {
			t.Fatal(err)
		}
		rows, sum = plan(t, o)
		want := map[string]string{"a.txt": "changed changed: time", "with space.txt": "changed changed: size"}
		if a := actions(rows); !mapsEqual(a, want) {
			t.Fatalf("plan after edits: %v, want %v", a, want)
		}
		o.Mirror = true
		rows, sum = plan(t, o)
		want["plus+sign.txt"] = "delete only in the destination"
		if a := actions(rows); !mapsEqual(a, want) {
			t.Fatalf("mirror plan: %v, want %v", a, want)
		}
		// One of 8 is over 10%: the guard wants the count typed.
		if !ssync.DefaultGuard.NeedsConfirm(sum.Deleted, sum.DstFiles) {
			t.Fatalf("guard did not ask for %d of %d", sum.Deleted, sum.DstFiles)
		}
		_, err = ssync.Apply(context.Background(), o, rows, ssync.ApplyOptions{Engine: e, DstFiles: sum.DstFiles, Confirm: 2})
		if !errors.Is(err, ssync.ErrConfirm) {
			t.Fatalf("apply with a wrong count: %v", err)
		}
		if _, ok := keys(t, svc, bucket, "bk/")["plus+sign.txt"]; !ok {
			t.Fatal("a refused apply deleted something")
		}
		res := apply(t, o, rows, sum, e)
		if res.Copied != 2 || res.Deleted != 1 {
			t.Fatalf("apply: %s", res)
		}
		if got := get(t, svc, bucket, "bk/a.txt"); string(got) != string(mustRead(t, filepath.Join(dir, "a.txt"))) {
			t.Fatal("a.txt not replaced")
		}
		if rows, sum := plan(t, o); sum.Work() != 0 {
			t.Fatalf("after mirror: %+v %v", sum, actions(rows))
		}
	})
}

func TestSyncRemoteToLocalAndBack(t *testing.T) {
	servers(t, func(t *testing.T, srv *s3test.Server) {
		svc := srv.Service(t)
		bucket := srv.Bucket(t)
		e := engine(t, svc)
		ctx := context.Background()
		names := slices.Clone(hostile)
		if srv.Fake() {
			names = append(names, "a//b.txt") // versitygw's folders make it a/b.txt
		}
		for _, n := range names {
			if err := svc.Put(ctx, bucket, "src/"+n, strings.NewReader("data of "+n), -1, storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		dir := filepath.Join(t.TempDir(), "dl") // made by the apply
		o := ssync.Options{Direction: ssync.RemoteToLocal, Local: dir, Src: ssync.Remote{Service: svc, Bucket: bucket, Prefix: "src/"}, Mirror: true}
		rows, sum := plan(t, o)
		a := actions(rows)
		if sum.New != len(hostile) || (srv.Fake() && !strings.HasPrefix(a["a//b.txt"], "skip")) {
			t.Fatalf("plan: %+v %v", sum, a)
		}
		apply(t, o, rows, sum, e)
		for _, n := range hostile {
			if b := mustRead(t, filepath.Join(dir, filepath.FromSlash(n))); string(b) != "data of "+n {
				t.Errorf("%q: %q", n, b)
			}
		}
		if rows, sum := plan(t, o); sum.Work() != 0 {
			t.Fatalf("second plan: %+v %v", sum, actions(rows))
		}
		// Changed on the server: a new size; a same-size change shows by checksum.
		if err := svc.Put(ctx, bucket, "src/a.txt", strings.NewReader("longer data of a.txt"), -1, storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Put(ctx, bucket, "src/a-b.txt", strings.NewReader("DATA OF a-b.txt"), -1, storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		write(t, dir, "local-only.txt", []byte("x"))
		o.Compare = ssync.CompareChecksum
		rows, sum = plan(t, o)
		want := map[string]string{"a.txt": "changed changed: size", "a-b.txt": "changed changed: checksum",
			"local-only.txt": "delete only in the destination"}
		if srv.Fake() {
			want["a//b.txt"] = actions(rows)["a//b.txt"]
		}
		if a := actions(rows); !mapsEqual(a, want) {
			t.Fatalf("checksum plan: %v, want %v", a, want)
		}
		o.Compare = ssync.CompareSize
		if a := actions(plan2(t, o)); a["a-b.txt"] != "" {
			t.Fatalf("size-only saw a same-size change: %v", a)
		}
		o.Compare = ssync.CompareChecksum
		apply(t, o, rows, sum, e)
		if b := mustRead(t, filepath.Join(dir, "a-b.txt")); string(b) != "DATA OF a-b.txt" {
			t.Fatalf("a-b.txt: %q", b)
		}
		if _, err := os.Stat(filepath.Join(dir, "local-only.txt")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("mirror left local-only.txt: %v", err)
		}
		for _, c := range []ssync.Compare{ssync.CompareChecksum, ssync.CompareSizeTime, ssync.CompareSize} {
			o.Compare = c
			if rows, sum := plan(t, o); sum.Work() != 0 {
				t.Fatalf("%v after apply: %v", c, actions(rows))
			}
		}
		// And back up to another prefix: the same files (NFC and NFD apart).
		up := ssync.Options{Direction: ssync.LocalToRemote, Local: dir, Dst: ssync.Remote{Service: svc, Bucket: bucket, Prefix: "back/"}}
		rows, sum = plan(t, up)
		apply(t, up, rows, sum, e)
		src, back := keys(t, svc, bucket, "src/"), keys(t, svc, bucket, "back/")
		delete(src, "a//b.txt")
		if !mapsEqual(src, back) {
			t.Fatalf("round trip: %v vs %v", src, back)
		}
	})
}

func plan2(t testing.TB, o ssync.Options) []ssync.Row { r, _ := plan(t, o); return r }

func TestSyncRemoteToRemoteAcrossServers(t *testing.T) {
	t.Run("versitygw to gofakes3", func(t *testing.T) { remoteToRemote(t, s3test.StartVersity(t), s3test.StartFake(t)) })
	t.Run("gofakes3 to gofakes3", func(t *testing.T) { remoteToRemote(t, s3test.StartFake(t), s3test.StartFake(t)) })
}

func remoteToRemote(t *testing.T, a, b *s3test.Server) {
	sa, sb := a.Service(t), b.Service(t)
	ba, bb := a.Bucket(t), b.Bucket(t)
	ctx := context.Background()
	names := slices.Clone(hostile)
	if a.Fake() && b.Fake() {
		names = append(names, "a//b.txt")
	}
	if err := sa.CreateFolder(ctx, ba, "p/trailing/"); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		body := "data of " + n
		if err := sa.Put(ctx, ba, "p/"+n, strings.NewReader(body), -1, storage.PutOptions{ContentType: "text/x-test",
			Metadata: map[string]string{"origin": "versity"}}); err != nil {
			t.Fatal(err)
		}
	}
	eb := engine(t, sb)
	for _, c := range []ssync.Compare{ssync.CompareSizeTime, ssync.CompareChecksum} {
		o := ssync.Options{Direction: ssync.RemoteToRemote, Src: ssync.Remote{Service: sa, Bucket: ba, Prefix: "p/"},
			Dst: ssync.Remote{Service: sb, Bucket: bb, Prefix: "q/"}, Compare: c, Mirror: true}
		rows, sum := plan(t, o)
		apply(t, o, rows, sum, eb)
		if rows, sum := plan(t, o); sum.Work() != 0 {
			t.Fatalf("%v: second plan %v", c, actions(rows))
		}
	}
	src, dst := keys(t, sa, ba, "p/"), keys(t, sb, bb, "q/")
	delete(src, "trailing/") // a folder marker
	if !mapsEqual(src, dst) || len(dst) != len(names) {
		t.Fatalf("copied %v, want %v", dst, src)
	}
	for _, n := range names {
		if string(get(t, sb, bb, "q/"+n)) != "data of "+n {
			t.Errorf("%q differs", n)
		}
		info, err := sb.Stat(ctx, bb, "q/"+n)
		if err != nil || info.Metadata["origin"] != "versity" || info.ContentType != "text/x-test" {
			t.Errorf("%q: %+v %v", n, info, err)
		}
	}
	// Same account, another prefix: copies on the server.
	ea := engine(t, sa)
	o := ssync.Options{Direction: ssync.RemoteToRemote, Src: ssync.Remote{Service: sa, Bucket: ba, Prefix: "p/"},
		Dst: ssync.Remote{Service: sa, Bucket: ba, Prefix: "r/"}}
	rows, sum := plan(t, o)
	res := apply(t, o, rows, sum, ea)
	if res.Copied != len(names) || !strings.Contains(res.Items[0].Verified, "server") {
		t.Fatalf("same-account sync: %s %+v", res, res.Items[0])
	}
	// Overlapping prefixes are refused.
	o.Dst.Prefix = "p/sub/"
	for _, err := range ssync.Plan(ctx, o) {
		if !errors.Is(err, storage.ErrInvalidArgument) {
			t.Fatalf("overlap: %v", err)
		}
		break
	}
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mapsEqual[V comparable](a, b map[string]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
