package bulk_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/s3test"
)

// sizes of the large-job test. Every operation runs over 20,000 keys on
// both servers only with BULK_FULL=1 (about 7 minutes on a busy 2-core
// machine, too long for a package under -race); by default versitygw copies
// and deletes 20,000 keys and the other operations (and gofakes3) run
// over 2,000; -short runs 2,000 everywhere.
func sizes(srv *s3test.Server) (seedN, allOpsN int) {
	switch {
	case os.Getenv("BULK_FULL") == "1":
		return 20000, 20000
	case testing.Short() || srv.Kind != s3test.Versity:
		return 2000, 2000
	}
	return 20000, 2000
}

// TestBulkOpsOverManyKeys runs each operation over bigN keys on versitygw
// and gofakes3, one after the other on the same objects: set metadata,
// copy to another prefix, move to another bucket, delete (ACLs:
// TestBulkACL, as versitygw has no object ACLs). The dry run's count equals what each job did.
func TestBulkOpsOverManyKeys(t *testing.T) {
	for _, start := range []func(testing.TB) *s3test.Server{s3test.StartVersity, s3test.StartFake} {
		srv := start(t)
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc := srv.Service(t)
			b, other := srv.Bucket(t), srv.Bucket(t)
			n, small := sizes(srv)
			t0 := time.Now()
			keys := seed(t, srv, b, "src/", n)
			t.Logf("seeded %d keys in %v", n, time.Since(t0))
			// The first `small` keys: whole k0000xx.. "folders" of 1,000.
			var smallSrc []string
			for i := 0; i < small; i += 1000 {
				smallSrc = append(smallSrc, fmt.Sprintf("src/k%03d", i/1000))
			}
			run := func(spec bulk.Spec) *bulk.Job {
				t.Helper()
				n := n
				if spec.Op == bulk.Metadata || spec.Op == bulk.Move {
					n = small
				}
				_, j, plan := newJob(t, svc, spec)
				if plan.Objects != int64(n) {
					t.Fatalf("%s: dry run counted %d objects, want %d", spec.Op, plan.Objects, n)
				}
				t0 := time.Now()
				if err := j.Run(ctx); err != nil {
					t.Fatalf("%s: %v", spec.Op, err)
				}
				st := j.Status()
				if st.State != bulk.Finished || st.Done != plan.Objects || st.Failed != 0 {
					t.Fatalf("%s: status %+v, want finished with %d done (the dry run's count)", spec.Op, st, plan.Objects)
				}
				el := time.Since(t0)
				t.Logf("%s over %d keys: %v (%.0f objects/s)", spec.Op, n, el, float64(n)/el.Seconds())
				return j
			}
			run(bulk.Spec{Op: bulk.Metadata, Source: bulk.Source{Bucket: b, Prefixes: smallSrc},
				Metadata: storage.MetadataUpdate{ContentType: "application/x-bulk", CacheControl: "max-age=60"}})
			for _, k := range []string{keys[0], keys[small/2], keys[small-1]} {
				info, err := svc.Stat(ctx, b, k)
				if err != nil || info.ContentType != "application/x-bulk" || (!srv.Fake() && info.CacheControl != "max-age=60") {
					t.Fatalf("after metadata job %s: %+v %v", k, info, err)
				}
			}
			run(bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/"})
			if got := listKeys(t, svc, b, "dst/"); len(got) != n || got[0] != "dst/k000000" {
				t.Fatalf("after copy: %d keys under dst/ (first %q), want %d", len(got), first(got), n)
			}
			info, err := svc.Stat(ctx, b, "dst/"+strings.TrimPrefix(keys[7], "src/"))
			if err != nil || info.ContentType != "application/x-bulk" {
				t.Fatalf("a copy kept its properties? %+v %v", info, err)
			}
			var smallDst []string
			for _, p := range smallSrc {
				smallDst = append(smallDst, "dst/"+strings.TrimPrefix(p, "src/"))
			}
			run(bulk.Spec{Op: bulk.Move, Source: bulk.Source{Bucket: b, Prefixes: smallDst}, BasePrefix: "dst/", DestBucket: other, DestPrefix: "moved/"})
			if got := listKeys(t, svc, b, "dst/"); len(got) != n-small {
				t.Fatalf("after move: %d keys left under dst/, want %d", len(got), n-small)
			}
			if got := listKeys(t, svc, other, "moved/"); len(got) != small {
				t.Fatalf("after move: %d keys in %s/moved/, want %d", len(got), other, small)
			}
			run(bulk.Spec{Op: bulk.Delete, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}})
			if got := listKeys(t, svc, b, "src/"); len(got) != 0 {
				t.Fatalf("after delete: %d keys left under src/", len(got))
			}
			if got := listKeys(t, svc, b, ""); len(got) != n-small {
				t.Fatalf("the delete touched dst/: %d keys left in %s, want %d", len(got), b, n-small)
			}
			if got := listKeys(t, svc, other, ""); len(got) != small {
				t.Fatalf("the delete touched the other bucket: %d keys, want %d", len(got), small)
			}
		})
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// TestBulkSelectionAndOddKeys runs a copy over a selection of files and a
// folder whose keys are data (spaces, "+", "%", unicode, "a//b", a newline)
// and checks the failures CSV is empty and each key arrived unchanged.
func TestBulkSelectionAndOddKeys(t *testing.T) {
	srv := s3test.StartVersity(t)
	ctx := context.Background()
	svc := srv.Service(t)
	b := srv.Bucket(t)
	odd := []string{"sel/a b+c%20.txt", "sel/zoë.txt", "sel/dir/x", "sel/dir/y", "sel/one", "sel/dir/ünï"}
	for _, k := range odd {
		if err := svc.Put(ctx, b, k, strings.NewReader(k), int64(len(k)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	spec := bulk.Spec{Op: bulk.Copy, BasePrefix: "sel/", DestPrefix: "out/", Source: bulk.Source{Bucket: b,
		Keys:     []bulk.Item{{Key: "sel/a b+c%20.txt"}, {Key: "sel/zoë.txt"}, {Key: "sel/dir/x"}, {Key: "sel/one"}},
		Prefixes: []string{"sel/dir/"}}}
	_, j, plan := newJob(t, svc, spec)
	if plan.Objects != 6 { // sel/dir/x is in the folder too: counted once
		t.Fatalf("dry run counted %d, want 6", plan.Objects)
	}
	if err := j.Run(ctx); err != nil {
		t.Fatal(err)
	}
	got := listKeys(t, svc, b, "out/")
	want := make([]string, 0, len(odd))
	for _, k := range odd {
		want = append(want, "out/"+strings.TrimPrefix(k, "sel/"))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("copied %q, want %q", got, want)
	}
	if st := j.Status(); st.Done != 6 || st.State != bulk.Finished {
		t.Fatalf("status %+v", st)
	}
	var csv strings.Builder
	if err := j.WriteFailuresCSV(&csv); err != nil || csv.String() != "bucket,key,size,error\n" {
		t.Fatalf("failures CSV %q %v", csv.String(), err)
	}
}

// TestBulkRefusesCopyIntoItself: a copy of a folder into itself is refused
// before anything is listed.
func TestBulkRefusesCopyIntoItself(t *testing.T) {
	m, err := bulk.Open(t.TempDir(), nil, bulk.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Create(bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: "b", Prefixes: []string{"a/"}}, BasePrefix: "a/", DestPrefix: "a/b/"})
	if err == nil || !strings.Contains(err.Error(), "inside itself") {
		t.Fatalf("copy into itself: %v", err)
	}
	if ents, _ := os.ReadDir(t.TempDir()); len(ents) != 0 {
		t.Fatal("a refused job left files")
	}
}
