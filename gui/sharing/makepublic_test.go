package sharing

import (
	"context"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
	"s3desk/storage/ledger"
	"s3desk/storage/report"
	"s3desk/storage/share"
)

// slowFolderStore makes a folder of 200 files public one file every 5 ms,
// reporting progress, until its context ends; then it says how long it
// took to notice.
type slowFolderStore struct {
	ShareStore
	calls    atomic.Int64
	progress atomic.Int64
	ctxDone  chan time.Time
}

func (s *slowFolderStore) MakePublic(ctx context.Context, bucket, target string, opts share.PublicOptions) (share.PublicResult, error) {
	s.calls.Add(1)
	for i := int64(1); i <= 200; i++ {
		select {
		case <-ctx.Done():
			s.ctxDone <- time.Now()
			return share.PublicResult{}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if opts.Progress != nil {
			opts.Progress(i, 200)
		}
		s.progress.Add(1)
	}
	return share.PublicResult{Bucket: bucket, Target: target, Method: share.PublicByACL, Objects: 200}, nil
}

// dialogTexts are the label texts and the progress bar of the top overlay.
func dialogParts(t *testing.T, w fyne.Window) (texts []string, bar *widget.ProgressBar, cancel *widget.Button) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	for _, x := range test.LaidOutObjects(top) {
		switch o := x.(type) {
		case *widget.Label:
			texts = append(texts, o.Text)
		case *widget.ProgressBar:
			bar = o
		case *widget.Button:
			if o.Text == "Cancel" {
				cancel = o
			}
		}
	}
	return texts, bar, cancel
}

// Make public on a folder shows N of M files on a progress bar, and Cancel
// stops the work (its context ends) at once; the dialog says what happened.
func TestMakePublicFolderProgressAndCancel(t *testing.T) {
	f := newShareFixture(t)
	slow := &slowFolderStore{ShareStore: report.New(f.svc), ctxDone: make(chan time.Time, 4)}
	f.sh.store = func() ShareStore { return slow }
	f.j.Do(func() { f.sh.MakePublic(f.bucket, []storage.Entry{{Key: "big/", Name: "big/", IsFolder: true}}, true) })

	// Progress arrives while the work runs (the UI is not blocked).
	var bar *widget.ProgressBar
	var cancel *widget.Button
	var texts []string
	var value float64
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f.j.Do(func() {
			if texts, bar, cancel = dialogParts(t, f.win); bar != nil {
				value = bar.Value
			}
		})
		if value > 0.05 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if bar == nil || cancel == nil || value <= 0.05 {
		t.Fatalf("no progress bar with Cancel moving: %v %v %q", bar, cancel, texts)
	}
	if !strings.Contains(strings.Join(texts, "\n"), " of 200 files") {
		t.Fatalf("dialog text %q", texts)
	}
	tapped := time.Now()
	f.j.Do(func() { test.Tap(cancel) })
	select {
	case at := <-slow.ctxDone:
		if d := at.Sub(tapped); d > time.Second {
			t.Fatalf("the work noticed Cancel after %v", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Cancel did not end the work's context")
	}
	f.j.Wait()
	if n := slow.progress.Load(); n >= 200 {
		t.Fatalf("ran to the end (%d) despite Cancel", n)
	}
	texts, _, _ = dialogParts(t, f.win)
	if got := strings.Join(texts, "\n"); !strings.Contains(got, "stopped (cancelled)") || !strings.Contains(got, "put back") {
		t.Fatalf("outcome %q", got)
	}
}

// The work runs beneath the connection's context: switching account (its
// end) stops it too.
func TestMakePublicStopsWithTheConnection(t *testing.T) {
	f := newShareFixture(t)
	slow := &slowFolderStore{ShareStore: report.New(f.svc), ctxDone: make(chan time.Time, 4)}
	f.sh.store = func() ShareStore { return slow }
	conn, end := context.WithCancel(t.Context())
	f.sh.conn = func() context.Context { return conn }
	f.j.Do(func() { f.sh.MakePublic(f.bucket, []storage.Entry{{Key: "big/"}, {Key: "big2/"}}, true) })
	time.Sleep(50 * time.Millisecond)
	end()
	select {
	case <-slow.ctxDone:
	case <-time.After(2 * time.Second):
		t.Fatal("the connection's end did not reach Make public")
	}
	f.j.Wait()
	if n := slow.calls.Load(); n != 1 {
		t.Fatalf("%d targets started after the connection ended", n)
	}
	texts, _, _ := dialogParts(t, f.win)
	if got := strings.Join(texts, "\n"); !strings.Contains(got, "big2/: not started") {
		t.Fatalf("outcome %q", got)
	}
}

// A failed undo is shown in full, naming what is still public.
func TestMakePublicShowsWhatIsStillPublic(t *testing.T) {
	f := newShareFixture(t)
	still := &share.StillPublicError{Bucket: f.bucket, Target: "f/", Keys: []string{"f/b", "f/e"},
		Msg: `Making the files in the folder "f/" public did not complete (x), and putting back the previous access failed for 2 objects, so anyone may still read: "f/b", "f/e"`}
	f.sh.store = func() ShareStore { return stillStore{report.New(f.svc), still} }
	f.act(func() { f.sh.MakePublic(f.bucket, []storage.Entry{{Key: "f/"}}, true) })
	texts, _, _ := dialogParts(t, f.win)
	if got := strings.Join(texts, "\n"); !strings.Contains(got, "STILL PUBLIC") || !strings.Contains(got, `"f/b", "f/e"`) {
		t.Fatalf("outcome %q", got)
	}
}

type stillStore struct {
	ShareStore
	err error
}

func (s stillStore) MakePublic(context.Context, string, string, share.PublicOptions) (share.PublicResult, error) {
	return share.PublicResult{}, s.err
}

// sessionStore is connected with temporary credentials holding token.
type sessionStore struct {
	ShareStore
	token string
}

func (s sessionStore) Credentials(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s", SessionToken: s.token}, nil
}

// A link made with temporary credentials is kept without its token; Copy
// again completes it while the app holds that session, and says plainly
// that it needs the session otherwise.
func TestLinksCopyAgainNeedsTheSession(t *testing.T) {
	f := newShareFixture(t)
	const tok = "FQoGZXIvYXdzEJr//////////wEaDA+tok=="
	raw := "http://x/b/k.txt?X-Amz-Date=20260101T000000Z&X-Amz-Security-Token=" + url.QueryEscape(tok) + "&X-Amz-Signature=ab"
	if _, err := f.led.Add(t.Context(), ledger.Link{Kind: ledger.Presigned, Profile: "work", Bucket: "b", Key: "k.txt", URL: raw,
		Created: time.Now(), Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	f.sh.store = func() ShareStore { return sessionStore{report.New(f.svc), "another session"} }
	var v *LinksView
	f.act(func() { v = f.sh.NewLinksView(); f.win.SetContent(v.CanvasObject()) })
	row := v.newRow()
	v.updateRow(0, row)
	detail := row.(*fyne.Container).Objects[0].(*fyne.Container).Objects[1].(*widget.Label)
	again := row.(*fyne.Container).Objects[2].(*fyne.Container).Objects[0].(*widget.Button)
	if !strings.Contains(detail.Text, "needs the session") {
		t.Fatalf("detail %q", detail.Text)
	}
	f.app.Clipboard().SetContent("before")
	f.act(func() { test.Tap(again) })
	if f.app.Clipboard().Content() != "before" || !strings.Contains(v.status.Text, "session") {
		t.Fatalf("another session: clipboard %q, status %q", f.app.Clipboard().Content(), v.status.Text)
	}
	f.sh.store = func() ShareStore { return sessionStore{report.New(f.svc), tok} }
	f.act(func() { test.Tap(again) })
	got, err := url.Parse(f.app.Clipboard().Content())
	if err != nil || got.Query().Get("X-Amz-Security-Token") != tok || got.Query().Get("X-Amz-Signature") != "ab" {
		t.Fatalf("same session: clipboard %q, status %q", f.app.Clipboard().Content(), v.status.Text)
	}
}
