package transfers

import (
	"s3desk/gui/internal/guitest"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestUploadOptionsValidation(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("t")
	w.Resize(fyne.NewSize(1000, 760))
	var got *ChosenUpload
	u := NewUploadOptionsDialog(w, "b", "p/", func(c ChosenUpload) { got = &c })
	if !u.UploadButton.Disabled() {
		t.Fatal("Upload is enabled with no file chosen")
	}
	u.AddPaths("/tmp/a.txt", "/tmp/a.txt", "/tmp/b.txt")
	if len(u.paths) != 2 || u.UploadButton.Disabled() {
		t.Fatalf("paths %v, disabled %v", u.paths, u.UploadButton.Disabled())
	}
	u.removePath("/tmp/a.txt")
	if len(u.paths) != 1 || u.paths[0] != "/tmp/b.txt" {
		t.Fatalf("after remove: %v", u.paths)
	}
	for _, c := range []struct{ ctype, cache, key, val, want string }{
		{"text html", "", "", "", "not a media type"},
		{"", "max-age=1\r\nx: y", "", "", "Cache-Control"},
		{"", "", "bad key", "v", "only ASCII letters, digits and -"},
		{"", "", "ünï", "v", "only ASCII letters"},
		{"", "", "", "v", "key is empty"},
		{"", "", "k", "é", "plain ASCII"},
		{"", "", "k", strings.Repeat("x", 3000), "S3 allows 2048"},
	} {
		u.ContentType.SetText(c.ctype)
		u.CacheControl.SetText(c.cache)
		for len(u.meta) > 0 {
			u.metaBox.Remove(u.meta[0].box)
			u.meta = u.meta[1:]
		}
		u.AddMeta(c.key, c.val)
		if !u.UploadButton.Disabled() || !u.problem.Visible() || !strings.Contains(u.problem.Text, c.want) {
			t.Fatalf("%+v: disabled %v, problem %q", c, u.UploadButton.Disabled(), u.problem.Text)
		}
	}
	u.ContentType.SetText("text/html; charset=utf-8")
	u.CacheControl.SetText("public, max-age=60")
	u.meta[0].key.SetText("Owner-Id")
	u.meta[0].value.SetText("ann 42")
	u.AddMeta("owner-id", "dup")
	if len(u.meta) != 2 || !strings.Contains(u.problem.Text, "twice") {
		t.Fatalf("duplicate key: %d rows, %q", len(u.meta), u.problem.Text)
	}
	u.meta[1].key.SetText("") // a blank row is ignored
	u.meta[1].value.SetText("")
	u.Public.SetChecked(true)
	if u.UploadButton.Disabled() || u.problem.Visible() {
		t.Fatalf("valid input refused: %q", u.problem.Text)
	}
	guitest.Shot(t, w.Canvas(), "upload_options.png")
	test.Tap(u.UploadButton)
	if got == nil {
		t.Fatal("Upload did not hand over the choices")
	}
	if got.Opts.ContentType != "text/html; charset=utf-8" || got.Opts.CacheControl != "public, max-age=60" ||
		len(got.Opts.Metadata) != 1 || got.Opts.Metadata["owner-id"] != "ann 42" || !got.Public || len(got.Paths) != 1 {
		t.Fatalf("choices %+v", *got)
	}
}
