package storage_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

// Service.Open verifies whole-object reads: a flipped byte is an error at
// the end of the body, not silent data.
func TestOpenFlippedByte(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		bucket := srv.Bucket(t)
		body := strings.Repeat("S3 Desk never saves a wrong byte. ", 2000)
		storetest.Put(t, srv.Service(t), bucket, "r.txt", body)
		f := s3test.NewFaults(t, srv)
		svc := f.Server().Service(t)
		rc, _, err := svc.Open(context.Background(), bucket, "r.txt", storage.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != body {
			t.Fatalf("clean read: %v", err)
		}
		f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Fault: s3test.FlipByte(7)})
		rc, _, err = svc.Open(context.Background(), bucket, "r.txt", storage.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		if !errors.Is(err, storage.ErrProtocol) {
			t.Fatalf("read of a flipped byte: err %v, want ErrProtocol", err)
		}
	})
}
