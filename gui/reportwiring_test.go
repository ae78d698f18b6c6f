package gui

import (
	"path/filepath"
	"testing"

	"s3desk/gui/internal/guitest"
	"s3desk/storage/profiles"
	"s3desk/storage/report"
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

// TestReportDefinitionsBesideProfiles: saved reports live in the profiles'
// folder.
func TestReportDefinitionsBesideProfiles(t *testing.T) {
	dir := t.TempDir()
	store, err := profiles.Open(dir, &guitest.MemKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	mw := &MainWindow{deps: Deps{Profiles: store}}
	defs, err := mw.reportDefinitions()
	if err != nil {
		t.Fatal(err)
	}
	if p := defs.(*report.Definitions).Path(); p != filepath.Join(store.Dir(), report.DefinitionsFile) {
		t.Errorf("saved reports at %s, profiles in %s", p, store.Dir())
	}
}
