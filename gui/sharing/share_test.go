package sharing

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/ledger"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
)

type shareFixture struct {
	srv    *s3test.Server
	svc    *storage.Service
	bucket string
	sh     *Sharer
	j      *async.Jobs
	led    *ledger.Store
	app    fyne.App
	win    fyne.Window
}

func newShareFixture(t *testing.T) *shareFixture {
	t.Helper()
	f := &shareFixture{srv: s3test.StartVersity(t)}
	f.svc, f.bucket = f.srv.Service(t), f.srv.Bucket(t)
	f.app = test.NewTempApp(t)
	f.win = test.NewTempWindow(t, widget.NewLabel(""))
	f.win.Resize(fyne.NewSize(900, 700))
	f.j = async.New(t.Context())
	t.Cleanup(f.j.Wait)
	var err error
	if f.led, err = ledger.Open(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	f.sh = NewSharer(f.win, f.j, func() ShareStore { return report.New(f.svc) }, func() string { return "test" },
		func() (LinkLedger, error) { return f.led, nil })
	f.sh.conn = func() context.Context { return t.Context() }
	return f
}

// act runs a user action the way the UI goroutine would (serialised with
// background callbacks) and waits for the work it starts.
func (f *shareFixture) act(fn func()) {
	f.j.Do(fn)
	f.j.Wait()
}

func (f *shareFixture) put(t *testing.T, key, body string) storage.Entry {
	t.Helper()
	guitest.PutObject(t, f.srv.Client(t), f.bucket, key, body)
	return storage.Entry{Key: key, Name: key[strings.LastIndex(key, "/")+1:], Size: int64(len(body))}
}

func (f *shareFixture) links(t *testing.T) []ledger.Link {
	t.Helper()
	all, err := f.led.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestShareDialogCopiesPresignedLinkAndRecordsIt(t *testing.T) {
	f := newShareFixture(t)
	e := f.put(t, "reports/q3 + ü.csv", "a,b\n1,2\n")
	var d *ShareDialog
	f.act(func() { d = f.sh.ShowShare(f.bucket, []storage.Entry{e}) })
	if !strings.Contains(d.works.Text, "Works until") || !d.copyBtn.Visible() || d.copyBtn.Disabled() {
		t.Fatalf("before copy: works %q, button disabled %v", d.works.Text, d.copyBtn.Disabled())
	}
	f.act(func() { d.expiry.SetSelected(expiryPresets()[1].label) }) // 1 day
	f.act(func() { d.downloadAs.SetText("Q3.csv") })
	f.act(func() { d.note.SetText("for Ann") })
	f.j.Wait()
	f.act(func() { test.Tap(d.copyBtn) })
	f.j.Wait()
	url := f.app.Clipboard().Content()
	if !strings.HasPrefix(url, f.srv.Endpoint+"/"+f.bucket+"/reports/q3%20%2B%20%C3%BC.csv?") {
		t.Fatalf("clipboard %q", url)
	}
	// The expiry is said once (the bold line), not again in the confirmation;
	// the link is shown whole and readable.
	if !strings.Contains(d.confirm.Text, "Copied the link") || strings.Contains(strings.ToLower(d.confirm.Text), "works until") ||
		!strings.Contains(d.works.Text, "Works until") || !d.copied.Visible() {
		t.Fatalf("confirmation %q (mark shown %v), expiry %q", d.confirm.Text, d.copied.Visible(), d.works.Text)
	}
	if d.link.Text != url || !d.linkBox.Visible() || !d.link.Selectable || d.link.Wrapping != fyne.TextWrapBreak {
		t.Fatalf("link shown as %q (visible %v, selectable %v, wrapping %v)", d.link.Text, d.linkBox.Visible(), d.link.Selectable, d.link.Wrapping)
	}
	if st, body := guitest.HTTP(t, http.MethodGet, url, ""); st != 200 || body != "a,b\n1,2\n" {
		t.Fatalf("GET copied link: %d %q", st, body)
	}
	links := f.links(t)
	if len(links) != 1 || links[0].URL != url || links[0].Kind != ledger.Presigned || links[0].Note != "for Ann" || links[0].Profile != "test" {
		t.Fatalf("ledger %+v", links)
	}
	if d := links[0].Expires.Sub(links[0].Created); d != 24*time.Hour {
		t.Fatalf("recorded expiry %v after creation", d)
	}
}

func TestShareDialogRefusesMoreThanSevenDays(t *testing.T) {
	f := newShareFixture(t)
	e := f.put(t, "x.txt", "x")
	var d *ShareDialog
	f.act(func() { d = f.sh.ShowShare(f.bucket, []storage.Entry{e}) })
	f.act(func() { d.expiry.SetSelected(expiryPresets()[len(expiryPresets())-1].label) })
	if !d.custom.Visible() {
		t.Fatal("custom expiry entry hidden")
	}
	for _, c := range []struct{ in, want string }{
		{"8d", "at most 7 days (604,800 seconds)"},
		{"604801s", "at most 7 days"},
		{"0", "longer than zero"},
		{"soon", "not a duration"},
	} {
		f.act(func() { d.custom.SetText(c.in) })
		f.j.Wait()
		if !d.problem.Visible() || !strings.Contains(d.problem.Text, c.want) || !d.copyBtn.Disabled() {
			t.Fatalf("%q: message %q (visible %v), copy disabled %v", c.in, d.problem.Text, d.problem.Visible(), d.copyBtn.Disabled())
		}
	}
	before := f.app.Clipboard().Content()
	f.act(func() { test.Tap(d.copyBtn) })
	f.j.Wait()
	if f.app.Clipboard().Content() != before || len(f.links(t)) != 0 {
		t.Fatal("a refused expiry still copied a link")
	}
	f.act(func() { d.custom.SetText("1d 12h") })
	f.j.Wait()
	if d.problem.Visible() || d.copyBtn.Disabled() || !strings.Contains(d.works.Text, "Works until") {
		t.Fatalf("36h refused: %q", d.problem.Text)
	}
	f.act(func() { test.Tap(d.copyBtn) })
	f.j.Wait()
	if l := f.links(t); len(l) != 1 || l[0].Expires.Sub(l[0].Created) != 36*time.Hour {
		t.Fatalf("ledger %+v", l)
	}
}

func TestShareDialogUploadLinkAndPublicCheck(t *testing.T) {
	f := newShareFixture(t)
	e := f.put(t, "inbox/", "")
	e.IsFolder = true
	var d *ShareDialog
	f.act(func() { d = f.sh.ShowShare(f.bucket, []storage.Entry{e}) })
	f.act(func() { d.kind.SetSelected(shareUpload) })
	f.act(func() { d.uploadKey.SetText("inbox/from-bob.txt") })
	f.j.Wait()
	f.act(func() { test.Tap(d.copyBtn) })
	f.j.Wait()
	url := f.app.Clipboard().Content()
	if st, body := guitest.HTTP(t, http.MethodPut, url, "hello from bob"); st != 200 {
		t.Fatalf("PUT: %d %s", st, body)
	}
	if l := f.links(t); len(l) != 1 || l[0].Kind != ledger.Upload || l[0].Key != "inbox/from-bob.txt" {
		t.Fatalf("ledger %+v", l)
	}

	// A public link for a private file is refused after the anonymous check.
	pf := f.put(t, "private.txt", "secret")
	var d2 *ShareDialog
	f.act(func() { d2 = f.sh.ShowShare(f.bucket, []storage.Entry{pf}) })
	f.act(func() { d2.kind.SetSelected(sharePublic) })
	f.j.Wait()
	f.act(func() { test.Tap(d2.copyBtn) })
	f.j.Wait()
	if f.app.Clipboard().Content() != url || !strings.Contains(d2.problem.Text, "Nobody without credentials") {
		t.Fatalf("private file: clipboard changed or message %q", d2.problem.Text)
	}
	if !d2.publicBtn.Visible() {
		t.Fatal("no Make public button offered")
	}
}

func TestMakePublicAsksConsentThenCopiesCheckedURL(t *testing.T) {
	f := newShareFixture(t)
	e := f.put(t, "pub/a b+c.txt", "hello")
	f.act(func() { f.sh.MakePublic(f.bucket, []storage.Entry{e}, true) })
	f.j.Wait()
	top := f.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no consent dialog")
	}
	f.act(func() { guitest.TapButton(t, top, "Add statement") })
	f.j.Wait()
	url := f.app.Clipboard().Content()
	if st, body := guitest.HTTP(t, http.MethodGet, url, ""); st != 200 || body != "hello" {
		t.Fatalf("copied public URL %q: %d %q", url, st, body)
	}
	if l := f.links(t); len(l) != 1 || l[0].Kind != ledger.Public || l[0].URL != url {
		t.Fatalf("ledger %+v", l)
	}
	f.act(func() { f.sh.MakePublic(f.bucket, []storage.Entry{e}, false) })
	f.j.Wait()
	if st, _ := guitest.HTTP(t, http.MethodGet, url, ""); st != 403 {
		t.Fatalf("after Make private: %d", st)
	}
}

func TestLinksViewCountdownsAndCopyAgain(t *testing.T) {
	f := newShareFixture(t)
	ctx := context.Background()
	now := time.Now()
	if _, err := f.led.Add(ctx, ledger.Link{Kind: ledger.Presigned, Bucket: "b", Key: "old.txt", URL: "http://x/old", Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.led.Add(ctx, ledger.Link{Kind: ledger.Presigned, Bucket: "b", Key: "new.txt", URL: "http://x/new", Created: now, Expires: now.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var v *LinksView
	f.act(func() { v = f.sh.NewLinksView(); f.win.SetContent(v.CanvasObject()) })
	if len(v.links) != 2 {
		t.Fatalf("%d links", len(v.links))
	}
	row := v.newRow()
	v.updateRow(0, row) // newest first: new.txt
	detail := row.(*fyne.Container).Objects[0].(*fyne.Container).Objects[1].(*widget.Label)
	again := row.(*fyne.Container).Objects[2].(*fyne.Container).Objects[0].(*widget.Button)
	if !strings.Contains(detail.Text, "expires in 2 h 59 min") && !strings.Contains(detail.Text, "expires in 3 h 0 min") {
		t.Fatalf("countdown %q", detail.Text)
	}
	f.act(func() { test.Tap(again) })
	if f.app.Clipboard().Content() != "http://x/new" || !strings.Contains(v.status.Text, "Copied") {
		t.Fatalf("copy again: %q / %q", f.app.Clipboard().Content(), v.status.Text)
	}
	v.updateRow(1, row)
	if !strings.HasPrefix(detail.Text, "EXPIRED 1 h 0 min ago") || !again.Disabled() {
		t.Fatalf("expired row %q, copy disabled %v", detail.Text, again.Disabled())
	}
	f.act(func() { v.forgetExpired() })
	f.j.Wait()
	if len(v.links) != 1 || v.links[0].Key != "new.txt" {
		t.Fatalf("after forgetting expired: %+v", v.links)
	}
	if !strings.Contains(linksHonestNote, "cannot be revoked") {
		t.Fatal("honest note missing")
	}
	f.act(func() { v.StartCountdown(10 * time.Millisecond) })
	time.Sleep(50 * time.Millisecond)
	f.act(func() { v.StopCountdown() })
}

func TestPublishDialogPreviewThenPublish(t *testing.T) {
	f := newShareFixture(t)
	f.put(t, "site/a.txt", "alpha")
	f.put(t, "site/<script>.txt", "beta")
	f.put(t, "elsewhere.txt", "no")
	var d *PublishDialog
	f.act(func() { d = f.sh.ShowPublish(f.bucket, "site/") })
	if !d.publish.Disabled() {
		t.Fatal("publish enabled before the preview")
	}
	f.act(func() { test.Tap(d.preview) })
	f.j.Wait()
	if len(d.page.Items) != 2 || d.publish.Disabled() || !strings.Contains(d.summary.Text, "2 files") || !strings.Contains(d.summary.Text, "stop working") {
		t.Fatalf("preview: %d items, summary %q", len(d.page.Items), d.summary.Text)
	}
	if !strings.Contains(d.source.Text, "&lt;script&gt;.txt") {
		t.Fatal("preview source does not escape the key")
	}
	f.act(func() { test.Tap(d.publish) })
	f.j.Wait()
	url := f.app.Clipboard().Content()
	st, body := guitest.HTTP(t, http.MethodGet, url, "")
	if st != 200 || !strings.Contains(body, "a.txt</a>") {
		t.Fatalf("page via copied link %q: %d %.100q", url, st, body)
	}
	if !strings.Contains(d.result.Text, "Published site/index.html") {
		t.Fatalf("result %q", d.result.Text)
	}
	if l := f.links(t); len(l) != 1 || l[0].Kind != ledger.IndexPage {
		t.Fatalf("ledger %+v", l)
	}

	// Public links: the folder is made public after consent; the page's
	// address is checked before it is copied.
	f.act(func() { d.links.SetSelected(publishPublic) })
	f.act(func() { test.Tap(d.preview) })
	f.j.Wait()
	f.act(func() { test.Tap(d.publish) })
	f.j.Wait()
	f.act(func() { guitest.TapButton(t, f.win.Canvas().Overlays().Top(), "Add statement") })
	f.j.Wait()
	url = f.app.Clipboard().Content()
	if st, body := guitest.HTTP(t, http.MethodGet, url, ""); st != 200 || !strings.Contains(body, "a.txt</a>") || strings.Contains(url, "X-Amz") {
		t.Fatalf("public page %q: %d", url, st)
	}
}
