package gui

import (
	"strings"
	"testing"

	"s3desk/gui/internal/guitest"
	"s3desk/storage"
	"s3desk/storage/s3test"
)

// TestMainWindowWiresPreviewAndCombine checks the objects view's Preview and
// "Combine CSVs…" open their windows on the connected service.
func TestMainWindowWiresPreviewAndCombine(t *testing.T) {
	srv := s3test.StartVersity(t)
	mw := newSandboxWindow(t, srv)
	b := srv.Bucket(t)
	guitest.PutObject(t, srv.Client(t), b, "r/one.csv", "a,b\n1,2\n")
	guitest.PutObject(t, srv.Client(t), b, "r/two.csv", "a,b\n3,4\n")
	e := storage.Entry{Key: "r/one.csv", Name: "one.csv", Size: int64(len("a,b\n1,2\n"))}
	acts := mw.objects.Actions()
	if acts.Preview == nil || acts.CombineCSV == nil {
		t.Fatal("objectActions lacks Preview or CombineCSV")
	}
	before := len(mw.app.Driver().AllWindows())
	// As on the UI goroutine: one callback at a time (see jobs.Do).
	ui := func(fn func()) { release := mw.jobs.Hold(); fn(); release(); mw.wait() }
	ui(func() { acts.Preview(b, e) })
	ui(func() { acts.CombineCSV(b, "r/", nil) })
	var titles []string
	for _, w := range mw.app.Driver().AllWindows()[before:] {
		titles = append(titles, w.Title())
		defer w.Close()
	}
	if len(titles) != 2 || titles[0] != "one.csv — Preview" || !strings.HasPrefix(titles[1], "Combine CSVs — "+b) {
		t.Errorf("opened windows %q", titles)
	}
}
