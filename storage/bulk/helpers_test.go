package bulk_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/s3test"
)

// seed puts n small objects prefix+"k%06d" straight to the server (not
// through a fault proxy), 32 at a time, and returns their keys.
func seed(t testing.TB, srv *s3test.Server, bucket, prefix string, n int) []string {
	t.Helper()
	c := srv.Client(t)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%sk%06d", prefix, i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	ch := make(chan string)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range ch {
				_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k),
					Body: strings.NewReader("data of " + k), ContentType: aws.String("text/plain")})
				if err != nil {
					select {
					case errs <- fmt.Errorf("seed %s: %w", k, err):
					default:
					}
				}
			}
		}()
	}
	for _, k := range keys {
		ch <- k
	}
	close(ch)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	return keys
}

// listKeys lists every key under prefix through the service.
func listKeys(t testing.TB, svc *storage.Service, bucket, prefix string) []string {
	t.Helper()
	var out []string
	for p, err := range svc.List(context.Background(), bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			t.Fatalf("list %s/%s: %v", bucket, prefix, err)
		}
		for _, o := range p.Objects {
			out = append(out, o.Key)
		}
	}
	return out
}

// newJob makes a manager in a temp folder and a job for spec, with the
// dry run's count recorded.
func newJob(t testing.TB, svc *storage.Service, spec bulk.Spec) (*bulk.Manager, *bulk.Job, bulk.Plan) {
	t.Helper()
	ctx := context.Background()
	plan, err := bulk.DryRun(ctx, svc, spec, nil)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	spec.PlannedObjects, spec.PlannedBytes = plan.Objects, plan.Bytes
	m, err := bulk.Open(t.TempDir(), svc, bulk.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := m.Create(spec)
	if err != nil {
		t.Fatal(err)
	}
	return m, j, plan
}

// copiesPerKey counts the CopyObject requests per destination path in a
// fault proxy's log (entries "CopyObject PUT /bucket/key").
func opsPerPath(log []string, op string) map[string]int {
	n := map[string]int{}
	for _, l := range log {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == op {
			p := f[2]
			if i := strings.IndexByte(p, '?'); i >= 0 {
				p = p[:i]
			}
			n[p]++
		}
	}
	return n
}

func refOf(bucket, key string) storage.ObjectRef { return storage.ObjectRef{Bucket: bucket, Key: key} }
