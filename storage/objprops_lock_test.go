package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// lockBucket creates a bucket with object lock enabled.
func lockBucket(t *testing.T, srv *s3test.Server) string {
	t.Helper()
	name := srv.Bucket(t) + "-lock"
	_, err := srv.Client(t).CreateBucket(context.Background(), &s3.CreateBucketInput{
		Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("create object-lock bucket: %v", err)
	}
	return name
}

func TestObjectLockRetentionAndLegalHold(t *testing.T) {
	for _, start := range []func(testing.TB) *s3test.Server{s3test.StartVersity, s3test.StartMinIO} {
		srv := start(t)
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc := srv.Service(t)
			plain := srv.Bucket(t)
			b := lockBucket(t, srv)
			on, err := svc.ObjectLockEnabled(ctx, b)
			if err != nil || !on {
				t.Fatalf("lock bucket: enabled %v, %v", on, err)
			}
			if on, err := svc.ObjectLockEnabled(ctx, plain); err != nil || on {
				t.Fatalf("plain bucket: enabled %v, %v", on, err)
			}
			ref := storage.ObjectRef{Bucket: b, Key: "locked/a +#.txt"}
			if err := svc.Put(ctx, b, ref.Key, strings.NewReader("keep"), 4, storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			r, err := svc.ObjectRetention(ctx, ref)
			if err != nil || !r.None() {
				t.Fatalf("fresh object: retention %+v, %v", r, err)
			}
			held, err := svc.ObjectLegalHold(ctx, ref)
			if err != nil || held {
				t.Fatalf("fresh object: legal hold %v, %v", held, err)
			}
			until := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
			if err := svc.PutObjectRetention(ctx, ref, storage.Retention{Mode: types.ObjectLockRetentionModeGovernance, Until: until}, false); err != nil {
				t.Fatal(err)
			}
			r, err = svc.ObjectRetention(ctx, ref)
			if err != nil || r.Mode != types.ObjectLockRetentionModeGovernance || !r.Until.Equal(until) {
				t.Fatalf("retention read back %+v (%v), want GOVERNANCE until %v", r, err, until)
			}
			if err := svc.PutObjectLegalHold(ctx, ref, true); err != nil {
				t.Fatal(err)
			}
			if held, err := svc.ObjectLegalHold(ctx, ref); err != nil || !held {
				t.Fatalf("legal hold after on: %v, %v", held, err)
			}
			if err := svc.PutObjectLegalHold(ctx, ref, false); err != nil {
				t.Fatal(err)
			}
			if held, err := svc.ObjectLegalHold(ctx, ref); err != nil || held {
				t.Fatalf("legal hold after off: %v, %v", held, err)
			}
			// Shortening a GOVERNANCE retention needs the bypass.
			sooner := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
			shorter := storage.Retention{Mode: types.ObjectLockRetentionModeGovernance, Until: sooner}
			if err := svc.PutObjectRetention(ctx, ref, shorter, false); err == nil {
				t.Errorf("shortened a GOVERNANCE retention without the bypass")
			}
			if err := svc.PutObjectRetention(ctx, ref, shorter, true); err != nil {
				t.Fatalf("shorten with bypass: %v", err)
			}
			if r, err := svc.ObjectRetention(ctx, ref); err != nil || !r.Until.Equal(sooner) {
				t.Errorf("retention after shortening %+v, %v", r, err)
			}
			if srv.Kind == s3test.MinIO {
				// Removing it (MinIO; versitygw refuses an empty retention).
				if err := svc.PutObjectRetention(ctx, ref, storage.Retention{}, true); err != nil {
					t.Fatalf("remove retention with bypass: %v", err)
				}
				if r, err := svc.ObjectRetention(ctx, ref); err != nil || !r.None() {
					t.Errorf("retention after removal %+v, %v", r, err)
				}
			}
			// Bad input is refused before a request.
			if err := svc.PutObjectRetention(ctx, ref, storage.Retention{Mode: "FOREVER", Until: until}, false); !errors.Is(err, storage.ErrInvalidArgument) {
				t.Errorf("bad mode: %v", err)
			}
			if err := svc.PutObjectRetention(ctx, ref, storage.Retention{Mode: types.ObjectLockRetentionModeCompliance, Until: time.Now().Add(-time.Hour)}, false); !errors.Is(err, storage.ErrInvalidArgument) {
				t.Errorf("past date: %v", err)
			}
			// A bucket without object lock says so.
			pref := storage.ObjectRef{Bucket: plain, Key: "p.txt"}
			if err := svc.Put(ctx, plain, pref.Key, strings.NewReader("p"), 1, storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			err = svc.PutObjectLegalHold(ctx, pref, true)
			t.Logf("legal hold on a plain bucket: %v", err)
			if !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "does not have object lock") {
				t.Errorf("legal hold on a bucket without object lock: %v", err)
			}
		})
	}
}

// TestObjectLockUnknownToServer: gofakes3 answers ?retention and
// ?legal-hold as plain GET/PUT of the object; setting them must not
// overwrite the object, and must say the server has no object lock.
func TestObjectLockUnknownToServer(t *testing.T) {
	srv := s3test.StartFake(t)
	ctx := context.Background()
	svc := srv.Service(t)
	b := srv.Bucket(t)
	ref := storage.ObjectRef{Bucket: b, Key: "k.txt"}
	if err := svc.Put(ctx, b, ref.Key, strings.NewReader("precious"), 8, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(time.Hour)
	for name, err := range map[string]error{
		"retention":  svc.PutObjectRetention(ctx, ref, storage.Retention{Mode: types.ObjectLockRetentionModeGovernance, Until: until}, false),
		"legal hold": svc.PutObjectLegalHold(ctx, ref, true),
		"tags":       svc.PutObjectTags(ctx, ref, map[string]string{"a": "b"}),
		"no tags":    svc.DeleteObjectTags(ctx, ref),
	} {
		if !errors.Is(err, storage.ErrNotImplemented) || !strings.Contains(err.Error(), "this server does not implement") {
			t.Errorf("%s on gofakes3: %v", name, err)
		}
	}
	if got := string(readAll(t, svc, b, ref.Key)); got != "precious" {
		t.Fatalf("the object was overwritten: %q", got)
	}
}
