package preview_test

import (
	"context"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// serviceVia is a storage.Service for srv's account reached through
// endpoint (a proxy in front of srv).
func serviceVia(t testing.TB, srv *s3test.Server, endpoint string) *storage.Service {
	t.Helper()
	cfg := srv.Config()
	cfg.Endpoint = endpoint
	svc, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
