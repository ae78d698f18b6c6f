//go:build realdriver && !ci

// A check with Fyne's real driver (needs a display, e.g. xvfb-run): real
// uploads and downloads on versitygw through the transfers panel, failing if
// Fyne reports a widget touched off the UI goroutine. The test binary does
// not see FyneApp.toml, so Fyne's thread checks are on. Run by
// .ci/checks/50-transfers-thread.sh:
//
//	xvfb-run -a go test -race -tags realdriver -run TestRealDriverTransfers ./gui/
package transfers

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

func TestMain(m *testing.M) {
	a := app.NewWithID("io.s3desk.transfercheck")
	code := make(chan int, 1)
	go func() {
		c := m.Run()
		code <- c
		fyne.Do(a.Quit)
	}()
	a.Run()
	os.Exit(<-code)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRealDriverTransfers(t *testing.T) {
	var logs lockedBuffer
	log.SetOutput(io.MultiWriter(os.Stderr, &logs))
	defer log.SetOutput(os.Stderr)

	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	svc := srv.Service(t)
	src := filepath.Join(t.TempDir(), "folder")
	for i := 0; i < 300; i++ {
		p := filepath.Join(src, fmt.Sprintf("d%d", i%7), fmt.Sprintf("f%03d.txt", i))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		_ = os.WriteFile(p, bytes.Repeat([]byte{byte(i)}, 1000+i), 0o644)
	}
	big := filepath.Join(t.TempDir(), "big.bin")
	_ = os.WriteFile(big, bytes.Repeat([]byte("0123456789abcdef"), 20<<16), 0o644) // 20 MiB

	var p *TransfersPanel
	var w fyne.Window
	fyne.DoAndWait(func() {
		a := fyne.CurrentApp()
		w = a.NewWindow("transfers check")
		p = NewTransfersPanel(w, TransferDeps{Life: t.Context(), Notify: func(title, body string) {
			a.SendNotification(fyne.NewNotification(title, body))
		}})
		w.SetContent(p.CanvasObject())
		w.Resize(fyne.NewSize(900, 400))
		w.Show()
		p.Connect(t.Context(), enginesOf(svc), t.TempDir())
	})
	defer fyne.DoAndWait(w.Hide) // closing the last window would end the app
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute)
		for time.Now().Before(deadline) {
			ok := false
			fyne.DoAndWait(func() { ok = cond() })
			if ok {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("timed out waiting for %s", what)
	}
	done := func(n int) func() bool {
		return func() bool {
			c := 0
			for _, r := range p.view {
				if r.state == transfer.StateDone {
					c++
				} else if r.state.Finished() {
					t.Errorf("%s: %s", r.name, rowInfo(r))
				}
			}
			return c >= n
		}
	}
	waitFor("the engine", func() bool { return p.engine != nil })
	fyne.DoAndWait(func() { p.StartUpload(bucket, "up/", []string{src, big}) })
	waitFor("301 uploads", done(301))
	dest := t.TempDir()
	fyne.DoAndWait(func() {
		p.StartDownload(bucket, []storage.Entry{{Key: "up/", Name: "up/", IsFolder: true}}, dest)
	})
	waitFor("301 downloads", done(602))
	got, _ := os.ReadFile(filepath.Join(dest, "up", "big.bin")) // the folder "up/" itself is downloaded
	want, _ := os.ReadFile(big)
	if !bytes.Equal(got, want) {
		t.Fatal("big.bin differs after the round trip")
	}
	time.Sleep(300 * time.Millisecond)
	if s := logs.String(); strings.Contains(s, "Error in Fyne call thread") {
		t.Fatalf("a widget was touched off the UI goroutine:\n%s", s)
	}
}
