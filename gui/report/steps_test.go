package report

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/storage"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
)

// waitPrompt waits until the wizard asks about a header mismatch.
func waitPrompt(t *testing.T, j *async.Jobs, w *Wizard) *mismatchPrompt {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		release := j.Hold()
		p := w.combine.ask
		release()
		if p != nil {
			return p
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no header-mismatch prompt")
	return nil
}

func TestWizardHeaderMismatchSkipOrStop(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	plantSample(t, svc, b)
	odd := "service,total\nwrong,9\n"
	if err := svc.Put(t.Context(), b, "22_Sept/requests_2022-09-10.csv", strings.NewReader(odd), int64(len(odd)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	j := async.New(t.Context())
	var w *Wizard
	ui(j, func() {
		w = Open(a, testStore{Service: report.New(svc)}, j, Options{Bucket: b, Prefix: "22_Sept/", DefsErr: fmt.Errorf("no config folder")})
	})
	settle(j)
	if len(w.pick.files) != 5 || !strings.Contains(w.pick.row(1), "⚠ different header (service, total)") ||
		!strings.Contains(w.pick.summary.Text, "1 file has a different header") {
		t.Fatalf("step 1: %d files, row %q, summary %q", len(w.pick.files), w.pick.row(1), w.pick.summary.Text)
	}
	if w.saved.row.Visible() || !w.saved.saveBtn.Disabled() || !strings.Contains(w.saved.note.Text, "no config folder") {
		t.Error("saved reports offered without a place to keep them")
	}
	tapNoWait := func(b *widget.Button) { release := j.Hold(); test.Tap(b); release() }
	tapNoWait(w.next)
	p := waitPrompt(t, j, w)
	ui(j, func() { test.Tap(p.skip) })
	settle(j)
	if w.combine.counts.Text != "28 rows from 4 files, 3 columns" || !strings.Contains(w.combine.details.Text, "Skipped 22_Sept/requests_2022-09-10.csv") {
		t.Errorf("after skip: %q / %q", w.combine.counts.Text, w.combine.details.Text)
	}
	// Save CSV…: the chosen columns, every row.
	out := filepath.Join(t.TempDir(), "sept.csv")
	wc, err := fynestorage.Writer(fynestorage.NewFileURI(out))
	if err != nil {
		t.Fatal(err)
	}
	ui(j, func() {
		w.combine.colChecks[2].SetChecked(false)
		w.combine.saveTo(w.combine.rep, w.combine.columns(), wc)
	})
	settle(j)
	saved, _ := os.ReadFile(out)
	if lines := strings.Split(strings.TrimSpace(string(saved)), "\n"); len(lines) != 29 || lines[0] != "service_name,request_count" || !strings.HasPrefix(w.status.Text, "Saved ") {
		t.Errorf("saved %d lines, first %q, status %q", len(lines), lines[0], w.status.Text)
	}
	ui(j, func() { test.Tap(w.back) })
	tapNoWait(w.next)
	p = waitPrompt(t, j, w)
	ui(j, func() { test.Tap(p.stop) })
	settle(j)
	if w.combine.rep != nil || !w.next.Disabled() || !strings.Contains(w.status.Text, "Could not combine") || !strings.Contains(w.status.Text, "differs") {
		t.Errorf("after stop: report %v, next disabled %v, status %q", w.combine.rep != nil, w.next.Disabled(), w.status.Text)
	}
	w.win.Close()
}

// TestWizardCutSourceIsNotCombined: a source CSV whose body is cut off
// every time stops the combine with the file named; nothing is published.
func TestWizardCutSourceIsNotCombined(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	plantSample(t, srv.Service(t), b)
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: func(r *http.Request) bool {
		return s3test.OpName(r) == "GetObject" && r.Header.Get("Range") == "" && strings.HasSuffix(r.URL.Path, "requests_2022-09-21.csv")
	}, Fault: s3test.CutBody(60)})
	svc := f.Server().Service(t)
	a := test.NewTempApp(t)
	j := async.New(t.Context())
	var w *Wizard
	ui(j, func() { w = Open(a, testStore{Service: report.New(svc)}, j, Options{Bucket: b, Prefix: "22_Sept/"}) })
	settle(j)
	ui(j, func() { w.pick.pattern.SetText("requests_*.csv"); test.Tap(w.pick.listBtn) })
	ui(j, func() { test.Tap(w.next) })
	settle(j)
	if w.combine.rep != nil || !w.next.Disabled() || !strings.Contains(w.status.Text, "requests_2022-09-21.csv") || !strings.Contains(w.status.Text, "part-way") {
		t.Errorf("cut source: report %v, status %q", w.combine.rep != nil, w.status.Text)
	}
	if f.Hit("GetObject") == 0 {
		t.Error("no GET was cut")
	}
	w.win.Close()
}

// TestWizardOnSelectedFiles: Combine CSVs… on two selected files combines
// exactly those, with their sizes.
func TestWizardOnSelectedFiles(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	plantSample(t, svc, b)
	a := test.NewTempApp(t)
	j := async.New(t.Context())
	sel := []storage.Entry{{Key: "22_Sept/requests_2022-09-07.csv"}, {Key: "22_Sept/requests_2022-09-28.csv"}, {Key: "22_Sept/notes.txt"}}
	var w *Wizard
	ui(j, func() {
		w = Open(a, testStore{Service: report.New(svc)}, j, Options{Bucket: b, Prefix: "22_Sept/", Entries: sel})
	})
	settle(j)
	if len(w.pick.files) != 2 || w.pick.files[1].Size != 347 || !strings.Contains(w.pick.row(1), "✓ header matches") {
		t.Fatalf("selection: %+v", w.pick.files)
	}
	ui(j, func() { test.Tap(w.next) })
	settle(j)
	if w.combine.counts.Text != "14 rows from 2 files, 3 columns" {
		t.Errorf("counts %q", w.combine.counts.Text)
	}
	w.win.Close()
}
