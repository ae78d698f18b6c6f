package gui

import (
	"testing"

	"s3desk/storage/s3test"
)

// TestReportStoreWebsite: the wizard's website calls on a real server.
// versitygw keeps website configurations but serves no website endpoint,
// so the report is shared by its public URL; turning hosting on still
// saves a configuration with index.html.
func TestReportStoreWebsite(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	rs := newReportStore(svc)
	addr, on, err := rs.SiteAddress(t.Context(), b)
	if err != nil || addr != "" || on {
		t.Fatalf("versitygw: %q %v %v, want no website address", addr, on, err)
	}
	if err := rs.EnableSite(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Website(t.Context(), b)
	if err != nil || !c.Enabled || c.IndexDocument != "index.html" {
		t.Errorf("after EnableSite: %+v %v", c, err)
	}
}
