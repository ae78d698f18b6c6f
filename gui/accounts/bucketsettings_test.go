package accounts

import (
	"testing"

	"s3desk/storage"
)

func menuLabels(v *BucketsView, id int) map[string]func() {
	out := map[string]func(){}
	if m := v.bucketMenu(id); m != nil {
		for _, it := range m.Items {
			out[it.Label] = it.Action
		}
	}
	return out
}

// "Bucket settings…" is in a bucket's row menu when the shell offers it,
// and opens the settings of that bucket.
func TestBucketMenuOffersSettings(t *testing.T) {
	v, j, _ := newBucketsOnly(t)
	v.SetStore(&fakeBuckets{list: []storage.Bucket{{Name: "alpha"}, {Name: "beta"}}})
	j.Wait()
	if _, ok := menuLabels(v, 1)["Bucket settings…"]; ok {
		t.Fatal("offered without a handler")
	}
	var got []string
	v.OnSettings = func(b string) { got = append(got, b) }
	items := menuLabels(v, 1)
	open, ok := items["Bucket settings…"]
	if !ok {
		t.Fatalf("menu: %v", items)
	}
	if _, ok := items["Delete bucket…"]; !ok {
		t.Fatal("the menu lost Delete bucket…")
	}
	open()
	if len(got) != 1 || got[0] != "beta" {
		t.Fatalf("opened %v", got)
	}
}
