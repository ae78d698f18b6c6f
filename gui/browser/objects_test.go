package browser

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

func TestObjectsOpenFolderThenBreadcrumbBack(t *testing.T) {
	h, _, bucket := ovVersity(t, map[string]int{
		"top.txt": 3, "docs/report.txt": 10, "docs/2024/a.txt": 1,
	})
	if !h.v.noBucket.Visible() {
		t.Fatal("before a bucket is open the view should say so")
	}
	h.open(bucket, "")
	if got := h.names(); !slices.Equal(got, []string{"docs", "top.txt"}) {
		t.Fatalf("root shows %q", got)
	}
	test.DoubleTap(h.cell("docs"))
	h.settle()
	if h.v.Prefix() != "docs/" || !slices.Equal(h.names(), []string{"2024", "report.txt"}) {
		t.Fatalf("after opening docs: prefix %q rows %q", h.v.Prefix(), h.names())
	}
	h.click("2024", 0)
	h.key(fyne.KeyReturn)
	h.settle()
	if h.v.Prefix() != "docs/2024/" || !slices.Equal(h.names(), []string{"a.txt"}) {
		t.Fatalf("after Enter on 2024: prefix %q rows %q", h.v.Prefix(), h.names())
	}
	var crumbs []string
	for _, o := range h.v.crumbs.Objects {
		if b, ok := o.(*widget.Button); ok {
			crumbs = append(crumbs, b.Text)
		}
	}
	if !slices.Equal(crumbs, []string{bucket, "docs", "2024"}) {
		t.Fatalf("breadcrumb %q", crumbs)
	}
	test.Tap(h.button("docs"))
	h.settle()
	if h.v.Prefix() != "docs/" {
		t.Fatalf("the docs crumb opened %q", h.v.Prefix())
	}
	test.Tap(h.button(bucket))
	h.settle()
	if h.v.Prefix() != "" || !slices.Equal(h.names(), []string{"docs", "top.txt"}) {
		t.Fatalf("the bucket crumb opened %q with %q", h.v.Prefix(), h.names())
	}
	test.Tap(h.v.backBtn)
	h.settle()
	if h.v.Prefix() != "docs/" {
		t.Fatalf("Back went to %q", h.v.Prefix())
	}
	test.Tap(h.v.upBtn)
	h.settle()
	if h.v.Prefix() != "" || h.v.upBtn.Disabled() == false {
		t.Fatalf("Up went to %q (Up enabled at the root: %v)", h.v.Prefix(), !h.v.upBtn.Disabled())
	}
	if h.v.countLabel.Text != "2 items" {
		t.Fatalf("count says %q", h.v.countLabel.Text)
	}
}

func TestObjectsCreateFolder(t *testing.T) {
	h, c, bucket := ovVersity(t, map[string]int{"a.txt": 1})
	h.open(bucket, "")
	test.Tap(h.button("New folder"))
	e := h.dialogEntry()
	test.Type(e, "bad/name")
	if e.Validate() == nil {
		t.Fatal("a name with a slash was accepted")
	}
	e.SetText("")
	test.Type(e, "Photos 2024")
	test.Tap(h.button("Create"))
	h.settle()
	h.waitFor("the new folder to be selected", func() bool { return h.v.pendingSelect == "" })
	if !slices.Contains(ovAllKeys(t, c, bucket), "Photos 2024/") {
		t.Fatalf("no folder marker in %q", ovAllKeys(t, c, bucket))
	}
	if !slices.Equal(h.names(), []string{"Photos 2024", "a.txt"}) {
		t.Fatalf("rows %q", h.names())
	}
	if !slices.Equal(h.selectedKeys(), []string{"Photos 2024/"}) {
		t.Fatalf("selected %q", h.selectedKeys())
	}
}

func TestObjectsDeleteAsksAndCancelKeepsEverything(t *testing.T) {
	h, c, bucket := ovVersity(t, map[string]int{
		"a.txt": 100, "b.txt": 5, "dir/x.txt": 1000, "dir/y.txt": 2000,
	})
	h.open(bucket, "")
	h.click("a.txt", 0)
	h.click("dir", fyne.KeyModifierControl)
	if got := h.selectedKeys(); !slices.Equal(got, []string{"dir/", "a.txt"}) {
		t.Fatalf("ctrl-click selected %q", got)
	}
	h.key(fyne.KeyDelete)
	h.waitFor("the delete confirmation", func() bool { return strings.Contains(h.dialogText(), "Delete 2 items?") })
	text := h.dialogText()
	for _, want := range []string{"1 file (100 B)", "1 folder holding 2 objects (2.9 KiB)", "cannot be undone"} {
		if !strings.Contains(text, want) {
			t.Fatalf("confirmation lacks %q:\n%s", want, text)
		}
	}
	test.Tap(h.button("Cancel"))
	h.settle()
	if got := ovAllKeys(t, c, bucket); len(got) != 4 {
		t.Fatalf("cancel deleted something: %q", got)
	}

	h.key(fyne.KeyDelete)
	h.waitFor("the delete confirmation", func() bool { return strings.Contains(h.dialogText(), "Delete 2 items?") })
	test.Tap(h.button("Delete"))
	h.settle()
	if got := ovAllKeys(t, c, bucket); !slices.Equal(got, []string{"b.txt"}) {
		t.Fatalf("after delete the bucket holds %q", got)
	}
	if !slices.Equal(h.names(), []string{"b.txt"}) {
		t.Fatalf("the view shows %q", h.names())
	}
	if !strings.Contains(h.v.statusLabel.Text, "Deleted 3 objects") {
		t.Fatalf("status %q", h.v.statusLabel.Text)
	}
}

func TestObjectsRenameFileAndFolder(t *testing.T) {
	h, c, bucket := ovVersity(t, map[string]int{"old.txt": 7, "taken.txt": 1, "dir/1.txt": 1, "dir/2.txt": 2})
	h.open(bucket, "")
	h.click("old.txt", 0)
	h.key(fyne.KeyF2)
	e := h.dialogEntry()
	if e.Text != "old.txt" {
		t.Fatalf("rename starts with %q", e.Text)
	}
	e.SetText("taken.txt")
	test.Tap(h.button("Rename"))
	h.settle()
	if !strings.Contains(h.dialogText(), "already exists") {
		t.Fatalf("renaming onto an existing file did not refuse: %q", h.dialogText())
	}
	h.win.Canvas().Overlays().Top().Hide()
	h.settle()

	h.click("old.txt", 0)
	h.key(fyne.KeyF2)
	h.dialogEntry().SetText("new name.txt")
	test.Tap(h.button("Rename"))
	h.settle()
	h.waitFor("the renamed file to be selected", func() bool { return h.v.pendingSelect == "" })
	keys := ovAllKeys(t, c, bucket)
	if slices.Contains(keys, "old.txt") || !slices.Contains(keys, "new name.txt") {
		t.Fatalf("after rename: %q", keys)
	}
	if !slices.Equal(h.selectedKeys(), []string{"new name.txt"}) {
		t.Fatalf("selected %q", h.selectedKeys())
	}

	h.click("dir", 0)
	test.Tap(h.button("Rename"))
	h.dialogEntry().SetText("folder")
	test.Tap(h.button("Rename"))
	h.settle()
	keys = ovAllKeys(t, c, bucket)
	if !slices.Contains(keys, "folder/1.txt") || !slices.Contains(keys, "folder/2.txt") || slices.Contains(keys, "dir/1.txt") {
		t.Fatalf("after folder rename: %q", keys)
	}
}

func TestObjectsSortByEachColumn(t *testing.T) {
	h, c, bucket := ovVersity(t, map[string]int{"b.txt": 30, "a.txt": 10, "z/in.txt": 1})
	time.Sleep(1100 * time.Millisecond) // a later Last-Modified
	ovPut(t, c, bucket, "c.txt", 20)
	h.open(bucket, "")
	if got := h.names(); !slices.Equal(got, []string{"z", "a.txt", "b.txt", "c.txt"}) {
		t.Fatalf("default order %q", got)
	}
	header := func(title string) *headerCell {
		for _, o := range ovWalk(h.v.table) {
			if hc, ok := o.(*headerCell); ok && hc.col >= 0 && hc.label.Text == title {
				return hc
			}
		}
		t.Fatalf("no header %q", title)
		return nil
	}
	test.Tap(header("Size"))
	if got := h.names(); !slices.Equal(got, []string{"z", "a.txt", "c.txt", "b.txt"}) {
		t.Fatalf("by size %q", got)
	}
	test.Tap(header("Size"))
	if got := h.names(); !slices.Equal(got, []string{"z", "b.txt", "c.txt", "a.txt"}) {
		t.Fatalf("by size, descending %q", got)
	}
	test.Tap(header("Last modified"))
	if got := h.names(); got[3] != "c.txt" {
		t.Fatalf("by date %q", got)
	}
	test.Tap(header("Name"))
	test.Tap(header("Name"))
	if got := h.names(); !slices.Equal(got, []string{"z", "c.txt", "b.txt", "a.txt"}) {
		t.Fatalf("by name, descending %q", got)
	}
}

func TestObjectsFilterAsYouType(t *testing.T) {
	h, _, bucket := ovVersity(t, map[string]int{"Report-2024.pdf": 1, "report-2023.pdf": 1, "notes.txt": 1, "Reports/x": 1})
	h.open(bucket, "")
	test.Type(h.v.filterEntry, "REPORT")
	if got := h.names(); !slices.Equal(got, []string{"Reports", "report-2023.pdf", "Report-2024.pdf"}) {
		t.Fatalf("filtered %q", got)
	}
	if h.v.countLabel.Text != "3 of 4 items shown" {
		t.Fatalf("count %q", h.v.countLabel.Text)
	}
	test.Type(h.v.filterEntry, "-2024")
	if got := h.names(); !slices.Equal(got, []string{"Report-2024.pdf"}) {
		t.Fatalf("filtered %q", got)
	}
	test.Type(h.v.filterEntry, "x")
	if !h.v.noMatch.Visible() || h.v.noMatch.Text != "No items match “REPORT-2024x”" {
		t.Fatalf("no-match message %q (visible %v)", h.v.noMatch.Text, h.v.noMatch.Visible())
	}
	h.v.filterEntry.SetText("")
	if len(h.names()) != 4 || h.v.noMatch.Visible() {
		t.Fatalf("cleared filter shows %q", h.names())
	}
}

func TestObjectsMultiSelectAndShortcuts(t *testing.T) {
	h, _, bucket := ovVersity(t, map[string]int{"1.txt": 1, "2.txt": 1, "3.txt": 1, "4.txt": 1, "5.txt": 1})
	h.open(bucket, "")
	h.click("2.txt", 0)
	h.click("4.txt", fyne.KeyModifierShift)
	if got := h.selectedKeys(); !slices.Equal(got, []string{"2.txt", "3.txt", "4.txt"}) {
		t.Fatalf("shift-click selected %q", got)
	}
	h.click("3.txt", fyne.KeyModifierControl)
	if got := h.selectedKeys(); !slices.Equal(got, []string{"2.txt", "4.txt"}) {
		t.Fatalf("ctrl-click selected %q", got)
	}
	if h.v.countLabel.Text != "5 items, 2 selected" {
		t.Fatalf("count %q", h.v.countLabel.Text)
	}
	h.v.list.TypedShortcut(&fyne.ShortcutCopy{})
	if got := fyne.CurrentApp().Clipboard().Content(); got != "2.txt\n4.txt" {
		t.Fatalf("clipboard %q", got)
	}
	test.TapAt(h.v.table, fyne.NewPos(100, h.v.table.Size().Height-10))
	if len(h.v.selected) != 0 || !h.v.list.focused {
		t.Fatalf("a click below the rows left %q selected (list focused %v)", h.selectedKeys(), h.v.list.focused)
	}
	h.v.typeAhead('4', time.Now())
	if got := h.selectedKeys(); !slices.Equal(got, []string{"4.txt"}) {
		t.Fatalf("typing 4 selected %q", got)
	}
	h.v.list.TypedShortcut(&fyne.ShortcutSelectAll{})
	if len(h.selectedKeys()) != 5 {
		t.Fatalf("select all selected %q", h.selectedKeys())
	}
	h.key(fyne.KeyEscape)
	h.key(fyne.KeyDown)
	h.v.list.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	h.key(fyne.KeyDown)
	h.v.list.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	if got := h.selectedKeys(); !slices.Equal(got, []string{"1.txt", "2.txt"}) {
		t.Fatalf("arrows selected %q", got)
	}
	before := h.v.gen
	h.v.list.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierControl})
	h.settle()
	h.key(fyne.KeyF5)
	h.settle()
	if h.v.gen != before+2 {
		t.Fatalf("Ctrl+R and F5 reloaded %d times", h.v.gen-before)
	}
	if got := h.selectedKeys(); !slices.Equal(got, []string{"1.txt", "2.txt"}) {
		t.Fatalf("refresh lost the selection: %q", got)
	}
	h.click("5.txt", 0)
	test.TapSecondary(h.cell("5.txt"))
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("right-click showed no menu")
	}
	var items []string
	for _, o := range ovWalk(top) {
		switch l := o.(type) {
		case *widget.Label:
			items = append(items, l.Text)
		case *canvas.Text:
			items = append(items, l.Text)
		}
	}
	for _, want := range []string{"Copy key", "Rename…", "Properties…", "Delete…"} {
		if !slices.Contains(items, want) {
			t.Fatalf("context menu %q lacks %q", items, want)
		}
	}
}

func TestObjectsLoadsAPrefixOf5000KeysProgressivelyInOrder(t *testing.T) {
	srv := s3test.StartVersity(t)
	c := srv.Client(t)
	bucket := srv.Bucket(t)
	var want []string
	var wg sync.WaitGroup
	keys := make(chan string)
	for range 16 {
		wg.Go(func() {
			for k := range keys {
				ovPut(t, c, bucket, k, 1)
			}
		})
	}
	for i := range 5000 {
		k := fmt.Sprintf("big/k%05d.txt", i)
		want = append(want, strings.TrimPrefix(k, "big/"))
		keys <- k
	}
	close(keys)
	wg.Wait()
	h := newOV(t, srv.Service(t), ObjectActions{})
	h.v.Open(bucket, "big/")
	// Run the UI queue one step at a time and look at every intermediate state.
	var counts []int
	deadline := time.Now().Add(60 * time.Second)
	for !h.v.complete {
		if !h.step() {
			if time.Now().After(deadline) {
				t.Fatal("the listing did not finish")
			}
			time.Sleep(time.Millisecond)
			continue
		}
		got := h.names()
		if !slices.Equal(got, want[:len(got)]) {
			t.Fatalf("after %d rows the order is wrong", len(got))
		}
		if !h.v.complete {
			counts = append(counts, len(got))
			if lbl := h.v.countLabel.Text; !strings.HasSuffix(lbl, " of many…") {
				t.Fatalf("while loading the count says %q", lbl)
			}
		}
	}
	if len(counts) == 0 || counts[0] != 1000 {
		t.Fatalf("the first page did not show on its own: intermediate counts %v", counts)
	}
	if !slices.Equal(h.names(), want) || h.v.countLabel.Text != "5,000 items" {
		t.Fatalf("final: %d rows, count %q", len(h.names()), h.v.countLabel.Text)
	}
	t.Logf("intermediate row counts: %v", counts)
}

func TestObjectsErrorIsReadable(t *testing.T) {
	srv := s3test.StartVersity(t)
	h := newOV(t, srv.Service(t), ObjectActions{})
	h.open("no-such-bucket-s3desk", "")
	if !h.v.errorState.Visible() || h.v.tableArea.Visible() {
		t.Fatal("the error state is not shown")
	}
	msg := h.v.errorText.Text
	if !strings.Contains(msg, "no-such-bucket-s3desk") || !strings.Contains(msg, "does not exist") {
		t.Fatalf("unclear error %q", msg)
	}
	for _, bad := range []string{"<?xml", "goroutine", "StatusCode", "RequestID", "api error"} {
		if strings.Contains(msg, bad) {
			t.Fatalf("error shows %q: %q", bad, msg)
		}
	}
}

func TestObjectsPropertiesEditMetadata(t *testing.T) {
	h, c, bucket := ovVersity(t, map[string]int{"page.html": 12})
	h.open(bucket, "")
	h.click("page.html", 0)
	test.Tap(h.button("Properties"))
	h.settle()
	text := h.dialogText()
	for _, want := range []string{"page.html", "12 B (12 bytes)", "Standard"} {
		if !strings.Contains(text, want) {
			t.Fatalf("properties lack %q:\n%s", want, text)
		}
	}
	var entries []*widget.Entry
	for _, o := range ovWalk(h.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) < 2 {
		t.Fatalf("%d entries", len(entries))
	}
	entries[0].SetText("text/html; charset=utf-8")
	entries[1].SetText("max-age=60")
	test.Tap(h.button("Add metadata"))
	var meta []*widget.Entry
	for _, o := range ovWalk(h.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e != entries[0] && e != entries[1] {
			meta = append(meta, e)
		}
	}
	if len(meta) != 2 {
		t.Fatalf("%d metadata entries", len(meta))
	}
	meta[0].SetText("bad key!")
	meta[1].SetText("v")
	test.Tap(h.button("Save"))
	if !strings.Contains(h.dialogText(), "may use only letters") {
		t.Fatalf("a bad metadata name was not refused:\n%s", h.dialogText())
	}
	meta[0].SetText("Owner")
	meta[1].SetText("Ada")
	test.Tap(h.button("Save"))
	h.settle()
	out, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("page.html")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ContentType) != "text/html; charset=utf-8" || aws.ToString(out.CacheControl) != "max-age=60" || out.Metadata["owner"] != "Ada" {
		t.Fatalf("saved %q %q %v", aws.ToString(out.ContentType), aws.ToString(out.CacheControl), out.Metadata)
	}
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("the dialog stayed open after saving")
	}
}

func TestObjectsActionButtonsFollowTheirCallbacks(t *testing.T) {
	h, _, bucket := ovVersity(t, map[string]int{"a.csv": 1, "b.csv": 2, "dir/c.txt": 3})
	for _, o := range ovWalk(h.v.toolbar) {
		if b, ok := o.(*widget.Button); ok && (b.Text == "Download" || b.Text == "Share" || strings.HasPrefix(b.Text, "Upload")) {
			t.Fatalf("button %q shown without its callback", b.Text)
		}
	}
	var got []string
	var previewed string
	var uploadedTo string
	// Set after construction, as the main window does once its features exist.
	h.v.actions = ObjectActions{
		Download: func(b string, es []storage.Entry) {
			for _, e := range es {
				got = append(got, b+":"+e.Key)
			}
		},
		Preview:     func(b string, e storage.Entry) { previewed = e.Key },
		UploadFiles: func(b, p string) { uploadedTo = b + "/" + p },
	}
	h.open(bucket, "")
	h.click("a.csv", 0)
	h.click("b.csv", fyne.KeyModifierShift)
	test.Tap(h.button("Download"))
	if !slices.Equal(got, []string{bucket + ":a.csv", bucket + ":b.csv"}) {
		t.Fatalf("Download got %q", got)
	}
	h.click("b.csv", 0)
	h.v.list.TypedRune(' ')
	if previewed != "b.csv" {
		t.Fatalf("Space previewed %q", previewed)
	}
	previewed = ""
	test.DoubleTap(h.cell("a.csv"))
	if previewed != "a.csv" {
		t.Fatalf("double-click previewed %q", previewed)
	}
	test.Tap(h.button("Upload files…"))
	if uploadedTo != bucket+"/" {
		t.Fatalf("upload went to %q", uploadedTo)
	}
	h.v.SetActions(ObjectActions{})
	for _, o := range ovWalk(h.v.toolbar) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Download" {
			t.Fatal("Download stayed after its callback went")
		}
	}
}
