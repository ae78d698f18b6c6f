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

// A user who keeps AWS_PROFILE (or AWS_REGION, AWS_ENDPOINT_URL) in their
// environment must still be able to use profiles with their own keys and the
// Local sandbox: those are not steered by the AWS CLI's settings.
func TestStaticKeysIgnoreAWSEnvironment(t *testing.T) {
	t.Setenv("AWS_PROFILE", "no-such-profile-anywhere")
	t.Setenv("AWS_REGION", "eu-north-1")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	if err := svc.CheckConnection(context.Background()); err != nil {
		t.Fatalf("static keys failed under a foreign AWS environment: %v", err)
	}
	if svc.Region() != s3test.Region {
		t.Fatalf("region %q, want the profile's %q", svc.Region(), s3test.Region)
	}
}
