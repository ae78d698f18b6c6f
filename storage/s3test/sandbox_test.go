package s3test_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage/s3test"
)

func TestSandboxKindRestartKeepsDataAndPort(t *testing.T) {
	srv := s3test.StartSandbox(t)
	if srv.Kind != s3test.Sandbox || !srv.Fake() {
		t.Fatalf("kind %q fake %v", srv.Kind, srv.Fake())
	}
	ctx := context.Background()
	b := srv.Bucket(t)
	if _, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("kept")}); err != nil {
		t.Fatal(err)
	}
	lb, err := srv.Client(t).ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(lb.Buckets) != 1 {
		t.Fatalf("a harness sandbox should start empty (no sample data): %v %v", lb, err)
	}
	endpoint := srv.Endpoint
	srv.Restart(t)
	if srv.Endpoint != endpoint {
		t.Fatalf("endpoint moved: %s -> %s", endpoint, srv.Endpoint)
	}
	out, err := srv.Client(t).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(body) != "kept" {
		t.Fatalf("after restart: %q", body)
	}
}
