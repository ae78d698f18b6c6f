package versions

import (
	"context"
	"iter"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"s3desk/gui/async"
	sv "s3desk/storage/versions"
)

// slowStore lists one key per folder; the listing of "slow/" waits until
// release is closed.
type slowStore struct {
	Store
	release chan struct{}
}

func (s *slowStore) List(ctx context.Context, bucket string, opts sv.ListOptions) iter.Seq2[sv.Page, error] {
	return func(yield func(sv.Page, error) bool) {
		if opts.Prefix == "slow/" {
			<-s.release
		}
		k := opts.Prefix + "file.txt"
		yield(sv.Page{Keys: []sv.Key{{Key: k, Name: "file.txt", Versions: []sv.Version{{Key: k, VersionID: "v-" + opts.Prefix, IsLatest: true}}}}, Last: true}, nil)
	}
}

// A folder's late page never lands in the folder shown after it.
func TestPaneDropsStalePages(t *testing.T) {
	test.NewTempApp(t)
	var queue []func()
	post := make(chan func(), 16)
	st := &slowStore{release: make(chan struct{})}
	p := NewPane(test.NewWindow(nil), async.WithUI(t.Context(), func(f func()) { post <- f }), func() Store { return st }, Actions{})
	run := func(until func() bool) {
		deadline := time.After(10 * time.Second)
		for !until() {
			select {
			case f := <-post:
				queue = append(queue, f)
				for len(queue) > 0 {
					f, queue = queue[0], queue[1:]
					f()
				}
			case <-deadline:
				t.Fatal("timed out")
			}
		}
	}
	p.Show(t.Context(), "b", "slow/", nil)
	p.Show(t.Context(), "b", "fast/", nil)
	run(func() bool { return p.rows.len() > 0 && !p.loading() })
	close(st.release)
	time.Sleep(50 * time.Millisecond)
	select {
	case f := <-post:
		f()
	case <-time.After(time.Second):
	}
	if p.rows.len() != 2 || p.rows.at(0).key != "fast/file.txt" || p.rows.at(1).v.VersionID != "v-fast/" {
		t.Errorf("rows after a late page of the previous folder: %+v", p.rows)
	}
	p.Stop()
}
