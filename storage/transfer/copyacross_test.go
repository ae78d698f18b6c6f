package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

func readObject(t testing.TB, svc *storage.Service, bucket, key string) ([]byte, storage.ObjectInfo) {
	t.Helper()
	r, info, err := svc.Open(context.Background(), bucket, key, storage.ReadOptions{})
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b, info
}

// seed stores key on srv: small and "single" objects with one PutObject, others
// through the engine (a multipart upload for 40 MiB).
func seed(t *testing.T, srv *s3test.Server, bucket, key string, size int64, single bool) []byte {
	t.Helper()
	svc := srv.Service(t)
	data := make([]byte, size)
	_, _ = rand.Read(data)
	meta := map[string]string{"owner": "ann", "note": "é + space"}
	if single || size < transfer.DefaultMultipartThreshold {
		if err := svc.Put(context.Background(), bucket, key, bytes.NewReader(data), size, storage.PutOptions{
			ContentType: "application/x-test", CacheControl: "max-age=7", Metadata: meta}); err != nil {
			t.Fatal(err)
		}
		return data
	}
	dir := t.TempDir()
	p := randFile(t, dir, "f", 0)
	if err := writeFile(p, data); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	defer e.Close()
	res := e.Upload(context.Background(), bucket, []transfer.UploadItem{{Path: p, Key: key, Size: size}},
		transfer.UploadOptions{ContentType: "application/x-test", CacheControl: "max-age=7", Metadata: meta}, nil)
	if res.Done != 1 {
		t.Fatalf("seed upload: %+v", res.Items)
	}
	return data
}

func TestCopyAcrossAccounts(t *testing.T) {
	vg, fk := s3test.StartVersity(t), s3test.StartFake(t)
	for _, dir := range []struct {
		name     string
		src, dst *s3test.Server
	}{{"versitygw to gofakes3", vg, fk}, {"gofakes3 to versitygw", fk, vg}, {"versitygw to versitygw", vg, s3test.StartVersity(t)}} {
		t.Run(dir.name, func(t *testing.T) {
			src, dst := dir.src.Service(t), dir.dst.Service(t)
			sb, db := dir.src.Bucket(t), dir.dst.Bucket(t)
			cases := []struct {
				key    string
				size   int64
				single bool
			}{{"small 1k+é.txt", 1 << 10, false}, {"big/40m.bin", 40 << 20, false}, {"big/40m-single.bin", 40 << 20, true}}
			var items []transfer.CopyItem
			want := map[string][]byte{}
			for _, c := range cases {
				want[c.key] = seed(t, dir.src, sb, c.key, c.size, c.single)
				items = append(items, transfer.CopyItem{Src: storage.ObjectRef{Bucket: sb, Key: c.key},
					Dst: storage.ObjectRef{Bucket: db, Key: "in/" + c.key}, Size: c.size})
			}
			e := newEngine(t, dir.dst, t.TempDir(), transfer.TransferOptions{})
			defer e.Close()
			var peak atomic.Int64
			res := e.Copy(context.Background(), src, items, transfer.CopyOptions{Move: true}, func(p transfer.Progress) {
				for old := peak.Load(); p.Done > old && !peak.CompareAndSwap(old, p.Done); old = peak.Load() {
				}
			})
			if res.Done != len(cases) {
				for _, it := range res.Items {
					t.Logf("%s: %v %v", it.Key, it.State, it.Err)
				}
				t.Fatalf("copy: %+v", res)
			}
			for _, it := range res.Items {
				if !strings.Contains(it.Verified, "verified") && !strings.Contains(it.Verified, "checked") {
					t.Errorf("%s: verified %q", it.Key, it.Verified)
				}
				if !strings.HasPrefix(it.Note, "moved") {
					t.Errorf("%s: note %q", it.Key, it.Note)
				}
			}
			wantCC := "max-age=7"
			if !dir.src.Supports(s3test.CacheControl) || !dir.dst.Supports(s3test.CacheControl) {
				wantCC = ""
			}
			for _, c := range cases {
				got, info := readObject(t, dst, db, "in/"+c.key)
				if !bytes.Equal(got, want[c.key]) {
					t.Fatalf("%s: bytes differ", c.key)
				}
				if info.ContentType != "application/x-test" || info.CacheControl != wantCC ||
					info.Metadata["owner"] != "ann" || info.Metadata["note"] != "é + space" {
					t.Errorf("%s: properties %q %q %v", c.key, info.ContentType, info.CacheControl, info.Metadata)
				}
				if _, err := src.Stat(context.Background(), sb, c.key); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("%s: the moved source is still there (%v)", c.key, err)
				}
			}
			if peak.Load() < 40<<20 {
				t.Errorf("progress reached %d", peak.Load())
			}
		})
	}
}

func TestCopyFailingDestinationLeavesTheSource(t *testing.T) {
	vg, fk := s3test.StartVersity(t), s3test.StartFake(t)
	src := vg.Service(t)
	sb := vg.Bucket(t)
	f := s3test.NewFaults(t, fk)
	fs := f.Server()
	db := fs.Bucket(t)
	data := seed(t, vg, sb, "big.bin", 40<<20, false)
	small := seed(t, vg, sb, "small.txt", 1000, false)
	f.Add(s3test.Rule{Match: s3test.Op("UploadPart", "PutObject", "CompleteMultipartUpload"), Fault: s3test.InternalError()})
	e := newEngine(t, fs, t.TempDir(), transfer.TransferOptions{})
	defer e.Close()
	items := []transfer.CopyItem{
		{Src: storage.ObjectRef{Bucket: sb, Key: "big.bin"}, Dst: storage.ObjectRef{Bucket: db, Key: "big.bin"}, Size: 40 << 20},
		{Src: storage.ObjectRef{Bucket: sb, Key: "small.txt"}, Dst: storage.ObjectRef{Bucket: db, Key: "small.txt"}, Size: 1000},
	}
	res := e.Copy(context.Background(), src, items, transfer.CopyOptions{Move: true}, nil)
	if res.Failed != 2 {
		t.Fatalf("copy to a failing destination: %+v", res)
	}
	for k, want := range map[string][]byte{"big.bin": data, "small.txt": small} {
		if got, _ := readObject(t, src, sb, k); !bytes.Equal(got, want) {
			t.Fatalf("%s: the source changed", k)
		}
	}
	f.Clear()
	dst := fs.Service(t)
	if ups, _ := dst.ListMultipartUploads(context.Background(), db, ""); len(ups) != 0 {
		t.Fatalf("orphan parts at the destination: %v", ups)
	}
	for _, k := range []string{"big.bin", "small.txt"} {
		if _, err := dst.Stat(context.Background(), db, k); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s exists at the destination: %v", k, err)
		}
	}
	// Once the destination works, the same items copy (retry).
	res = e.Copy(context.Background(), src, items, transfer.CopyOptions{Move: true}, nil)
	if res.Done != 2 {
		t.Fatalf("retry: %+v", res.Items)
	}
}

func TestCopyCorruptSourceReadStoresNothing(t *testing.T) {
	vg, fk := s3test.StartVersity(t), s3test.StartFake(t)
	f := s3test.NewFaults(t, vg)
	fsrc := f.Server()
	src := fsrc.Service(t)
	sb := fsrc.Bucket(t)
	seed(t, fsrc, sb, "big.bin", 40<<20, false)
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Fault: s3test.FlipByte(1000)})
	dst := fk.Service(t)
	db := fk.Bucket(t)
	e := newEngine(t, fk, t.TempDir(), transfer.TransferOptions{})
	defer e.Close()
	res := e.Copy(context.Background(), src, []transfer.CopyItem{{Src: storage.ObjectRef{Bucket: sb, Key: "big.bin"},
		Dst: storage.ObjectRef{Bucket: db, Key: "big.bin"}, Size: 40 << 20}}, transfer.CopyOptions{Move: true}, nil)
	if res.Failed != 1 || !errors.Is(res.Items[0].Err, storage.ErrProtocol) {
		t.Fatalf("copy of flipped bytes: %+v", res.Items)
	}
	if _, err := dst.Stat(context.Background(), db, "big.bin"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a corrupt copy was kept: %v", err)
	}
	f.Clear()
	if _, err := src.Stat(context.Background(), sb, "big.bin"); err != nil {
		t.Fatalf("the source was moved after a failed check: %v", err)
	}
}

func writeFile(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }
