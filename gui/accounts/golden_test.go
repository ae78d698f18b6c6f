package accounts

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"s3desk/gui/async"
	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/profiles"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// golden compares the canvas with testdata/name (markup). With
// S3DESK_SHOTS=dir it also saves a PNG of the screen there, to look at.
func golden(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	test.AssertRendersToMarkup(t, name, c)
	if dir := os.Getenv("S3DESK_SHOTS"); dir != "" {
		f, err := os.Create(filepath.Join(dir, strings.TrimSuffix(name, ".xml")+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, c.Capture()); err != nil {
			t.Fatal(err)
		}
	}
}

// fixedBuckets are the buckets the golden screens show.
func fixedBuckets() []storage.Bucket {
	// Noon local time: the panel shows local dates, and TZ differs between
	// machines (at UTC+14 noon UTC is already the next day).
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 12, 0, 0, 0, time.Local) }
	return []storage.Bucket{
		{Name: "photos-2024", Region: "eu-west-1", Created: day(3, 1)},
		{Name: "backups", Region: "us-east-1", Created: day(1, 15)},
		{Name: "website-assets", Created: day(6, 30)},
	}
}

// usageBuckets answers Usage with a fixed count, for the delete dialog.
type usageBuckets struct {
	fakeBuckets
	usage storage.Usage
}

func (u *usageBuckets) Usage(context.Context, string, string, func(storage.Usage)) (storage.Usage, error) {
	return u.usage, nil
}

func TestGoldenBucketsPanel(t *testing.T) {
	v, j, w := newBucketsOnly(t)
	w.Resize(fyne.NewSize(300, 360))
	v.SetStore(&fakeBuckets{list: fixedBuckets()})
	j.Wait()
	v.Select("photos-2024")
	golden(t, "buckets_panel.xml", w.Canvas())

	v.SetStore(&fakeBuckets{})
	j.Wait()
	golden(t, "buckets_empty.xml", w.Canvas())
}

func TestGoldenBucketDialogs(t *testing.T) {
	v, j, w := newBucketsOnly(t)
	w.Resize(fyne.NewSize(720, 480))
	v.SetStore(&usageBuckets{fakeBuckets: fakeBuckets{list: fixedBuckets()}, usage: storage.Usage{Objects: 12345, Bytes: 3 << 30}})
	j.Wait()

	test.Tap(v.addBtn)
	test.Type(v.create.name, "My_Bucket")
	golden(t, "bucket_create_invalid.xml", w.Canvas())
	v.create.dlg.Hide()

	v.Select("backups")
	test.Tap(v.delBtn)
	j.Wait()
	golden(t, "bucket_delete_full.xml", w.Canvas())
	test.Tap(v.del.cancel)
}

func TestGoldenProfileForm(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	j := async.New(t.Context())
	t.Cleanup(j.Wait)
	store, err := profiles.Open(t.TempDir(), &guitest.MemKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	v := NewProfilesView(w, &testStatus{}, j, store,
		func(context.Context) ([]profiles.ImportCandidate, error) {
			return []profiles.ImportCandidate{{Name: "work-sso", Region: "eu-central-1", Kind: "SSO"}}, nil
		})
	j.Wait() // the constructor starts reading the profiles
	w.SetContent(v.CanvasObject())
	w.Resize(fyne.NewSize(760, 760))
	if names := v.Names(); len(names) != 2 || names[1] != "work-sso" {
		t.Fatalf("rows %v: want the sandbox and the ~/.aws candidate", names)
	}
	golden(t, "profiles_list.xml", w.Canvas())

	test.Tap(v.addBtn)
	test.Type(v.form.name, "Cloudflare")
	v.form.provider.SetSelected(guitest.PresetLabel(t, profiles.ProviderR2))
	golden(t, "profile_form_r2.xml", w.Canvas())
}
