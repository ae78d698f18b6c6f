package transfers

import (
	"encoding/base64"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/storage"
)

// TestUploadOptionsEncryption: each encryption choice reaches the upload
// options; a bad key, a key ID with spaces and SSE-C with "make public"
// are refused with a sentence; the key is a password entry.
func TestUploadOptionsEncryption(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("t")
	w.Resize(fyne.NewSize(1000, 800))
	var got *ChosenUpload
	u := NewUploadOptionsDialog(w, "b", "p/", func(c ChosenUpload) { got = &c })
	u.AddPaths("/tmp/a.txt")
	enc := u.Encryption
	if enc.Mode.Selected != encDefault || u.UploadButton.Disabled() {
		t.Fatalf("default %q, disabled %v", enc.Mode.Selected, u.UploadButton.Disabled())
	}
	if !enc.Key.Password {
		t.Error("the SSE-C key entry shows the key")
	}
	refused := func(want string) {
		t.Helper()
		if !u.UploadButton.Disabled() || !u.problem.Visible() || !strings.Contains(u.problem.Text, want) {
			t.Fatalf("disabled %v, problem %q, want %q", u.UploadButton.Disabled(), u.problem.Text, want)
		}
	}
	enc.Mode.SetSelected(encKMS)
	enc.KMSKey.SetText("bad key")
	refused("must not contain spaces")
	enc.KMSKey.SetText("alias/reports")
	test.Tap(u.UploadButton)
	if got == nil || got.Opts.Encryption.Mode != storage.SSEKMS || got.Opts.Encryption.KMSKeyID != "alias/reports" {
		t.Fatalf("KMS choice %+v", got)
	}

	u = NewUploadOptionsDialog(w, "b", "p/", func(c ChosenUpload) { got = &c })
	u.AddPaths("/tmp/a.txt")
	enc = u.Encryption
	enc.Mode.SetSelected(encCustomer)
	refused("256-bit key")
	enc.Key.SetText("too short")
	refused("256-bit key")
	key := []byte("0123456789abcdef0123456789ABCDEF")
	enc.Key.SetText(base64.StdEncoding.EncodeToString(key))
	u.Public.SetChecked(true)
	refused("cannot be public")
	u.Public.SetChecked(false)
	if u.UploadButton.Disabled() {
		t.Fatalf("a good key refused: %q", u.problem.Text)
	}
	got = nil
	test.Tap(u.UploadButton)
	if got == nil || got.Opts.Encryption.Mode != storage.SSECustomer || string(got.Opts.Encryption.Key()) != string(key) {
		t.Fatalf("SSE-C choice %+v", got)
	}

	u = NewUploadOptionsDialog(w, "b", "p/", func(c ChosenUpload) { got = &c })
	u.AddPaths("/tmp/a.txt")
	u.Encryption.Mode.SetSelected(encS3)
	test.Tap(u.UploadButton)
	if got.Opts.Encryption.Mode != storage.SSES3 {
		t.Fatalf("SSE-S3 choice %+v", got.Opts.Encryption)
	}
}
