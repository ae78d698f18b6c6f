package accounts

import (
	"context"
	"s3desk/gui/internal/guitest"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/storage/profiles"
)

// newFormView is a profiles view on a temporary store, in a test window.
func newFormView(t *testing.T) (*ProfilesView, *profiles.Store, *async.Jobs) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	j := async.New(t.Context())
	t.Cleanup(j.Wait)
	store, err := profiles.Open(t.TempDir(), &guitest.MemKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	v := NewProfilesView(w, &testStatus{}, j, store, nil)
	j.Wait()
	w.SetContent(v.CanvasObject())
	w.Resize(fyne.NewSize(900, 800))
	return v, store, j
}

// formLabels are the row labels of the profile form as shown.
func formLabels(f *profileForm) []string {
	var out []string
	for _, it := range f.formBox.Objects[0].(*widget.Form).Items {
		out = append(out, it.Text)
	}
	return out
}

func hasLabel(labels []string, s string) bool {
	for _, l := range labels {
		if l == s {
			return true
		}
	}
	return false
}

func TestProfileFormR2AccountIDFillsTheEndpoint(t *testing.T) {
	v, _, _ := newFormView(t)
	test.Tap(v.addBtn)
	f := v.form
	test.Type(f.name, "R2")
	f.provider.SetSelected(guitest.PresetLabel(t, profiles.ProviderAWS))
	if hasLabel(formLabels(f), "Account ID") {
		t.Fatalf("Amazon S3 form asks for an account ID: %v", formLabels(f))
	}
	f.provider.SetSelected(guitest.PresetLabel(t, profiles.ProviderR2))
	if !hasLabel(formLabels(f), "Account ID") {
		t.Fatalf("R2 form has no Account ID row: %v", formLabels(f))
	}
	if f.endpoint.Text != "" || !strings.Contains(f.message.Text, "account ID") || !f.saveBtn.Disabled() {
		t.Fatalf("empty R2 form: endpoint %q, message %q", f.endpoint.Text, f.message.Text)
	}

	// Typing the account ID writes the endpoint, character by character.
	const id = "4f0c2e5a9d1b7386e2c4a8f01b3d5e7c"
	test.Type(f.account, id)
	want := "https://" + id + ".r2.cloudflarestorage.com"
	if f.endpoint.Text != want {
		t.Fatalf("endpoint %q, want %q", f.endpoint.Text, want)
	}
	if strings.Contains(f.message.Text, "account ID") {
		t.Errorf("message %q after a whole account ID", f.message.Text)
	}
	// A short ID is warned about, not silently used.
	f.account.SetText("4f0c2e5a")
	if !strings.Contains(f.message.Text, "32 characters") || f.endpoint.Text != "https://4f0c2e5a.r2.cloudflarestorage.com" {
		t.Errorf("short ID: endpoint %q, message %q", f.endpoint.Text, f.message.Text)
	}

	// An endpoint of the user's own (EU jurisdiction) shows its account
	// ID, and editing the ID keeps the user's host.
	f.endpoint.SetText("https://0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com")
	if f.account.Text != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("account ID of a typed endpoint: %q", f.account.Text)
	}
	f.account.SetText(id)
	if f.endpoint.Text != "https://"+id+".eu.r2.cloudflarestorage.com" {
		t.Fatalf("editing the ID of an EU endpoint gave %q", f.endpoint.Text)
	}

	// A pasted endpoint URL in the Account ID field becomes the endpoint.
	f.endpoint.SetText("")
	f.account.SetText("https://" + id + ".r2.cloudflarestorage.com")
	if f.account.Text != id || f.endpoint.Text != want {
		t.Fatalf("pasted URL: account %q, endpoint %q", f.account.Text, f.endpoint.Text)
	}

	// Switching to B2 replaces the endpoint the form filled in and hides
	// the row.
	f.provider.SetSelected(guitest.PresetLabel(t, profiles.ProviderB2))
	if hasLabel(formLabels(f), "Account ID") || !strings.Contains(f.endpoint.Text, "backblazeb2.com") {
		t.Errorf("B2: rows %v, endpoint %q", formLabels(f), f.endpoint.Text)
	}
}

func TestProfileFormEditR2ShowsAccountID(t *testing.T) {
	v, store, j := newFormView(t)
	const id = "4f0c2e5a9d1b7386e2c4a8f01b3d5e7c"
	p := profiles.Profile{Name: "Cloudflare", Provider: profiles.ProviderR2, Region: "auto", PathStyle: true, Compatibility: true,
		Endpoint: "https://" + id + ".r2.cloudflarestorage.com", AccessKeyID: "e2c4a8f01b3d5e7c4f0c2e5a9d1b7386"}
	if err := store.Add(context.Background(), p, profiles.Secret{SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	v.ShowForm(&p)
	j.Wait()
	f := v.form
	if f.account.Text != id || !hasLabel(formLabels(f), "Account ID") || f.endpoint.Text != p.Endpoint {
		t.Fatalf("edit form: account %q, rows %v, endpoint %q", f.account.Text, formLabels(f), f.endpoint.Text)
	}
	// The whole endpoint fits its field.
	if need := fyne.MeasureText(p.Endpoint, f.endpoint.Theme().Size("text"), fyne.TextStyle{}).Width; f.endpoint.Size().Width < need+16 {
		t.Errorf("endpoint field %.0f px wide, the endpoint needs %.0f", f.endpoint.Size().Width, need)
	}
	// The provider's help is ordinary, readable text.
	if f.help.Importance != widget.MediumImportance || f.help.SizeName != "" || f.help.Wrapping != fyne.TextWrapWord {
		t.Errorf("help label: importance %v, size %q, wrapping %v", f.help.Importance, f.help.SizeName, f.help.Wrapping)
	}
}
