package storage_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

// awkwardKey is a key that is ordinary data to S3 and must survive every
// operation byte for byte.
type awkwardKey struct {
	key string
	// why versitygw's posix backend cannot hold it ("" = it can)
	notOnVersity string
	notOn        map[string]string // by server kind: why it cannot hold it
}

func awkwardKeys() []awkwardKey {
	// 1024 bytes in segments of 250 bytes (a posix file name limit).
	seg := strings.Repeat("s", 250)
	long := seg + "/" + seg + "/" + seg + "/" + seg + "/" + "end"
	long += strings.Repeat("z", 1024-len(long))
	return []awkwardKey{
		{key: "with space.txt"},
		{key: "plus+sign.txt"},
		{key: "percent%41%2F.txt"},
		{key: "amp&and.txt"},
		{key: "question?mark.txt"},
		{key: "hash#tag.txt"},
		{key: `double"quote.txt`},
		{key: "single'quote.txt"},
		{key: "equals=sign.txt"},
		{key: "semi;colon:comma,.txt"},
		{key: "caf\u00e9.txt"},  // NFC
		{key: "cafe\u0301.txt"}, // NFD: another key
		{key: "emoji 😀🎉/🚀.txt"},
		{key: "Ünïcödé/ファイル 名.txt"},
		{key: "a//b", notOnVersity: `posix folds "a//b" into "a/b"`, notOn: map[string]string{s3test.MinIO: `MinIO refuses "//" (XMinioInvalidObjectName)`, s3test.Rclone: `rclone refuses "//"`}},
		{key: "/leading", notOnVersity: `posix drops the leading "/"`, notOn: map[string]string{s3test.MinIO: `MinIO drops the leading "/"`, s3test.Rclone: `rclone (local folder) drops the leading "/"`}},
		{key: "trailing/", notOn: map[string]string{s3test.Rclone: "rclone keeps a folder marker as a directory (typed application/x-directory, not copied as an object)"}},
		{key: long},
		{key: strings.Repeat("L", 1024), notOnVersity: "a path segment over 255 bytes", notOn: map[string]string{s3test.MinIO: "MinIO refuses a path segment over 255 bytes", s3test.Rclone: "rclone (local folder): a path segment over 255 bytes"}},
		{key: "x"},
		{key: "x/y", notOnVersity: `a key "x" beside "x/y"`, notOn: map[string]string{s3test.MinIO: `MinIO does not list "x/y" beside an object "x"`, s3test.Rclone: `rclone (local folder): a key "x" beside "x/y"`}},
		{key: "back\\slash.txt"},
		{key: "~tilde$dollar@at!bang(paren)[bracket]{brace}*star"},
	}
}

func TestKeysAreData(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b, b2 := srv.Bucket(t), srv.Bucket(t)
		var keys []string
		for _, k := range awkwardKeys() {
			if srv.Kind == s3test.Versity && k.notOnVersity != "" {
				t.Logf("skipped on versitygw: %q: %s (runs on gofakes3)", short(k.key), k.notOnVersity)
				continue
			}
			if why := k.notOn[srv.Kind]; why != "" {
				t.Logf("skipped on %s: %q: %s (runs on gofakes3)", srv.Kind, short(k.key), why)
				continue
			}
			keys = append(keys, k.key)
		}
		if len(awkwardKeys()[17].key) != 1024 {
			t.Fatalf("long key is %d bytes", len(awkwardKeys()[17].key))
		}
		bodyOf := func(k string) string {
			if strings.HasSuffix(k, "/") {
				return ""
			}
			return "body of " + k
		}
		for _, k := range keys {
			if err := svc.Put(ctx, b, k, strings.NewReader(bodyOf(k)), int64(len(bodyOf(k))), storage.PutOptions{
				ContentType: "text/x-test", Metadata: map[string]string{"m": "1"},
			}); err != nil {
				t.Fatalf("put %q: %v", short(k), err)
			}
		}
		// Listing returns exactly these keys, each once, byte for byte.
		_, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true})
		want := slices.Sorted(slices.Values(keys))
		if got := storetest.KeysOf(objs); !slices.Equal(got, want) {
			t.Fatalf("recursive listing:\n got %q\nwant %q", got, want)
		}
		// One level: every key shows once, as itself or as its first folder.
		folders, objs, _ := storetest.ListAll(t, svc, b, storage.ListOptions{PageSize: 3})
		top := map[string]int{}
		for _, e := range append(folders, objs...) {
			top[e.Key]++
		}
		for _, k := range keys {
			shown := k
			if i := strings.Index(k, "/"); i >= 0 {
				shown = k[:i+1]
			}
			if k == "/leading" && srv.Fake() {
				// gofakes3 reports the common prefix of "/leading" as
				// "leading"; the recursive listing above holds the key.
				continue
			}
			if top[shown] != 1 {
				t.Logf("top level: %q", storetest.KeysOf(append(folders, objs...)))
				t.Errorf("%q: top level shows %q %d times", short(k), short(shown), top[shown])
			}
		}
		// versitygw keeps "dir/" markers as directories, typed
		// application/x-directory whatever was sent.
		typeOf := func(k, sent string) string {
			if srv.Kind == s3test.Versity && strings.HasSuffix(k, "/") {
				return "application/x-directory"
			}
			return sent
		}
		for _, k := range keys {
			info, err := svc.Stat(ctx, b, k)
			if err != nil || info.Key != k || info.Size != int64(len(bodyOf(k))) || info.ContentType != typeOf(k, "text/x-test") {
				t.Errorf("stat %q: %+v %v", short(k), info, err)
				continue
			}
			if got := readAll(t, svc, b, k); string(got) != bodyOf(k) {
				t.Errorf("read %q: %q", short(k), got)
			}
			if body := bodyOf(k); body != "" {
				rc, _, err := svc.Open(ctx, b, k, storage.ReadOptions{Offset: 5, Length: 3})
				if err != nil {
					t.Errorf("ranged open %q: %v", short(k), err)
				} else {
					part, _ := io.ReadAll(rc)
					rc.Close()
					if string(part) != body[5:8] {
						t.Errorf("ranged read %q: %q", short(k), part)
					}
				}
			}
			// Copy to another bucket under the same key.
			if err := svc.Copy(ctx, storage.ObjectRef{Bucket: b, Key: k}, storage.ObjectRef{Bucket: b2, Key: k}); err != nil {
				t.Errorf("copy %q: %v", short(k), err)
				continue
			}
			if err := svc.SetMetadata(ctx, storage.ObjectRef{Bucket: b2, Key: k}, storage.MetadataUpdate{ContentType: "text/x-changed"}); err != nil {
				t.Errorf("set metadata %q: %v", short(k), err)
				continue
			}
			info2, err := svc.Stat(ctx, b2, k)
			if err != nil || info2.ContentType != typeOf(k, "text/x-changed") || !maps.Equal(info2.Metadata, map[string]string{"m": "1"}) || info2.Size != info.Size {
				t.Errorf("copy of %q: %+v %v", short(k), info2, err)
			}
			found := false
			if _, err := svc.Find(ctx, b, storage.FindOptions{Query: k, OnMatch: func(e storage.Entry) { found = found || e.Key == k }}); err != nil || !found {
				t.Errorf("find %q: found=%v %v", short(k), found, err)
			}
		}
		// NFC and NFD are two objects with their own content.
		if got := readAll(t, svc, b, "caf\u00e9.txt"); string(got) != "body of caf\u00e9.txt" {
			t.Errorf("NFC read %q", got)
		}
		// Rename every copy back under a prefix in the first bucket... and
		// delete them all by key.
		for _, k := range keys {
			if len(k) > 1000 { // "renamed/"+key would exceed 1024 bytes
				continue
			}
			if err := svc.Rename(ctx, storage.ObjectRef{Bucket: b2, Key: k}, storage.ObjectRef{Bucket: b, Key: "renamed/" + strings.TrimPrefix(k, "/")}); err != nil {
				t.Errorf("rename %q: %v", short(k), err)
			}
		}
		_, left, _ := storetest.ListAll(t, svc, b2, storage.ListOptions{Recursive: true})
		long := 0
		for _, k := range keys {
			if len(k) > 1000 {
				long++
			}
		}
		if len(left) != long {
			t.Errorf("rename left %q", storetest.KeysOf(left))
		}
		// The renamed copies form one folder; deleting it leaves the
		// originals exactly.
		plan, err := svc.PlanDeleteFolder(ctx, b, "renamed")
		if err != nil || plan.Objects != int64(len(keys)-long) {
			t.Errorf("plan: %+v %v", plan, err)
		}
		if dr, err := svc.DeleteFolder(ctx, b, "renamed", nil); err != nil || dr.Deleted != plan.Objects {
			t.Errorf("delete folder: %+v %v", dr, err)
		}
		_, objs, _ = storetest.ListAll(t, svc, b, storage.ListOptions{Recursive: true})
		if got := storetest.KeysOf(objs); !slices.Equal(got, want) {
			t.Errorf("after folder delete:\n got %q\nwant %q", got, want)
		}
		res, err := svc.DeleteObjects(ctx, b, keys)
		if err != nil || res.Deleted != int64(len(keys)) || len(res.Failed) != 0 {
			t.Fatalf("delete: %+v %v", res, err)
		}
		for _, k := range keys {
			if _, err := svc.Stat(ctx, b, k); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%q survives delete: %v", short(k), err)
			}
		}
	})
}

func short(k string) string {
	if len(k) > 40 {
		return k[:20] + "…" + k[len(k)-10:]
	}
	return k
}
