package gui

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/internal/guitest"
)

// shootReport opens Combine CSVs… on sampled/22_Sept/ as a user would,
// goes through the monthly report wizard to its chart (report-chart.png),
// publishes and shares the report, and saves the published index.html
// and chart.html, fetched without credentials, into $S3DESK_PUBLISHED (when
// set) for .ci/screenshots to photograph in a headless browser.
func shootReport(t *testing.T, mw *MainWindow, shoot func(string, fyne.Canvas)) {
	t.Helper()
	before := len(mw.app.Driver().AllWindows())
	onUI(mw, func() { mw.objects.Actions().CombineCSV("sampled", "22_Sept/", nil) })
	mw.wait()
	wins := mw.app.Driver().AllWindows()
	if len(wins) != before+1 {
		t.Fatalf("Combine CSVs… opened %d windows", len(wins)-before)
	}
	ww := wins[len(wins)-1]
	defer onUI(mw, ww.Close)
	onUI(mw, func() { ww.Resize(fyne.NewSize(1000, 720)) })
	button := func(text string) *widget.Button {
		var b *widget.Button
		onUI(mw, func() {
			for _, x := range guitest.FindButtons(ww.Canvas().Content(), func(b *widget.Button) bool { return b.Text == text && b.Visible() }) {
				b = x
			}
		})
		return b
	}
	waitUI := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for {
			mw.wait()
			ok := false
			onUI(mw, func() { ok = cond() })
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	tap := func(text string) {
		t.Helper()
		var b *widget.Button
		waitUI("an enabled "+text+" button", func() bool {
			for _, x := range guitest.FindButtons(ww.Canvas().Content(), func(b *widget.Button) bool { return b.Text == text && b.Visible() }) {
				if !x.Disabled() {
					b = x
				}
			}
			return b != nil
		})
		onUI(mw, func() { test.Tap(b) })
		mw.wait()
	}
	tap("Next") // the files are listed: combine
	tap("Next") // combined: the chart
	waitUI("the chart preview", func() bool {
		drawn := false
		walkDrawn(ww.Canvas().Content(), func(o fyne.CanvasObject) {
			if img, ok := o.(*canvas.Image); ok && img.Resource != nil && img.Resource.Name() == "chart.png" {
				drawn = true
			}
		})
		return drawn
	})
	shoot("report-chart.png", ww.Canvas())

	tap("Next")
	onUI(mw, func() { // upload the month's files too, as the guide does
		walkDrawn(ww.Canvas().Content(), func(o fyne.CanvasObject) {
			if c, ok := o.(*widget.Check); ok && strings.HasPrefix(c.Text, "Also upload") {
				c.SetChecked(true)
			}
		})
	})
	tap("Publish")
	tap("Next")
	tap("Share")
	waitUI("the share to finish or ask", func() bool {
		return ww.Canvas().Overlays().Top() != nil || button("Copy").Visible()
	})
	if top := ww.Canvas().Overlays().Top(); top != nil {
		onUI(mw, func() { guitest.TapButton(t, top, "Add statement") })
	}
	var url string
	waitUI("the report's address", func() bool {
		walkDrawn(ww.Canvas().Content(), func(o fyne.CanvasObject) {
			if e, ok := o.(*widget.Entry); ok && e.Visible() && strings.HasSuffix(e.Text, "/index.html") {
				url = e.Text
			}
		})
		return url != ""
	})
	out := os.Getenv("S3DESK_PUBLISHED")
	for _, name := range []string{"index.html", "chart.html"} {
		u := strings.TrimSuffix(url, "index.html") + name
		resp, err := http.Get(u) // as a stranger: no credentials
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("anonymous GET %s: %d %v", u, resp.StatusCode, err)
		}
		if out != "" {
			if err := os.WriteFile(filepath.Join(out, name), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("published and shared %s", url)
}
