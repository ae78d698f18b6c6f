package versions_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/versions"
)

// versioned runs fn on versitygw (with --versioning-dir) and on MinIO, the
// servers here that keep versions, each with a fresh versioned bucket.
func versioned(t *testing.T, fn func(t *testing.T, srv *s3test.Server, b string)) {
	for name, start := range map[string]func(testing.TB) *s3test.Server{
		s3test.Versity: s3test.StartVersityVersioned,
		s3test.MinIO:   s3test.StartMinIO,
	} {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			fn(t, srv, versionedBucket(t, srv))
		})
	}
}

func versionedBucket(t *testing.T, srv *s3test.Server) string {
	t.Helper()
	b := srv.Bucket(t)
	setVersioning(t, srv, b, types.BucketVersioningStatusEnabled)
	return b
}

func setVersioning(t *testing.T, srv *s3test.Server, b string, st types.BucketVersioningStatus) {
	t.Helper()
	if _, err := srv.Client(t).PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(b),
		VersioningConfiguration: &types.VersioningConfiguration{Status: st}}); err != nil {
		t.Fatal(err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// put writes key with body and properties through the service and returns
// the version ID the server gave it.
func put(t *testing.T, svc *storage.Service, b, key, body string, opts storage.PutOptions) string {
	t.Helper()
	ctx := ctxT(t)
	if err := svc.Put(ctx, b, key, strings.NewReader(body), int64(len(body)), opts); err != nil {
		t.Fatal(err)
	}
	info, err := svc.Stat(ctx, b, key)
	if err != nil {
		t.Fatal(err)
	}
	if info.VersionID == "" {
		t.Fatalf("%s: no version ID after a put in a versioned bucket", key)
	}
	return info.VersionID
}

func del(t *testing.T, svc *storage.Service, b string, keys ...string) {
	t.Helper()
	res, err := svc.DeleteObjects(ctxT(t), b, keys)
	if err != nil || len(res.Failed) > 0 {
		t.Fatalf("delete %v: %v %v", keys, err, res.Failed)
	}
}

func read(t *testing.T, svc *storage.Service, b, key, version string) (string, error) {
	t.Helper()
	r, _, err := svc.Open(ctxT(t), b, key, storage.ReadOptions{VersionID: version})
	if err != nil {
		return "", err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	return string(data), err
}

// rawVersions is every (key, version) the server holds under prefix, asked
// without the app's code.
func rawVersions(t *testing.T, srv *s3test.Server, b, prefix string) []string {
	t.Helper()
	var out []string
	p := s3.NewListObjectVersionsPaginator(srv.Client(t), &s3.ListObjectVersionsInput{Bucket: aws.String(b), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Versions {
			out = append(out, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
		}
		for _, m := range page.DeleteMarkers {
			out = append(out, aws.ToString(m.Key)+"@"+aws.ToString(m.VersionId)+"(marker)")
		}
	}
	slices.Sort(out)
	return out
}

// Every version and delete marker is listed exactly once across many small
// pages, grouped under its key newest first, with folders one level down.
func TestListVersionsOnceAcrossPages(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		svc := srv.Service(t)
		vs := versions.New(svc)
		for i := range 3 {
			put(t, svc, b, "d/x.txt", fmt.Sprintf("x%d", i), storage.PutOptions{})
		}
		put(t, svc, b, "d/y.txt", "y", storage.PutOptions{})
		del(t, svc, b, "d/y.txt")
		put(t, svc, b, "d/z.txt", "z", storage.PutOptions{})
		put(t, svc, b, "d/sub/w.txt", "w", storage.PutOptions{})
		put(t, svc, b, "dd/q.txt", "q", storage.PutOptions{})

		var got []string
		var folders []string
		pages := 0
		for page, err := range vs.List(ctxT(t), b, versions.ListOptions{Prefix: "d/", PageSize: 2}) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, f := range page.Folders {
				folders = append(folders, f.Key)
			}
			for _, k := range page.Keys {
				for i, v := range k.Versions {
					if v.Key != k.Key || k.Name != strings.TrimPrefix(k.Key, "d/") {
						t.Errorf("version %+v grouped under %q (%q)", v, k.Key, k.Name)
					}
					if i > 0 && v.IsLatest {
						t.Errorf("%s: the latest version is not first: %+v", k.Key, k.Versions)
					}
					s := v.Key + "@" + v.VersionID
					if v.IsDeleteMarker {
						s += "(marker)"
					}
					got = append(got, s)
				}
			}
		}
		if pages < 3 {
			t.Errorf("%d pages for 6 versions at 2 a page", pages)
		}
		slices.Sort(got)
		want := slices.DeleteFunc(rawVersions(t, srv, b, "d/"), func(s string) bool { return strings.HasPrefix(s, "d/sub/") })
		if !slices.Equal(got, want) {
			t.Errorf("listed\n%v\nwant (each once)\n%v", got, want)
		}
		if !slices.Equal(folders, []string{"d/sub/"}) {
			t.Errorf("folders %v, want [d/sub/]", folders)
		}
		// The deleted key's latest is its marker, and its data version follows.
		for page, err := range vs.List(ctxT(t), b, versions.ListOptions{Prefix: "d/y"}) {
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Keys) != 1 || len(page.Keys[0].Versions) != 2 || !page.Keys[0].Versions[0].IsDeleteMarker ||
				!page.Keys[0].Versions[0].IsLatest || page.Keys[0].Versions[1].Size != 1 {
				t.Errorf("deleted key listed as %+v", page.Keys)
			}
		}
	})
}

// Restoring an old version makes its bytes and properties current again.
func TestRestoreVersionRoundTrip(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		svc := srv.Service(t)
		vs := versions.New(svc)
		old := storage.PutOptions{ContentType: "text/x-old", CacheControl: "max-age=60", Metadata: map[string]string{"who": "old"}}
		v1 := put(t, svc, b, "doc.txt", "yesterday's text", old)
		put(t, svc, b, "doc.txt", "today", storage.PutOptions{ContentType: "text/plain", CacheControl: "no-cache", Metadata: map[string]string{"who": "new"}})
		if err := vs.Restore(ctxT(t), storage.ObjectRef{Bucket: b, Key: "doc.txt", VersionID: v1}); err != nil {
			t.Fatal(err)
		}
		if got, err := read(t, svc, b, "doc.txt", ""); err != nil || got != "yesterday's text" {
			t.Fatalf("after restore: %q, %v", got, err)
		}
		info, err := svc.Stat(ctxT(t), b, "doc.txt")
		if err != nil {
			t.Fatal(err)
		}
		if info.ContentType != old.ContentType || info.CacheControl != old.CacheControl || info.Metadata["who"] != "old" || info.VersionID == v1 {
			t.Errorf("restored properties %+v, want those of version %s as a new version", info, v1)
		}
		if n := len(rawVersions(t, srv, b, "doc.txt")); n != 3 {
			t.Errorf("%d versions after a restore, want 3 (the restore is a new version, nothing is lost)", n)
		}
		if err := vs.Restore(ctxT(t), storage.ObjectRef{Bucket: b, Key: "doc.txt"}); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("restore without a version: %v", err)
		}
	})
}

// Removing the delete marker undeletes; a key that is not deleted is
// refused and left alone.
func TestUndeleteRemovesMarker(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		svc := srv.Service(t)
		vs := versions.New(svc)
		put(t, svc, b, "gone.txt", "come back", storage.PutOptions{})
		put(t, svc, b, "gone.txt2", "neighbour", storage.PutOptions{})
		del(t, svc, b, "gone.txt")
		del(t, svc, b, "gone.txt") // two markers on top
		if _, err := svc.Stat(ctxT(t), b, "gone.txt"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("deleted key: %v", err)
		}
		if err := vs.Undelete(ctxT(t), b, "gone.txt"); err != nil {
			t.Fatal(err)
		}
		if got, err := read(t, svc, b, "gone.txt", ""); err != nil || got != "come back" {
			t.Fatalf("after undelete: %q, %v", got, err)
		}
		if raw := rawVersions(t, srv, b, "gone.txt"); len(raw) != 2 || strings.Contains(strings.Join(raw, " "), "marker") {
			t.Errorf("versions after undelete: %v, want both data versions and no marker", raw)
		}
		if err := vs.Undelete(ctxT(t), b, "gone.txt2"); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("undelete of a key that is not deleted: %v", err)
		}
	})
}

// Folder undelete counts first, then brings back exactly the deleted keys
// under "a/": "ab/..." and "a" itself stay deleted.
func TestUndeleteFolderOnlyThatPrefix(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		svc := srv.Service(t)
		vs := versions.New(svc)
		inside := []string{"a/1.txt", "a/2.txt", "a/sub/3.txt", "a/+ é.txt"}
		outside := []string{"ab/4.txt", "a.txt", "b/a/5.txt"}
		for _, k := range append(slices.Clone(inside), outside...) {
			put(t, svc, b, k, "data of "+k, storage.PutOptions{})
		}
		put(t, svc, b, "a/alive.txt", "never deleted", storage.PutOptions{})
		del(t, svc, b, append(slices.Clone(inside), outside...)...)
		versions.SetPageSizeForTest(vs, 2)
		ctx := ctxT(t)
		var seen []int64
		n, err := vs.PlanUndeleteFolder(ctx, b, "a", func(k int64) { seen = append(seen, k) })
		if err != nil || n != int64(len(inside)) {
			t.Fatalf("plan: %d, %v; want %d", n, err, len(inside))
		}
		if len(seen) < 2 {
			t.Errorf("plan progress %v: not streamed page by page", seen)
		}
		var last int64
		res, err := vs.UndeleteFolder(ctx, b, "a/", func(k int64) { last = k })
		if err != nil || res.Keys != int64(len(inside)) || len(res.Failed) > 0 || last != res.Keys {
			t.Fatalf("undelete folder: %+v, %v (progress %d)", res, err, last)
		}
		for _, k := range inside {
			if got, err := read(t, svc, b, k, ""); err != nil || got != "data of "+k {
				t.Errorf("%s after folder undelete: %q, %v", k, got, err)
			}
		}
		for _, k := range outside {
			if _, err := svc.Stat(ctxT(t), b, k); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s outside the folder was touched: %v", k, err)
			}
		}
		if n, err := vs.PlanUndeleteFolder(ctxT(t), b, "a/", nil); err != nil || n != 0 {
			t.Errorf("plan after undelete: %d, %v", n, err)
		}
		if _, err := vs.UndeleteFolder(ctxT(t), b, "", nil); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("undelete of no folder: %v", err)
		}
	})
}

// Deleting a version for good removes exactly it; reading it then fails.
func TestDeleteVersionPermanently(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		svc := srv.Service(t)
		vs := versions.New(svc)
		v1 := put(t, svc, b, "k", "one", storage.PutOptions{})
		v2 := put(t, svc, b, "k", "two", storage.PutOptions{})
		if err := vs.DeleteVersion(ctxT(t), storage.ObjectRef{Bucket: b, Key: "k", VersionID: v1}); err != nil {
			t.Fatal(err)
		}
		if raw := rawVersions(t, srv, b, "k"); !slices.Equal(raw, []string{"k@" + v2}) {
			t.Errorf("versions left: %v, want only %s", raw, v2)
		}
		if _, err := read(t, svc, b, "k", v1); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("read of the deleted version: %v", err)
		}
		if got, err := read(t, svc, b, "k", ""); err != nil || got != "two" {
			t.Errorf("current after deleting the old version: %q, %v", got, err)
		}
		if err := vs.DeleteVersion(ctxT(t), storage.ObjectRef{Bucket: b, Key: "k"}); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("delete without a version: %v", err)
		}
	})
}

// A presigned link to an old version downloads the old bytes; a versioned
// Open and a version's download read that version.
func TestVersionLinkAndOpen(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		svc := srv.Service(t)
		vs := versions.New(svc)
		v1 := put(t, svc, b, "f.txt", "old bytes", storage.PutOptions{})
		put(t, svc, b, "f.txt", "new bytes", storage.PutOptions{})
		link, err := vs.Link(ctxT(t), storage.ObjectRef{Bucket: b, Key: "f.txt", VersionID: v1}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(link, "versionId=") {
			t.Errorf("link without versionId: %s", link)
		}
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "old bytes" {
			t.Errorf("link answered %d %q, want the old bytes", resp.StatusCode, body)
		}
		if got, err := read(t, svc, b, "f.txt", v1); err != nil || got != "old bytes" {
			t.Errorf("versioned open: %q, %v", got, err)
		}
		data, info, err := vs.Peek(ctxT(t), storage.ObjectRef{Bucket: b, Key: "f.txt", VersionID: v1}, 3)
		if err != nil || string(data) != "old" || info.Size != 9 || info.VersionID != v1 {
			t.Errorf("peek: %q %+v %v", data, info, err)
		}
	})
}

// A versioned read is checked like any other: a flipped byte ends it with
// ErrProtocol, not with wrong data.
func TestVersionedOpenIsVerified(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		svc := srv.Service(t)
		v1 := put(t, svc, b, "v.txt", strings.Repeat("old ", 100), storage.PutOptions{})
		put(t, svc, b, "v.txt", "new", storage.PutOptions{})
		f := s3test.NewFaults(t, srv)
		f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Fault: s3test.FlipByte(10)})
		fsvc := f.Server().Service(t)
		got, err := read(t, fsvc, b, "v.txt", v1)
		if !errors.Is(err, storage.ErrProtocol) {
			t.Fatalf("flipped versioned read: %d bytes, %v; want ErrProtocol", len(got), err)
		}
		if f.Hit("GetObject") == 0 {
			t.Fatal("the fault never applied")
		}
	})
}

// A version listing whose markers repeat, or go missing, ends in
// ErrProtocol after a few pages instead of looping or stopping quietly.
func TestVersionListingBrokenTokenIsError(t *testing.T) {
	srv := s3test.StartVersityVersioned(t)
	b := versionedBucket(t, srv)
	svc := srv.Service(t)
	for i := range 6 {
		put(t, svc, b, fmt.Sprintf("p/k%d", i), "x", storage.PutOptions{})
	}
	for name, fault := range map[string]s3test.Fault{"repeat": {RepeatToken: true}, "drop": {DropToken: true}} {
		t.Run(name, func(t *testing.T) {
			f := s3test.NewFaults(t, srv)
			f.Add(s3test.Rule{Match: s3test.Op("ListObjectVersions"), Fault: fault})
			vs := versions.New(f.Server().Service(t))
			versions.SetPageSizeForTest(vs, 2)
			pages := 0
			var err error
			for _, perr := range vs.List(ctxT(t), b, versions.ListOptions{Prefix: "p/", PageSize: 2}) {
				if perr != nil {
					err = perr
					break
				}
				pages++
				if pages > 10 {
					t.Fatal("the listing loops")
				}
			}
			if !errors.Is(err, storage.ErrProtocol) {
				t.Fatalf("after %d pages: %v; want ErrProtocol", pages, err)
			}
			if _, err := vs.UndeleteFolder(ctxT(t), b, "p/", nil); !errors.Is(err, storage.ErrProtocol) {
				t.Errorf("folder undelete over a broken listing: %v", err)
			}
		})
	}
}

// The versioning status tells never, enabled and suspended apart.
func TestVersioningStatus(t *testing.T) {
	versioned(t, func(t *testing.T, srv *s3test.Server, b string) {
		vs := versions.New(srv.Service(t))
		fresh := srv.Bucket(t)
		if st, err := vs.Status(ctxT(t), fresh); err != nil || st != versions.Never || st.HasVersions() {
			t.Errorf("fresh bucket: %q, %v", st, err)
		}
		if st, err := vs.Status(ctxT(t), b); err != nil || st != versions.Enabled || !st.HasVersions() {
			t.Errorf("enabled bucket: %q, %v", st, err)
		}
		setVersioning(t, srv, b, types.BucketVersioningStatusSuspended)
		if st, err := vs.Status(ctxT(t), b); err != nil || st != versions.Suspended || !st.HasVersions() {
			t.Errorf("suspended bucket: %q, %v", st, err)
		}
	})
}
