package ledger_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"s3desk/storage/ledger"
)

func TestLedgerRoundTripAndMode(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	st, err := ledger.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a, err := st.Add(ctx, ledger.Link{Kind: ledger.Presigned, Bucket: "b", Key: "a+b ü.txt",
		URL: "http://x/b/a%2Bb%20%C3%BC.txt?X-Amz-Signature=1", Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour), Note: "for Ann"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Add(ctx, ledger.Link{Kind: ledger.Upload, Bucket: "b", Key: "in/x", URL: "http://x/b/in/x?sig", Expires: now.Add(time.Hour),
		Why: "temporary credentials"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.Add(ctx, ledger.Link{Kind: ledger.Public, Bucket: "b", Key: "pub", URL: "http://x/b/pub"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.ID == b.ID {
		t.Fatalf("ids %q %q", a.ID, b.ID)
	}
	fi, err := os.Stat(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("ledger mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", di.Mode().Perm())
	}

	// A second Store on the same dir reads what the first wrote.
	st2, _ := ledger.Open(dir)
	all, err := st2.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[2].ID != a.ID {
		t.Fatalf("list %+v", all)
	}
	got, err := st2.Get(ctx, a.ID)
	if err != nil || got.URL != a.URL || got.Key != a.Key || got.Note != "for Ann" || !got.Expires.Equal(a.Expires) || !got.Created.Equal(a.Created) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if s := got.State(now); s != ledger.Expired {
		t.Fatalf("state %v", s)
	}
	gb, _ := st2.Get(ctx, b.ID)
	if gb.State(now) != ledger.Valid || gb.Remaining(now) <= 59*time.Minute || gb.Why == "" {
		t.Fatalf("b: %v %v", gb.State(now), gb.Remaining(now))
	}
	gc, _ := st2.Get(ctx, c.ID)
	if gc.State(now) != ledger.Permanent || gc.Remaining(now) != 0 {
		t.Fatalf("c: %v", gc.State(now))
	}

	if err := st.SetNote(ctx, b.ID, "new note"); err != nil {
		t.Fatal(err)
	}
	if n, err := st.RemoveExpired(ctx, now); err != nil || n != 1 {
		t.Fatalf("remove expired: %d %v", n, err)
	}
	if err := st.Remove(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove(ctx, c.ID); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
	all, _ = st.List(ctx)
	if len(all) != 1 || all[0].ID != b.ID || all[0].Note != "new note" {
		t.Fatalf("after removals %+v", all)
	}
	if fi, _ := os.Stat(st.Path()); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode after rewrite %v", fi.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".links-*"))
	if len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
}

func TestLedgerConcurrentAddsAndDamagedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, _ := ledger.Open(dir)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Add(ctx, ledger.Link{Kind: ledger.Public, URL: "http://x"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if all, _ := st.List(ctx); len(all) != 20 {
		t.Fatalf("%d links", len(all))
	}
	if _, err := st.Add(ctx, ledger.Link{Kind: ledger.Public}); err == nil {
		t.Fatal("a link without URL was recorded")
	}
	if err := os.WriteFile(st.Path(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := st.List(ctx); err == nil {
		t.Fatal("damaged ledger read without error")
	}
	if _, err := st.Add(ctx, ledger.Link{Kind: ledger.Public, URL: "http://y"}); err == nil {
		t.Fatal("damaged ledger overwritten")
	}
	if b, _ := os.ReadFile(st.Path()); string(b) != "{not json" {
		t.Fatal("damaged ledger was changed")
	}
}

// Two Stores on one file (as two S3 Desk processes would have) lose no
// link: changes take the file lock, not only the Store's mutex.
func TestLedgerTwoStoresLoseNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, _ := ledger.Open(dir)
	b, _ := ledger.Open(dir)
	var wg sync.WaitGroup
	for i := 0; i < 15; i++ {
		for _, st := range []*ledger.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := st.Add(ctx, ledger.Link{Kind: ledger.Public, URL: "http://x"}); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if all, _ := a.List(ctx); len(all) != 30 {
		t.Fatalf("%d of 30 links kept", len(all))
	}
}
