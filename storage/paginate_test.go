package storage_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
	"s3desk/storage/transfer"
)

// tokenFaults are the two ways a buggy service breaks a paged listing. The
// first page of a repeat passes as it is, so the second request carries a
// real token (or real markers) and gets the same one back.
var tokenFaults = map[string]s3test.Rule{
	"repeated token": {Skip: 1, Fault: s3test.Fault{RepeatToken: true}},
	"dropped token":  {Fault: s3test.Fault{DropToken: true}},
}

// maxListRequests bounds the requests a broken listing may send before it
// gives up: the page that shows the fault, and the one before it.
const maxListRequests = 3

// faulted is a service reaching srv through a fresh proxy that applies rule
// to the listing operation op.
func faulted(t *testing.T, srv *s3test.Server, op string, rule s3test.Rule) (*s3test.Faults, *storage.Service) {
	t.Helper()
	f := s3test.NewFaults(t, srv)
	rule.Match = s3test.Op(op)
	f.Add(rule)
	return f, f.Server().Service(t)
}

// checkBroken asserts that a feature's listing ended in ErrProtocol, soon,
// with a message that says the listing was incomplete and, when done is
// set, what was (not) done.
func checkBroken(t *testing.T, f *s3test.Faults, op string, err error, done string) {
	t.Helper()
	n := f.Seen(op)
	t.Logf("%d %s requests, then: %v", n, op, err)
	if !errors.Is(err, storage.ErrProtocol) {
		t.Fatalf("want ErrProtocol after %d %s requests, got %v", n, op, err)
	}
	if n == 0 || n > maxListRequests {
		t.Fatalf("%d %s requests before giving up (want 1..%d)", n, op, maxListRequests)
	}
	if f.Hit(op) == 0 {
		t.Fatalf("the fault was never applied: %q", f.Log())
	}
	if msg := err.Error(); !strings.Contains(msg, "incomplete") || !strings.Contains(msg, done) {
		t.Fatalf("message should say the listing was incomplete and %q: %q", done, msg)
	}
}

func listCtx(t *testing.T) context.Context {
	t.Helper()
	// A listing that loops ends here instead of hanging the suite; a
	// guarded one ends in well under a second.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Every ListObjectsV2 listing of the app, on a folder of 2,500 files (three
// pages of 1,000), ends in ErrProtocol within a few requests when the
// service repeats or drops its continuation token: none loops, none returns
// 1,000 or 2,000 files as if they were all.
func TestObjectListingsEndInErrProtocol(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	const n = 2500
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("big/f%04d.csv", i)
	}
	storetest.PutMany(t, srv, b, keys)

	paths := []struct {
		name string
		done string // what the message must say was (not) done
		run  func(ctx context.Context, svc *storage.Service) (int, error)
	}{
		{"List", "", func(ctx context.Context, svc *storage.Service) (int, error) {
			got := 0
			for p, err := range svc.List(ctx, b, storage.ListOptions{Prefix: "big/", Recursive: true}) {
				if err != nil {
					return got, err
				}
				got += len(p.Objects)
			}
			return got, nil
		}},
		{"PlanDownload", "nothing was downloaded", func(ctx context.Context, svc *storage.Service) (int, error) {
			e, err := transfer.New(svc).NewEngine(ctx, t.TempDir(), transfer.TransferOptions{})
			if err != nil {
				t.Fatal(err)
			}
			plan, err := e.PlanDownload(ctx, b, "", []storage.Entry{{Key: "big/", IsFolder: true}})
			return len(plan.Items), err
		}},
		{"BuildIndex", "no index page was built", func(ctx context.Context, svc *storage.Service) (int, error) {
			page, err := report.New(svc).BuildIndex(ctx, b, report.IndexOptions{Prefix: "big/", Links: report.IndexPublicLinks})
			return len(page.Items), err
		}},
		{"CombineCSV", "nothing was combined", func(ctx context.Context, svc *storage.Service) (int, error) {
			rep, err := report.New(svc).CombineCSV(ctx, b, report.CombineOptions{Prefixes: []string{"big/"}, TempDir: t.TempDir()})
			if err != nil {
				return 0, err
			}
			defer rep.Close()
			return len(rep.Files), nil
		}},
		{"MakePrivate folder", "access was changed", func(ctx context.Context, svc *storage.Service) (int, error) {
			res, err := share.New(svc).MakePrivate(ctx, b, "big/", share.PrivateOptions{})
			return int(res.ACLReset), err
		}},
		{"MakePublic folder", "access was changed", func(ctx context.Context, svc *storage.Service) (int, error) {
			res, err := share.New(svc).MakePublic(ctx, b, "big/", share.PublicOptions{})
			return int(res.Objects), err
		}},
	}
	for _, p := range paths {
		for fname, rule := range tokenFaults {
			t.Run(p.name+"/"+fname, func(t *testing.T) {
				f, svc := faulted(t, srv, "ListObjectsV2", rule)
				got, err := p.run(listCtx(t), svc)
				if err == nil {
					t.Fatalf("no error: %d of %d files, from %d listing requests", got, n, f.Seen("ListObjectsV2"))
				}
				checkBroken(t, f, "ListObjectsV2", err, p.done)
			})
		}
	}
	// The same paths without faults see every file, and so they do when the
	// service throttles some listing requests: a retried page is not a
	// repeated one. (Two 503s in all: the SDK's attempts per request can
	// never all fail, whatever the retry policy.)
	for _, slow := range []bool{false, true} {
		t.Run(fmt.Sprintf("no token fault, 503s %v", slow), func(t *testing.T) {
			for _, p := range paths[:4] {
				f := s3test.NewFaults(t, srv)
				if slow {
					f.Add(s3test.Rule{Match: s3test.Op("ListObjectsV2"), Times: 2, Fault: s3test.SlowDown()})
				}
				if got, err := p.run(listCtx(t), f.Server().Service(t)); err != nil || got != n {
					t.Errorf("%s: %d files, %v", p.name, got, err)
				}
				if slow && f.Hit("ListObjectsV2") != 2 {
					t.Errorf("%s: %d requests throttled, want 2", p.name, f.Hit("ListObjectsV2"))
				}
			}
		})
	}
}

// A forced bucket delete whose version listing breaks stops with
// ErrProtocol and says what it deleted; the bucket stays.
func TestForcedDeleteVersionListingEndsInErrProtocol(t *testing.T) {
	srv := s3test.StartVersityVersioned(t)
	for fname, rule := range tokenFaults {
		t.Run(fname, func(t *testing.T) {
			b := srv.Bucket(t)
			if _, err := srv.Client(t).PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(b),
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for i := range 6 {
				keys = append(keys, fmt.Sprintf("k%d", i))
			}
			storetest.PutMany(t, srv, b, keys)
			storetest.PutMany(t, srv, b, keys) // two versions each
			f, svc := faulted(t, srv, "ListObjectVersions", rule)
			ctx := storage.WithPageSizeForTest(listCtx(t), 4)
			err := svc.DeleteBucket(ctx, b, storage.DeleteBucketOptions{Force: true})
			checkBroken(t, f, "ListObjectVersions", err, "the bucket was not deleted")
			if _, herr := srv.Client(t).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(b)}); herr != nil {
				t.Fatalf("the bucket is gone: %v", herr)
			}
		})
	}
}

// startUploads begins n multipart uploads under "up/" in b, each with parts
// tiny parts, and returns their keys.
func startUploads(t *testing.T, srv *s3test.Server, b string, n, parts int) []string {
	t.Helper()
	c := srv.Client(t)
	ctx := context.Background()
	var keys []string
	for i := range n {
		k := fmt.Sprintf("up/u%d", i)
		out, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		for p := range parts {
			if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String(k), UploadId: out.UploadId,
				PartNumber: aws.Int32(int32(p + 1)), Body: strings.NewReader("part")}); err != nil {
				t.Fatal(err)
			}
		}
		keys = append(keys, k)
	}
	return keys
}

// The incomplete-uploads listing ends in ErrProtocol when the service
// repeats or drops its upload markers. gofakes3, because versitygw v1.8.0
// refuses its own upload-id marker ("Invalid uploadId marker"), so it
// cannot page uploads at all.
func TestUploadListingEndsInErrProtocol(t *testing.T) {
	srv := s3test.StartFake(t)
	b := srv.Bucket(t)
	startUploads(t, srv, b, 3, 1)
	ups, err := srv.Service(t).ListMultipartUploads(storage.WithPageSizeForTest(listCtx(t), 1), b, "")
	if err != nil || len(ups) != 3 {
		t.Fatalf("no fault: %d uploads, %v", len(ups), err)
	}
	for fname, rule := range tokenFaults {
		t.Run(fname, func(t *testing.T) {
			f, svc := faulted(t, srv, "ListMultipartUploads", rule)
			ups, err := svc.ListMultipartUploads(storage.WithPageSizeForTest(listCtx(t), 1), b, "")
			if err == nil {
				t.Fatalf("no error: %d of 3 uploads", len(ups))
			}
			checkBroken(t, f, "ListMultipartUploads", err, "")
		})
	}
}

// The parts listing of an incomplete upload (its size in the incomplete
// uploads view) ends in ErrProtocol when the part marker repeats or goes
// missing.
func TestPartListingEndsInErrProtocol(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	startUploads(t, srv, b, 1, 3)
	ups, err := srv.Service(t).ListMultipartUploads(storage.WithPageSizeForTest(listCtx(t), 1), b, "")
	if err != nil || len(ups) != 1 || ups[0].Parts != 3 || ups[0].Size != 12 {
		t.Fatalf("no fault: %+v, %v", ups, err)
	}
	for fname, rule := range tokenFaults {
		t.Run(fname, func(t *testing.T) {
			f, svc := faulted(t, srv, "ListParts", rule)
			ups, err := svc.ListMultipartUploads(storage.WithPageSizeForTest(listCtx(t), 1), b, "")
			if err == nil {
				t.Fatalf("no error: %+v", ups)
			}
			checkBroken(t, f, "ListParts", err, "nothing was aborted")
		})
	}
}

// The bucket list pages by continuation token and gives no truncation
// flag; versitygw v1.8.0 ignores max-buckets, so a fake server plays the
// buggy service: the same token, a cycle of two, and new tokens for the same
// page all end in ErrProtocol within a few requests.
func TestBucketListingEndsInErrProtocol(t *testing.T) {
	for name, page := range map[string]func(n int64) (bucket, token string){
		"same token":     func(n int64) (string, string) { return fmt.Sprintf("b%d", n), "tok-A" },
		"token cycle":    func(n int64) (string, string) { return fmt.Sprintf("b%d", n), []string{"tok-A", "tok-B"}[n%2] },
		"same page":      func(n int64) (string, string) { return "b1", fmt.Sprintf("tok-%d", n) },
		"first repeated": func(n int64) (string, string) { return fmt.Sprintf("b%d", n), fmt.Sprintf("tok-%d", min(n, 3)) },
	} {
		t.Run(name, func(t *testing.T) {
			var requests atomic.Int64
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := requests.Add(1)
				if n > 50 {
					http.Error(w, "too many", http.StatusServiceUnavailable)
					return
				}
				b, tok := page(n)
				w.Header().Set("Content-Type", "application/xml")
				fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets><Bucket><Name>%s</Name>`+
					`<CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets><ContinuationToken>%s</ContinuationToken></ListAllMyBucketsResult>`, b, tok)
			}))
			defer ts.Close()
			_, err := fakeService(t, ts.URL).ListBuckets(listCtx(t))
			t.Logf("%d requests, then: %v", requests.Load(), err)
			if !errors.Is(err, storage.ErrProtocol) || !strings.Contains(err.Error(), "incomplete") {
				t.Fatalf("want ErrProtocol saying the listing is incomplete, got %v", err)
			}
			if n := requests.Load(); n > 4 {
				t.Fatalf("%d requests before giving up", n)
			}
		})
	}
}
