package gui

import (
	"s3desk/gui/sharing"
	"s3desk/storage/s3test"
	"testing"
)

func TestMainWindowWiresSharing(t *testing.T) {
	srv := s3test.StartVersity(t)
	mw := newSandboxWindow(t, srv)
	a := mw.objectActions()
	if a.Share == nil || a.MakePublic == nil || a.PublishIndex == nil || mw.menuActions().ShowLinks == nil {
		t.Fatal("sharing is not wired into the main window")
	}
	var sh *sharing.Sharer
	mw.jobs.Do(func() { sh = mw.sharer() })
	if sh != mw.sharer() || sh.Store() == nil || sh.Store() != mw.service().Sharing {
		t.Fatal("the sharing.Sharer does not use the connected service")
	}
	if sh.DefaultExpiry != LoadSettings(mw.app.Preferences()).PresignExpiry {
		t.Fatalf("default expiry %v", sh.DefaultExpiry)
	}
}
