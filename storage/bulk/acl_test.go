package bulk_test

import (
	"context"
	"testing"

	"s3desk/storage/bulk"
	"s3desk/storage/internal/sharetest"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
)

// TestBulkACL makes a folder public and then private again, one ACL per
// object, through the ACL emulator in front of versitygw (whose backends
// implement no object ACLs).
func TestBulkACL(t *testing.T) {
	srv := s3test.StartVersity(t)
	emu := sharetest.NewACLEmu(t, srv, true)
	svc := storetest.ServiceVia(t, srv, emu.URL)
	b := srv.Bucket(t)
	keys := seed(t, srv, b, "pub/", 300)
	seed(t, srv, b, "pubx/", 3) // a sibling prefix that must stay private
	for _, public := range []bool{true, false} {
		_, j, plan := newJob(t, svc, bulk.Spec{Op: bulk.ACL, Public: public, Source: bulk.Source{Bucket: b, Prefixes: []string{"pub/"}}})
		if err := j.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if st := j.Status(); st.Done != plan.Objects || plan.Objects != 300 {
			t.Fatalf("public=%v: %+v (planned %d)", public, st, plan.Objects)
		}
		got := emu.PublicKeys(b)
		if public && (len(got) != len(keys) || got[0] != keys[0]) {
			t.Fatalf("public: %d keys public, want %d", len(got), len(keys))
		}
		if !public && len(got) != 0 {
			t.Fatalf("private: %d keys still public", len(got))
		}
	}
}
