package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

func TestHarnessServesBothKinds(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		b := srv.Bucket(t)
		c := srv.Client(t)
		out, err := c.ListBuckets(context.Background(), &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range out.Buckets {
			found = found || aws.ToString(x.Name) == b
		}
		if !found {
			t.Fatalf("bucket %s not listed", b)
		}
	})
}

func TestNewRejectsBadEndpoint(t *testing.T) {
	_, err := storage.New(context.Background(), storage.Config{Endpoint: "ftp://x", AccessKeyID: "a", SecretAccessKey: "b"})
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("want ErrInvalidArgument, got %v", err)
	}
}
