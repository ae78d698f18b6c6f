package gui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/profiles"
	"s3desk/storage/s3test"
)

// deniedListing is versitygw behind the fault proxy, which answers
// AccessDenied to ListBuckets only; every other request reaches the
// server. versitygw v1.8.0's own IAM cannot give a real deny: with
// --iam-dir, an account of role "user" gets ListBuckets 200 with only the
// buckets it owns (none), never AccessDenied (checked by hand with
// `versitygw admin create-user --role user`), and a bucket policy cannot
// cover s3:ListAllMyBuckets, which is not a bucket action.
func deniedListing(t *testing.T) (*s3test.Server, *s3test.Faults) {
	t.Helper()
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: s3test.Op("ListBuckets"), Fault: s3test.Fault{Status: http.StatusForbidden, Code: "AccessDenied"}})
	return srv, f
}

// saveProfile saves a profile that connects to srv with its keys.
func saveProfile(t *testing.T, store *profiles.Store, name string, srv *s3test.Server, edit func(*profiles.Profile)) {
	t.Helper()
	p := profiles.Profile{Name: name, Provider: profiles.ProviderOther, Endpoint: srv.Endpoint, Region: srv.Region,
		PathStyle: true, Compatibility: true, AccessKeyID: srv.AccessKey}
	if edit != nil {
		edit(&p)
	}
	if err := store.Add(t.Context(), p, profiles.Secret{SecretAccessKey: srv.SecretKey}); err != nil {
		t.Fatal(err)
	}
}

// profileWindow opens a main window on app a over store, starting with the
// profile start.
func profileWindow(t *testing.T, a fyne.App, store *profiles.Store, sandbox *s3test.Server, start string) *MainWindow {
	t.Helper()
	deps := Deps{Profiles: store, StartProfile: start}
	if sandbox != nil {
		deps.Sandbox = func(context.Context) (storage.Config, error) { return sandbox.Config(), nil }
	}
	mw := NewMainWindow(t.Context(), a, deps)
	mw.win.Resize(fyne.NewSize(1120, 720))
	t.Cleanup(func() { mw.wait(); closeIfOpen(a, mw.win) })
	settle(t, mw)
	return mw
}

// An account that may not list its buckets: the buckets view says so,
// "Open a bucket by name…" opens bucket/folder, the profile remembers the
// bucket, and the next connection lists it and opens the default bucket.
func TestOpenBucketByNameWhenListingIsDenied(t *testing.T) {
	srv, faults := deniedListing(t)
	c := srv.Client(t)
	reports, other := srv.Bucket(t), srv.Bucket(t)
	guitest.PutObject(t, c, reports, "2026/q1/a.csv", "a,b\n1,2\n")
	guitest.PutObject(t, c, reports, "top.txt", "x")
	guitest.PutObject(t, c, other, "inside/o.txt", "o")

	store, err := profiles.Open(t.TempDir(), &guitest.MemKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	saveProfile(t, store, "Reader", faults.Server(), nil)
	mw := profileWindow(t, test.NewTempApp(t), store, nil, "Reader")
	if mw.service() == nil {
		t.Fatalf("not connected: %q", mw.buckets.Message().Text)
	}
	if faults.Hit("ListBuckets") == 0 {
		t.Fatal("the proxy refused no ListBuckets")
	}
	onUI(mw, func() {
		if !mw.buckets.Denied() {
			t.Fatalf("not in the refused state; message %q", mw.buckets.Message().Text)
		}
		msg := mw.buckets.Message().Text
		if !strings.Contains(msg, "access denied") || !strings.Contains(msg, "bucket's name") || strings.Contains(msg, "ListBuckets") {
			t.Errorf("message not in plain words: %q", msg)
		}
		if !mw.buckets.ByNameButton().Visible() {
			t.Fatal("no Open a bucket by name… button")
		}
		test.Tap(mw.buckets.ByNameButton())
	})
	entry, _, _ := mw.buckets.ByNameDialog()
	if entry == nil {
		t.Fatal("no dialog")
	}
	onUI(mw, func() {
		test.Type(entry, "my bucket")
		if entry.Validate() == nil {
			t.Error("a name with a space passed")
		}
		entry.SetText("")
		test.Type(entry, "s3://"+reports+"/2026")
		entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	settle(t, mw)
	onUI(mw, func() {
		if b, p := mw.objects.Bucket(), mw.objects.Prefix(); b != reports || p != "2026/" {
			t.Fatalf("open %q %q, want %q 2026/", b, p, reports)
		}
		if !mw.objects.Listed("2026/q1/") {
			t.Error("the folder's listing (through the proxy) does not show q1/")
		}
		if got := bucketNames(mw.buckets); !slices.Equal(got, []string{reports}) {
			t.Errorf("side panel %v, want the bucket opened by name", got)
		}
	})
	mw.wait()
	p, err := store.Get(t.Context(), "Reader")
	if err != nil || !slices.Equal(p.OpenedBuckets, []string{reports}) {
		t.Fatalf("profile remembers %v (%v)", p.OpenedBuckets, err)
	}

	// A default bucket and folder, set in the profile, open at connect; the
	// bucket opened by name is listed beside it.
	p.DefaultBucket, p.DefaultPrefix = other, "inside/"
	if err := store.Update(t.Context(), "Reader", p, nil); err != nil {
		t.Fatal(err)
	}
	mw2 := profileWindow(t, test.NewTempApp(t), store, nil, "Reader")
	onUI(mw2, func() {
		if b, p := mw2.objects.Bucket(), mw2.objects.Prefix(); b != other || p != "inside/" {
			t.Fatalf("at connect: open %q %q, want %q inside/", b, p, other)
		}
		if !mw2.objects.Listed("inside/o.txt") {
			t.Error("the default folder is not listed")
		}
		got := bucketNames(mw2.buckets)
		slices.Sort(got)
		want := []string{reports, other}
		slices.Sort(want)
		if !slices.Equal(got, want) || mw2.buckets.Selected() != other {
			t.Errorf("side panel %v (selected %q), want %v with %q selected", got, mw2.buckets.Selected(), want, other)
		}
		// Forget drops it from the list and the profile.
		rightClickRow(t, mw2.buckets.List(), reports)
		tapMenuItem(t, mw2.win.Canvas(), "Forget this bucket")
	})
	mw2.wait()
	if p, _ := store.Get(t.Context(), "Reader"); slices.Contains(p.OpenedBuckets, reports) {
		t.Errorf("forgotten bucket still in the profile: %v", p.OpenedBuckets)
	}
}

// A profile whose default folder is set opens there even when the account
// may list its buckets (and only one bucket would open by itself).
func TestDefaultBucketOpensAtConnect(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b, "deep/down/f.txt", "f")
	store, err := profiles.Open(t.TempDir(), &guitest.MemKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	saveProfile(t, store, "Work", srv, func(p *profiles.Profile) { p.DefaultBucket, p.DefaultPrefix = b, "deep/down" })
	mw := profileWindow(t, test.NewTempApp(t), store, nil, "Work")
	onUI(mw, func() {
		if mw.buckets.Denied() {
			t.Fatal("refused state without a refusal")
		}
		if got, p := mw.objects.Bucket(), mw.objects.Prefix(); got != b || p != "deep/down/" || !mw.objects.Listed("deep/down/f.txt") {
			t.Fatalf("open %q %q", got, p)
		}
	})
}
