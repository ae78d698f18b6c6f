package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"s3desk/gui/internal/guitest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
	"s3desk/storage/profiles"
	"s3desk/storage/s3test"
)

// newProfilesWindow builds the main window over a fresh profiles store, with
// the sandbox served by srv.
func newProfilesWindow(t *testing.T, srv *s3test.Server, kc *guitest.MemKeychain) (*MainWindow, *profiles.Store) {
	t.Helper()
	store, err := profiles.Open(t.TempDir(), kc)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Profiles: store,
		Sandbox:  func(context.Context) (storage.Config, error) { return srv.Config(), nil },
	})
	mw.win.Resize(fyne.NewSize(1120, 720))
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	return mw, store
}

func TestProfileFormValidatesTestsAndSaves(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	mw, store := newProfilesWindow(t, srv, &guitest.MemKeychain{})
	pv := mw.profiles
	if names := pv.Names(); len(names) == 0 || names[0] != "Local sandbox" {
		t.Fatalf("rows %v: the Local sandbox must come first", names)
	}

	test.Tap(pv.AddButton())
	f := pv.Form()
	if f == nil {
		t.Fatal("no profile form")
	}
	if !f.SaveBtn.Disabled() || f.Message.Importance != widget.DangerImportance || f.Message.Text == "" {
		t.Fatalf("empty form: save enabled or no message (%q)", f.Message.Text)
	}
	test.Type(f.Name, "Work MinIO")
	f.Provider.SetSelected(guitest.PresetLabel(t, profiles.ProviderMinIO))
	if !f.PathStyle.Checked || !f.Compat.Checked || f.Region.Text == "" {
		t.Errorf("MinIO preset did not fill path style / compatibility / region")
	}
	f.Endpoint.SetText("")
	test.Type(f.Endpoint, "http://files.example.com:9000")
	if !f.SaveBtn.Disabled() || !strings.Contains(f.Message.Text, "http://") {
		t.Errorf("plain http to another host accepted: %q", f.Message.Text)
	}
	test.Tap(f.Insecure)
	if f.SaveBtn.Disabled() || f.Message.Importance != widget.WarningImportance {
		t.Errorf("allowed insecure endpoint: save disabled or no warning (%q)", f.Message.Text)
	}
	test.Tap(f.Insecure)
	f.Endpoint.SetText(srv.Endpoint)
	test.Type(f.AccessKey, srv.AccessKey)
	if !f.SaveBtn.Disabled() || !strings.Contains(f.Message.Text, "secret") {
		t.Errorf("access key without secret accepted: %q", f.Message.Text)
	}

	// Test connection with a wrong secret, then the right one.
	test.Type(f.Secret, "wrong-secret")
	test.Tap(f.TestBtn)
	settle(t, mw)
	if !strings.HasPrefix(f.TestResult.Text, "Could not connect:") || strings.Contains(f.TestResult.Text, "<") {
		t.Errorf("bad secret: result %q", f.TestResult.Text)
	}
	f.Secret.SetText("")
	test.Type(f.Secret, srv.SecretKey)
	test.Tap(f.TestBtn)
	settle(t, mw)
	if !strings.HasPrefix(f.TestResult.Text, "Connected") {
		t.Fatalf("good secret: result %q", f.TestResult.Text)
	}

	test.Tap(f.SaveBtn)
	settle(t, mw)
	saved, err := store.Get(context.Background(), "Work MinIO")
	if err != nil {
		t.Fatalf("not saved: %v (form says %q)", err, f.Message.Text)
	}
	if saved.AccessKeyID != srv.AccessKey || saved.Endpoint != srv.Endpoint {
		t.Errorf("saved %+v", saved)
	}
	// Saving selects and connects the profile.
	if pv.Current() != "Work MinIO" || mw.service() == nil {
		t.Fatalf("current %q, connected %v, buckets message %q", pv.Current(), mw.service() != nil, mw.buckets.Message().Text)
	}
	if got := bucketNames(mw.buckets); len(got) != 1 || got[0] != bucket {
		t.Errorf("buckets of the new profile %v, want [%s]", got, bucket)
	}

	// Editing never shows the secret and keeps it when left empty.
	test.Tap(pv.EditButton())
	f = pv.Form()
	if f.Secret.Text != "" || f.Secret.Password != true {
		t.Fatalf("secret shown in the edit form: %q", f.Secret.Text)
	}
	f.Region.SetText("eu-central-1")
	test.Tap(f.SaveBtn)
	settle(t, mw)
	if p, _ := store.Get(context.Background(), "Work MinIO"); p.Region != "eu-central-1" {
		t.Errorf("edit not saved: region %q (%q)", p.Region, f.Message.Text)
	}
	cfg, err := store.Config(context.Background(), "Work MinIO")
	if err != nil || cfg.SecretAccessKey != srv.SecretKey {
		t.Errorf("secret lost by the edit: %v", err)
	}

	// Delete asks first.
	test.Tap(pv.DeleteButton())
	if pv.Confirm() == nil {
		t.Fatal("no delete confirmation")
	}
	pv.Confirm().Dismiss()
	settle(t, mw)
	if _, err := store.Get(context.Background(), "Work MinIO"); err != nil {
		t.Fatal("dismissing the confirmation deleted the profile")
	}
	test.Tap(pv.DeleteButton())
	pv.Confirm().Confirm()
	settle(t, mw)
	if _, err := store.Get(context.Background(), "Work MinIO"); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("profile not deleted: %v", err)
	}
	if pv.Current() != "Local sandbox" {
		t.Errorf("after deleting the open profile, current is %q", pv.Current())
	}
}

func TestKeychainUnavailableOffersSessionOnly(t *testing.T) {
	srv := s3test.StartVersity(t)
	kc := &guitest.MemKeychain{Broken: true}
	mw, store := newProfilesWindow(t, srv, kc)
	pv := mw.profiles
	test.Tap(pv.AddButton())
	f := pv.Form()
	test.Type(f.Name, "No keychain")
	f.Provider.SetSelected(guitest.PresetLabel(t, profiles.ProviderMinIO))
	f.Endpoint.SetText(srv.Endpoint)
	test.Type(f.AccessKey, srv.AccessKey)
	test.Type(f.Secret, srv.SecretKey)
	test.Tap(f.SaveBtn)
	settle(t, mw)
	if f.KeychainDlg() == nil {
		t.Fatalf("no keychain question; form says %q", f.Message.Text)
	}
	f.KeychainDlg().Confirm()
	settle(t, mw)
	if pv.Current() != "No keychain" || mw.service() == nil {
		t.Fatalf("session-only profile not connected: current %q, %q", pv.Current(), mw.buckets.Message().Text)
	}
	if kc.Len() != 0 {
		t.Error("a secret reached the keychain")
	}
	// The secret is in no file of the profiles folder.
	_ = filepath.WalkDir(filepath.Dir(store.Path()), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(path); strings.Contains(string(b), srv.SecretKey) {
				t.Errorf("secret written to %s", path)
			}
		}
		return nil
	})
}

func TestFlags(t *testing.T) {
	var out strings.Builder
	if _, exit, code := ParseFlags([]string{"--version"}, "9.9.9", &out); !exit || code != 0 || !strings.Contains(out.String(), "9.9.9") {
		t.Errorf("--version: exit %v code %d out %q", exit, code, out.String())
	}
	out.Reset()
	if _, exit, code := ParseFlags([]string{"--help"}, "1", &out); !exit || code != 0 || !strings.Contains(out.String(), "--profile") {
		t.Errorf("--help: exit %v code %d out %q", exit, code, out.String())
	}
	if o, exit, _ := ParseFlags([]string{"--profile", "Work"}, "1", &out); exit || o.Profile != "Work" {
		t.Errorf("--profile: %+v", o)
	}
	if o, exit, _ := ParseFlags([]string{"--sandbox"}, "1", &out); exit || o.Profile != "Local sandbox" {
		t.Errorf("--sandbox: %+v", o)
	}
	if _, exit, code := ParseFlags([]string{"--bogus"}, "1", &out); !exit || code != 2 {
		t.Errorf("bad flag: exit %v code %d", exit, code)
	}
}

// Switching profile while the previous one still connects: the late
// connection never replaces the chosen one.
func TestSlowConnectionIsDroppedAfterSwitching(t *testing.T) {
	slowSrv, chosenSrv := s3test.StartVersity(t), s3test.StartVersity(t)
	want := chosenSrv.Bucket(t)
	slowSrv.Bucket(t)
	store, err := profiles.Open(t.TempDir(), &guitest.MemKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	p := profiles.Profile{Name: "Chosen", Provider: profiles.ProviderMinIO, Endpoint: chosenSrv.Endpoint,
		Region: "us-east-1", PathStyle: true, Compatibility: true, AccessKeyID: chosenSrv.AccessKey}
	if err := store.Add(context.Background(), p, profiles.Secret{SecretAccessKey: chosenSrv.SecretKey}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Profiles: store,
		Sandbox: func(context.Context) (storage.Config, error) {
			close(started)
			<-release // a sandbox that takes its time
			return slowSrv.Config(), nil
		},
	})
	mw.win.Resize(fyne.NewSize(1120, 720))
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	<-started
	listed := func() bool { // the saved profiles arrive in the background
		defer mw.jobs.Hold()()
		return mw.profiles.Listed("Chosen")
	}
	for deadline := time.Now().Add(time.Minute); !listed(); {
		if time.Now().After(deadline) {
			t.Fatal("saved profile never listed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	release2 := mw.jobs.Hold()
	tapListRow(t, mw.profiles.List(), "Chosen")
	release2()
	close(release)
	settle(t, mw)
	endpoint := ""
	if mw.service() != nil {
		endpoint = mw.service().Endpoint
	}
	if mw.profiles.Current() != "Chosen" || endpoint != chosenSrv.Endpoint {
		t.Fatalf("current %q, connected to %q: the slow sandbox took over", mw.profiles.Current(), endpoint)
	}
	if got := bucketNames(mw.buckets); len(got) != 1 || got[0] != want {
		t.Errorf("buckets %v, want [%s]", got, want)
	}
}
