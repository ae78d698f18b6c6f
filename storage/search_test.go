package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

func TestFind(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b := srv.Bucket(t)
		storetest.PutMany(t, srv, b, []string{"photos/Summer.JPG", "photos/winter.png", "photos/2024/summer-trip/", "docs/summer.txt", "Ärger/ÄPFEL.txt"})
		var matches []string
		var progress int64
		scanned, err := svc.Find(ctx, b, storage.FindOptions{Prefix: "photos/", Query: "SUMMER",
			OnMatch: func(e storage.Entry) { matches = append(matches, e.Key) }, OnProgress: func(n int64) { progress = n }})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(matches)
		if !slices.Equal(matches, []string{"photos/2024/summer-trip/", "photos/Summer.JPG"}) {
			t.Errorf("matches %q", matches)
		}
		if scanned != 3 || progress != 3 {
			t.Errorf("scanned %d, progress %d", scanned, progress)
		}
		matches = nil
		if _, err := svc.Find(ctx, b, storage.FindOptions{Query: "äpfel", OnMatch: func(e storage.Entry) { matches = append(matches, e.Key) }}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(matches, []string{"Ärger/ÄPFEL.txt"}) {
			t.Errorf("unicode case-insensitive: %q", matches)
		}
		// "photos" is not matched by the folder searched in.
		n := 0
		if _, err := svc.Find(ctx, b, storage.FindOptions{Prefix: "photos/", Query: "photos", OnMatch: func(storage.Entry) { n++ }}); err != nil || n != 0 {
			t.Errorf("matched the prefix itself: %d %v", n, err)
		}
		if _, err := svc.Find(ctx, b, storage.FindOptions{}); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("empty query: %v", err)
		}
		if _, err := svc.Find(ctx, "no-such-bucket-zz", storage.FindOptions{Query: "x"}); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("missing bucket: %v", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := svc.Find(cctx, b, storage.FindOptions{Query: "x"}); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled find: %v", err)
		}
	})
}
